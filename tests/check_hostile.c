/*
 * The hostile-client suite: while two well-behaved clients talk to a
 * checking server (tests/helpers/hostile-peer), the test process does one
 * bad thing after another, with raw frames and through <xous.h>. Each test
 * asserts that the hostile calls get errors (or lose their socket), and, in
 * the teardown, that every message of the good clients arrived once, in
 * order and intact (the server checks sequence numbers and bytes), and that
 * the broker and the server are still up.
 *
 * Also here: broker death. When xousd is killed, a blocked receiver, a
 * blocked client and a blocked Connect each get InternalError, and so does
 * the next call; nothing hangs.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>

#include <xous.h>
#include <xous/names.h>

#include "hosted/wire.h"
#include "support/expect.h"
#include "support/harness.h"
#include "support/raw.h"

#define PEER "tests/helpers/hostile-peer"
#define VICTIM "rel-victim-srv01"
#define BOUND_MS 2000
#define STACK_SIZE (128 * 1024)

static pid_t victim, good[2];

/* ==== helpers =============================================================== */

static int
raw_hello(unsigned type, uint64_t w0, uint32_t tid, struct xous_wire_frame *f)
{
  int fd = harness_raw_connect();

  *f = raw_frame(type);
  f->w[0] = w0;
  f->tid = tid;
  snprintf(f->name, sizeof f->name, "rel-hostile");
  ck_assert_int_eq(raw_send_fd(fd, f, sizeof *f, -1), 0);
  ck_assert_msg(raw_recv(fd, f, BOUND_MS) == 1, "no answer to hello");
  return fd;
}

/* A raw session connected to the victim server: its CID. */
static uint64_t
raw_connect_victim(struct raw_session *s)
{
  xous_sid_t sid = sid16(VICTIM);
  uint64_t w[8] = { XOUS_SYSCALL_TRY_CONNECT, sid.w[0], sid.w[1], sid.w[2],
                    sid.w[3] };
  struct xous_wire_frame f = raw_call(s->thread, w);

  ck_assert_uint_eq(f.w[0], XOUS_RESULT_CONNECTION_ID);
  return f.w[1];
}

/* ==== fixtures =============================================================== */

static void
setup_victim(void)
{
  char key[16];

  harness_start_broker();
  victim = harness_spawn(PEER, "server", VICTIM, NULL);
  expect_line(victim, "ready", HARNESS_START_TIMEOUT_MS);
  for (int i = 0; i < 2; i++) {
    snprintf(key, sizeof key, "%d", 100 + i);
    good[i] = harness_spawn(PEER, "client", VICTIM, key, "0", "sblmdb", NULL);
    expect_line(good[i], "started", HARNESS_START_TIMEOUT_MS);
  }
  harness_sleep_ms(50); /* traffic flows before the first bad thing */
}

/* The promise of the suite: the good clients' messages all arrived. */
static void
teardown_victim(void)
{
  for (int i = 0; i < 2; i++) {
    char *out;
    int st;
    bool ok;
    unsigned acked = 0;

    harness_kill(good[i], SIGUSR1);
    ck_assert_msg(harness_wait(good[i], 5000, &st),
                  "good client %d did not "
                  "finish within 5 s",
                  i);
    out = harness_output(good[i]);
    ok = WIFEXITED(st) && WEXITSTATUS(st) == 0 && strstr(out, "\nok ") &&
         strstr(out, "FAIL") == NULL;
    ck_assert_msg(ok, "good client %d: %s", i, out);
    /* And it still talks after the bad thing: asked to stop, a good
     * client sends one more message of each kind first. */
    ck_assert_msg(sscanf(strstr(out, "\nok "), "\nok %u", &acked) == 1 &&
                      acked >= 6,
                  "good client %d acknowledged only %u messages", i, acked);
    free(out);
  }
  {
    char *out = harness_output(victim);

    ck_assert_msg(harness_running(victim), "the server died: %s", out);
    free(out);
  }
  harness_assert_broker_alive();
}

/* Lines "BAD pid ..." of the server that name any PID but the hostile's:
 * the good clients' messages must never be bad. */
static void
assert_no_bad_but(xous_pid_t hostile)
{
  char *out = harness_output(victim);
  char *p = out;

  while ((p = strstr(p, "BAD ")) != NULL) {
    unsigned pid = 0;

    sscanf(p, "BAD %u", &pid);
    ck_assert_msg(pid == hostile, "a good client's message was bad: %.80s", p);
    p += 4;
  }
  free(out);
}

/* ==== malformed frames ======================================================= */

