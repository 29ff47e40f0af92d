/*
 * The client's half of the direct path: every message goes straight into
 * the ring this process shares with the server (hosted/ring.h), a memory
 * message's object ahead of it on the ring's socket, and the answer comes
 * back in this thread's answer slot. The broker is asked once per
 * connection for the ring, the server page and the socket, and never
 * again while they live.
 *
 * Lifetimes:
 *  1. A connection's mappings are made on its first message and dropped
 *     on Disconnect, when the server is found gone, or in a forked child.
 *  2. The table holds a reference, and so does each thread for the
 *     connection it used last (its cache), which it uses while the table
 *     has not changed since, with no lock nor atomic count: the mappings a
 *     sender uses cannot go away under it, since only the sender's own
 *     thread lets its cached reference go (at its next look-up of another
 *     CID or after a change, or when it ends). The lock guards only the
 *     table, never a wait.
 *  3. The server keeps up to XOUS_KEPT_OBJECTS of our memory objects for
 *     later lends (ring.h); which, is recorded here. A number is given to
 *     another object only when no lend of its object is under way, and an
 *     object we unmap is let go once its lends are back.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hosted/internal.h"
#include "hosted/ring.h"

/* An object the server keeps for us under number (index + 1). */
struct held {
  uint32_t object;        /* 0: the number is free */
  _Atomic unsigned lends; /* under way */
  bool gone;              /* unmapped here: let go once lends is 0 */
  uint64_t used;          /* when last lent, to give the oldest away */
};

struct conn {
  _Atomic int refs;
  /* Our threads put their cells in one at a time, each claimed and
   * published before the next is claimed: a cell behind one that is
   * claimed but not yet written cannot be taken, and a message whose send
   * returned must be there for the server to see. A futex word (0 free,
   * 1 held, 2 held and waited for): taking and giving it back are one
   * atomic each when no other thread of ours sends, where a pthread mutex
   * pair costs some 57 instructions of every message. */
  _Atomic uint32_t push_lock;
  _Atomic int sock; /* our end of the object socket, -1 until needed */
  xous_word_t cid;
  struct xous_ring *ring;
  struct xous_server_page *page;
  unsigned index;                      /* the server's, for traces */
  struct held held[XOUS_KEPT_OBJECTS]; /* under push_lock */
  uint64_t lends;                      /* a clock for held[].used */
#ifdef __SANITIZE_THREAD__
  /* ThreadSanitizer cannot see that an answer comes after the sends that
   * led to it: their server is another process, whose atomics it does
   * not see. This word, released by every send and acquired by every
   * answer, stands for that order (one of our threads gives a ticktimer
   * mutex back, the server then answers another's LockMutex). */
  _Atomic uint32_t sanitizer_order;
#endif
};

#ifdef __SANITIZE_THREAD__
#define ORDER_SENT(c)                                                         \
  atomic_fetch_add_explicit(&(c)->sanitizer_order, 1, memory_order_release)
#define ORDER_ANSWERED(c)                                                     \
  (void)atomic_load_explicit(&(c)->sanitizer_order, memory_order_acquire)
#else
#define ORDER_SENT(c) ((void)0)
#define ORDER_ANSWERED(c) ((void)0)
#endif

static void
push_take(struct conn *c)
{
  uint32_t v = 0;

  if (atomic_compare_exchange_strong_explicit(&c->push_lock, &v, 1,
                                              memory_order_acquire,
                                              memory_order_relaxed))
    return;
  /* Held: mark it waited for, and sleep until it is given back. */
  if (v != 2)
    v = atomic_exchange_explicit(&c->push_lock, 2, memory_order_acquire);
  while (v != 0) {
    xous__futex_wait(&c->push_lock, 2, 0);
    v = atomic_exchange_explicit(&c->push_lock, 2, memory_order_acquire);
  }
}

static void
push_give(struct conn *c)
{
  if (atomic_exchange_explicit(&c->push_lock, 0, memory_order_release) == 2)
    xous__futex_wake(&c->push_lock, 1);
}

static pthread_rwlock_t conn_lock = PTHREAD_RWLOCK_INITIALIZER;
static struct conn *conns[XOUS_MAX_CONNECTIONS];
/* Bumped (under conn_lock, written) whenever an entry of conns changes:
 * a thread's cached connection is the table's while this is unchanged. */
