/*
 * The direct message path: the shared memory that a client, a server and
 * the broker map, and the few atomic steps that move messages through it.
 *
 * xousd creates two kinds of memory object (sealed memfds, so no peer can
 * shrink them under another's feet):
 *
 *  - a server page, one per server: the server's doorbell (a futex that
 *    its receiving threads sleep on), the count of its 128 queue slots in
 *    use, and hints of which clients have messages waiting. The server
 *    and every connected client map it.
 *  - a ring, one per (client process, server): 128 cells of requests the
 *    client (or the broker, for the messages it relays) writes and the
 *    server reads, and one answer slot per client thread. Only the client,
 *    the server and the broker map it, so the ring a message came through
 *    is who sent it: the sender's PID is never a field the sender writes.
 *
 * Everything in both is writable by a peer that may be hostile or dead.
 * The rules that keep the server and the broker safe against that:
 *  1. A reader copies a cell or an answer out once and validates the copy;
 *     nothing read from shared memory is used as an index unchecked.
 *  2. The consumer's position is its own (in its private memory); the one
 *     in the ring is only for show. A producer that lies about a cell
 *     sends garbage from itself, which is validated like any message.
 *  3. Counters and hints (pending, ready bits, the bell) may be wrong:
 *     they cost a wakeup or a retry, never memory safety. Every wait has a
 *     timeout, after which the waiter looks again.
 *  4. Loops over shared state are bounded.
 *
 * Order: a server takes its messages in the order their SendMessage calls
 * were made, across all its clients, as the device's single queue does.
 * Each cell carries a stamp of the monotonic clock, read when its producer
 * claimed the cell (so stamps grow along a ring), and the server takes the
 * published head with the oldest stamp among its rings. A message whose
 * send returned before another's began is therefore taken first. The
 * stamp is no counter in shared memory: no peer can move another's
 * messages by writing one, only its own (the server bounds what a stamp
 * may claim, direct_receive.c), and a sender that died between claim and
 * publish leaves no gap for anyone to wait on.
 */
#ifndef XOUS_HOSTED_RING_H
#define XOUS_HOSTED_RING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <xous.h>

#include "core/abi.h"

#define XOUS_RING_MAGIC 0x58524e47u /* 'XRNG' */
#define XOUS_PAGE_MAGIC 0x58535650u /* 'XSVP' */
/* Bumped whenever the layout of a ring or of the server page changes
 * (2: the server page's polling and served words moved to the line the
 * server alone writes; 3: the queue count moved to the bell's line; 4: an
 * answer is there when its call number is, and a caller writes its state
 * only to sleep). */
#define XOUS_RING_VERSION 4
#define XOUS_RING_CELLS XOUS_QUEUE_DEPTH /* one queue's worth */
#define XOUS_RING_ANSWERS 34             /* by client TID, 0..33 */
#define XOUS_RING_PIDS 256               /* clients are told apart by PID */
#define XOUS_LINE 64

/* cell.kind: the message kind (1..5) in bits 7..0, the client TID that
 * waits for the answer in bits 15..8, and who wrote it. */
#define XOUS_CELL_KIND(k) ((k)&0xffu)
#define XOUS_CELL_TID(k) (((k) >> 8) & 0xffu)
/* A memory message's object, in bits 19..16: 0 when it came on the
 * ring's socket for this message alone, else the number (1 to
 * XOUS_KEPT_OBJECTS) under which the server keeps it for the client. */
#define XOUS_CELL_OBJECT(k) (((k) >> 16) & 0xfu)
#define XOUS_CELL_OBJECT_OF(n) ((uint32_t)(n) << 16)
/* The note that makes the server keep it came with this very message. */
#define XOUS_CELL_F_FRESH 0x00100000u
#define XOUS_CELL_F_BROKER 0x80000000u /* token is the broker's slot */

/* A cell's token, for a blocking message the broker relays, is the
 * token of the sender word (core/abi.h) that names the broker's slot. */

/* A message as a cell carries it: SendMessage's body, but a memory
 * message names where its pages are in the memory object that came with
 * it (on the ring's socket, or at the broker), not an address, which
 * means nothing in another process. */