START_TEST(
    hostile_truncated_oversized_and_garbage_frames_are_refused_while_others_talk)
{
  unsigned char big[3 * XOUS_WIRE_FRAME_SIZE];
  struct xous_wire_frame f = raw_frame(XOUS_WIRE_HELLO_PROCESS);
  struct raw_session s;
  static const unsigned types[] = { 0, XOUS_WIRE_TYPE_MAX + 1, 0xffff,
                                    XOUS_WIRE_RESULT, XOUS_WIRE_WELCOME };
  int fd;

  for (size_t len = 0; len < XOUS_WIRE_FRAME_SIZE; len += 17) {
    fd = harness_raw_connect();
    raw_expect_refused(fd, &f, len == 0 ? 1 : len, "a truncated hello");
    close(fd);
  }
  memset(big, 0xa5, sizeof big);
  memcpy(big, &f, sizeof f);
  fd = harness_raw_connect();
  raw_expect_refused(fd, big, sizeof big, "a 384-byte hello");
  close(fd);
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
    fd = harness_raw_connect();
    f = raw_frame(types[i]);
    raw_expect_refused(fd, &f, sizeof f, "an unknown or misdirected type");
    close(fd);
  }
  /* A hello of another protocol: a byte-swapped magic, another version. */
  for (int i = 0; i < 3; i++) {
    fd = harness_raw_connect();
    f = raw_frame(XOUS_WIRE_HELLO_PROCESS);
    if (i == 0)
      f.magic = 0x53554f58u;
    else
      f.version = i == 1 ? XOUS_WIRE_VERSION + 1 : 0;
    raw_expect_refused(fd, &f, sizeof f, "a hello of another protocol");
    close(fd);
  }
  /* A syscall before any hello. */
  fd = harness_raw_connect();
  f = raw_frame(XOUS_WIRE_SYSCALL);
  f.w[0] = XOUS_SYSCALL_GET_PROCESS_ID;
  raw_expect_refused(fd, &f, sizeof f, "a SYSCALL before any hello");
  close(fd);
  /* Inside a session: cut, swollen and bad-magic syscalls. */
  s = raw_session("rel-hostile");
  f = raw_frame(XOUS_WIRE_SYSCALL);
  f.w[0] = XOUS_SYSCALL_GET_PROCESS_ID;
  raw_expect_refused(s.thread, &f, 40, "a cut syscall");
  raw_close(&s);
  s = raw_session("rel-hostile");
  memcpy(big, &f, sizeof f);
  raw_expect_refused(s.thread, big, sizeof big, "a swollen syscall");
  raw_close(&s);
  s = raw_session("rel-hostile");
  f.magic ^= 1;
  raw_expect_refused(s.thread, &f, sizeof f, "a bad magic");
  raw_close(&s);
  /* A process socket says nothing after its hello. */
  s = raw_session("rel-hostile");
  f = raw_frame(XOUS_WIRE_SYSCALL);
  f.w[0] = XOUS_SYSCALL_GET_PROCESS_ID;
  raw_expect_refused(s.proc, &f, sizeof f, "a syscall on the process socket");
  close(s.thread);
}
END_TEST

START_TEST(
    hostile_unknown_syscall_numbers_get_unhandled_syscall_while_others_talk)
{
  static const uint64_t numbers[] = {
    0, 46, 47, 200, 0xffffffffull, UINT64_MAX
  };
  struct raw_session s = raw_session("rel-hostile");

  for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
    uint64_t w[8] = { numbers[i], 1, 2, 3, 4, 5, 6, 7 };
    struct xous_wire_frame f = raw_frame(XOUS_WIRE_SYSCALL);
    uint64_t err;

    memcpy(f.w, w, sizeof w);
    err = raw_expect_refused(s.thread, &f, sizeof f, "an unknown syscall");
    if (err == ~0ull) { /* the socket closed: a new one for the next */
      raw_close(&s);
      s = raw_session("rel-hostile");
    }
  }
  /* Through libxous too: the number never reaches the broker. */
  {
    xous_word_t a[8] = { 200 }, r[8];

    xous_syscall(a, r);
    ck_assert_uint_eq(r[0], XOUS_RESULT_ERROR);
    ck_assert_uint_eq(r[1], XOUS_UNHANDLED_SYSCALL);
  }
}
END_TEST

/* ==== identities ============================================================== */