static _Atomic unsigned conns_epoch;
static XOUS__THREAD_LOCAL uint32_t call_number;
/* This thread's cache: the connection it used last, with a reference of
 * its own, and the table's epoch when it was looked up. The key's
 * destructor lets the reference go when the thread ends. */
static XOUS__THREAD_LOCAL struct conn *cached;
static XOUS__THREAD_LOCAL unsigned cached_epoch;
static pthread_key_t cached_key;
static pthread_once_t cached_once = PTHREAD_ONCE_INIT;
static atomic_bool cached_key_made;

static void
conn_put(struct conn *c)
{
  if (c == NULL || atomic_fetch_sub(&c->refs, 1) != 1)
    return;
  munmap(c->ring, XOUS_RING_BYTES);
  munmap(c->page, XOUS_SERVER_PAGE_BYTES);
  if (atomic_load(&c->sock) >= 0)
    close(atomic_load(&c->sock));
  free(c);
}

static void
cached_drop(void *p)
{
  conn_put(p);
}

static void
cached_key_make(void)
{
  if (pthread_key_create(&cached_key, cached_drop) == 0)
    atomic_store(&cached_key_made, true);
}

/* Makes c (with a reference the caller gives up) this thread's cached
 * connection as of epoch, letting the one before go. */
static void
cache_set(struct conn *c, unsigned epoch)
{
  struct conn *old = cached;

  (void)pthread_once(&cached_once, cached_key_make);
  cached = c;
  cached_epoch = epoch;
  if (atomic_load_explicit(&cached_key_made, memory_order_relaxed))
    (void)pthread_setspecific(cached_key, c);
  conn_put(old);
}

/* Our end of the ring's object socket, asked for on first use (the
 * broker makes the socket then): most connections never carry memory,
 * and each socket costs the broker descriptors. -1 when it cannot be had. */
static int
conn_sock(struct conn *c)
{
  struct xous__hosted_args h = { .op = XOUS__SOCK_OF_CID, .cid = c->cid };
  int sock = atomic_load(&c->sock), expected = -1;

  if (sock >= 0)
    return sock;
  if (xous__hosted_socket(&h, &sock) != XOUS_OK)
    return -1;
  if (!atomic_compare_exchange_strong(&c->sock, &expected, sock)) {
    close(sock); /* another thread was quicker */
    sock = expected;
  }
  return sock;
}

static xous_error_t
conn_attach(xous_word_t cid, struct conn **out)
{
  struct xous__hosted_args h = { .op = XOUS__RING_OF_CID, .cid = cid };
  struct xous__hosted_answer ans = { 0 };
  struct conn *c = calloc(1, sizeof *c);
  void *ring = NULL, *page = NULL;
  xous_error_t err;

  if (c == NULL)
    return XOUS_OUT_OF_MEMORY;
  err = xous__hosted_object(&h, &ans, XOUS_RING_BYTES, XOUS_RING_MAGIC, &ring);
  c->index = (unsigned)(ans.index & 0xff);
  if (err == XOUS_OK) {
    h.op = XOUS__PAGE_OF_CID;
    err = xous__hosted_object(&h, NULL, XOUS_SERVER_PAGE_BYTES, 0, &page);
  }
  atomic_store(&c->sock, -1); /* asked for at the first memory message */
  c->cid = cid;
  if (err != XOUS_OK) {
    if (ring != NULL)
      munmap(ring, XOUS_RING_BYTES);
    if (page != NULL)
      munmap(page, XOUS_SERVER_PAGE_BYTES);
    free(c);
    return err;
  }
  c->ring = ring;
  c->page = page;
  atomic_store(&c->push_lock, 0);
  atomic_store(&c->refs, 1);
  *out = c;
  return XOUS_OK;
}

static bool
conn_dead(const struct conn *c)
{
  /* SAFETY: gone is in our own ring, which only the server and the broker
   * map besides us; the server page's dead word is not read, since every
   * client of the server could write it. */
  return (atomic_load_explicit(&c->ring->gone, memory_order_acquire) &
          XOUS_RING_SERVER_GONE) != 0;
}

/* The connection behind cid, made if need be; NULL with *err set when
 * there is none. It is this thread's cached one: valid, with no reference
 * to put back, until this thread's next look-up. */
