/*
 * ring-vandal: a client that breaks the shared memory of the direct path
 * on purpose (hosted/ring.h), for tests/check_direct. It connects to a
 * server like any client, sends one Scalar so that its ring exists, then
 * maps its own ring, the server page and its object socket the way
 * libxous does, and writes into them what no honest library would.
 *
 *   ring-vandal PHASES NAME16 ROUNDS stay|exit
 *   ring-vandal burst NAME16 N
 *   ring-vandal fill NAME16
 *
 * PHASES is a comma-separated list, run in order, each ROUNDS times:
 *   cells    garbage cells in its own ring: random kinds, tokens, keys and
 *            words, the broker's flag with forged tokens, memory kinds with
 *            no object, TIDs past the answer slots, and sequence numbers
 *            that claim cells full out of turn; then the bell
 *   answers  garbage in every answer slot of its own ring, and wakes them
 *   page     wrong hints in the server page: all ready bits set or clear,
 *            the bell, sleepers and space waiters huge or zero, pending 0
 *   gens     random ring generations for every PID in the server page
 *   dead     dead = 1 in the server page
 *   full     pending = 0xffffffff in the server page
 *   header   garbage in the server page's header: magic, version, index,
 *            generation, and the trace flag on
 *   socket   malformed datagrams and piles of descriptors on its object
 *            socket, with memory cells that make the server read them
 *   shrink   lends of a file on disk (not sealed) that it keeps shrinking
 *            and growing while the server maps it
 *   stamps   well-formed Scalars (id 1001) in the free cells of its own
 *            ring, whose order stamps lie: 0, all ones, random, far in
 *            the past or the future
 * It prints "pid N" and "seed S" first (the garbage is drawn from S, which
 * $RING_VANDAL_SEED sets to run a failure again), and "vandalised PHASE"
 * after each phase; after the ring phases (cells, answers, socket, shrink)
 * it first puts its ring back in order and makes one BlockingScalar
 * (id 2000), so the line also says that the server got past everything
 * it wrote. Then "done", and it
 * exits, or stays until killed.
 *
 * The honest roles, for the tests that need a client that is quick to
 * die or that fills a queue:
 *   burst  sends N Scalars id 7 (arg1 = 0..N-1), prints "sent N", exits
 *   fill   TrySendMessage Scalars id 7 until ServerQueueFull; prints
 *          "accepted N" and stays
 *
 * Every id it sends is 1000 or more, but for id 1 and 2 with its own key
 * (VANDAL_KEY): no id that makes a checking server pause, hold or exit.
 *
 * Exit status: 0 done, 1 a call failed, 64 bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <xous.h>

#include "hosted/internal.h"
#include "hosted/ring.h"
#include "tools/monotonic.h"

#define VANDAL_KEY 7777
#define SAFE_ID 1000 /* ids from here on mean nothing to any test server */
#define SYNC_ID 2000
#define SETTLE_QUIET_MS 20
#define SETTLE_MAX_MS 3000

static struct xous_ring *ring;
static struct xous_server_page *page;
static int sock = -1;
static xous_cid_t cid;
static unsigned my_pid;
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static _Noreturn void
usage(void)
{
  fprintf(stderr, "usage: ring-vandal PHASES NAME16 ROUNDS stay|exit\n"
                  "       ring-vandal burst NAME16 N\n"
                  "       ring-vandal fill NAME16\n");
  exit(64);
}

static _Noreturn void
fail(const char *what, xous_error_t err)
{
  printf("FAIL %s %s\n", what, xous_error_name(err));
  exit(1);
}