START_TEST(hostile_forged_sender_words_never_answer_another_clients_message)
{
  struct raw_session s = raw_session("rel-hostile");
  unsigned refused = 0;
  xous_sid_t own;
  xous_cid_t cid;

  /* A server of our own, so that the ownership check is not all that
   * stands between us and the victim's messages. */
  ck_assert_int_eq(xous_create_server(&own, &cid), XOUS_OK);
  for (unsigned idx = 0; idx < 256; idx += 3)
    for (unsigned slot = 0; slot < 128; slot += 37) {
      uint64_t sender = ((uint64_t)good[0] & 0xff) << 24 |
                        (uint64_t)idx << 16 |
                        ((uint64_t)(1 + slot % 511) << 7) | slot;
      uint64_t w1[8] = { XOUS_SYSCALL_RETURN_SCALAR2, sender, 1, 2 };
      uint64_t w2[8] = {
        XOUS_SYSCALL_RETURN_MEMORY, sender, 0x10000, 4096, 0, 64
      };
      struct xous_wire_frame f = raw_frame(XOUS_WIRE_SYSCALL);

      memcpy(f.w, w1, sizeof w1);
      if (raw_expect_refused(s.thread, &f, sizeof f, "forged ReturnScalar2") ==
          ~0ull) {
        raw_close(&s);
        s = raw_session("rel-hostile");
      }
      memcpy(f.w, w2, sizeof w2);
      if (raw_expect_refused(s.thread, &f, sizeof f, "forged ReturnMemory") ==
          ~0ull) {
        raw_close(&s);
        s = raw_session("rel-hostile");
      }
      /* Through libxous, from a process that owns a server. */
      ck_assert_int_ne(xous_return_scalar1(sender, 7), XOUS_OK);
      refused += 3;
    }
  ck_assert_uint_gt(refused, 500);
}
END_TEST

START_TEST(hostile_a_stolen_sender_word_answers_nothing_from_another_process)
{
  const char *name = "xtest-sleeper-02";
  unsigned long long sender;
  struct raw_session s;
  uint64_t w[8] = { XOUS_SYSCALL_RETURN_SCALAR1, 0, 12345 };
  pid_t srv, client;
  char *out;

  srv = start_peer_server("sleeper-server", name);
  client = harness_peer("blocked-client", name, NULL);
  ck_assert_int_eq(sscanf(expect_nth_line(srv, 1, BOUND_MS), "received %llu",
                          &sender),
                   1);

  /* The exact sender word the server got, from another process. */
  s = raw_session("rel-hostile");
  w[1] = sender;
  raw_expect_syscall_refused(s.thread, w,
                             "ReturnScalar1 with a stolen sender");
  s = raw_session("rel-hostile");
  w[0] = XOUS_SYSCALL_RETURN_SCALAR5;
  raw_expect_syscall_refused(s.thread, w,
                             "ReturnScalar5 with a stolen sender");

  /* The client is still waiting for its real server. */
  ck_assert(!harness_wait(client, 300, NULL));
  out = harness_output(client);
  ck_assert_str_eq(out, "connected\n");
  free(out);
  harness_kill(srv, SIGKILL);
  expect_exit(client, 0, BOUND_MS);
  ck_assert_str_ne(expect_nth_line(client, 1, BOUND_MS), "NoError");
  expect_broker_serves();
}
END_TEST