static struct conn *
conn_get(xous_word_t cid, xous_error_t *err)
{
  unsigned i = (unsigned)(cid - XOUS_FIRST_CID);
  unsigned epoch = atomic_load_explicit(&conns_epoch, memory_order_acquire);
  struct conn *c = cached, *fresh = NULL, *old = NULL;

  if (c != NULL && c->cid == cid && cached_epoch == epoch && !conn_dead(c))
    return c;
  if (cid < XOUS_FIRST_CID || i >= XOUS_MAX_CONNECTIONS) {
    *err = XOUS_SERVER_NOT_FOUND;
    return NULL;
  }
  pthread_rwlock_rdlock(&conn_lock);
  c = conns[i];
  if (c != NULL && !conn_dead(c)) {
    atomic_fetch_add(&c->refs, 1);
    epoch = atomic_load_explicit(&conns_epoch, memory_order_relaxed);
    pthread_rwlock_unlock(&conn_lock);
    cache_set(c, epoch);
    return c;
  }
  pthread_rwlock_unlock(&conn_lock);
  /* First use, or the server went: ask the broker what the CID is now. */
  *err = conn_attach(cid, &fresh);
  pthread_rwlock_wrlock(&conn_lock);
  if (conns[i] == c) {
    old = c;
    conns[i] = fresh;
    fresh = NULL;
    atomic_fetch_add_explicit(&conns_epoch, 1, memory_order_release);
  }
  c = conns[i];
  if (c != NULL)
    atomic_fetch_add(&c->refs, 1);
  epoch = atomic_load_explicit(&conns_epoch, memory_order_relaxed);
  pthread_rwlock_unlock(&conn_lock);
  conn_put(old);
  conn_put(fresh); /* another thread was quicker */
  if (c == NULL) {
    if (*err == XOUS_OK)
      *err = XOUS_SERVER_NOT_FOUND;
    return NULL;
  }
  cache_set(c, epoch);
  return c;
}

void
xous__direct_disconnect(xous_word_t cid)
{
  unsigned i = (unsigned)(cid - XOUS_FIRST_CID);
  struct conn *c;

  if (cid < XOUS_FIRST_CID || i >= XOUS_MAX_CONNECTIONS)
    return;
  pthread_rwlock_wrlock(&conn_lock);
  c = conns[i];
  conns[i] = NULL;
  atomic_fetch_add_explicit(&conns_epoch, 1, memory_order_release);
  pthread_rwlock_unlock(&conn_lock);
  conn_put(c);
}

/* Takes a queue slot of the server, waiting for one unless try_only. */
static xous_error_t
reserve(struct conn *c, bool try_only)
{
  struct xous_server_page *pg = c->page;

  while (xous__page_reserve(pg) != 0) {
    uint32_t seen;

    if (try_only)
      return XOUS_SERVER_QUEUE_FULL;
    /* SAFETY: space and space_waiters are hints; the wait is bounded and
     * the queue is looked at again after it. */
    seen = atomic_load(&pg->space);
    atomic_fetch_add(&pg->space_waiters, 1);
    if (xous__page_reserve(pg) == 0) {
      atomic_fetch_sub(&pg->space_waiters, 1);
      break;
    }
    /* Wake an idle server: it recounts the slots in use when it finds no
     * message, which undoes a count a broken peer inflated. */
    atomic_fetch_add(&pg->bell, 1);
    if (atomic_load(&pg->sleepers) != 0)
      xous__futex_wake(&pg->bell, 1);
    xous__futex_wait(&pg->space, seen, 20000000);
    atomic_fetch_sub(&pg->space_waiters, 1);
    if (conn_dead(c))
      return XOUS_SERVER_NOT_FOUND;
    if (!xous__broker_alive())
      return XOUS_INTERNAL_ERROR;
  }
  return XOUS_OK;
}

/* The answer in slot ans, which holds the call number we wait for: XOUS_OK
 * with the result in r, or the error of a refused message. */
