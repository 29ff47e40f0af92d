/*
 * The server's half of the direct path: ReceiveMessage takes messages out
 * of the rings of the server's clients (hosted/ring.h), and the answer to
 * a BlockingScalar goes straight into the caller's answer slot. The
 * broker is asked for the server page once, for each client's ring once,
 * and for the memory object of each memory message it relayed.
 *
 * The sender word of a direct blocking message names a slot of this
 * library's own table (bit 15 clear); one the broker relayed names the
 * broker's (bit 15 set), and its answer goes to the broker.
 *
 * Lifetimes:
 *  1. A server's local state is made by its first ReceiveMessage and
 *     freed when the server is found dead with no thread inside it.
 *  2. A client's ring is mapped on its first message and dropped when the
 *     broker says that it changed (the client died or its PID was
 *     reused) and the messages left in it are delivered; an unanswered
 *     message keeps it mapped until answered.
 *  3. One mutex guards all of it; nothing sleeps while holding it.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hosted/internal.h"
#include "hosted/ring.h"

#define SLOT_BITS 7
#define GEN_MAX 255
#define RECHECK_NS 20000000u /* how often a client's hints may cost a call */

/* Objects that came ahead of their cells: each thread of a client sends
 * its object, then its cell, so no more than one per thread can be ahead
 * of the cell we look for. */
#define STASH (2 * XOUS_RING_ANSWERS)

struct ring {
  struct xous_ring *map;
  uint32_t gen;
  uint32_t checked; /* a ring_gen the broker said is still this ring */
  uint64_t checked_at; /* when the broker last said so (ns) */
  uint32_t pos;   /* our own: the ring's deq is only for show */
  unsigned refs;  /* 1 while in the table, +1 per unanswered message */
  int sock;       /* our end of the object socket */
  struct {
    uint32_t key;
    int fd;
  } stash[STASH];
  unsigned nstash;
};

struct slot {
  bool used;
  uint8_t gen;
  uint8_t tid;
  uint8_t pid;
  uint8_t kind;   /* BlockingScalar, or a lend */
  uint32_t call;
  uint32_t key;
  uint64_t len;   /* a lend's length, which ReturnMemory must name */
  struct ring *ring;
};

struct server {
  xous_sid_t sid;
  unsigned index;
  bool dead;
  unsigned users; /* threads inside ReceiveMessage on it */
  unsigned cursor;
  unsigned active;
  struct xous_server_page *page;
  struct ring *rings[XOUS_RING_PIDS];
  uint64_t absent_at[XOUS_RING_PIDS]; /* when the broker said: no ring */
  struct slot slots[XOUS_QUEUE_DEPTH];
};