START_TEST(hostile_wrong_pids_cids_and_sids_get_errors_while_others_talk)
{
  static const uint64_t cids[] = { 0, 1, 34, 35, 9999, UINT64_MAX };
  static const uint64_t pids[] = { 0, 1, 254, 255, 256, UINT64_MAX };
  xous_sid_t sid = sid16(VICTIM);
  struct raw_session s = raw_session("rel-hostile");
  xous_envelope_t env;
  xous_cid_t cid;

  for (size_t i = 0; i < 6; i++) {
    uint64_t send[8] = {
      XOUS_SYSCALL_SEND_MESSAGE, cids[i], XOUS_MSG_SCALAR, 1, 100, 1
    };
    uint64_t cfp[8] = { XOUS_SYSCALL_CONNECT_FOR_PROCESS,
                        pids[i],
                        sid.w[0],
                        sid.w[1],
                        sid.w[2],
                        sid.w[3] };
    struct xous_wire_frame f = raw_frame(XOUS_WIRE_SYSCALL);

    memcpy(f.w, send, sizeof send);
    if (raw_expect_refused(s.thread, &f, sizeof f, "send on a bad CID") ==
        ~0ull)
      s = raw_session("rel-hostile");
    memcpy(f.w, cfp, sizeof cfp);
    if (pids[i] != 1) /* PID 1 is the broker: nobody has it either */
      if (raw_expect_refused(s.thread, &f, sizeof f,
                             "connect for a bad PID") == ~0ull)
        s = raw_session("rel-hostile");
  }
  {
    uint64_t disc[8] = { XOUS_SYSCALL_DISCONNECT, 9999 };
    uint64_t kind[8] = { XOUS_SYSCALL_SEND_MESSAGE, 2, 77, 7, 1, 2, 3, 4 };
    uint64_t big[8] = {
      XOUS_SYSCALL_CONNECT_FOR_PROCESS, 0x10000000001ull, 1, 2, 3, 4
    };

    raw_expect_syscall_refused(s.thread, disc, "Disconnect of CID 9999");
    s = raw_session("rel-hostile");
    raw_expect_syscall_refused(s.thread, kind, "SendMessage of kind 77");
    s = raw_session("rel-hostile");
    raw_expect_syscall_refused(s.thread, big,
                               "ConnectForProcess for PID 2^40+1");
    s = raw_session("rel-hostile");
  }
  /* The victim's SID gives nothing but a connection. */
  ck_assert_int_eq(xous_destroy_server(sid), XOUS_SERVER_NOT_FOUND);
  ck_assert_int_eq(xous_try_receive_message(sid, &env, NULL),
                   XOUS_SERVER_NOT_FOUND);
  ck_assert_int_eq(xous_create_server_with_address(sid, &cid),
                   XOUS_SERVER_EXISTS);
  /* A thread socket may not claim another process. */
  {
    struct xous_wire_frame f;
    int fd = raw_hello(XOUS_WIRE_HELLO_THREAD, (uint64_t)s.pid + 0, 3, &f);

    ck_assert_uint_eq(f.type, XOUS_WIRE_WELCOME); /* our own PID: fine */
    close(fd);
    fd = raw_hello(XOUS_WIRE_HELLO_THREAD, 2, 3, &f);
    ck_assert_msg(f.type == XOUS_WIRE_ERROR || s.pid == 2,
                  "a thread joined PID 2 from another OS process");
    close(fd);
  }
}
END_TEST

START_TEST(hostile_guessed_sids_find_no_server)
{
  unsigned found = 0;

  for (unsigned i = 0; i < 5000; i++) {
    xous_sid_t sid;
    xous_cid_t cid;

    ck_assert_int_eq(xous_create_server_id(&sid), XOUS_OK); /* random */
    sid.w[i % 4] ^= i; /* and a neighbour of it */
    found += xous_try_connect(sid, &cid) == XOUS_OK;
  }
  ck_assert_uint_eq(found, 0);
}
END_TEST

/* ==== memory ================================================================= */

/* Sends a memory message with a hand-made object on the victim's CID. */
static uint64_t
raw_lend(struct raw_session *s, uint64_t cid, int fd, uint64_t offset,
         uint64_t len, const char *what)
{
  struct xous_wire_frame f = raw_frame(XOUS_WIRE_SYSCALL);
  uint64_t w[8] = {
    XOUS_SYSCALL_SEND_MESSAGE, cid, XOUS_MSG_LEND, 3, 0x10000, len, 0, 64
  };

  memcpy(f.w, w, sizeof w);
  f.flags = fd >= 0 ? XOUS_WIRE_F_FD : 0;
  f.mem_offset = offset;
  return raw_expect_refused_fd(s->thread, &f, sizeof f, fd, what);
}