static xous_error_t
answer_take(struct xous_ring_answer *ans, xous_word_t r[8])
{
  /* SAFETY: the slot is this thread's, but the server (or a broken one)
   * writes it: the words are copied once, and any tag that is not one of
   * an answer's is a Scalar5. */
  uint32_t tag = ans->tag;
  struct xous__answer got = { 0 };

  /* Written only after a sleep: a caller that polled leaves the line as
   * the server wrote it. */
  if (atomic_load_explicit(&ans->state, memory_order_relaxed) !=
      XOUS_ANSWER_IDLE)
    atomic_store_explicit(&ans->state, XOUS_ANSWER_IDLE, memory_order_relaxed);
  if (tag == XOUS_RESULT_ERROR) {
    /* Refused by the server's library (a bad memory object). */
    xous_error_t err = xous__error_from_word(ans->w[0]);

    return err == XOUS_OK ? XOUS_INTERNAL_ERROR : err;
  }
  got.tag = tag == XOUS_RESULT_SCALAR1 || tag == XOUS_RESULT_SCALAR2 ||
                    tag == XOUS_RESULT_MEMORY_RETURNED
                ? tag
                : XOUS_RESULT_SCALAR5;
  for (int k = 0; k < 5; k++)
    got.v[k] = (xous_word_t)ans->w[k];
  xous__result_set_answer(r, &got);
  return XOUS_OK;
}

/* Waits in answer slot ans for the answer to call, which held before
 * (peer: whether the server was running or asleep when it was sent);
 * XOUS_OK with the result in r, or the error when the server went. */
static xous_error_t
await_answer(struct conn *c, struct xous_ring_answer *ans, uint32_t call,
             uint32_t before, int peer, xous_word_t r[8])
{
  /* Each thread waits for its own answers: its budget is its own. */
  static XOUS__THREAD_LOCAL struct xous__spin spin;
  /* SAFETY: call and state are the server's words too (or a broken
   * one's): only our own call number is an answer, and every value of
   * state is handled. */
  uint32_t got = xous__spin_while(&spin, peer, &ans->call, before);
  bool slept = false;

  for (;;) {
    uint32_t state = XOUS_ANSWER_IDLE;

    if (got == call) {
      if (slept)
        xous__spin_woke(&spin, peer); /* a wait that slept: how long */
      return answer_take(ans, r);
    }
    if (atomic_compare_exchange_strong(&ans->state, &state,
                                       XOUS_ANSWER_ASLEEP) ||
        state == XOUS_ANSWER_ASLEEP) {
      /* Asleep, as the server sees before it looks whether to wake us:
       * a last look at call, in that order. */
      got = atomic_load(&ans->call);
      if (got == call)
        continue;
      if (conn_dead(c)) {
        atomic_store(&ans->state, XOUS_ANSWER_IDLE);
        return XOUS_SERVER_NOT_FOUND;
      }
      /* Bounded, so that a death the broker could not tell us about is
       * still seen within the 100 ms the device's behaviour allows. */
      slept = true;
      xous__futex_wait(&ans->state, XOUS_ANSWER_ASLEEP, 50000000);
      got = atomic_load_explicit(&ans->call, memory_order_acquire);
      if (got != call && !xous__broker_alive()) {
        /* No kernel, no answer: as every other call now, InternalError. */
        atomic_store(&ans->state, XOUS_ANSWER_IDLE);
        return XOUS_INTERNAL_ERROR;
      }
    } else {
      /* READY from a wake-up, or a stray value: start over. */
      atomic_store(&ans->state, XOUS_ANSWER_IDLE);
      got = atomic_load_explicit(&ans->call, memory_order_acquire);
    }
  }
}

/* Hands a memory object to the server, ahead of its cell: for this
 * message alone (keep 0), or to keep as number keep. */
static int
send_object(int sock, int fd, uint32_t key, unsigned keep)
{
  struct xous_object_note note = { XOUS_OBJECT_MAGIC, key, keep, 0 };

  return xous__send_fd(sock, &note, sizeof note, fd, 0) == (long)sizeof note
             ? 0
             : -1;
}

/* Tells the server to let kept object number n go. push_lock held. */
static void
let_go(struct conn *c, unsigned n)
{
  struct xous_object_note note = { XOUS_OBJECT_MAGIC, 0, 0, n };

  c->held[n - 1].object = 0;
  c->held[n - 1].gone = false;
  /* Not waiting for room: a note that cannot go leaves the object kept
   * until its number is given to another or the connection ends. */
  if (atomic_load(&c->sock) >= 0 &&
      xous__send_fd(atomic_load(&c->sock), &note, sizeof note, -1,
                    MSG_DONTWAIT) == (long)sizeof note) {
    atomic_fetch_add(&c->ring->notes, 1);
    xous__page_ring_bell(c->page, xous__pid());
  }
}

/* The number under which the server keeps object for this lend (*fresh:
 * it does not have it yet), counted as lent; 0 when it is to go with this
 * message alone. push_lock held. */