/* One received message, as it leaves the lock. */
struct taken {
  xous_word_t env[8];
  bool fetch;      /* a memory message: its object is at the broker */
  int fd;          /* a memory message's object, handed over directly */
  uint64_t mem_offset;
  uint32_t key;
  unsigned kind, pid;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct server *servers[XOUS_RING_PIDS]; /* by the broker's index */

static void
ring_put(struct ring *r)
{
  if (r != NULL && --r->refs == 0) {
    munmap(r->map, XOUS_RING_BYTES);
    if (r->sock >= 0)
      close(r->sock);
    for (unsigned i = 0; i < r->nstash; i++)
      close(r->stash[i].fd);
    free(r);
  }
}

/* The object the client sent ahead of the cell named key; -1 when none
 * came (the cell is then no message). Lock held. */
static int
object_of(struct ring *r, uint32_t key)
{
  for (unsigned i = 0; i < r->nstash;) {
    /* How far this object's key is behind the one wanted: a client's keys
     * count up, so one far behind belongs to a cell that never came. */
    int16_t behind = (int16_t)(uint16_t)(key - r->stash[i].key);

    if (r->stash[i].key == key) {
      int fd = r->stash[i].fd;

      r->stash[i] = r->stash[--r->nstash];
      return fd;
    }
    if ((r->stash[i].key >> 16) != (key >> 16) || behind > STASH) {
      close(r->stash[i].fd);
      r->stash[i] = r->stash[--r->nstash];
      continue;
    }
    i++;
  }
  /* SAFETY: the datagrams come from the client: only one of exactly our
   * size with exactly one descriptor is taken; anything else is closed
   * and dropped. The loop ends when the socket is empty. */
  for (unsigned tries = 0; r->sock >= 0 && tries < 4 * STASH; tries++) {
    struct xous_object_note note;
    struct iovec iov = { .iov_base = &note, .iov_len = sizeof note };
    union {
      char buf[CMSG_SPACE(2 * sizeof(int))];
      struct cmsghdr align;
    } u;
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                          .msg_control = u.buf,
                          .msg_controllen = sizeof u.buf };
    int fd = -1, nfds = 0;
    ssize_t n = recvmsg(r->sock, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);

    if (n < 0 && errno == EINTR)
      continue;
    /* Nothing more (or the client's end is closed); an empty datagram
     * with descriptors is malformed, and its descriptors are closed. */
    if (n < 0 || (n == 0 && msg.msg_controllen == 0))
      return -1;
    for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm != NULL;
         cm = CMSG_NXTHDR(&msg, cm))
      if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
        size_t k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);

        for (size_t j = 0; j < k; j++) {
          int got;

          memcpy(&got, CMSG_DATA(cm) + j * sizeof(int), sizeof got);
          if (nfds++ == 0)
            fd = got;
          else
            close(got);
        }
      }
    if (n != (ssize_t)sizeof note || nfds != 1 ||
        (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0 ||
        note.magic != XOUS_OBJECT_MAGIC) {
      if (fd >= 0)
        close(fd);
      continue;
    }
    if (note.key == key)
      return fd;
    if (r->nstash == STASH) {
      close(r->stash[0].fd); /* the oldest: its cell never came */
      r->stash[0] = r->stash[--r->nstash];
    }
    r->stash[r->nstash].key = note.key;
    r->stash[r->nstash].fd = fd;
    r->nstash++;
  }
  return -1;
}

static void
server_free(struct server *s)
{
  for (unsigned n = 0; n < XOUS_QUEUE_DEPTH; n++)
    if (s->slots[n].used)
      ring_put(s->slots[n].ring);
  for (unsigned p = 0; p < XOUS_RING_PIDS; p++)
    ring_put(s->rings[p]);
  munmap(s->page, XOUS_SERVER_PAGE_BYTES);
  free(s);
}

static struct server *
find_sid(xous_sid_t sid)
{
  for (unsigned i = 0; i < XOUS_RING_PIDS; i++)
    if (servers[i] != NULL && !servers[i]->dead &&
        xous_sid_eq(servers[i]->sid, sid))
      return servers[i];
  return NULL;
}

/* The local state of a server this process owns, with the lock held and
 * users counted; NULL (lock not held) with *err when it is not ours. */
static struct server *
server_enter(xous_sid_t sid, xous_error_t *err)
{
  xous_word_t a[8] = { XOUS__SYSCALL_HOSTED, XOUS__PAGE_OF_SID,
                       sid.w[0], sid.w[1], sid.w[2], sid.w[3] };
  xous_word_t r[8];
  struct server *s;
  void *page;

  pthread_mutex_lock(&lock);
  s = find_sid(sid);
  if (s != NULL) {
    s->users++;
    return s;
  }
  pthread_mutex_unlock(&lock);
  *err = xous__hosted_object(a, r, XOUS_SERVER_PAGE_BYTES, 0, &page);
  if (*err != XOUS_OK)
    return NULL;
  s = calloc(1, sizeof *s);
  if (s == NULL) {
    munmap(page, XOUS_SERVER_PAGE_BYTES);
    *err = XOUS_OUT_OF_MEMORY;
    return NULL;
  }
  s->sid = sid;
  s->index = (unsigned)(r[1] & 0xff);
  s->page = page;
  pthread_mutex_lock(&lock);
  if (servers[s->index] != NULL && !servers[s->index]->dead) {
    /* Another thread was quicker (or the index is ours already). */
    server_free(s);
    s = servers[s->index];
  } else {
    if (servers[s->index] != NULL) {
      /* A dead one that threads are still leaving: they free it. */
      servers[s->index]->index = XOUS_RING_PIDS;
    }
    servers[s->index] = s;
  }
  s->users++;
  return s;
}

