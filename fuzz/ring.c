/*
 * Fuzz target: the server side of the direct message path
 * (runtime/hosted/server_recv.c) against hostile clients. Everything
 * a client can write reaches the server's library here: the cells, the
 * header and the answer slots of its ring, every word of the server page
 * (the ready bits, the bell, the counters, ring_gen, dead, trace), and
 * the datagrams of its object socket (any length and bytes, none to
 * three descriptors, memory objects sealed or not, or no memory object
 * at all). The library reads them through xous_try_receive_message()
 * (server_enter, take, xous__srv_ring_of, accept_cell, xous__srv_object_of,
 * fetch) and gets what it received back as a server gives it
 * (xous_return_scalar1/2/5, xous_return_memory, xous_unmap_memory: answer,
 * and the forward to the broker), right or with a wrong sender, length or kind of answer. Every
 * message received must name this server and the PID of one of the
 * rings: the ring a message came through is who sent it.
 *
 * A stand-in broker thread on a private socket (XOUS_SOCKET) welcomes
 * the process and answers the calls libxous makes: the server page
 * (index INDEX), the ring of each client PID that has one (w[1] its gen)
 * and the server's end of its object socket, FETCH (an error, or a
 * relayed memory message), EVENT, and the returns the library passes on
 * (Ok, or DoubleFree). The broker is honest: it is the clients that lie.
 *
 * The blocking receive is never called (it waits when nothing comes), so
 * its sweep (xous__srv_sweep), which it runs before each sleep, is called
 * here directly under the library's lock, through server.h, which also
 * shows the table of servers, to check that the server's state is gone at
 * the end of a run.
 *
 * Input: one byte per ring (RINGS of them) for its client PID, then
 * operations, an op byte each (low nibble the operation, high nibble its
 * argument, whose bits 0-2 mod RINGS pick the ring) and the bytes that
 * operation reads, until the input ends:
 *   0, 1  a cell as a client writes it (put_cell), then, unless the
 *         argument's bit 3 is set, a queue slot and the bell
 *   2     64 raw bytes into a cell (seq included), then its index byte
 *   3     datagrams on the object socket (send_object)
 *   4     the ready bits: a byte, 0x80 the ring's bit, else a u64 for
 *         word (byte % 4)
 *   5     a u32 into the bell, pending, trace, sleepers, space_waiters
 *         or served (argument % 6)
 *   6     a u32 into ring_gen: a byte, 0x80 the ring's PID, else a PID
 *         byte follows
 *   7     dead := argument & 1 (which the library must ignore)
 *   8     the broker remakes the ring (its client's PID came back), or
 *         drops it (argument bit 3: the client went); bit 2 remakes it
 *         without the server's end of its socket
 *   9, 10 xous_try_receive_message: argument % 3 says how the broker
 *         answers FETCH (ProcessNotFound, InternalError, a relayed
 *         message of kind byte % 3 and 1 + (byte >> 2) % 4 pages), bit
 *         2 that it answers the returns passed on with DoubleFree
 *   11    gives back a message held: index byte, then how (give_back)
 *   12    xous__srv_sweep()
 *   13, 14  a u16 offset and a u32 anywhere in the ring, in the page
 *   15    a flood: a count byte n, n BlockingScalars into the ring (as
 *         many as it has room for), then n try-receives (each reading
 *         its byte as above), none answered: the slot table fills
 *
 * Every input starts from the same state, which takes freeing all the
 * library kept: at the end the memory messages held are given back (a
 * lend's pages stay mapped, with their descriptor, until then; and a
 * server that holds lends cannot be destroyed), then xous_destroy_server(),
 * which the broker grants, makes the library free the server: its page,
 * each ring it mapped with its socket and the objects stashed in it, and
 * the rings that unanswered messages kept. That is the only way: the
 * library does not read the page's dead word (any client could write
 * it), and new ring gens drop rings but not the page or the slot table.
 * The run checks that no server is left, then closes the broker's
 * objects; the descriptors counted before and after must agree
 * (fz_check_fds).
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <sys/un.h>

#include <xous.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hosted/server.h" /* the sweep and the table of servers */
#include "hosted/ring.h"
#include "hosted/wire.h"
#include "support/broker.h"
#include "support/fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define INDEX 3      /* the fuzzed server's index at the broker */
#define RINGS 3      /* clients */
#define MAX_HELD 160 /* messages the server has not given back */
#define OWN_PID 7    /* this process's Xous PID */
#define SERVER_NAME "fuzz-ring-server"