struct xous_cell_body {
  uint64_t id;
  union {
    uint64_t arg[4]; /* Scalar, BlockingScalar */
    struct {
      uint64_t object_offset, len, offset, valid;
    } mem; /* the lends, Send */
  };
};

struct xous_ring_cell {
  _Atomic uint32_t seq; /* pos: free for the producer at pos; pos+1: full */
  uint32_t kind;        /* XOUS_CELL_* */
  uint32_t token;       /* direct: the caller's call number; broker: slot */
  uint32_t key;         /* the message's name in traces */
  union {
    struct xous_cell_body body;
    uint64_t w[5]; /* body as five words: the id, then the four scalar
                    * arguments or, for memory, the object offset (not
                    * an address), len, offset and valid */
  };
  uint64_t order; /* the monotonic clock (ns) when it was claimed */
};

/* The answer slot of one client thread. The answer is there once call
 * holds the number of the call it answers (written last, after tag and
 * w), so that a caller that polls only reads the slot's line, and the
 * line moves once each way per round trip. state is the futex a caller
 * that stops polling sleeps on: it says so (ASLEEP) and looks at call
 * once more; the server, after writing call, wakes it if it says so. */
enum xous_answer_state {
  XOUS_ANSWER_IDLE = 0,
  XOUS_ANSWER_WAITING = 1, /* not written since layout 4: shown as a wait */
  XOUS_ANSWER_ASLEEP = 2,  /* the caller sleeps: wake it */
  XOUS_ANSWER_READY = 3,   /* the server woke it */
};

struct xous_ring_answer {
  _Atomic uint32_t state;
  /* The call number this answers. */
  _Atomic uint32_t call;
  /* XOUS_RESULT_SCALAR1/2/5, MEMORY_RETURNED, or ERROR (w[0] the error)
   * for a refused message. */
  uint32_t tag;
  /* The waiting call's message id (low 32 bits), written by the caller
   * when it changes, for xousctl ps: shown, never used. */
  uint32_t id;
  uint64_t w[5]; /* the answer's values (struct xous__answer's v) */
  uint64_t pad2;
};

#define XOUS_RING_SERVER_GONE 0x1u
#define XOUS_RING_CLIENT_GONE 0x2u

struct xous_ring {
  /* Written by the broker when it makes the ring. */
  uint32_t magic, version;
  uint32_t server_index, client_pid;
  _Atomic uint32_t gone; /* XOUS_RING_*_GONE, set by the broker */
  /* Bumped by the client after a note that asks nothing of a cell (a
   * kept object let go): the server reads its socket when it changes. */
  _Atomic uint32_t notes;
  uint8_t pad0[XOUS_LINE - 24];
  /* The producers' line. */
  _Atomic uint32_t enq;
  _Atomic uint32_t sent; /* messages the client put in, for xousctl */
  uint8_t pad1[XOUS_LINE - 8];
  /* The consumer's line: deq mirrors the server's private position. */
  _Atomic uint32_t deq;
  uint8_t pad2[XOUS_LINE - 4];
  struct xous_ring_cell cells[XOUS_RING_CELLS];
  struct xous_ring_answer answers[XOUS_RING_ANSWERS];
};

struct xous_server_page {
  /* Written by the broker. */
  uint32_t magic, version;
  uint32_t index, gen;
  _Atomic uint32_t dead;   /* the server is gone (shown; any client can
                           * write it, so no reader trusts it) */
  _Atomic uint32_t trace;  /* a trace is being recorded: report messages */
  _Atomic uint32_t faults; /* fault rules for sends exist: send every
                            * message through the broker (xousd/fault.c) */
  uint8_t pad0[XOUS_LINE - 28];
  /* The doorbell: bumped after every message, slept on by receivers.
   * Beside it, the queue slots in use (XOUS_QUEUE_DEPTH at most), and the
   * futex that senders waiting for a free one sleep on: a sender counts
   * its slot and rings the bell, so the two words move to it as one line,
   * and back to the server, which reads the bell and gives the slot back,
   * as one. */
  _Atomic uint32_t bell;
  _Atomic uint32_t sleepers;
  _Atomic uint32_t pending;
  _Atomic uint32_t space;
  _Atomic uint32_t space_waiters;
  uint8_t pad1[XOUS_LINE - 20];
  /* Hints: bit p is set when the ring of client PID p may hold cells. */
  _Atomic uint64_t ready[XOUS_RING_PIDS / 64];
  uint8_t pad2[XOUS_LINE - 32];
  /* ring_gen[p]: the generation of p's ring, 0 when it has none. A hint:
   * the server asks the broker before it believes a change. */
  _Atomic uint32_t ring_gen[XOUS_RING_PIDS];
  /* Written by the server alone, on a line away from the senders' words,
   * which the server would otherwise pull away from a sender on every
   * message and every wait. Bit t of receivers is set while the server's
   * thread t waits in ReceiveMessage, and served counts the messages it
   * took, both for xousctl: shown, never used (any client can write
   * them). polling is 1 while a receiver polls the bell rather than
   * sleeping on it: a hint, read by a sender that had to wake a receiver,
   * for how long it polls for its answer. */
  _Atomic uint64_t receivers;
  _Atomic uint32_t served;
  _Atomic uint32_t polling;
  uint8_t pad3[XOUS_LINE - 16];
};