static void
server_leave(struct server *s)
{
  s->users--;
  if (s->dead && s->users == 0) {
    if (s->index < XOUS_RING_PIDS && servers[s->index] == s)
      servers[s->index] = NULL;
    server_free(s);
  }
}

/* Drops the ring of pid: the messages still in it are not delivered, and
 * their queue slots go back. */
static void
ring_drop(struct server *s, unsigned pid)
{
  struct ring *r = s->rings[pid];
  struct xous_ring_cell c;

  if (r == NULL)
    return;
  s->rings[pid] = NULL;
  for (unsigned n = 0; n < XOUS_RING_CELLS && xous__ring_take(r->map, &r->pos, &c);
       n++)
    xous__page_release(s->page);
  ring_put(r);
}

/* The ring of client pid as the broker has it now, mapped if need be.
 * Called with the lock held; drops it around the broker call. */
static struct ring *
ring_of(struct server *s, unsigned pid)
{
  /* SAFETY: ring_gen is a hint any client could write, and so are the
   * ready bits that bring us here: they only make us ask the broker (at
   * most every RECHECK_NS per PID), which hands out the ring of that very
   * PID. A ring whose client the broker marked gone is asked about too,
   * whatever the hint says: its PID may be another process's now. */
  uint32_t gen = atomic_load(&s->page->ring_gen[pid]);
  xous_word_t a[8] = { XOUS__SYSCALL_HOSTED, XOUS__RING_OF_PID, s->index, pid };
  xous_word_t r[8];
  struct ring *ring = s->rings[pid];
  uint64_t now = xous__now_ns();
  void *map;
  int sock = -1;

  if (ring != NULL) {
    bool orphaned = (atomic_load(&ring->map->gone) & XOUS_RING_CLIENT_GONE) != 0;

    if ((ring->gen == gen || ring->checked == gen) && !orphaned)
      return ring;
    if (now - ring->checked_at < RECHECK_NS)
      return ring;
  } else if (now - s->absent_at[pid] < RECHECK_NS) {
    return NULL;
  }
  pthread_mutex_unlock(&lock);
  if (xous__hosted_object(a, r, XOUS_RING_BYTES, XOUS_RING_MAGIC, &map) !=
      XOUS_OK)
    map = NULL;
  if (map != NULL) {
    xous_word_t b[8] = { XOUS__SYSCALL_HOSTED, XOUS__SOCK_OF_PID, s->index,
                         pid };
    xous_word_t rs[8];

    if (xous__hosted_socket(b, rs, &sock) != XOUS_OK) {
      munmap(map, XOUS_RING_BYTES);
      map = NULL;
    }
  }
  pthread_mutex_lock(&lock);
  if (map == NULL) {
    /* No ring for pid at the broker: the one we have (if any) went with
     * its client, once we took what it held. */
    s->absent_at[pid] = xous__now_ns();
    if (s->rings[pid] != NULL && !xous__ring_peek(s->rings[pid]->map,
                                                   s->rings[pid]->pos))
      ring_drop(s, pid);
    return s->rings[pid];
  }
  ring = s->rings[pid];
  if (ring != NULL && ring->gen == (uint32_t)r[1]) {
    /* The same ring: the word in the page was wrong (or another thread
     * was quicker). Remember it, so as not to ask again. */
    ring->checked = gen;
    ring->checked_at = xous__now_ns();
    munmap(map, XOUS_RING_BYTES);
    close(sock);
    return ring;
  }
  ring_drop(s, pid);
  ring = calloc(1, sizeof *ring);
  if (ring == NULL) {
    munmap(map, XOUS_RING_BYTES);
    close(sock);
    return NULL;
  }
  ring->map = map;
  ring->sock = sock;
  ring->gen = (uint32_t)r[1];
  ring->refs = 1;
  /* The broker made the ring empty at position 0; a client may have put
   * cells in since, which we take from there. */
  ring->pos = 0;
  s->rings[pid] = ring;
  return ring;
}

/* Tells the caller waiting in answer slot tid that its message was
 * refused, as the kernel refuses a bad lend at the send: it must not wait
 * for an answer that will never come. Lock held. */