START_TEST(hostile_lends_of_unmapped_unaligned_or_forged_memory_are_refused)
{
  struct raw_session s = raw_session("rel-hostile");
  uint64_t cid = raw_connect_victim(&s);
  xous_cid_t lcid;
  xous_range_t r;
  xous_message_t m;
  xous_result_t res;
  int pipefd[2], mfd;

  /* Through libxous: never a page the table does not hold. */
  ck_assert_int_eq(xous_try_connect(sid16(VICTIM), &lcid), XOUS_OK);
  ck_assert_int_eq(xous_map_memory(0, 0, 8192, XOUS_MEM_R | XOUS_MEM_W, &r),
                   XOUS_OK);
  memset(&m, 0, sizeof m);
  m.kind = XOUS_MSG_LEND;
  m.memory.id = 3;
  m.memory.buf.addr = (char *)r.addr + 1;
  m.memory.buf.len = 4096;
  ck_assert_int_eq(xous_send_message(lcid, &m, &res), XOUS_BAD_ALIGNMENT);
  m.memory.buf.addr = (char *)r.addr + 4096;
  m.memory.buf.len = 8192; /* runs past the mapping */
  ck_assert_int_eq(xous_send_message(lcid, &m, &res), XOUS_BAD_ADDRESS);
  m.memory.buf.addr = (void *)(uintptr_t)0x1000; /* never mapped */
  m.memory.buf.len = 4096;
  ck_assert_int_eq(xous_send_message(lcid, &m, &res), XOUS_BAD_ADDRESS);

  /* Raw: objects that are no memory, can shrink, or are too small. */
  ck_assert_int_eq(pipe(pipefd), 0);
  raw_lend(&s, cid, pipefd[0], 0, 4096, "a pipe as memory");
  close(pipefd[0]);
  close(pipefd[1]);
  s = raw_session("rel-hostile");
  cid = raw_connect_victim(&s);
  mfd = memfd_create("rel", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  ck_assert_int_ge(mfd, 0);
  ck_assert_int_eq(ftruncate(mfd, 8192), 0);
  raw_lend(&s, cid, mfd, 0, 4096, "an unsealed object that may shrink");
  ck_assert_int_eq(fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK), 0);
  raw_lend(&s, cid, mfd, 4096, 8192, "a range past the object's end");
  raw_lend(&s, cid, mfd, 100, 4096, "an unaligned offset");
  raw_lend(&s, cid, mfd, 0, 100, "an unaligned length");
  raw_lend(&s, cid, mfd, 0, 0, "a zero length");
  raw_lend(&s, cid, -1, 0, 4096, "a lend with no object");
  close(mfd);
}
END_TEST

struct scribble {
  volatile uint8_t *page;
  atomic_bool stop;
  atomic_ulong rounds;
};

static void *
scribbler(void *p)
{
  struct scribble *s = p;
  uint8_t v = 0;

  while (!atomic_load(&s->stop)) {
    for (size_t i = 0; i < 4096; i++)
      s->page[i] = v++;
    atomic_fetch_add(&s->rounds, 1);
  }
  return NULL;
}

START_TEST(hostile_a_lender_scribbling_over_its_lent_pages_harms_nobody_else)
{
  static struct scribble sc;
  xous_range_t r;
  xous_cid_t cid;
  xous_tid_t tid;
  unsigned answered = 0;
  unsigned long first;

  ck_assert_int_eq(xous_try_connect(sid16(VICTIM), &cid), XOUS_OK);
  ck_assert_int_eq(xous_map_memory(0, 0, 4096, XOUS_MEM_R | XOUS_MEM_W, &r),
                   XOUS_OK);
  sc.page = r.addr;
  ck_assert_int_eq(xous_create_thread(scribbler, &sc, STACK_SIZE, &tid),
                   XOUS_OK);
  /* Every byte of the lent page changes while the server reads it: the
   * server judges one copy, calls ours corrupt, and goes on. The lends
   * start once the scribbler runs and go on until it has scribbled over
   * the page a few more times, however the threads are scheduled. */
  while (atomic_load(&sc.rounds) == 0)
    xous_yield();
  first = atomic_load(&sc.rounds);
  for (unsigned i = 0; i < 300 || atomic_load(&sc.rounds) < first + 3; i++) {
    size_t off, valid;
    xous_error_t err = xous_lend(cid, 3, r.addr, 4096, 0, 64 + i % 4000, &off,
                                 &valid);

    ck_assert_msg(err == XOUS_OK, "lend %u: %s", i, xous_error_name(err));
    answered++;
  }
  atomic_store(&sc.stop, true);
  xous_join_thread(tid, NULL);
  ck_assert_uint_ge(answered, 300);
  ck_assert_uint_ge(atomic_load(&sc.rounds), first + 3);
  assert_no_bad_but(xous_get_process_id());
}
END_TEST