#define XOUS_RING_BYTES                                                       \
  ((sizeof(struct xous_ring) + XOUS_PAGE_SIZE - 1) / XOUS_PAGE_SIZE *         \
   XOUS_PAGE_SIZE)
#define XOUS_SERVER_PAGE_BYTES                                                \
  ((sizeof(struct xous_server_page) + XOUS_PAGE_SIZE - 1) / XOUS_PAGE_SIZE *  \
   XOUS_PAGE_SIZE)

_Static_assert(sizeof(struct xous_ring_cell) == XOUS_LINE, "a cell a line");
_Static_assert(sizeof(struct xous_ring_answer) == XOUS_LINE,
               "an answer a line");

/* Beside each ring, a socket pair carries the memory objects of lends and
 * Sends from the client to the server: one datagram per object, sent
 * before the cell of the message it first comes with, with the object's
 * fd attached and the cell's key. With keep, the server keeps the object
 * (and its mappings, out of reach between lends) under that number for
 * the client's later lends, whose cells name it and come with no
 * datagram, until a note with forget (and no fd) lets it go, another
 * object takes the number, or the ring goes. */
#define XOUS_OBJECT_MAGIC 0x58534f42u /* 'XSOB' */
#define XOUS_KEPT_OBJECTS 8           /* numbers 1..8 per client */
struct xous_object_note {
  uint32_t magic;
  uint32_t key;
  uint32_t keep;   /* 0: for this message only; 1..XOUS_KEPT_OBJECTS */
  uint32_t forget; /* with no fd: the kept object to let go */
};

/* ---- objects.c ----------------------------------------------------------- */

/* Whether a memory object that came with a message may be mapped:
 * [offset, offset+len) page aligned, inside it, and the object sealed
 * against shrinking. XOUS_OK or the error to give. */
xous_error_t xous__check_object(int fd, uint64_t offset, uint64_t len);
/* Maps an object of the direct path (closing fd); NULL unless it is at
 * least size bytes and starts with magic (0: not checked). */
void *xous__map_object(int fd, size_t size, uint32_t magic);

/* ---- futex.c: waiting on a word of shared memory ---------------------- */

/* Polls *word for about ns at most while it holds value (a wake-up across
 * cores costs far more than a short poll when the peer acts at once);
 * returns the word's last value, and in *took_ns how long it polled until
 * the word changed (0: within the first few looks, before the clock was
 * read). */
uint32_t xous__poll_while(_Atomic uint32_t *word, uint32_t value, uint64_t ns,
                          uint64_t *took_ns);

/* Sleeps while *word == expected, at most timeout_ns (0: no limit).
 * Returns when woken, on timeout, or at once when the word differs. */
void xous__futex_wait(_Atomic uint32_t *word, uint32_t expected,
                      uint64_t timeout_ns);
/* Wakes up to n sleepers on word. */
void xous__futex_wake(_Atomic uint32_t *word, int n);

/* ---- a message in a cell, an answer in a slot ---------------------------- */

/* The cell body of message m; a memory message's pages are at
 * object_offset in its object. */
static inline struct xous_cell_body
xous__cell_body(const struct xous__msg *m, bool memory, uint64_t object_offset)
{
  struct xous_cell_body b;

  b.id = m->id;
  for (int i = 0; i < 4; i++)
    b.arg[i] = m->arg[i];
  if (memory)
    b.mem.object_offset = object_offset;
  return b;
}