static unsigned
hold(struct conn *c, uint32_t object, bool *fresh)
{
  struct held *same = NULL, *unused = NULL, *oldest = NULL, *pick;

  *fresh = false;
  for (unsigned i = 0; i < XOUS_KEPT_OBJECTS && same == NULL; i++) {
    struct held *h = &c->held[i];

    if (h->object == object && !h->gone)
      same = h;
    else if (atomic_load(&h->lends) != 0)
      continue; /* a lend of it is under way: its number stays */
    else if (h->object == 0)
      unused = unused != NULL ? unused : h;
    else if (oldest == NULL || h->used < oldest->used)
      oldest = h;
  }
  pick = same != NULL ? same : unused != NULL ? unused : oldest;
  if (pick == NULL)
    return 0; /* every number is lent now */
  if (pick != same) {
    /* The server lets the object kept under this number go. */
    pick->object = object;
    pick->gone = false;
    *fresh = true;
  }
  pick->used = ++c->lends;
  atomic_fetch_add(&pick->lends, 1);
  return (unsigned)(pick - c->held) + 1;
}

/* A lend of kept object n is back (or never went). */
static void
unhold(struct conn *c, unsigned n, bool failed)
{
  struct held *h = &c->held[n - 1];

  push_take(c);
  if (failed)
    h->object = 0; /* the server may not have it: send it again */
  if (atomic_fetch_sub(&h->lends, 1) == 1 && h->gone)
    let_go(c, n);
  push_give(c);
}

/* One message on the direct path; fd is the memory object of a memory
 * message (at fd_offset), -1 for a scalar. */
static int
direct_send(const struct xous__send_args *m, int fd, uint64_t fd_offset,
            uint32_t object, xous_word_t r[8])
{
  bool try_only = m->try_only;
  bool blocking = xous__is_blocking(m->kind);
  xous_tid_t tid = xous__tid();
  xous_pid_t pid = xous__pid();
  struct xous_ring_answer *ans = NULL;
  struct xous_cell_body body;
  uint32_t call = 0, before = 0, key, flags = 0;
  unsigned kept = 0;
  bool fresh = false;
  xous_error_t err;
  struct conn *c;
  int peer;

  if (tid >= XOUS_RING_ANSWERS || pid == 0)
    return 0; /* no answer slot of our own: the broker relays it */
  c = conn_get(m->cid, &err);
  if (c == NULL) {
    xous__set_error(r, err);
    return 1;
  }
  /* SAFETY: a hint any client can write; believing it only sends this
   * message the slow way, where the broker checks its fault rules. */
  if (atomic_load_explicit(&c->page->faults, memory_order_relaxed))
    return 0;
  err = reserve(c, try_only);
  if (err != XOUS_OK) {
    xous__set_error(r, err);
    return 1;
  }
  /* Our address means nothing there: the offset in the object does. */
  body = xous__cell_body(&m->msg, fd >= 0, fd_offset);
  if (blocking) {
    ans = &c->ring->answers[tid];
    /* SAFETY: the slot's call is the server's word (or a thread's before
     * us with our TID): ours must differ from it, or a stale answer would
     * pass for ours. The line is written only where the id changes (what
     * we wait for, for xousctl ps). */
    before = atomic_load_explicit(&ans->call, memory_order_relaxed);
    call = ++call_number;
    if (call == before)
      call = ++call_number;
    if (ans->id != (uint32_t)m->msg.id)
      ans->id = (uint32_t)m->msg.id;
  }
  /* While a trace is recorded, the broker hears of the message before
   * the server can: the send comes first in the trace. */
  key = xous__ring_next_key(c->ring, pid);
  if (atomic_load_explicit(&c->page->trace, memory_order_relaxed))
    xous__event(XOUS__EV_SEND, c->index, key, (unsigned)m->kind, body.id, 0);
  err = XOUS_OK;
  if (fd >= 0 && conn_sock(c) < 0)
    err = conn_dead(c) ? XOUS_SERVER_NOT_FOUND : XOUS_OUT_OF_MEMORY;
  ORDER_SENT(c); /* before the server can see the message */
  push_take(c);
  /* A lend of our own memory: the server keeps the object, which then
   * crosses the socket only the first time. */
  if (err == XOUS_OK && fd >= 0 && object != 0 && m->kind != XOUS_MSG_SEND)
    kept = hold(c, object, &fresh);
  if (kept != 0)
    flags = XOUS_CELL_OBJECT_OF(kept) | (fresh ? XOUS_CELL_F_FRESH : 0);
  if (err == XOUS_OK && fd >= 0 && (kept == 0 || fresh) &&
      send_object(atomic_load(&c->sock), fd, key, kept) != 0)
    err = conn_dead(c) ? XOUS_SERVER_NOT_FOUND : XOUS_INTERNAL_ERROR;
  /* SAFETY: our ring; if a broken peer jammed it, the push gives up and
   * the queue slot goes back. */
  while (err == XOUS_OK &&
         xous__ring_push(c->ring,
                         (uint32_t)m->kind | ((uint32_t)tid << 8) | flags,
                         call, key, &body) != 0) {
    if (try_only)
      err = XOUS_SERVER_QUEUE_FULL;
    else if (conn_dead(c))
      err = XOUS_SERVER_NOT_FOUND;
    else
      usleep(1000);
  }
  push_give(c);
  if (err != XOUS_OK) {
    /* An object already sent is freed with its socket, or dropped by the
     * server when no cell names it. */
    if (kept != 0)
      unhold(c, kept, true);
    xous__page_release(c->page);
    xous__set_error(r, err);
    return 1;
  }
  peer = xous__page_ring_bell(c->page, pid) ? XOUS__PEER_ASLEEP
                                            : XOUS__PEER_RUNNING;
  if (!blocking) {
    xous__set_ok(r, XOUS_RESULT_OK);
    return 1;
  }
  err = await_answer(c, ans, call, before, peer, r);
  ORDER_ANSWERED(c);
  if (kept != 0)
    unhold(c, kept, err != XOUS_OK || xous__result_is_error(r));
  if (err != XOUS_OK)
    xous__set_error(r, err);
  return 1;
}