static uint64_t
rnd(void)
{
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

static void
sleep_ms(unsigned ms)
{
  struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

  while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
    continue;
}

static xous_cid_t
connect_name(const char *name)
{
  xous_cid_t c;
  xous_error_t err;

  if (strlen(name) != 16)
    usage();
  err = xous_connect(xous_sid_from_name(name), &c);
  if (err != XOUS_OK)
    fail("connect", err);
  return c;
}

/* ==== the objects libxous maps ============================================ */

static void *
map_hosted(unsigned op, size_t size, uint32_t magic)
{
  struct xous__hosted_args h = { .op = op, .cid = cid };
  void *map = NULL;
  xous_error_t err = xous__hosted_object(&h, NULL, size, magic, &map);

  if (err != XOUS_OK)
    fail("map", err);
  return map;
}

static void
attach(void)
{
  struct xous__hosted_args h = { .op = XOUS__SOCK_OF_CID, .cid = cid };
  xous_error_t err;

  ring = map_hosted(XOUS__RING_OF_CID, XOUS_RING_BYTES, XOUS_RING_MAGIC);
  page = map_hosted(XOUS__PAGE_OF_CID, XOUS_SERVER_PAGE_BYTES,
                    XOUS_PAGE_MAGIC);
  err = xous__hosted_socket(&h, &sock);
  if (err != XOUS_OK)
    fail("socket", err);
}

/* ==== keeping its own ring usable between phases ========================== */

/* Waits until the server stops taking cells from our ring: its mirror of
 * its position (deq) stays put for a while. */
static void
settle(void)
{
  /* SAFETY: deq is a word of our mapping, read only. */
  uint32_t last = atomic_load(&ring->deq);
  long long quiet = now_ms(), t0 = quiet;

  while (now_ms() - quiet < SETTLE_QUIET_MS && now_ms() - t0 < SETTLE_MAX_MS) {
    uint32_t d;

    sleep_ms(2);
    d = atomic_load(&ring->deq);
    if (d != last) {
      last = d;
      quiet = now_ms();
    }
  }
}

/* Puts the ring back as an empty one at the server's position, so that
 * libxous can send through it again: every cell free for its producer. */
static void
repair(void)
{
  /* SAFETY: cells and enq of our mapping, indexes taken modulo the ring;
   * the server has stopped taking (settle), and a cell it still took
   * would be left with the very value written here. */
  uint32_t pos = atomic_load(&ring->deq);

  for (uint32_t i = 0; i < XOUS_RING_CELLS; i++)
    atomic_store(&ring->cells[(pos + i) % XOUS_RING_CELLS].seq, pos + i);
  atomic_store(&ring->enq, pos);
}

/* One honest round trip: the server got past all we wrote before. */
static void
sync_call(void)
{
  xous_word_t ret[5];
  xous_error_t err = xous_blocking_scalar(cid, SYNC_ID, 0, 0, 0, 0, ret);

  if (err != XOUS_OK)
    fail("sync", err);
}

static void
ring_bell(void)
{
  /* SAFETY: the server page is mapped whole; the ready bit is our own. */
  xous__page_ring_bell(page, my_pid);
}

/* ==== cells =============================================================== */

static uint32_t
tid_below(unsigned n)
{
  return (uint32_t)(rnd() % n) << 8;
}

/* Fills cell c (not its seq) with garbage of variant v. */
static void
garbage_cell(struct xous_ring_cell *c, unsigned v)
{
  /* SAFETY: c is a cell of our mapping; plain stores. */
  c->token = (uint32_t)rnd();
  c->key = (uint32_t)rnd();
  for (int i = 0; i < 5; i++)
    c->w[i] = rnd();
  c->w[0] = SAFE_ID + rnd() % 1000000;
  c->order = v % 3 == 0 ? 0 : v % 3 == 1 ? UINT64_MAX : rnd();
  switch (v % 12) {
  case 0: /* anything at all */
    c->kind = (uint32_t)rnd();
    break;
  case 1: /* a Scalar of the checking protocol, numbered anyhow */
    c->kind = XOUS_MSG_SCALAR | tid_below(256);
    c->w[0] = 1;
    c->w[1] = VANDAL_KEY;
    break;
  case 2: /* a BlockingScalar of the checking protocol */
    c->kind = XOUS_MSG_BLOCKING_SCALAR | tid_below(XOUS_RING_ANSWERS);
    c->w[0] = 2;
    c->w[1] = VANDAL_KEY + 1;
    break;
  case 3: /* a BlockingScalar with a random call number */
    c->kind = XOUS_MSG_BLOCKING_SCALAR | tid_below(XOUS_RING_ANSWERS);
    break;
  case 4: /* a TID past the answer slots */
    c->kind =
        (uint32_t)(XOUS_MSG_LEND_MUT + rnd() % 5) |
        ((uint32_t)(XOUS_RING_ANSWERS + rnd() % (256 - XOUS_RING_ANSWERS))
         << 8);
    break;
  case 5: /* the broker's flag on a blocking call, with a forged slot */
    c->kind = XOUS_MSG_BLOCKING_SCALAR | XOUS_CELL_F_BROKER | tid_below(256);
    c->token = (uint32_t)rnd() % 2 ? (c->token | XOUS__SENDER_BROKER)
                                   : c->token;
    break;
  case 6: /* the broker's flag on a memory message: nothing to fetch */
    c->kind = (uint32_t)(XOUS_MSG_LEND_MUT + rnd() % 3) | XOUS_CELL_F_BROKER;
    c->token = (c->token & 0x7fff) | XOUS__SENDER_BROKER;
    break;
  case 7: /* the broker's flag on kinds that do not exist */
    c->kind = (uint32_t)(rnd() % 2 ? 0 : 6 + rnd() % 250) | XOUS_CELL_F_BROKER;
    break;
  case 8: /* a memory message whose object never came */
    c->kind = (uint32_t)(XOUS_MSG_LEND_MUT + rnd() % 3) |
              tid_below(XOUS_RING_ANSWERS);
    c->w[1] = 0;
    c->w[2] = XOUS_PAGE_SIZE;
    break;
  case 9: /* kinds that do not exist */
    c->kind = (uint32_t)(rnd() % 2 ? 0 : 6 + rnd() % 250) |
              tid_below(XOUS_RING_ANSWERS);
    break;
  case 10: /* the broker's flag on a Scalar */
    c->kind = XOUS_MSG_SCALAR | XOUS_CELL_F_BROKER;
    break;
  default: /* a Scalar with an id nobody knows */
    c->kind = XOUS_MSG_SCALAR | tid_below(256);
    break;
  }
}

static void
phase_cells(unsigned round)
{
  /* SAFETY: only our own ring's cells, indexed modulo the ring. */
  uint32_t pos = atomic_load(&ring->deq);
  bool jam = round % 4 == 3;

  for (uint32_t i = 0; i < XOUS_RING_CELLS; i++) {
    uint32_t p = pos + i;
    struct xous_ring_cell *c = &ring->cells[p % XOUS_RING_CELLS];
    uint32_t seq = p + 1;

    garbage_cell(c, round * 7 + i);
    if (jam) {
      /* Sequence numbers that lie: some full cells, then cells that
       * claim to be full for another lap, or free, or anything. */
      static const int32_t lies[] = { XOUS_RING_CELLS + 1, 0, -1, 2, 0x4000 };

      if (i >= 5)
        seq = i % 7 == 0
                  ? (uint32_t)rnd()
                  : p + (uint32_t)lies[i % (sizeof lies / sizeof lies[0])];
    }
    atomic_store(&c->seq, seq);
  }
  atomic_store(&ring->enq, pos + XOUS_RING_CELLS);
  ring_bell();
}

/* ==== stamps ============================================================== */

static void
phase_stamps(unsigned round)
{
  /* SAFETY: only our own ring's cells, indexed modulo the ring; a cell is
   * written only when it is free, as an honest producer would. */
  uint64_t now = xous__ring_clock();
  const uint64_t lies[] = {
    0, UINT64_MAX, rnd(), now - 1000000000000ull, now + 1000000000000ull, 1
  };

  for (unsigned i = 0; i < 8; i++) {
    uint32_t pos = atomic_load(&ring->enq);
    struct xous_ring_cell *c = &ring->cells[pos % XOUS_RING_CELLS];

    if (atomic_load(&c->seq) != pos)
      break; /* full: the server has not taken them yet */
    c->kind = XOUS_MSG_SCALAR;
    c->token = 0;
    c->key = (uint32_t)rnd();
    c->w[0] = SAFE_ID + 1;
    for (int k = 1; k < 5; k++)
      c->w[k] = round;
    c->order = lies[(round + i) % (sizeof lies / sizeof lies[0])];
    atomic_store(&ring->enq, pos + 1);
    atomic_store(&c->seq, pos + 1);
  }
  ring_bell();
}

/* ==== answers ============================================================= */

static void
phase_answers(unsigned round)
{
  static const uint32_t states[] = { XOUS_ANSWER_IDLE, XOUS_ANSWER_WAITING,
                                     XOUS_ANSWER_ASLEEP, XOUS_ANSWER_READY };

  (void)round;
  for (unsigned t = 0; t < XOUS_RING_ANSWERS; t++) {
    /* SAFETY: answer slots of our own mapping, t < XOUS_RING_ANSWERS. */
    struct xous_ring_answer *a = &ring->answers[t];

    a->call = (uint32_t)rnd();
    a->tag = (uint32_t)rnd() % 2 ? (uint32_t)rnd() : XOUS_RESULT_SCALAR1;
    for (int i = 0; i < 5; i++)
      a->w[i] = rnd();
    atomic_store(&a->state, rnd() % 2 ? states[rnd() % 4] : (uint32_t)rnd());
    xous__futex_wake(&a->state, 1 << 30);
  }
  /* And the ring's own header, which nobody should trust. */
  atomic_store(&ring->gone,
               (uint32_t)rnd() & ~(uint32_t)XOUS_RING_SERVER_GONE);
  atomic_store(&ring->sent, (uint32_t)rnd());
  ring->server_index = (uint32_t)rnd();
  ring->client_pid = (uint32_t)rnd();
}

/* ==== the server page ===================================================== */

static void
phase_page(unsigned round)
{
  /* SAFETY: the server page is mapped whole; every index is constant. */
  for (unsigned i = 0; i < XOUS_RING_PIDS / 64; i++)
    atomic_store(&page->ready[i], round % 2 ? ~0ull : 0);
  atomic_store(&page->bell, (uint32_t)rnd());
  atomic_store(&page->sleepers, round % 3 == 0 ? 0 : 0xffffffffu - round);
  atomic_store(&page->space, (uint32_t)rnd());
  atomic_store(&page->space_waiters, round % 2 ? 0 : 0x7fffffffu);
  atomic_store(&page->served, (uint32_t)rnd());
  atomic_store(&page->pending, 0);
  xous__futex_wake(&page->bell, 1 << 30);
  xous__futex_wake(&page->space, 1 << 30);
}

static void
phase_gens(unsigned round)
{
  (void)round;
  /* SAFETY: the server page is mapped whole; p < XOUS_RING_PIDS. */
  for (unsigned p = 0; p < XOUS_RING_PIDS; p++)
    atomic_store(&page->ring_gen[p], (uint32_t)rnd());
  atomic_fetch_add(&page->bell, 1);
  xous__futex_wake(&page->bell, 1 << 30);
}

static void
phase_dead(unsigned round)
{
  (void)round;
  /* SAFETY: a word of the mapped server page. */
  atomic_store(&page->dead, 1);
  atomic_fetch_add(&page->bell, 1);
  xous__futex_wake(&page->bell, 1 << 30);
}

static void
phase_header(unsigned round)
{
  (void)round;
  /* SAFETY: words of the mapped server page. */
  page->magic = (uint32_t)rnd();
  page->version = (uint32_t)rnd();
  page->index = (uint32_t)rnd();
  page->gen = (uint32_t)rnd();
  atomic_store(&page->trace, 1);
}

static void
phase_full(unsigned round)
{
  (void)round;
  /* SAFETY: a word of the mapped server page. */
  atomic_store(&page->pending, 0xffffffffu);
}

/* ==== the object socket =================================================== */

/* One datagram of len bytes (from buf, zeros past its end) with nfds
 * copies of fd. */
static void
send_raw(const void *buf, size_t len, int fd, int nfds)
{
  static char bytes[2 * XOUS_PAGE_SIZE];
  int fds[64];
  union {
    char buf[CMSG_SPACE(sizeof fds)];
    struct cmsghdr align;
  } u;
  struct iovec iov = { .iov_base = bytes, .iov_len = len };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

  memset(bytes, 0, sizeof bytes);
  if (buf != NULL)
    memcpy(bytes, buf,
           len < sizeof(struct xous_object_note)
               ? len
               : sizeof(struct xous_object_note));
  if (nfds > 64)
    nfds = 64;
  if (nfds > 0) {
    struct cmsghdr *cm;

    for (int i = 0; i < nfds; i++)
      fds[i] = fd;
    memset(&u, 0, sizeof u);
    msg.msg_control = u.buf;
    msg.msg_controllen = CMSG_SPACE((size_t)nfds * sizeof(int));
    cm = CMSG_FIRSTHDR(&msg);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN((size_t)nfds * sizeof(int));
    memcpy(CMSG_DATA(cm), fds, (size_t)nfds * sizeof(int));
  }
  /* A full socket only means the server has not read yet: drop it. */
  (void)sendmsg(sock, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
}

static void
send_note(uint32_t magic, uint32_t key, int fd, int nfds)
{
  struct xous_object_note note = { magic, key, 0, 0 };

  send_raw(&note, sizeof note, fd, nfds);
}

/* A memfd of len bytes, sealed against shrinking when sealed. */
static int
memory_object(size_t len, bool sealed)
{
  int fd = memfd_create("ring-vandal", MFD_CLOEXEC | MFD_ALLOW_SEALING);

  if (fd < 0 || ftruncate(fd, (off_t)len) != 0)
    fail("memfd", XOUS_OUT_OF_MEMORY);
  if (sealed && fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW) != 0)
    fail("seal", XOUS_OUT_OF_MEMORY);
  return fd;
}

/* Writes a Lend cell naming key at the next position of our ring. */
static void
push_lend(uint32_t key, uint64_t len, uint64_t valid)
{
  struct xous_cell_body body = { .id = SAFE_ID + 1,
                                 .mem = { 0, len, 0, valid } };

  /* SAFETY: our own ring, through the producer's bounded step; a full
   * ring only drops the cell. */
  if (xous__ring_push(ring, XOUS_MSG_LEND | (0u << 8), (uint32_t)rnd(), key,
                      &body) == 0)
    ring_bell();
}

static void
phase_socket(unsigned round)
{
  uint32_t key = 0x56000000u | (round & 0xffff) << 8;
  int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
  int pipes[2];
  int unsealed = memory_object(XOUS_PAGE_SIZE, false);
  int small = memory_object(XOUS_PAGE_SIZE, true);
  int good = memory_object(XOUS_PAGE_SIZE, true);

  if (null < 0 || pipe2(pipes, O_CLOEXEC) != 0)
    fail("open", XOUS_OUT_OF_MEMORY);
  /* Datagrams that are no note: empty, short, long, bad magic; with a
   * descriptor, none, or a pile of them. */
  send_raw(NULL, 0, null, 1);
  send_raw(NULL, 0, -1, 0);
  send_raw(NULL, 4, null, 1);
  send_raw(NULL, 2 * XOUS_PAGE_SIZE, null, 1);
  send_note(~XOUS_OBJECT_MAGIC, key + 1, null, 1);
  send_note(XOUS_OBJECT_MAGIC, key + 2, -1, 0);
  send_note(XOUS_OBJECT_MAGIC, key + 3, null, 2);
  send_note(XOUS_OBJECT_MAGIC, key + 4, null, 64);
  /* Notes of the right shape whose objects cannot be mapped. */
  send_note(XOUS_OBJECT_MAGIC, key + 5, pipes[0], 1);
  send_note(XOUS_OBJECT_MAGIC, key + 6, unsealed, 1);
  send_note(XOUS_OBJECT_MAGIC, key + 7, small, 1);
  /* Notes no cell will ever name: more than the server keeps. */
  for (uint32_t i = 0; i < 12; i++)
    send_note(XOUS_OBJECT_MAGIC, key + 0x80 + i, null, 1);
  /* And one lend that is all in order, from a vandal. */
  send_note(XOUS_OBJECT_MAGIC, key + 8, good, 1);
  /* The cells that make the server read all that. */
  for (uint32_t k = 1; k <= 8; k++)
    push_lend(key + k, k == 7 ? 4 * XOUS_PAGE_SIZE : XOUS_PAGE_SIZE, 64);
  for (uint32_t i = 0; i < 8; i++)
    push_lend(key + 0x40 + i, XOUS_PAGE_SIZE, 64);
  close(null);
  close(pipes[0]);
  close(pipes[1]);
  close(unsealed);
  close(small);
  close(good);
}

/* ==== shrink: a lend of a file that does not stay its size ================ */

static atomic_bool shrinking;
static int shrink_fd = -1;

static void *
shrinker(void *arg)
{
  (void)arg;
  while (atomic_load(&shrinking)) {
    if (ftruncate(shrink_fd, 0) != 0 ||
        ftruncate(shrink_fd, XOUS_PAGE_SIZE) != 0)
      break;
  }
  return NULL;
}

static void
phase_shrink(unsigned round)
{
  uint32_t key = 0x57000000u | (round & 0xffff) << 8;
  pthread_t thread;

  if (shrink_fd < 0) {
    const char *tmp = getenv("TMPDIR");
    char path[256];

    /* A file on whatever $TMPDIR is: on tmpfs it carries seals and is
     * refused for that; on a disk it has none to ask about. */
    snprintf(path, sizeof path, "%s/ring-vandal-XXXXXX",
             tmp != NULL && tmp[0] == '/' ? tmp : "/tmp");
    shrink_fd = mkstemp(path);
    if (shrink_fd < 0 || unlink(path) != 0)
      fail("file", XOUS_OUT_OF_MEMORY);
  }
  if (ftruncate(shrink_fd, XOUS_PAGE_SIZE) != 0)
    fail("file", XOUS_OUT_OF_MEMORY);
  atomic_store(&shrinking, true);
  if (pthread_create(&thread, NULL, shrinker, NULL) != 0)
    fail("thread", XOUS_OUT_OF_MEMORY);
  for (uint32_t k = 0; k < 16; k++) {
    send_note(XOUS_OBJECT_MAGIC, key + k, shrink_fd, 1);
    push_lend(key + k, XOUS_PAGE_SIZE, 64);
    sleep_ms(1);
  }
  atomic_store(&shrinking, false);
  pthread_join(thread, NULL);
}

/* ==== the phases ========================================================== */

static const struct phase {
  const char *name;
  void (*run)(unsigned round);
  bool on_ring; /* settle, repair and sync afterwards */
} phases[] = {
  { "cells", phase_cells, true },    { "answers", phase_answers, true },
  { "page", phase_page, false },     { "gens", phase_gens, false },
  { "dead", phase_dead, false },     { "full", phase_full, false },
  { "header", phase_header, false }, { "socket", phase_socket, true },
  { "shrink", phase_shrink, true },  { "stamps", phase_stamps, false },
};

static const struct phase *
phase_named(const char *name, size_t len)
{
  for (size_t i = 0; i < sizeof phases / sizeof phases[0]; i++)
    if (strlen(phases[i].name) == len &&
        strncmp(phases[i].name, name, len) == 0)
      return &phases[i];
  usage();
}

static int
run_vandal(const char *list, const char *name, unsigned rounds, bool stay)
{
  xous_error_t err;

  cid = connect_name(name);
  my_pid = xous_get_process_id();
  printf("pid %u\n", my_pid);
  printf("seed %llu\n", (unsigned long long)rng);
  err = xous_scalar(cid, SAFE_ID, 0, 0, 0, 0);
  if (err != XOUS_OK)
    fail("scalar", err);
  attach();
  for (const char *p = list; *p != '\0';) {
    size_t len = strcspn(p, ",");
    const struct phase *ph = phase_named(p, len);

    for (unsigned r = 0; r < rounds; r++) {
      ph->run(r);
      if (ph->on_ring) {
        settle();
        repair();
      }
      sleep_ms(1);
    }
    if (ph->on_ring)
      sync_call();
    printf("vandalised %s\n", ph->name);
    p += len;
    if (*p == ',')
      p++;
  }
  printf("done\n");
  while (stay)
    pause();
  return 0;
}

/* ==== the honest roles ==================================================== */

static int
run_burst(const char *name, unsigned long n)
{
  cid = connect_name(name);
  for (unsigned long i = 0; i < n; i++) {
    xous_error_t err = xous_scalar(cid, 7, i, 0, 0, 0);

    if (err != XOUS_OK)
      fail("scalar", err);
  }
  printf("sent %lu\n", n);
  return 0;
}

static int
run_fill(const char *name)
{
  unsigned long accepted = 0;

  cid = connect_name(name);
  for (;;) {
    xous_message_t msg = { .kind = XOUS_MSG_SCALAR,
                           .scalar = { 7, accepted, 0, 0, 0 } };
    xous_result_t res;
    xous_error_t err = xous_try_send_message(cid, &msg, &res);

    if (err == XOUS_SERVER_QUEUE_FULL)
      break;
    if (err != XOUS_OK)
      fail("try_send_message", err);
    /* More than one queue's worth: the count is broken; say so. */
    if (++accepted > 4 * XOUS_QUEUE_DEPTH)
      break;
  }
  printf("accepted %lu\n", accepted);
  for (;;)
    pause();
}

int
main(int argc, char **argv)
{
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc == 4 && strcmp(argv[1], "burst") == 0)
    return run_burst(argv[2], strtoul(argv[3], NULL, 0));
  if (argc == 3 && strcmp(argv[1], "fill") == 0)
    return run_fill(argv[2]);
  if (argc == 5 &&
      (strcmp(argv[4], "stay") == 0 || strcmp(argv[4], "exit") == 0)) {
    const char *seed = getenv("RING_VANDAL_SEED");

    rng = seed != NULL && seed[0] != '\0' ? strtoull(seed, NULL, 0)
                                          : rng ^ (uint64_t)getpid() << 32;
    if (rng == 0)
      rng = 1; /* the generator's one fixed point */
    return run_vandal(argv[1], argv[2], (unsigned)strtoul(argv[3], NULL, 0),
                      strcmp(argv[4], "stay") == 0);
  }
  usage();
}