/* A client's ring, as the broker made it and the client maps it. */
struct peer_ring {
  unsigned pid;
  int fd;       /* the ring's memory object; -1 when the broker has none */
  int sock[2];  /* the object socket: [0] the client's end, [1] the server's */
  bool no_sock; /* the broker fails to hand out the server's end */
  uint32_t gen;
  struct xous_ring *map;
  uint32_t enq; /* the client's own producer position */
  uint32_t key; /* the name of its next message */
};

/* The broker's state, shared with its thread. */
static pthread_mutex_t peer_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
  int page_fd;
  struct xous_server_page *page;
  struct peer_ring rings[RINGS];
  uint32_t next_gen;
  /* How FETCH is answered: 0 ProcessNotFound (the broker holds nothing
   * by that name), 1 InternalError, 2 a relayed memory message. */
  unsigned fetch_mode, fetch_kind, fetch_pages;
  bool return_error; /* returns passed on get DoubleFree, not Ok */
  /* The relayed messages the server holds, by sender word: the broker
   * hands each out once, as xousd's slots do. */
  xous_sender_t relayed[MAX_HELD];
  unsigned nrelayed;
} peer;

static xous_envelope_t held[MAX_HELD];
static unsigned nheld;

/* ---- the memory objects ------------------------------------------------ */

/* A memfd of size bytes, with seals (0 for none). */
static int
make_memfd(size_t size, int seals)
{
  int fd = memfd_create("xous-fuzz-ring", MFD_CLOEXEC | MFD_ALLOW_SEALING);

  if (fd < 0 || ftruncate(fd, (off_t)size) != 0)
    abort();
  if (seals != 0 && fcntl(fd, F_ADD_SEALS, seals) != 0)
    abort();
  return fd;
}

static void *
map_fd(int fd, size_t size)
{
  void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

  if (p == MAP_FAILED)
    abort();
  return p;
}

static void
ring_close(struct peer_ring *r)
{
  if (r->fd < 0)
    return;
  munmap(r->map, XOUS_RING_BYTES);
  close(r->fd);
  close(r->sock[0]);
  close(r->sock[1]);
  r->fd = -1;
  r->map = NULL;
}

/* As xousd makes a ring: every cell free at its own index. The broker's
 * lock is held. */
static void
ring_make(struct peer_ring *r, bool no_sock)
{
  ring_close(r);
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, r->sock) != 0)
    abort();
  shutdown(r->sock[0], SHUT_RD); /* each end goes one way, as xousd's */
  shutdown(r->sock[1], SHUT_WR);
  r->fd = make_memfd(XOUS_RING_BYTES,
                     F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
  r->map = map_fd(r->fd, XOUS_RING_BYTES);
  r->map->magic = XOUS_RING_MAGIC;
  r->map->version = XOUS_RING_VERSION;
  r->map->server_index = INDEX;
  r->map->client_pid = r->pid;
  for (unsigned i = 0; i < XOUS_RING_CELLS; i++)
    atomic_store(&r->map->cells[i].seq, i);
  r->no_sock = no_sock;
  r->gen = peer.next_gen++;
  r->enq = 0;
  r->key = (uint32_t)r->pid << 16;
  atomic_store(&peer.page->ring_gen[r->pid], r->gen);
}

/* The broker drops a ring: its gen becomes 0, as xousd's ring_drop makes
 * it. */
static void
ring_gone(struct peer_ring *r)
{
  ring_close(r);
  atomic_store(&peer.page->ring_gen[r->pid], 0);
}