START_TEST(
    hostile_returning_memory_never_lent_twice_or_with_a_wrong_length_fails)
{
  const char *name = "rel-own-server02";
  xous_sid_t sid = sid16(name);
  xous_envelope_t env;
  xous_cid_t cid;
  xous_range_t wrong;
  pid_t lender;
  uint64_t w[8];
  struct xous_wire_frame f;
  int tsock;

  ck_assert_int_eq(xous_create_server_with_address(sid, &cid), XOUS_OK);
  lender = harness_spawn(PEER, "client", name, "7", "1", "l", NULL);
  ck_assert_int_eq(xous_receive_message(sid, &env), XOUS_OK);
  ck_assert_int_eq(env.body.kind, XOUS_MSG_LEND);

  /* Wrong length, here and at the broker (a raw thread of this process):
   * the lend came straight from the lender, so the broker holds nothing
   * that a return could match. */
  wrong = env.body.memory.buf;
  wrong.len += 4096;
  ck_assert_int_eq(xous_return_memory(env.sender, wrong, 0, 0),
                   XOUS_BAD_ADDRESS);
  tsock = raw_hello(XOUS_WIRE_HELLO_THREAD, xous_get_process_id(), 30, &f);
  ck_assert_uint_eq(f.type, XOUS_WIRE_WELCOME);
  memset(w, 0, sizeof w);
  w[0] = XOUS_SYSCALL_RETURN_MEMORY;
  w[1] = env.sender;
  w[2] = (uintptr_t)env.body.memory.buf.addr;
  w[3] = env.body.memory.buf.len * 2;
  f = raw_call(tsock, w);
  ck_assert_uint_eq(f.w[0], XOUS_RESULT_ERROR);
  ck_assert_uint_eq(f.w[1], XOUS_DOUBLE_FREE);
  /* A sender word of a message never sent: another generation. */
  w[1] = env.sender ^ (1u << 7);
  w[3] = env.body.memory.buf.len;
  f = raw_call(tsock, w);
  ck_assert_uint_eq(f.w[0], XOUS_RESULT_ERROR);
  wrong = env.body.memory.buf;
  ck_assert_int_eq(xous_return_memory(env.sender ^ (1u << 7), wrong, 0, 0),
                   XOUS_DOUBLE_FREE);

  /* The right return, once (offset = seq & 0xffff for the checking
   * client); a second one finds nothing to return. */
  ck_assert_int_eq(xous_return_memory(env.sender, env.body.memory.buf, 1,
                                      env.body.memory.valid),
                   XOUS_OK);
  ck_assert_int_eq(xous_return_memory(env.sender, env.body.memory.buf, 1,
                                      env.body.memory.valid),
                   XOUS_DOUBLE_FREE);
  w[1] = env.sender;
  f = raw_call(tsock, w);
  ck_assert_uint_eq(f.w[0], XOUS_RESULT_ERROR);
  ck_assert_uint_eq(f.w[1], XOUS_DOUBLE_FREE);

  /* The lender got its answer once: it now asks for its count. */
  ck_assert_int_eq(xous_receive_message(sid, &env), XOUS_OK);
  ck_assert_uint_eq(env.body.scalar.id, 9);
  ck_assert_int_eq(xous_return_scalar5(env.sender, 1, 1, 0, 0, 2), XOUS_OK);
  ck_assert_msg(harness_wait(lender, BOUND_MS, NULL), "lender still waits");
  expect_line(lender, "ok 1", 0);
  close(tsock);
}
END_TEST

START_TEST(
    hostile_flooding_a_server_gives_server_queue_full_and_others_get_through)
{
  xous_cid_t cid;
  unsigned sent = 0;
  xous_error_t err = XOUS_OK;

  ck_assert_int_eq(xous_try_connect(sid16(VICTIM), &cid), XOUS_OK);
  /* The server stops for a while; the flood fills its queue. */
  ck_assert_int_eq(xous_scalar(cid, 10, 400, 0, 0, 0), XOUS_OK);
  while (sent < 100000) {
    xous_message_t m;
    xous_result_t res;

    memset(&m, 0, sizeof m);
    m.kind = XOUS_MSG_SCALAR;
    m.scalar.id = 77;
    err = xous_try_send_message(cid, &m, &res);
    if (err != XOUS_OK)
      break;
    sent++;
  }
  ck_assert_msg(err == XOUS_SERVER_QUEUE_FULL, "after %u: %s", sent,
                xous_error_name(err));
  ck_assert_uint_le(sent, XOUS_QUEUE_DEPTH);
}
END_TEST

START_TEST(hostile_connect_for_process_fills_no_table_past_its_32_slots)
{
  xous_sid_t sid = sid16(VICTIM);
  xous_cid_t cid = 0;
  xous_pid_t self = xous_get_process_id();
  unsigned n = 0;
  struct raw_session s = raw_session("rel-hostile");
  xous_sid_t own[XOUS_MAX_CONNECTIONS];

  /* Another process's table is not ours to fill: only the process itself
   * and the name server place connections there. */
  for (n = 0; n < 2 * XOUS_MAX_CONNECTIONS; n++)
    ck_assert_int_eq(xous_connect_for_process(s.pid, sid, &cid),
                     XOUS_ACCESS_DENIED);
  /* Our own fills its 32 slots and then gives OutOfMemory: no table grows
   * past its limit. */
  ck_assert_int_eq(xous_try_connect(sid, &cid), XOUS_OK);
  for (n = 0; n < XOUS_MAX_CONNECTIONS - 1; n++)
    ck_assert_int_eq(xous_create_server(&own[n], &cid), XOUS_OK);
  /* A reconnect gives the CID the server already has. */
  ck_assert_int_eq(xous_connect_for_process(self, sid, &cid), XOUS_OK);
  ck_assert_uint_lt(cid, XOUS_FIRST_CID + XOUS_MAX_CONNECTIONS);
  ck_assert_int_eq(xous_create_server(&own[31], &cid), XOUS_OUT_OF_MEMORY);
  raw_close(&s);
}
END_TEST