/* The message a cell body holds, as its receiver sees it: a memory
 * message's address is 0 until the receiver maps the pages. */
static inline struct xous__msg
xous__cell_msg(const struct xous_cell_body *b, bool memory)
{
  struct xous__msg m;

  m.id = b->id;
  for (int i = 0; i < 4; i++)
    m.arg[i] = b->arg[i];
  if (memory)
    m.mem.addr = 0;
  return m;
}

/* Writes an answer (tag and its values) into a caller's answer slot for
 * call, and wakes the caller if it sleeps; whether it did. */
static inline bool
xous__ring_answer_put(struct xous_ring_answer *ans, uint32_t call,
                      uint32_t tag, const xous_word_t v[5])
{
  ans->tag = tag;
  for (int i = 0; i < 5; i++)
    ans->w[i] = v[i];
  /* Sequentially consistent, as is the caller's ASLEEP before its last
   * look at call: the caller sees the answer, or we see it asleep. */
  atomic_store_explicit(&ans->call, call, memory_order_seq_cst);
  if (atomic_load_explicit(&ans->state, memory_order_seq_cst) !=
      XOUS_ANSWER_ASLEEP)
    return false;
  atomic_store_explicit(&ans->state, XOUS_ANSWER_READY, memory_order_relaxed);
  xous__futex_wake(&ans->state, 1);
  return true;
}

/* ---- the producer's and the consumer's step ------------------------------ */

/* The clock of the cells' order stamps: CLOCK_MONOTONIC, which is one
 * clock for every process on the machine and never goes back. */