static void
refuse(struct ring *r, unsigned tid, uint32_t call, xous_error_t err)
{
  /* SAFETY: tid < XOUS_RING_ANSWERS was checked; the slot is the
   * client's own, in its ring. */
  struct xous_ring_answer *ans = &r->map->answers[tid];

  ans->tag = XOUS_RESULT_ERROR;
  ans->w[0] = xous__error_word(err);
  ans->call = call;
  if (atomic_exchange_explicit(&ans->state, XOUS_ANSWER_READY,
                               memory_order_release) == XOUS_ANSWER_ASLEEP)
    xous__futex_wake(&ans->state, 1);
}

/* Turns one cell of client pid into a message; false when the cell is
 * not a message anyone could have sent (it is dropped). */
static bool
accept_cell(struct server *s, unsigned pid, struct ring *r,
            const struct xous_ring_cell *c, struct taken *t)
{
  unsigned kind = XOUS_CELL_KIND(c->kind);
  bool from_broker = (c->kind & XOUS_CELL_F_BROKER) != 0;
  xous_word_t sender = ((xous_word_t)pid << 24) | ((xous_word_t)s->index << 16);

  t->fetch = false;
  t->fd = -1;
  t->kind = kind;
  t->pid = pid;
  t->key = c->key; /* the client's word: only for traces */
  if (from_broker) {
    /* The broker's slot: it is the broker who checks the token. */
    if (kind == XOUS_MSG_BLOCKING_SCALAR || kind == XOUS_MSG_LEND ||
        kind == XOUS_MSG_LEND_MUT || kind == XOUS_MSG_SEND) {
      if ((c->token & XOUS_TOKEN_BROKER) == 0 || c->token > 0xffff)
        return false;
      sender |= c->token;
    } else if (kind != XOUS_MSG_SCALAR) {
      return false;
    }
    t->fetch = kind != XOUS_MSG_BLOCKING_SCALAR && kind != XOUS_MSG_SCALAR;
    if (kind == XOUS_MSG_SCALAR)
      xous__page_release(s->page);
  } else if (kind == XOUS_MSG_SCALAR) {
    xous__page_release(s->page); /* needs no answer: its slot is free */
  } else if (kind >= XOUS_MSG_LEND_MUT && kind <= XOUS_MSG_BLOCKING_SCALAR) {
    unsigned n, tid = XOUS_CELL_TID(c->kind);
    bool memory = kind != XOUS_MSG_BLOCKING_SCALAR;
    struct slot *sl;

    if (tid >= XOUS_RING_ANSWERS)
      return false;
    if (memory) {
      /* The object came ahead of the cell; it must hold what the cell
       * says, or the mapping would fault here. */
      xous_error_t err;

      t->fd = object_of(r, c->key);
      err = t->fd < 0 ? XOUS_BAD_ADDRESS
                      : xous__check_object(t->fd, c->w[1], c->w[2]);
      if (err != XOUS_OK) {
        if (t->fd >= 0)
          close(t->fd);
        t->fd = -1;
        if (kind != XOUS_MSG_SEND)
          refuse(r, tid, c->token, err);
        return false;
      }
      t->mem_offset = c->w[1];
    }
    if (kind == XOUS_MSG_SEND) {
      xous__page_release(s->page); /* moved: nothing to answer */
    } else {
      for (n = 0; n < XOUS_QUEUE_DEPTH && s->slots[n].used; n++)
        ;
      if (n == XOUS_QUEUE_DEPTH) {
        if (t->fd >= 0)
          close(t->fd);
        t->fd = -1;
        return false;
      }
      sl = &s->slots[n];
      sl->used = true;
      sl->gen = sl->gen >= GEN_MAX ? 1 : sl->gen + 1;
      sl->tid = (uint8_t)tid;
      sl->pid = (uint8_t)pid;
      sl->kind = (uint8_t)kind;
      sl->len = c->w[2];
      sl->call = c->token;
      sl->key = t->key;
      sl->ring = r;
      r->refs++;
      s->active++;
      sender |= ((xous_word_t)sl->gen << SLOT_BITS) | n;
    }
  } else {
    return false;
  }
  xous__set_ok(t->env, XOUS_RESULT_MESSAGE_ENVELOPE);
  t->env[1] = sender;
  t->env[2] = kind - 1u; /* envelopes count kinds from 0 */
  for (int i = 0; i < 5; i++)
    t->env[3 + i] = (xous_word_t)c->w[i];
  if (t->fd >= 0)
    t->env[4] = 0; /* the address is where we map it */
  return true;
}