/* ==== the name server ========================================================== */

START_TEST(
    hostile_a_hostile_name_server_client_meets_every_limit_while_others_talk)
{
  long long deadline = harness_now_ms() + BOUND_MS;
  pid_t names = harness_spawn("xous-names", NULL);
  xous_names_token_t forged = { { 1, 2, 3, 4 } }, tok;
  xous_sid_t sid;
  xous_cid_t cid;
  xous_error_t err = XOUS_OK;
  unsigned n = 0;
  char name[32];

  while (xous_try_connect(xous_sid_from_name(XOUS_NAMES_SERVER_NAME), &cid) !=
         XOUS_OK) {
    ck_assert_msg(harness_running(names), "xous-names ended at start");
    ck_assert_msg(harness_now_ms() < deadline, "xous-names did not start");
    harness_sleep_ms(2);
  }
  /* Past a name's connection limit: ServerNotFound (as the real name
   * server's TryConnect); forged tokens: AccessDenied. */
  ck_assert_int_eq(xous_names_register("rel-limited", 2, &sid), XOUS_OK);
  ck_assert_int_eq(xous_names_try_connect_token("rel-limited", &cid, &tok),
                   XOUS_OK);
  ck_assert_int_eq(xous_names_try_connect("rel-limited", &cid), XOUS_OK);
  ck_assert_int_eq(xous_names_try_connect("rel-limited", &cid),
                   XOUS_SERVER_NOT_FOUND);
  ck_assert_int_eq(xous_names_disconnect("rel-limited", forged),
                   XOUS_ACCESS_DENIED);
  ck_assert_int_eq(xous_names_disconnect("rel-limited", tok), XOUS_OK);
  ck_assert_int_eq(xous_names_disconnect("rel-limited", tok),
                   XOUS_ACCESS_DENIED);
  /* Registering names without end: the process's own server limit stops
   * it long before the name table (128) is full for everybody. */
  while (n < 200 && err == XOUS_OK) {
    snprintf(name, sizeof name, "rel-flood-%u", n);
    err = xous_names_register(name, 0, &sid);
    n += err == XOUS_OK;
  }
  ck_assert_int_eq(err, XOUS_OUT_OF_MEMORY);
  ck_assert_uint_lt(n, 40);
  /* Somebody else still registers, and this process connects to it. */
  {
    pid_t other = harness_spawn("tests/helpers/names-peer", "server",
                                "rel-other", "0", NULL);

    ck_assert_msg(harness_wait_line(other, "ready", BOUND_MS),
                  "another process could not register a name");
    /* Our own table is full: the name server cannot connect us. */
    ck_assert_int_eq(xous_names_try_connect("rel-other", &cid),
                     XOUS_INTERNAL_ERROR);
  }
  ck_assert(harness_running(names));
}
END_TEST

/* ==== broker death ============================================================ */

/* A Connect or TryConnect (connect) to a server that never comes, made in
 * a thread of its own: its error and when it came back. */
struct blocked {
  xous_error_t (*connect)(xous_sid_t, xous_cid_t *);
  xous_error_t err;
  atomic_bool done;
  atomic_llong at;
};

static void *
connect_in_thread(void *p)
{
  struct blocked *b = p;
  xous_cid_t cid;

  b->err = b->connect(sid16("rel-never-there1"), &cid);
  atomic_store(&b->at, harness_now_ms());
  atomic_store(&b->done, true);
  return NULL;
}

/* Waits up to BOUND_MS for b's call to come back; what is the failure. */
static void
expect_done_within_bound(struct blocked *b, const char *what)
{
  for (long long t0 = harness_now_ms(); !atomic_load(&b->done);) {
    ck_assert_msg(harness_now_ms() - t0 < BOUND_MS, "%s", what);
    harness_sleep_ms(1);
  }
}