static inline uint64_t
xous__ring_clock(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Puts one cell into ring r; returns 0, or -1 when no cell is free (after
 * a bounded number of tries: a peer may have broken the ring). */
static inline int
xous__ring_push(struct xous_ring *r, uint32_t kind, uint32_t token,
                uint32_t key, const struct xous_cell_body *body)
{
  /* SAFETY: enq and seq are peer-writable; at worst this gives up after
   * the bounded tries, and the cell it writes is inside the ring. */
  uint32_t pos = atomic_load_explicit(&r->enq, memory_order_relaxed);
  struct xous_ring_cell *c;
  uint64_t order;

  for (int tries = 0;; tries++) {
    uint32_t seq;
    int32_t dif;

    if (tries > 4 * XOUS_RING_CELLS)
      return -1;
    c = &r->cells[pos % XOUS_RING_CELLS];
    seq = atomic_load_explicit(&c->seq, memory_order_acquire);
    dif = (int32_t)(seq - pos);
    if (dif == 0) {
      /* Read between seeing the cell free and claiming it: later than
       * the consumer freed it, and than any claim before ours. */
      order = xous__ring_clock();
      if (atomic_compare_exchange_weak_explicit(&r->enq, &pos, pos + 1,
                                                memory_order_seq_cst,
                                                memory_order_relaxed))
        break;
    } else if (dif < 0) {
      return -1; /* full */
    } else {
      pos = atomic_load_explicit(&r->enq, memory_order_relaxed);
    }
  }
  c->kind = kind;
  c->token = token;
  c->key = key;
  c->body = *body;
  c->order = order;
  /* Sequentially consistent, as is the look at the ready bit after it
   * (xous__page_ring_bell): a server that clears the bit and then looks
   * at the ring sees this cell, or the sender sees the bit cleared. */
  atomic_store_explicit(&c->seq, pos + 1, memory_order_seq_cst);
  return 0;
}

/* Takes the cell at the consumer's own position *pos, if it is full:
 * copies it to *out and frees it. Returns 1, or 0 when it is empty. */
static inline int
xous__ring_take(struct xous_ring *r, uint32_t *pos, struct xous_ring_cell *out)
{
  /* SAFETY: only the cell at our private position is read, and copied
   * once; its fields are validated by the caller. */
  struct xous_ring_cell *c = &r->cells[*pos % XOUS_RING_CELLS];

  if (atomic_load_explicit(&c->seq, memory_order_acquire) != *pos + 1)
    return 0;
  out->kind = c->kind;
  out->token = c->token;
  out->key = c->key;
  out->body = c->body;
  out->order = c->order;
  atomic_store_explicit(&c->seq, *pos + XOUS_RING_CELLS, memory_order_release);
  *pos += 1;
  atomic_store_explicit(&r->deq, *pos, memory_order_relaxed);
  return 1;
}

/* The order stamp of the cell at pos, which xous__ring_peek found full
 * (a peer's word: a bound is the caller's). */
static inline uint64_t
xous__ring_order(struct xous_ring *r, uint32_t pos)
{
  return r->cells[pos % XOUS_RING_CELLS].order;
}

/* Whether the cell at *pos is full, without taking it. */
static inline int
xous__ring_peek(struct xous_ring *r, uint32_t pos)
{
  return atomic_load_explicit(&r->cells[pos % XOUS_RING_CELLS].seq,
                              memory_order_acquire) == pos + 1;
}

/* The name of the next message of client pid in traces: its PID and a
 * count, unique while the message is in flight. */
static inline uint32_t
xous__ring_next_key(struct xous_ring *r, unsigned pid)
{
  return ((uint32_t)(pid & 0xff) << 16) |
         (atomic_fetch_add_explicit(&r->sent, 1, memory_order_relaxed) &
          0xffff);
}

/* Marks client pid's ring as holding cells and rings the server's bell;
 * wakes one receiver if any sleeps. Whether the server was asleep: it
 * had to be woken, and no receiver polls the bell. */
static inline bool
xous__page_ring_bell(struct xous_server_page *pg, unsigned pid)
{
  /* SAFETY: pid < 256 always (it is ours, or the broker's table index). */
  _Atomic uint64_t *ready = &pg->ready[(pid & 0xff) / 64];
  uint64_t bit = 1ull << (pid % 64);

  /* A bit that is set already is not written again: the server keeps the
   * bit of a busy client's ring set while it is empty (server_recv.c),
   * and the word then stays in both sides' caches instead of moving to
   * the sender and back on every message. The load is ordered after the
   * cell's publication (xous__ring_push), as the server's clearing of the
   * bit is before its last look at the ring: one of the two sees the
   * other. */
  if ((atomic_load(ready) & bit) == 0)
    atomic_fetch_or(ready, bit);
  atomic_fetch_add(&pg->bell, 1);
  if (atomic_load(&pg->sleepers) == 0)
    return false;
  xous__futex_wake(&pg->bell, 1);
  /* SAFETY: a hint any client can write; it only sets how long the
   * sender polls for its answer. */
  return atomic_load_explicit(&pg->polling, memory_order_relaxed) == 0;
}

/* Says that thread tid of the server's process waits in ReceiveMessage
 * (on), or no longer does. */
static inline void
xous__page_receiving(struct xous_server_page *pg, unsigned tid, int on)
{
  uint64_t bit = tid < 64 ? 1ull << tid : 0;

  if (on)
    atomic_fetch_or_explicit(&pg->receivers, bit, memory_order_relaxed);
  else
    atomic_fetch_and_explicit(&pg->receivers, ~bit, memory_order_relaxed);
}

/* Takes one queue slot: 0, or -1 when all XOUS_QUEUE_DEPTH are in use. */
static inline int
xous__page_reserve(struct xous_server_page *pg)
{
  uint32_t n = atomic_load_explicit(&pg->pending, memory_order_relaxed);

  for (int tries = 0; tries < 1000; tries++) {
    if (n >= XOUS_QUEUE_DEPTH)
      return -1;
    if (atomic_compare_exchange_weak(&pg->pending, &n, n + 1))
      return 0;
  }
  return -1;
}

/* Gives a queue slot back and lets a waiting sender in. */
static inline void
xous__page_release(struct xous_server_page *pg)
{
  uint32_t n = atomic_load_explicit(&pg->pending, memory_order_relaxed);

  /* Never below zero, whatever a peer wrote. */
  for (int tries = 0; n > 0 && tries < 1000; tries++)
    if (atomic_compare_exchange_weak(&pg->pending, &n, n - 1))
      break;
  if (atomic_load(&pg->space_waiters) != 0) {
    atomic_fetch_add(&pg->space, 1);
    xous__futex_wake(&pg->space, 1 << 30);
  }
}

#endif /* XOUS_HOSTED_RING_H */