/* Takes the next message of s, if any. Lock held. */
static bool
take(struct server *s, struct taken *t)
{
  unsigned garbage = 0;

  /* SAFETY: the ready bits are hints: a bit set for nothing costs a look,
   * and a bit a peer cleared is found again by the sweep on every wait. */
  for (unsigned k = 0; k < XOUS_RING_PIDS; k++) {
    unsigned pid = (s->cursor + k) % XOUS_RING_PIDS;
    _Atomic uint64_t *word = &s->page->ready[pid / 64];
    uint64_t bit = 1ull << (pid % 64);
    struct xous_ring_cell c;
    struct ring *r;

    if ((atomic_load_explicit(word, memory_order_acquire) & bit) == 0) {
      /* Skip the rest of an empty word at once. */
      if (atomic_load_explicit(word, memory_order_relaxed) == 0)
        k += 63 - pid % 64;
      continue;
    }
    if (s->active >= XOUS_QUEUE_DEPTH)
      return false; /* every slot waits for an answer: nothing fits */
    /* A client that went may have left messages: they are delivered, as
     * the kernel's queue keeps them, before its ring is let go. */
    r = s->rings[pid];
    if (r == NULL || !xous__ring_peek(r->map, r->pos))
      r = ring_of(s, pid);
    if (s->dead || r == NULL) {
      if (r == NULL)
        atomic_fetch_and(word, ~bit);
      continue;
    }
    if (!xous__ring_take(r->map, &r->pos, &c)) {
      atomic_fetch_and(word, ~bit);
      /* A cell may have come between the look and the clear. */
      if (!xous__ring_peek(r->map, r->pos))
        continue;
      atomic_fetch_or(word, bit);
      if (!xous__ring_take(r->map, &r->pos, &c))
        continue;
    }
    s->cursor = pid + 1;
    if (accept_cell(s, pid, r, &c, t))
      return true;
    /* Garbage: its queue slot goes back (a Scalar's already went). */
    if (XOUS_CELL_KIND(c.kind) != XOUS_MSG_SCALAR)
      xous__page_release(s->page);
    /* Look at this ring again, but not forever: a client that writes
     * garbage as fast as we read it must not hold the lock. */
    if (++garbage < XOUS_RING_CELLS)
      k--;
  }
  return false;
}

/* Sets every ready bit of a client whose ring we know or whose ring the
 * broker changed: nothing stays unseen for longer than one wait. Called
 * when there is no message: the queue then holds only what waits for an
 * answer, and a count of slots in use above that is a peer's lie (or a
 * sender between its count and its cell), lowered so that no honest
 * sender waits for room that is there. */
static void
sweep(struct server *s)
{
  uint32_t n = atomic_load(&s->page->pending);

  for (int tries = 0; n > s->active && tries < 100; tries++)
    if (atomic_compare_exchange_weak(&s->page->pending, &n, s->active))
      break;
  if (n > s->active && atomic_load(&s->page->space_waiters) != 0) {
    atomic_fetch_add(&s->page->space, 1);
    xous__futex_wake(&s->page->space, 1 << 30);
  }

  for (unsigned pid = 0; pid < XOUS_RING_PIDS; pid++) {
    struct ring *r = s->rings[pid];
    uint32_t gen = atomic_load_explicit(&s->page->ring_gen[pid],
                                        memory_order_relaxed);

    if ((r != NULL && ((r->gen != gen && r->checked != gen) ||
                       xous__ring_peek(r->map, r->pos))) ||
        (r == NULL && gen != 0))
      atomic_fetch_or(&s->page->ready[pid / 64], 1ull << (pid % 64));
  }
}

/* The memory object of a message the broker relayed: true with the
 * message in r (or the error that ends the receive), false when the
 * broker holds nothing by that name. */