START_TEST(
    hostile_when_xousd_dies_every_blocked_call_fails_with_internal_error)
{
  /* late: a thread whose first call comes after the broker died. */
  static struct blocked b = { .connect = xous_connect },
                        late = { .connect = xous_try_connect };
  pid_t srv, recv, hold, conn, broker;
  long long killed, worst = 0;
  xous_tid_t tid;
  int st;

  harness_start_broker();
  srv = harness_spawn(PEER, "server", "rel-holding-srv3", NULL);
  expect_line(srv, "ready", HARNESS_START_TIMEOUT_MS);
  recv = harness_spawn(PEER, "receive", "rel-receiver-04x", NULL);
  hold = harness_spawn(PEER, "hold", "rel-holding-srv3", NULL);
  conn = harness_spawn(PEER, "connect", "rel-never-there2", NULL);
  expect_line(recv, "ready", HARNESS_START_TIMEOUT_MS);
  expect_line(hold, "ready", HARNESS_START_TIMEOUT_MS);
  expect_line(conn, "ready", HARNESS_START_TIMEOUT_MS);
  ck_assert_int_eq(xous_create_thread(connect_in_thread, &b, STACK_SIZE, &tid),
                   XOUS_OK);
  harness_sleep_ms(200); /* all of them are blocked in the broker now */
  ck_assert(!atomic_load(&b.done));

  broker = harness_broker_pid();
  harness_forget_broker();
  killed = harness_now_ms();
  kill(broker, SIGKILL);
  ck_assert(harness_wait(broker, BOUND_MS, NULL));

  /* The peers print the error, then the error of one more call, and
   * exit by themselves. */
  {
    pid_t peers[] = { recv, hold, conn };

    for (int i = 0; i < 3; i++) {
      char *out;

      ck_assert_msg(harness_wait(peers[i], BOUND_MS, &st),
                    "a blocked peer still hangs %d ms after the broker died",
                    BOUND_MS);
      if (harness_now_ms() - killed > worst)
        worst = harness_now_ms() - killed;
      ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
      out = harness_output(peers[i]);
      ck_assert_msg(strstr(out, "\nInternalError\nthen InternalError\n"),
                    "peer %d printed '%s'", i, out);
      free(out);
    }
  }
  ck_assert_msg(harness_wait(srv, BOUND_MS, &st), "the server hangs");
  /* And this process: a blocked thread, the next call, a new thread. */
  expect_done_within_bound(&b, "Connect still blocked");
  ck_assert_int_eq(b.err, XOUS_INTERNAL_ERROR);
  ck_assert_int_eq(xous_try_connect(sid16(VICTIM), &(xous_cid_t){ 0 }),
                   XOUS_INTERNAL_ERROR);
  ck_assert_int_eq(xous_create_thread(connect_in_thread, &late, STACK_SIZE,
                                      &tid),
                   XOUS_OK);
  expect_done_within_bound(&late, "a new thread hangs");
  ck_assert_int_eq(late.err, XOUS_INTERNAL_ERROR);
  printf("broker death: blocked calls failed within %lld ms (connect %lld "
         "ms)\n",
         worst, atomic_load(&b.at) - killed);
}
END_TEST

/* ==== the suite =============================================================== */

int
main(void)
{
  const struct harness_case cases[] = {
    { "hostile client", 30, HARNESS_NOTHING,
      .tests = HARNESS_TESTS(
          hostile_truncated_oversized_and_garbage_frames_are_refused_while_others_talk,
          hostile_unknown_syscall_numbers_get_unhandled_syscall_while_others_talk,
          hostile_forged_sender_words_never_answer_another_clients_message,
          hostile_a_stolen_sender_word_answers_nothing_from_another_process,
          hostile_wrong_pids_cids_and_sids_get_errors_while_others_talk,
          hostile_guessed_sids_find_no_server,
          hostile_lends_of_unmapped_unaligned_or_forged_memory_are_refused,
          hostile_a_lender_scribbling_over_its_lent_pages_harms_nobody_else,
          hostile_returning_memory_never_lent_twice_or_with_a_wrong_length_fails,
          hostile_flooding_a_server_gives_server_queue_full_and_others_get_through,
          hostile_connect_for_process_fills_no_table_past_its_32_slots,
          hostile_a_hostile_name_server_client_meets_every_limit_while_others_talk),
      .setup = setup_victim, .teardown = teardown_victim },
    { "broker death", 30, HARNESS_NOTHING,
      .tests = HARNESS_TESTS(
          hostile_when_xousd_dies_every_blocked_call_fails_with_internal_error) },
  };

  return harness_run(harness_suite("hostile", cases));
}