static void
objects_make(const unsigned pids[RINGS])
{
  pthread_mutex_lock(&peer_lock);
  peer.page_fd = make_memfd(XOUS_SERVER_PAGE_BYTES,
                            F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
  peer.page = map_fd(peer.page_fd, XOUS_SERVER_PAGE_BYTES);
  peer.page->magic = XOUS_PAGE_MAGIC;
  peer.page->version = XOUS_RING_VERSION;
  peer.page->index = INDEX;
  peer.page->gen = 1;
  peer.next_gen = 1;
  peer.fetch_mode = 0;
  peer.return_error = false;
  peer.nrelayed = 0;
  for (unsigned i = 0; i < RINGS; i++) {
    peer.rings[i].pid = pids[i];
    peer.rings[i].fd = -1;
    ring_make(&peer.rings[i], false);
  }
  pthread_mutex_unlock(&peer_lock);
}

static void
objects_free(void)
{
  pthread_mutex_lock(&peer_lock);
  for (unsigned i = 0; i < RINGS; i++)
    ring_close(&peer.rings[i]);
  munmap(peer.page, XOUS_SERVER_PAGE_BYTES);
  close(peer.page_fd);
  peer.page = NULL;
  peer.page_fd = -1;
  pthread_mutex_unlock(&peer_lock);
}

/* ---- the stand-in broker ------------------------------------------------ */

static void
reply(int s, const struct xous_wire_frame *f, const uint64_t w[8], int fd,
      uint64_t mem_offset)
{
  struct xous_wire_frame out = xous__wire_frame(XOUS_WIRE_RESULT);

  out.tid = f->tid;
  out.flags = fd >= 0 ? XOUS_WIRE_F_FD : 0;
  memcpy(out.w, w, sizeof out.w);
  out.mem_offset = mem_offset;
  (void)xous__wire_send(s, &out, fd);
}

static void
reply_error(int s, const struct xous_wire_frame *f, xous_error_t err)
{
  uint64_t w[8] = { XOUS_RESULT_ERROR, xous__error_word(err) };

  reply(s, f, w, -1, 0);
}

static struct peer_ring *
ring_of_pid(uint64_t index, uint64_t pid)
{
  for (unsigned i = 0; index == INDEX && i < RINGS; i++)
    if (peer.rings[i].pid == pid && peer.rings[i].fd >= 0)
      return &peer.rings[i];
  return NULL;
}

/* A memory message the broker relayed, handed over on FETCH. */
static void
reply_fetched(int s, const struct xous_wire_frame *f)
{
  size_t size = (size_t)peer.fetch_pages * XOUS_PAGE_SIZE;
  uint64_t w[8] = {
    XOUS_RESULT_MESSAGE_ENVELOPE, f->w[2], peer.fetch_kind, 9, 0, size, 0, 0
  };
  int fd;

  for (unsigned i = 0; i < peer.nrelayed; i++)
    if (peer.relayed[i] == f->w[2]) {
      reply_error(s, f, XOUS_PROCESS_NOT_FOUND); /* handed out already */
      return;
    }
  if (peer.nrelayed == MAX_HELD) {
    reply_error(s, f, XOUS_PROCESS_NOT_FOUND);
    return;
  }
  peer.relayed[peer.nrelayed++] = f->w[2];
  fd = make_memfd(size, F_SEAL_SHRINK);
  reply(s, f, w, fd, 0);
  close(fd);
}

static void
hosted_call(int s, const struct xous_wire_frame *f)
{
  xous_sid_t sid = xous_sid_from_name(SERVER_NAME);
  uint64_t w[8] = { XOUS_RESULT_OK };
  struct peer_ring *r;

  switch (f->w[1]) {
  case XOUS__PAGE_OF_SID:
    if (peer.page_fd < 0 || f->w[2] != sid.w[0] || f->w[3] != sid.w[1] ||
        f->w[4] != sid.w[2] || f->w[5] != sid.w[3]) {
      reply_error(s, f, XOUS_SERVER_NOT_FOUND);
      return;
    }
    w[1] = INDEX;
    w[2] = 1;
    reply(s, f, w, peer.page_fd, 0);
    return;
  case XOUS__RING_OF_PID:
  case XOUS__SOCK_OF_PID:
    r = ring_of_pid(f->w[2], f->w[3]);
    if (r == NULL) {
      reply_error(s, f, XOUS_PROCESS_NOT_FOUND);
      return;
    }
    w[1] = r->gen;
    if (f->w[1] == XOUS__SOCK_OF_PID) {
      if (r->no_sock)
        reply_error(s, f, XOUS_OUT_OF_MEMORY);
      else
        reply(s, f, w, r->sock[1], 0);
      return;
    }
    reply(s, f, w, r->fd, 0);
    return;
  case XOUS__FETCH:
    if (peer.fetch_mode == 2)
      reply_fetched(s, f);
    else
      reply_error(s, f,
                  peer.fetch_mode == 1 ? XOUS_INTERNAL_ERROR
                                       : XOUS_PROCESS_NOT_FOUND);
    return;
  default: /* EVENT, and anything else */
    reply(s, f, w, -1, 0);
    return;
  }
}

/* Answers one frame: the hosted calls as above, and the returns the
 * library passes on (a broker's slot, or nobody's) Ok. */
static void
serve_frame(int s, const struct xous_wire_frame *f, long n)
{
  uint64_t ok[8] = { XOUS_RESULT_OK };

  if (xous__wire_check(f, n) != 0)
    return;
  pthread_mutex_lock(&peer_lock);
  if (f->w[0] == XOUS__SYSCALL_HOSTED)
    hosted_call(s, f);
  else if (f->w[0] == XOUS_SYSCALL_DESTROY_SERVER)
    reply(s, f, ok, -1, 0);
  else if (peer.return_error)
    reply_error(s, f, XOUS_DOUBLE_FREE);
  else
    reply(s, f, ok, -1, 0);
  pthread_mutex_unlock(&peer_lock);
}

/* ---- the hostile client --------------------------------------------------
 * These write the shared memory while no call of the library runs: the
 * fuzzer's one thread is either here or inside the library. */

/* A cell as a client writes it, at its own position (ring.h's
 * xous__ring_push, with what goes in it from the input). Bytes: the
 * kind byte (bits 0-2 the kind, 0 to 7; 0x08 a seq u32 comes last; 0x10
 * raw words; 0x20 a key u32 comes before the seq, else the ring's next
 * key; 0x40 the token gets the broker's bit; 0x80 the broker's flag),
 * the TID byte (& 0x3f; 0x40 the caller sleeps in its answer slot,
 * else it polls; 0x80 an order stamp u64 comes after the words, else the
 * clock's), the token u16, the id byte, then for a memory
 * kind without 0x10 an offset byte (top bit set: byte % 4 pages, else
 * 0), a length byte (top bit set: 1 + byte % 4 pages, else one page),
 * two bytes for the last words and an object byte (bits 0-3 the kept
 * object the cell names, 0x10 its note came with it), else four u64
 * words. */
static void
put_cell(struct fz_reader *in, struct peer_ring *r, bool silent)
{
  uint8_t kb = fz_u8(in), tb = fz_u8(in);
  uint32_t kind = (kb & 7u) | (uint32_t)(tb & 0x3f) << 8;
  uint32_t token = fz_u16(in);
  uint32_t pos = r->enq, seq = pos + 1;
  struct xous_ring_cell *c = &r->map->cells[pos % XOUS_RING_CELLS];
  uint64_t w[5];

  if (kb & 0x80)
    kind |= XOUS_CELL_F_BROKER;
  if (kb & 0x40)
    token |= XOUS__SENDER_BROKER;
  w[0] = fz_u8(in);
  if ((kb & 0x10) == 0 && (kb & 7u) >= XOUS_MSG_LEND_MUT &&
      (kb & 7u) <= XOUS_MSG_SEND) {
    /* A memory message whose range mostly fits the object: the first
     * page, unless the top bits ask for more. */
    uint8_t o = fz_u8(in), l = fz_u8(in);

    w[1] = (o & 0x80) ? XOUS_PAGE_SIZE * (uint64_t)(o % 4) : 0;
    w[2] = XOUS_PAGE_SIZE * (uint64_t)(1 + ((l & 0x80) ? l % 4 : 0));
    w[3] = fz_u8(in);
    w[4] = fz_u8(in);
    o = fz_u8(in);
    kind |= XOUS_CELL_OBJECT_OF(o & 0xfu) |
            ((o & 0x10) ? XOUS_CELL_F_FRESH : 0);
  } else {
    for (int i = 1; i < 5; i++)
      w[i] = fz_u64(in);
  }
  c->order = (tb & 0x80) ? fz_u64(in) : xous__ring_clock();
  c->kind = kind;
  c->token = token;
  c->key = (kb & 0x20) ? fz_u32(in) : r->key;
  for (int i = 0; i < 5; i++)
    c->w[i] = w[i];
  if (kb & 0x08) {
    /* A seq that says nothing or anything: the cell is not where the
     * server looks, or not free, or full for another round. */
    seq = fz_u32(in);
  }
  if ((kb & 7u) != XOUS_MSG_SCALAR && (kb & 7u) != XOUS_MSG_SEND &&
      (tb & 0x3f) < XOUS_RING_ANSWERS) {
    /* The caller waits in its answer slot, polling or asleep. */
    atomic_store(&r->map->answers[tb & 0x3f].state,
                 (tb & 0x40) ? XOUS_ANSWER_ASLEEP : XOUS_ANSWER_WAITING);
  }
  atomic_store_explicit(&c->seq, seq, memory_order_release);
  r->key++;
  if (seq != pos) {
    r->enq++;
    atomic_store(&r->map->enq, r->enq);
    atomic_fetch_add(&r->map->sent, 1);
  }
  if (!silent) {
    (void)xous__page_reserve(peer.page);
    xous__page_ring_bell(peer.page, r->pid);
  }
}

/* Datagrams on the object socket. Selector: bits 0-1 how many
 * descriptors (0..3), bits 2-3 the pages of each object less one, bits
 * 4-5 its seals (0: shrink and seal, as a client's own memory has; 1:
 * none; 2: shrink and write; 3: shrink), 0x40 a note of any length and
 * magic, 0x80 a key of any value (else the key of the client's next
 * cell). A second byte: bit 0 makes the first descriptor an eventfd, no
 * memory object; bits 2-7 send that many more copies, each with the next
 * key (to fill the server's stash of objects ahead of their cells). A
 * third: bits 0-3 the number to keep the object as, 4-7 the kept object
 * to let go (0 to 15: past XOUS_KEPT_OBJECTS too). */
static void
send_object(struct fz_reader *in, struct peer_ring *r)
{
  static const int seal_sets[4] = { F_SEAL_SHRINK | F_SEAL_SEAL, 0,
                                    F_SEAL_SHRINK | F_SEAL_WRITE,
                                    F_SEAL_SHRINK };
  uint8_t sel = fz_u8(in), how = fz_u8(in), kept = fz_u8(in);
  unsigned nfds = sel & 3u, copies = 1 + 2u * (how >> 2);
  size_t pages = 1 + ((sel >> 2) & 3u);
  int seals = seal_sets[(sel >> 4) & 3u];
  struct {
    struct xous_object_note note;
    uint8_t more[8];
  } buf;
  size_t len = sizeof buf.note;
  int fds[3];
  struct iovec iov = { .iov_base = &buf, .iov_len = 0 };
  union {
    char b[CMSG_SPACE(sizeof fds)];
    struct cmsghdr align;
  } u;
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

  memset(&buf, 0, sizeof buf);
  buf.note.magic = XOUS_OBJECT_MAGIC;
  buf.note.key = r->key;
  buf.note.keep = kept & 0xfu;
  buf.note.forget = kept >> 4;
  if (sel & 0x40) {
    len = fz_u8(in) % (sizeof buf + 1);
    buf.note.magic = fz_u32(in);
    fz_bytes(in, buf.more, sizeof buf.more);
  }
  if (sel & 0x80)
    buf.note.key = fz_u32(in);
  iov.iov_len = len;
  for (unsigned i = 0; i < nfds; i++)
    fds[i] = (i == 0 && (how & 1)) ? eventfd(0, EFD_CLOEXEC)
                                   : make_memfd(pages * XOUS_PAGE_SIZE, seals);
  if (nfds > 0) {
    struct cmsghdr *cm;

    memset(&u, 0, sizeof u);
    msg.msg_control = u.b;
    msg.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
    cm = CMSG_FIRSTHDR(&msg);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(nfds * sizeof(int));
    memcpy(CMSG_DATA(cm), fds, nfds * sizeof(int));
  }
  /* Each copy carries the same objects (the server gets descriptors of
   * its own for each). A full socket refuses one; so would the client's
   * kernel. */
  for (unsigned k = 0; k < copies; k++, buf.note.key++)
    (void)sendmsg(r->sock[0], &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
  for (unsigned i = 0; i < nfds; i++)
    if (fds[i] >= 0)
      close(fds[i]);
}

static void
poke(struct fz_reader *in, void *base, size_t size)
{
  size_t off = (fz_u16(in) % size) & ~(size_t)3;
  uint32_t v = fz_u32(in);

  /* SAFETY: inside the object, aligned for a 32-bit word. */
  memcpy((uint8_t *)base + off, &v, sizeof v);
}

/* ---- the server --------------------------------------------------------- */

/* Whether a received message is one a client of ours could have sent:
 * its sender word names this server and the PID of a ring, the only
 * thing the server may trust about who sent it. */
static void
check_sender(const xous_envelope_t *env)
{
  unsigned pid = (unsigned)(env->sender >> 24) & 0xff;
  bool known = false;

  for (unsigned i = 0; i < RINGS; i++)
    known = known || peer.rings[i].pid == pid;
  if (!known || ((env->sender >> 16) & 0xff) != INDEX ||
      env->body.kind < XOUS_MSG_LEND_MUT ||
      env->body.kind > XOUS_MSG_BLOCKING_SCALAR) {
    fprintf(stderr, "ring: a message from nowhere: sender %#llx kind %d\n",
            (unsigned long long)env->sender, (int)env->body.kind);
    abort();
  }
}

/* Whether the server still maps the memory a message brought. */
static bool
still_mapped(const xous_envelope_t *env)
{
  struct xous__span span;

  return xous__span_find((uintptr_t)env->body.memory.buf.addr,
                         env->body.memory.buf.len, &span) == XOUS_OK;
}

/* Forgets a relayed message's sender at the broker once given back. */
static void
relayed_done(xous_sender_t sender)
{
  pthread_mutex_lock(&peer_lock);
  for (unsigned i = 0; i < peer.nrelayed; i++)
    if (peer.relayed[i] == sender) {
      peer.relayed[i] = peer.relayed[--peer.nrelayed];
      break;
    }
  pthread_mutex_unlock(&peer_lock);
}

/* Gives back a message as a server would: how & 3 is 0 for right, 1 for
 * a wrong sender (one bit flipped), 2 for a wrong length, 3 for the
 * wrong kind of answer. Returns whether it is done with: the server maps
 * nothing of it any more, or has answered it. */
static bool
give_back(const xous_envelope_t *env, uint8_t how)
{
  xous_sender_t sender = env->sender;
  xous_range_t buf = env->body.memory.buf;
  unsigned flip = (how >> 2) % 33;
  bool done;

  if ((how & 3) == 1)
    sender ^= flip == 32 ? (xous_sender_t)1 << 32 : (xous_sender_t)1 << flip;
  switch (env->body.kind) {
  case XOUS_MSG_LEND:
  case XOUS_MSG_LEND_MUT:
    if ((how & 3) == 2)
      buf.len += XOUS_PAGE_SIZE;
    if ((how & 3) == 3)
      (void)xous_return_scalar1(sender, 1);
    else
      (void)xous_return_memory(sender, buf, how >> 4, how >> 5);
    done = !still_mapped(env);
    break;
  case XOUS_MSG_SEND:
    if ((how & 3) == 0)
      (void)xous_unmap_memory(buf);
    else
      (void)xous_return_memory(sender, buf, 0, 0);
    done = !still_mapped(env);
    break;
  case XOUS_MSG_BLOCKING_SCALAR:
    if ((how & 3) == 2)
      (void)xous_return_memory(sender, buf, 0, 0);
    else if (how & 0x10)
      (void)xous_return_scalar2(sender, 1, 2);
    else if (how & 0x20)
      (void)xous_return_scalar5(sender, 1, 2, 3, 4, 5);
    else
      (void)xous_return_scalar1(sender, 1);
    if ((how & 3) == 3)
      (void)xous_return_scalar1(sender, 1); /* once more: nothing waits */
    done = (how & 3) == 0 || (how & 3) == 3;
    break;
  default:
    (void)xous_return_scalar1(sender, 1); /* needs none: the broker says */
    done = true;
    break;
  }
  if (done && (env->sender & XOUS__SENDER_BROKER) != 0)
    relayed_done(env->sender);
  return done;
}

static void
receive(struct fz_reader *in, unsigned arg)
{
  xous_sid_t sid = xous_sid_from_name(SERVER_NAME);
  uint8_t x = fz_u8(in);
  xous_envelope_t env;
  bool got = false;

  pthread_mutex_lock(&peer_lock);
  peer.fetch_mode = arg % 3;
  peer.fetch_kind = x % 3;
  peer.fetch_pages = 1 + (x >> 2) % 4;
  peer.return_error = (arg & 4) != 0;
  pthread_mutex_unlock(&peer_lock);
  if (xous_try_receive_message(sid, &env, &got) != XOUS_OK || !got)
    return;
  check_sender(&env);
  if (nheld == MAX_HELD) {
    (void)give_back(&env, 0);
    return;
  }
  held[nheld++] = env;
}

/* A client that fills its ring with BlockingScalars, and a server that
 * takes up to n messages without answering any: past XOUS_QUEUE_DEPTH
 * held, the server's slot table is full. */
static void
flood(struct fz_reader *in, struct peer_ring *r)
{
  unsigned n = fz_u8(in);

  for (unsigned i = 0; i < n && r->fd >= 0; i++) {
    struct xous_ring_cell *c = &r->map->cells[r->enq % XOUS_RING_CELLS];

    if (atomic_load(&c->seq) != r->enq)
      break; /* full: the server has not taken that one yet */
    c->kind = XOUS_MSG_BLOCKING_SCALAR | (i % XOUS_RING_ANSWERS) << 8;
    c->token = i;
    c->key = r->key++;
    memset(c->w, 0, sizeof c->w);
    atomic_store_explicit(&c->seq, r->enq + 1, memory_order_release);
    r->enq++;
    (void)xous__page_reserve(peer.page);
    xous__page_ring_bell(peer.page, r->pid);
  }
  for (unsigned i = 0; i < n; i++)
    receive(in, 0);
}

static void
give_back_held(struct fz_reader *in)
{
  uint8_t j = fz_u8(in), how = fz_u8(in);

  if (nheld == 0)
    return;
  j %= nheld;
  if (give_back(&held[j], how))
    held[j] = held[--nheld];
}

static void
run_sweep(void)
{
  xous__srv_take();
  if (xous__srv_table[INDEX] != NULL)
    xous__srv_sweep(xous__srv_table[INDEX]);
  xous__srv_give();
}

static void
run_op(struct fz_reader *in)
{
  uint8_t b = fz_u8(in);
  unsigned arg = b >> 4;
  struct peer_ring *r = &peer.rings[(arg & 7) % RINGS];
  struct xous_server_page *pg = peer.page;

  switch (b & 15) {
  case 0:
  case 1:
    if (r->fd >= 0)
      put_cell(in, r, (arg & 8) != 0);
    break;
  case 2:
    if (r->fd >= 0) {
      struct xous_ring_cell c;

      fz_bytes(in, &c, sizeof c);
      memcpy(&r->map->cells[fz_u8(in) % XOUS_RING_CELLS], &c, sizeof c);
    }
    break;
  case 3:
    if (r->fd >= 0)
      send_object(in, r);
    break;
  case 4: {
    uint8_t w = fz_u8(in);

    if (w & 0x80)
      atomic_fetch_or(&pg->ready[r->pid / 64], 1ull << (r->pid % 64));
    else
      atomic_store(&pg->ready[w % 4], fz_u64(in));
    break;
  }
  case 5: {
    _Atomic uint32_t *words[] = { &pg->bell,          &pg->pending,
                                  &pg->trace,         &pg->sleepers,
                                  &pg->space_waiters, &pg->served };
    uint32_t v = fz_u32(in);

    atomic_store(words[arg % 6], arg % 6 == 2 ? v & 1 : v);
    break;
  }
  case 6: {
    uint8_t p = fz_u8(in);
    unsigned pid = (p & 0x80) ? r->pid : fz_u8(in);

    atomic_store(&pg->ring_gen[pid], fz_u32(in));
    break;
  }
  case 7:
    atomic_store(&pg->dead, arg & 1);
    atomic_fetch_add(&pg->bell, 1);
    break;
  case 8:
    pthread_mutex_lock(&peer_lock);
    if (arg & 8)
      ring_gone(r);
    else
      ring_make(r, (arg & 4) != 0);
    pthread_mutex_unlock(&peer_lock);
    break;
  case 9:
  case 10:
    receive(in, arg);
    break;
  case 11:
    give_back_held(in);
    break;
  case 12:
    run_sweep();
    break;
  case 13:
    if (r->fd >= 0)
      poke(in, r->map, XOUS_RING_BYTES);
    break;
  case 14:
    poke(in, pg, XOUS_SERVER_PAGE_BYTES);
    break;
  default:
    flood(in, r);
    break;
  }
}

/* One whole run; the server's state is gone at its end. */
static void
run(const uint8_t *data, size_t size)
{
  struct fz_reader in = { data, size };
  xous_sid_t sid = xous_sid_from_name(SERVER_NAME);
  unsigned pids[RINGS];

  for (unsigned i = 0; i < RINGS; i++) {
    pids[i] = fz_u8(&in);
    for (unsigned j = 0; j < i; j++)
      if (pids[j] == pids[i]) {
        pids[i] = (pids[i] + 1) % XOUS_RING_PIDS;
        j = (unsigned)-1; /* look at all of them again */
      }
  }
  objects_make(pids);
  while (fz_left(&in) > 0)
    run_op(&in);

  /* The memory held goes back: a lend's pages are unmapped only then,
   * and a server that holds lends cannot be destroyed. BlockingScalars
   * stay unanswered: destroying the server drops them. */
  while (nheld > 0) {
    nheld--;
    if (held[nheld].body.kind != XOUS_MSG_BLOCKING_SCALAR &&
        held[nheld].body.kind != XOUS_MSG_SCALAR)
      (void)give_back(&held[nheld], 0);
  }
  if (xous_destroy_server(sid) != XOUS_OK) {
    fprintf(stderr, "ring: DestroyServer refused with nothing lent\n");
    abort();
  }
  xous__srv_take();
  for (unsigned i = 0; i < XOUS_RING_PIDS; i++)
    if (xous__srv_table[i] != NULL) {
      fprintf(stderr, "ring: server %u outlived DestroyServer\n", i);
      abort();
    }
  xous__srv_give();
  objects_free();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
  static const uint8_t none[1];

  (void)argc;
  (void)argv;
  peer.page_fd = -1;
  fb_start(OWN_PID, serve_frame);
  /* One empty run: the process and thread sockets then stay for all. */
  run(none, 0);
  return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  int before = fz_open_fds();

  run(data, size);
  fz_check_fds(before, "ring");
  return 0;
}