static bool
fetch(xous_word_t sender, xous_word_t r[8])
{
  xous_word_t a[8] = { XOUS__SYSCALL_HOSTED, XOUS__FETCH, sender };
  uint64_t off = 0;
  int fd;

  xous__broker_call(a, -1, r, &off, &fd);
  if (r[0] == XOUS_RESULT_MESSAGE_ENVELOPE) {
    xous__adopt_envelope(r, fd, off);
    return true;
  }
  if (fd >= 0)
    close(fd);
  /* A broker that is gone ends the receive; one that said no, not. */
  return r[0] == XOUS_RESULT_ERROR &&
         r[1] == xous__error_word(XOUS_INTERNAL_ERROR);
}

/* Receives on s (entered), until a message comes or, for a try, at once.
 * Leaves s. */
static void
receive_on(struct server *s, bool try_only, xous_word_t r[8])
{
  uint64_t spin = xous__spin_ns();
  struct taken t;

  for (;;) {
    uint32_t seen;
    bool got;

    /* The page's dead word is not read: any client could write it. The
     * server ends when this process destroys it (or dies). */
    if (s->dead) {
      server_leave(s);
      pthread_mutex_unlock(&lock);
      xous__set_error(r, XOUS_SERVER_NOT_FOUND);
      return;
    }
    seen = atomic_load(&s->page->bell);
    got = take(s, &t);
    if (got) {
      bool traced = atomic_load_explicit(&s->page->trace,
                                         memory_order_relaxed) != 0;
      unsigned index = s->index;

      atomic_fetch_add_explicit(&s->page->served, 1, memory_order_relaxed);
      if (!t.fetch) {
        server_leave(s);
        pthread_mutex_unlock(&lock);
        if (traced)
          xous__event(XOUS__EV_RECEIVE, index, t.key, t.kind, t.env[3], t.pid);
        memcpy(r, t.env, sizeof t.env);
        if (t.fd >= 0)
          xous__adopt_envelope(r, t.fd, t.mem_offset);
        return;
      }
      /* Still inside s (users counts us), so it stays while unlocked. */
      pthread_mutex_unlock(&lock);
      if (traced)
        xous__event(XOUS__EV_RECEIVE, index, t.key, t.kind, t.env[3], t.pid);
      if (fetch(t.env[1], r)) {
        pthread_mutex_lock(&lock);
        server_leave(s);
        pthread_mutex_unlock(&lock);
        return;
      }
      /* A cell that named nothing the broker holds: not a message. */
      pthread_mutex_lock(&lock);
      continue;
    }
    if (try_only) {
      server_leave(s);
      pthread_mutex_unlock(&lock);
      xous__set_ok(r, XOUS_RESULT_NONE);
      return;
    }
    pthread_mutex_unlock(&lock);
    /* Nothing now: poll the bell a little, then sleep on it. */
    {
      uint64_t t0 = spin != 0 ? xous__now_ns() : 0;

      for (unsigned i = 1; spin != 0; i++) {
        if (atomic_load_explicit(&s->page->bell, memory_order_acquire) != seen)
          break;
        if ((i & 63) == 0 && xous__now_ns() - t0 > spin)
          break;
        xous__cpu_relax();
      }
    }
    if (atomic_load(&s->page->bell) == seen) {
      atomic_fetch_add(&s->page->sleepers, 1);
      if (atomic_load(&s->page->bell) == seen) {
        pthread_mutex_lock(&lock);
        sweep(s);
        pthread_mutex_unlock(&lock);
        xous__futex_wait(&s->page->bell, seen, 100000000);
      }
      atomic_fetch_sub(&s->page->sleepers, 1);
    }
    pthread_mutex_lock(&lock);
    if (atomic_load(&s->page->bell) == seen && !xous__broker_alive()) {
      server_leave(s);
      pthread_mutex_unlock(&lock);
      xous__set_error(r, XOUS_INTERNAL_ERROR);
      return;
    }
  }
}

void
xous__direct_receive(const xous_word_t a[8], xous_word_t r[8])
{
  xous_sid_t sid = { { (uint32_t)a[1], (uint32_t)a[2], (uint32_t)a[3],
                       (uint32_t)a[4] } };
  xous_error_t err;
  struct server *s = server_enter(sid, &err);

  if (s == NULL) {
    xous__set_error(r, err);
    return;
  }
  receive_on(s, a[0] == XOUS_SYSCALL_TRY_RECEIVE_MESSAGE, r);
}