int
xous__direct_send(const struct xous__send_args *m, xous_word_t r[8])
{
  return direct_send(m, -1, 0, 0, r);
}

int
xous__direct_send_memory(const struct xous__send_args *m, int fd,
                         uint64_t fd_offset, uint32_t object, xous_word_t r[8])
{
  return direct_send(m, fd, fd_offset, object, r);
}

void
xous__direct_forget(uint32_t object)
{
  pthread_rwlock_rdlock(&conn_lock);
  for (unsigned i = 0; i < XOUS_MAX_CONNECTIONS; i++) {
    struct conn *c = conns[i];

    if (c == NULL)
      continue;
    push_take(c);
    for (unsigned n = 0; n < XOUS_KEPT_OBJECTS; n++)
      if (c->held[n].object == object) {
        if (atomic_load(&c->held[n].lends) == 0)
          let_go(c, n + 1);
        else
          c->held[n].gone = true; /* let go by its last lend's return */
      }
    push_give(c);
  }
  pthread_rwlock_unlock(&conn_lock);
}

void
xous__direct_fork_lock(void)
{
  pthread_rwlock_wrlock(&conn_lock);
}

void
xous__direct_fork_unlock(void)
{
  pthread_rwlock_unlock(&conn_lock);
}

/* In the child, the table's lock is made anew rather than unlocked: a
 * glibc rwlock knows its writer by thread id, the child's one thread has
 * another id than the parent's forking thread, and its unlock would be
 * taken for a reader's and leave the lock held for good (every later
 * call on a connection then waited forever in the child). The child has
 * no other thread that could hold it. */
void
xous__direct_fork_child_unlock(void)
{
  pthread_rwlock_init(&conn_lock, NULL);
}

/* The child is a new process: the parent's rings are not its own. */
void
xous__direct_after_fork(void)
{
  /* The forking thread's cache is the child's one thread's: its reference
   * is the parent's, and the connection, if still in the table, is freed
   * below; one that was not stays mapped in the child. */
  cached = NULL;
  if (atomic_load(&cached_key_made))
    (void)pthread_setspecific(cached_key, NULL);
  atomic_fetch_add(&conns_epoch, 1);
  for (unsigned i = 0; i < XOUS_MAX_CONNECTIONS; i++) {
    struct conn *c = conns[i];

    conns[i] = NULL;
    if (c != NULL) {
      atomic_store(&c->refs, 1); /* the parent's callers are not here */
      conn_put(c);
    }
  }
}