/* Answers a direct blocking message: a BlockingScalar with tag Scalar1/2/5,
 * a lend with MemoryReturned (len is the length given back). XOUS_OK;
 * XOUS_NOT_FOUND when the sender word is not one of ours (the broker's,
 * or nobody's: the broker decides); or the error. */
static xous_error_t
answer(xous_word_t sender, uint32_t tag, const xous_word_t v[5], uint64_t len)
{
  unsigned idx = (unsigned)(sender >> 16) & 0xff;
  unsigned token = (unsigned)sender & 0xffff;
  unsigned n = token & ((1u << SLOT_BITS) - 1), gen = token >> SLOT_BITS;
  bool memory = tag == XOUS_RESULT_MEMORY_RETURNED;
  struct xous_ring_answer *ans;
  struct server *s;
  struct slot *sl;
  uint32_t key;
  unsigned pid, kind;

  if ((token & XOUS_TOKEN_BROKER) != 0 || token == 0 ||
      (sender >> 32) != 0)
    return XOUS_NOT_FOUND;
  pthread_mutex_lock(&lock);
  s = servers[idx];
  if (s == NULL || s->dead) {
    pthread_mutex_unlock(&lock);
    return XOUS_NOT_FOUND;
  }
  sl = &s->slots[n];
  if (!sl->used || sl->gen != gen || sl->pid != ((sender >> 24) & 0xff)) {
    pthread_mutex_unlock(&lock);
    return XOUS_DOUBLE_FREE; /* nothing waits for this answer */
  }
  if (memory != (sl->kind != XOUS_MSG_BLOCKING_SCALAR)) {
    pthread_mutex_unlock(&lock);
    return XOUS_INVALID_ARGUMENT; /* a lend needs ReturnMemory, and back */
  }
  if (memory && len != sl->len) {
    pthread_mutex_unlock(&lock);
    return XOUS_BAD_ADDRESS; /* not the length that was lent */
  }
  /* SAFETY: the answer slot is in the client's ring, still mapped (the
   * slot holds a reference); the client may scribble on it, which only
   * garbles its own answer. tid < XOUS_RING_ANSWERS was checked. */
  ans = &sl->ring->map->answers[sl->tid];
  ans->tag = tag;
  for (int i = 0; i < 5; i++)
    ans->w[i] = v[i];
  ans->call = sl->call;
  if (atomic_exchange_explicit(&ans->state, XOUS_ANSWER_READY,
                               memory_order_release) == XOUS_ANSWER_ASLEEP)
    xous__futex_wake(&ans->state, 1);
  key = sl->key;
  pid = sl->pid;
  kind = sl->kind;
  sl->used = false;
  ring_put(sl->ring);
  sl->ring = NULL;
  if (s->active-- == XOUS_QUEUE_DEPTH) {
    /* Receivers stopped taking messages while every slot was held. */
    atomic_fetch_add(&s->page->bell, 1);
    xous__futex_wake(&s->page->bell, 1);
  }
  xous__page_release(s->page);
  if (atomic_load_explicit(&s->page->trace, memory_order_relaxed)) {
    pthread_mutex_unlock(&lock);
    xous__event(XOUS__EV_REPLY, idx, key, kind, 0, pid);
  } else {
    pthread_mutex_unlock(&lock);
  }
  return XOUS_OK;
}

static void
forward(const xous_word_t a[8], xous_word_t r[8])
{
  int fd;

  xous__broker_call(a, -1, r, NULL, &fd);
  if (fd >= 0)
    close(fd);
}

void
xous__direct_return(const xous_word_t a[8], xous_word_t r[8])
{
  xous_word_t v[5] = { 0 };
  uint64_t len = 0;
  uint32_t tag;
  xous_error_t err;

  switch (a[0]) {
  case XOUS_SYSCALL_RETURN_SCALAR1:
    tag = XOUS_RESULT_SCALAR1;
    v[0] = a[2];
    break;
  case XOUS_SYSCALL_RETURN_SCALAR2:
    tag = XOUS_RESULT_SCALAR2;
    v[0] = a[2];
    v[1] = a[3];
    break;
  case XOUS_SYSCALL_RETURN_MEMORY: /* sender, addr, len, offset, valid */
    tag = XOUS_RESULT_MEMORY_RETURNED;
    len = a[3];
    v[0] = a[4];
    v[1] = a[5];
    break;
  default:
    tag = XOUS_RESULT_SCALAR5;
    memcpy(v, &a[2], sizeof v);
    break;
  }
  err = answer(a[1], tag, v, len);
  if (err == XOUS_NOT_FOUND)
    forward(a, r);
  else if (err != XOUS_OK)
    xous__set_error(r, err);
  else
    xous__set_ok(r, XOUS_RESULT_OK);
}

void
xous__direct_reply_and_receive(const xous_word_t a[8], xous_word_t r[8])
{
  xous_word_t sender = a[1], type = a[7];
  unsigned idx = (unsigned)(sender >> 16) & 0xff;
  xous_word_t b[8] = { 0 };
  struct server *s;

  /* The words of ReplyAndReceiveNext, as the kernel reads them, become
   * the return they stand for. */
  b[1] = sender;
  if (type == XOUS_REPLY_MEMORY) {
    b[0] = XOUS_SYSCALL_RETURN_MEMORY;
    b[2] = a[3];
    b[3] = a[4];
    b[4] = a[5];
    b[5] = a[6];
  } else if (type == 1) {
    b[0] = XOUS_SYSCALL_RETURN_SCALAR1;
    b[2] = a[3];
  } else if (type == 2) {
    b[0] = XOUS_SYSCALL_RETURN_SCALAR2;
    b[2] = a[3];
    b[3] = a[4];
  } else {
    b[0] = XOUS_SYSCALL_RETURN_SCALAR5;
    memcpy(&b[2], &a[2], 5 * sizeof a[0]);
  }
  xous__direct_return(b, r);
  if (r[0] == XOUS_RESULT_ERROR)
    return;
  /* The server the answer came from is the one to receive on next. */
  pthread_mutex_lock(&lock);
  s = servers[idx];
  if (s == NULL || s->dead) {
    pthread_mutex_unlock(&lock);
    xous__set_error(r, XOUS_SERVER_NOT_FOUND);
    return;
  }
  s->users++;
  receive_on(s, false, r);
}

bool
xous__direct_holds_lends(const xous_word_t sid_words[4])
{
  xous_sid_t sid = { { (uint32_t)sid_words[0], (uint32_t)sid_words[1],
                       (uint32_t)sid_words[2], (uint32_t)sid_words[3] } };
  struct server *s;
  bool lent = false;

  pthread_mutex_lock(&lock);
  s = find_sid(sid);
  for (unsigned n = 0; s != NULL && n < XOUS_QUEUE_DEPTH && !lent; n++)
    lent = s->slots[n].used && s->slots[n].kind != XOUS_MSG_BLOCKING_SCALAR;
  pthread_mutex_unlock(&lock);
  return lent;
}

/* After DestroyServer: the broker marked the page dead; free what we can. */
void
xous__direct_destroyed(const xous_word_t a[8])
{
  xous_sid_t sid = { { (uint32_t)a[1], (uint32_t)a[2], (uint32_t)a[3],
                       (uint32_t)a[4] } };
  struct server *s;

  pthread_mutex_lock(&lock);
  for (unsigned i = 0; i < XOUS_RING_PIDS; i++) {
    s = servers[i];
    if (s != NULL && xous_sid_eq(s->sid, sid)) {
      s->dead = true;
      s->users++;
      server_leave(s);
    }
  }
  pthread_mutex_unlock(&lock);
}

void
xous__direct_server_fork_lock(void)
{
  pthread_mutex_lock(&lock);
}

void
xous__direct_server_fork_unlock(void)
{
  pthread_mutex_unlock(&lock);
}

/* The child owns none of the parent's servers. */
void
xous__direct_server_after_fork(void)
{
  for (unsigned i = 0; i < XOUS_RING_PIDS; i++) {
    struct server *s = servers[i];

    servers[i] = NULL;
    if (s != NULL)
      server_free(s);
  }
}
