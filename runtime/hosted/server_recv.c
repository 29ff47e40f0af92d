/*
 * The server's half of the direct path, ReceiveMessage: it takes messages
 * out of the rings of the server's clients (hosted/ring.h; the rings are
 * kept by server_rings.c, the answers given by server_reply.c). The
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
 *  3. One lock guards all of it; nothing sleeps while holding it.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hosted/server.h"

_Atomic uint32_t xous__srv_lock;
struct server *xous__srv_table[XOUS_RING_PIDS];

void
xous__srv_lock_wait(void)
{
  /* Mark it waited for, and sleep until it is given back. */
  uint32_t v = atomic_exchange_explicit(&xous__srv_lock, 2,
                                        memory_order_acquire);

  while (v != 0) {
    xous__futex_wait(&xous__srv_lock, 2, 0);
    v = atomic_exchange_explicit(&xous__srv_lock, 2, memory_order_acquire);
  }
}

/* The server xous__srv_find_sid found last: a receiving thread asks for
 * the same one on every ReceiveMessage, and the table is XOUS_RING_PIDS
 * entries long. Cleared when that server is freed. */
static struct server *last_found;

static void
server_free(struct server *s)
{
  for (unsigned n = 0; n < XOUS_QUEUE_DEPTH; n++)
    if (s->slots[n].used)
      xous__srv_ring_put(s->slots[n].ring);
  for (unsigned p = 0; p < XOUS_RING_PIDS; p++)
    xous__srv_ring_put(s->rings[p]);
  munmap(s->page, XOUS_SERVER_PAGE_BYTES);
  if (last_found == s)
    last_found = NULL;
  free(s);
}

struct server *
xous__srv_find_sid(xous_sid_t sid)
{
  if (last_found != NULL && !last_found->dead &&
      xous_sid_eq(last_found->sid, sid))
    return last_found;
  for (unsigned i = 0; i < XOUS_RING_PIDS; i++)
    if (xous__srv_table[i] != NULL && !xous__srv_table[i]->dead &&
        xous_sid_eq(xous__srv_table[i]->sid, sid))
      return last_found = xous__srv_table[i];
  return NULL;
}

/* The local state of a server this process owns, with the lock held and
 * users counted; NULL (lock not held) with *err when it is not ours. */
static struct server *
server_enter(xous_sid_t sid, xous_error_t *err)
{
  struct xous__hosted_args h = { .op = XOUS__PAGE_OF_SID, .sid = sid };
  struct xous__hosted_answer ans;
  struct server *s;
  unsigned index;
  void *page;

  xous__srv_take();
  s = xous__srv_find_sid(sid);
  if (s != NULL) {
    s->users++;
    return s;
  }
  xous__srv_give();
  *err = xous__hosted_object(&h, &ans, XOUS_SERVER_PAGE_BYTES, 0, &page);
  if (*err != XOUS_OK)
    return NULL;
  s = calloc(1, sizeof *s);
  if (s == NULL) {
    munmap(page, XOUS_SERVER_PAGE_BYTES);
    *err = XOUS_OUT_OF_MEMORY;
    return NULL;
  }
  index = (unsigned)(ans.index & 0xff);
  s->sid = sid;
  s->index = index;
  s->page = page;
  xous__srv_take();
  if (xous__srv_table[index] != NULL && !xous__srv_table[index]->dead) {
    /* Another thread was quicker (or the index is ours already). */
    server_free(s);
    s = xous__srv_table[index];
  } else {
    if (xous__srv_table[index] != NULL) {
      /* A dead one that threads are still leaving: they free it. */
      xous__srv_table[index]->index = XOUS_RING_PIDS;
    }
    xous__srv_table[index] = s;
  }
  s->users++;
  return s;
}

void
xous__srv_leave(struct server *s)
{
  s->users--;
  if (s->dead && s->users == 0) {
    if (s->index < XOUS_RING_PIDS && xous__srv_table[s->index] == s)
      xous__srv_table[s->index] = NULL;
    server_free(s);
  }
}

/* Tells the caller waiting in answer slot tid that its message was
 * refused, as the kernel refuses a bad lend at the send: it must not wait
 * for an answer that will never come. Lock held. */
static void
refuse(struct ring *r, unsigned tid, uint32_t call, xous_error_t err)
{
  /* SAFETY: tid < XOUS_RING_ANSWERS was checked; the slot is the
   * client's own, in its ring. */
  xous_word_t v[5] = { xous__error_word(err) };

  xous__ring_answer_put(&r->map->answers[tid], call, XOUS_RESULT_ERROR, v);
}

/* Takes a slot of s for a direct blocking message of client pid (the
 * cell c, from ring r), which its answer will name; the token of the
 * sender word that names it, or 0 when every slot is taken. */
static unsigned
take_slot(struct server *s, unsigned pid, struct ring *r,
          const struct xous_ring_cell *c, unsigned kind, unsigned tid)
{
  struct slot *sl;
  unsigned n;

  for (n = 0; n < XOUS_QUEUE_DEPTH && s->slots[n].used; n++)
    ;
  if (n == XOUS_QUEUE_DEPTH)
    return 0;
  sl = &s->slots[n];
  sl->used = true;
  sl->gen = xous__gen_next(sl->gen);
  sl->tid = (uint8_t)tid;
  sl->pid = (uint8_t)pid;
  sl->kind = (uint8_t)kind;
  sl->len = xous__is_memory(kind) ? c->body.mem.len : 0;
  sl->call = c->token;
  sl->key = c->key;
  sl->ring = r;
  r->refs++;
  s->active++;
  return xous__token_make(false, sl->gen, n);
}

/* The memory object of a direct memory message, which came ahead of its
 * cell: XOUS_OK with it in t->fd, or the error (the object is closed,
 * and a lend's caller told so). It must hold what the cell says, or the
 * mapping would fault here. */
static xous_error_t
take_object(struct ring *r, const struct xous_ring_cell *c, unsigned kind,
            unsigned tid, struct taken *t)
{
  unsigned n = XOUS_CELL_OBJECT(c->kind);
  xous_error_t err;

  if (n != 0 && kind != XOUS_MSG_SEND) {
    /* A kept object: its note came with this cell (and may have been
     * read already), or with an earlier one. */
    int prot = kind == XOUS_MSG_LEND ? PROT_READ : PROT_READ | PROT_WRITE;

    if ((c->kind & XOUS_CELL_F_FRESH) != 0 && n <= XOUS_KEPT_OBJECTS &&
        (r->kept[n] == NULL || r->kept[n]->key != c->key)) {
      int fd = xous__srv_object_of(r, c->key);

      if (fd >= 0)
        close(fd); /* came for this message alone: not what it says */
    }
    if ((c->kind & XOUS_CELL_F_FRESH) != 0 && n <= XOUS_KEPT_OBJECTS &&
        (r->kept[n] == NULL || r->kept[n]->key != c->key))
      err = XOUS_BAD_ADDRESS;
    else
      t->window = xous__srv_window_lend(r, n, c->body.mem.object_offset,
                                        c->body.mem.len, prot, &t->fd, &err);
  } else if (n != 0) {
    err = XOUS_BAD_ADDRESS; /* a Send moves pages: never a kept object */
  } else {
    t->fd = xous__srv_object_of(r, c->key);
    err = t->fd < 0 ? XOUS_BAD_ADDRESS
                    : xous__check_object(t->fd, c->body.mem.object_offset,
                                         c->body.mem.len);
  }
  if (err != XOUS_OK) {
    if (t->fd >= 0)
      close(t->fd);
    t->fd = -1;
    if (kind != XOUS_MSG_SEND)
      refuse(r, tid, c->token, err);
    return err;
  }
  t->mem_offset = c->body.mem.object_offset;
  return XOUS_OK;
}

/* The token of a direct message's sender word (0 for one that needs no
 * answer), its object taken and its slot held; false when the cell is
 * not a message anyone could have sent. */
static bool
accept_direct(struct server *s, unsigned pid, struct ring *r,
              const struct xous_ring_cell *c, unsigned kind, struct taken *t,
              unsigned *token)
{
  unsigned tid = XOUS_CELL_TID(c->kind);

  if (kind == XOUS_MSG_SCALAR) {
    xous__page_release(s->page); /* needs no answer: its slot is free */
    return true;
  }
  if (!xous__kind_valid(kind) || tid >= XOUS_RING_ANSWERS)
    return false;
  if (xous__is_memory(kind) && take_object(r, c, kind, tid, t) != XOUS_OK)
    return false;
  if (kind == XOUS_MSG_SEND) {
    xous__page_release(s->page); /* moved: nothing to answer */
    return true;
  }
  *token = take_slot(s, pid, r, c, kind, tid);
  if (*token == 0 && t->fd >= 0) {
    close(t->fd);
    t->fd = -1;
  }
  if (*token == 0 && t->window != NULL) {
    xous__srv_window_put(t->window);
    t->window = NULL;
  }
  return *token != 0;
}

/* The token of a message the broker relayed: its slot is the broker's,
 * and the broker checks it; false when the cell is no such message. */
static bool
accept_relayed(struct server *s, const struct xous_ring_cell *c, unsigned kind,
               struct taken *t, unsigned *token)
{
  if (kind == XOUS_MSG_SCALAR) {
    xous__page_release(s->page);
    return true;
  }
  if (!xous__kind_valid(kind) || !xous__token_broker(c->token) ||
      c->token > 0xffff)
    return false;
  *token = c->token;
  t->fetch = kind != XOUS_MSG_BLOCKING_SCALAR;
  return true;
}

/* Turns one cell of client pid into a message: takes what it needs (a
 * slot, its object), then builds the envelope; false when the cell is
 * not a message anyone could have sent (it is dropped). */
static bool
accept_cell(struct server *s, unsigned pid, struct ring *r,
            const struct xous_ring_cell *c, struct taken *t)
{
  unsigned kind = XOUS_CELL_KIND(c->kind);
  unsigned token = 0;
  bool ok;

  t->fetch = false;
  t->fd = -1;
  t->window = NULL;
  t->kind = kind;
  t->pid = pid;
  t->key = c->key; /* the client's word: only for traces */
  if ((c->kind & XOUS_CELL_F_BROKER) != 0)
    ok = accept_relayed(s, c, kind, t, &token);
  else
    ok = accept_direct(s, pid, r, c, kind, t, &token);
  if (!ok)
    return false;
  t->env.sender = xous__sender_make(pid, s->index, token);
  t->env.kind = kind;
  t->env.msg = xous__cell_msg(&c->body, xous__is_memory(kind));
  return true;
}

/* The ring of client pid if a cell waits at its head; NULL otherwise,
 * and then its ready bit is cleared if the ring is empty. Lock held; it
 * may be let go around a call to the broker (xous__srv_ring_of). */
static struct ring *
ring_with_head(struct server *s, unsigned pid)
{
  _Atomic uint64_t *word = &s->page->ready[pid / 64];
  uint64_t bit = 1ull << (pid % 64);
  struct ring *r = s->rings[pid];
  bool later = false;

  /* A client that went may have left messages: they are delivered, as
   * the kernel's queue keeps them, before its ring is let go. */
  if (r == NULL || !xous__ring_peek(r->map, r->pos))
    r = xous__srv_ring_of(s, pid, &later);
  if (s->dead || r == NULL) {
    /* No ring: the bit goes, unless the broker is to be asked later. */
    if (r == NULL && !later)
      atomic_fetch_and(word, ~bit);
    return NULL;
  }
  if (xous__ring_peek(r->map, r->pos)) {
    r->empty_looks = 0;
    return r;
  }
  if (later)
    return NULL; /* the broker may know of a newer ring: keep the bit */
  /* An empty ring keeps its bit for a few looks: its client most likely
   * sends again soon, and then finds the bit set and need not write it
   * (xous__page_ring_bell), so the word moves between us on no message
   * of a client that waits for each answer. */
  if (++r->empty_looks < KEEP_BIT_LOOKS)
    return NULL;
  r->empty_looks = 0;
  atomic_fetch_and(word, ~bit);
  /* A cell may have come between the look and the clear: looked at in
   * the order of the clear (sequentially consistent, as the sender's
   * publication and its look at the bit are). */
  if (atomic_load(&r->map->cells[r->pos % XOUS_RING_CELLS].seq) != r->pos + 1)
    return NULL;
  atomic_fetch_or(word, bit);
  return r;
}

/* The stamp of r's head cell, as the queue counts it. */
static uint64_t
head_order(const struct ring *r)
{
  /* SAFETY: the stamp is the client's word, and only places the client's
   * own message: never earlier than its cell was freed (floor), so no
   * client stays ahead of the others by lying. */
  uint64_t order = xous__ring_order(r->map, r->pos);
  uint64_t floor = r->floor[r->pos % XOUS_RING_CELLS];

  return order < floor ? floor : order;
}

/* The client whose head cell is the oldest, with its stamp in *order;
 * XOUS_RING_PIDS when no ring holds a cell. Lock held (see above). */
static unsigned
oldest_head(struct server *s, uint64_t *order)
{
  unsigned best = XOUS_RING_PIDS;

  /* SAFETY: the ready bits are hints: a bit set for nothing costs a look,
   * and a bit a peer cleared is found again by the sweep on every wait.
   * Each word is read once and only its set bits are visited: a bit set
   * after the read is seen by the next look, as the bell says. */
  for (unsigned w = 0; w < XOUS_RING_PIDS / 64; w++) {
    uint64_t bits = atomic_load_explicit(&s->page->ready[w],
                                         memory_order_acquire);

    while (bits != 0) {
      unsigned pid = w * 64 + (unsigned)__builtin_ctzll(bits);
      struct ring *r;
      uint64_t o;

      bits &= bits - 1;
      r = ring_with_head(s, pid);
      if (r == NULL)
        continue;
      o = head_order(r);
      if (best == XOUS_RING_PIDS || o < *order) {
        best = pid;
        *order = o;
      }
    }
  }
  return best;
}

/* Takes the next message of s, if any: the oldest of the cells at the
 * heads of its clients' rings, so that the server sees its messages in
 * the order they were sent, as from the device's one queue. Lock held. */
static bool
take(struct server *s, struct taken *t)
{
  unsigned pass = 0;

  /* Bounded: a client that writes garbage as fast as we read it, or
   * threads that take what we looked at while the lock was let go, must
   * not keep us here. */
  for (unsigned tries = 0; tries < 2 * XOUS_RING_CELLS; tries++) {
    uint64_t start = xous__ring_clock(), order = 0;
    struct xous_ring_cell c;
    struct ring *r;
    unsigned pid;
    uint32_t kind;

    if (s->dead || s->active >= XOUS_QUEUE_DEPTH)
      return false; /* every slot waits for an answer: nothing fits */
    pid = oldest_head(s, &order);
    if (pid == XOUS_RING_PIDS)
      return false;
    /* A head stamped after this look began may have come after an older
     * cell that the look had already passed by: look once more. What the
     * second look finds is older than its start (a message sent before
     * it began is in plain sight), or a stamp from the future, a lie that
     * is taken as it comes. */
    if (order >= start && pass++ == 0)
      continue;
    pass = 0;
    r = s->rings[pid];
    /* The lock may have been let go during the look. */
    if (s->dead || r == NULL || !xous__ring_peek(r->map, r->pos) ||
        head_order(r) != order)
      continue;
    /* SAFETY: the head cell's kind is the client's word, read here only
     * as a hint: at worst it costs one call to the broker per ring. */
    kind = r->map->cells[r->pos % XOUS_RING_CELLS].kind;
    if (r->sock < 0 && (kind & XOUS_CELL_F_BROKER) == 0 &&
        xous__is_memory(XOUS_CELL_KIND(kind))) {
      /* A memory message's object waits in the ring's socket, which the
       * broker keeps only as long as the ring holds a message: were a
       * client to die between our taking its last cell and our asking,
       * the socket, and the message's object in it, would be gone. So it
       * is asked for before the cell is taken. The lock is held: the
       * look above still stands. */
      xous__srv_ring_socket(r);
    }
    r->floor[r->pos % XOUS_RING_CELLS] = start;
    if (!xous__ring_take(r->map, &r->pos, &c))
      continue;
    if (accept_cell(s, pid, r, &c, t))
      return true;
    /* Garbage: its queue slot goes back (a Scalar's already went). */
    if (XOUS_CELL_KIND(c.kind) != XOUS_MSG_SCALAR)
      xous__page_release(s->page);
  }
  return false;
}

/* Sets every ready bit of a client whose ring we know or whose ring the
 * broker changed: nothing stays unseen for longer than one wait. Called
 * when there is no message: the queue then holds only what waits for an
 * answer, and a count of slots in use above that is a peer's lie (or a
 * sender between its count and its cell), lowered so that no honest
 * sender waits for room that is there. */
void
xous__srv_sweep(struct server *s)
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

    /* A ring we hold that changed or has cells, or one the broker made
     * that we have not mapped yet. */
    if ((r != NULL && (!xous__srv_ring_current(r, gen) ||
                       xous__ring_peek(r->map, r->pos))) ||
        (r == NULL && gen != 0))
      atomic_fetch_or(&s->page->ready[pid / 64], 1ull << (pid % 64));
    if (r != NULL)
      xous__srv_read_notes(r); /* kept objects let go, if any */
  }
}

/* The memory object of a message the broker relayed: true with the
 * message in r (or the error that ends the receive), false when the
 * broker holds nothing by that name. */
static bool
fetch(xous_sender_t sender, xous_word_t r[8])
{
  struct xous__hosted_args h = { .op = XOUS__FETCH, .sender = sender };
  xous_word_t a[8];
  uint64_t off = 0;
  int fd;

  xous__hosted_args_words(&h, a);
  xous__broker_call(a, -1, r, &off, &fd);
  if (xous__result_tag(r) == XOUS_RESULT_MESSAGE_ENVELOPE) {
    xous__adopt_envelope(r, fd, off);
    return true;
  }
  if (fd >= 0)
    close(fd);
  /* A broker that is gone ends the receive; one that said no, not. */
  return xous__result_is_error(r) &&
         xous__result_error_word(r) == xous__error_word(XOUS_INTERNAL_ERROR);
}

/* Receives on s (entered), until a message comes or, for a try, at once.
 * Leaves s. */
void
xous__srv_receive_on(struct server *s, bool try_only, xous_word_t r[8])
{
  uint64_t spin = xous__spin_ns();
  struct taken t;

  for (;;) {
    uint32_t seen;
    bool got, polls;
    int peer;

    /* The page's dead word is not read: any client could write it. The
     * server ends when this process destroys it (or dies). */
    if (s->dead) {
      xous__srv_leave(s);
      xous__srv_give();
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
        xous__srv_leave(s);
        xous__srv_give();
        if (traced)
          xous__event(XOUS__EV_RECEIVE, index, t.key, t.kind, t.env.msg.id,
                      t.pid);
        xous__envelope_words(&t.env, r);
        if (t.window != NULL)
          xous__srv_adopt_window(t.window, r);
        else if (t.fd >= 0)
          xous__adopt_envelope(r, t.fd, t.mem_offset);
        return;
      }
      /* Still inside s (users counts us), so it stays while unlocked. */
      xous__srv_give();
      if (traced)
        xous__event(XOUS__EV_RECEIVE, index, t.key, t.kind, t.env.msg.id,
                    t.pid);
      if (fetch(t.env.sender, r)) {
        xous__srv_take();
        xous__srv_leave(s);
        xous__srv_give();
        return;
      }
      /* A cell that named nothing the broker holds: not a message. */
      xous__srv_take();
      continue;
    }
    if (try_only) {
      xous__srv_sweep(
          s); /* as before a sleep: what a lost hint hid is seen next */
      xous__srv_leave(s);
      xous__srv_give();
      xous__set_ok(r, XOUS_RESULT_NONE);
      return;
    }
    /* Nothing now: poll the bell a little, then sleep on it. One thread
     * of a pool polls; the others sleep at once, and leave the CPUs to
     * the clients. The next message's sender is taken to be the last
     * answer's caller: asleep if the answer had to wake it. */
    polls = spin != 0 && s->spinners == 0;
    s->spinners += polls;
    peer = s->woke_caller ? XOUS__PEER_ASLEEP : XOUS__PEER_RUNNING;
    if (polls)
      s->woke_caller = false;
    xous__srv_give();
    xous__page_receiving(s->page, xous__tid(), 1);
    if (polls) {
      atomic_store_explicit(&s->page->polling, 1, memory_order_relaxed);
      (void)xous__spin_while(&s->spin, peer, &s->page->bell, seen);
      atomic_store_explicit(&s->page->polling, 0, memory_order_relaxed);
    }
    if (atomic_load(&s->page->bell) == seen) {
      atomic_fetch_add(&s->page->sleepers, 1);
      if (atomic_load(&s->page->bell) == seen) {
        xous__srv_take();
        xous__srv_sweep(s);
        xous__srv_give();
        xous__futex_wait(&s->page->bell, seen, 100000000);
      }
      atomic_fetch_sub(&s->page->sleepers, 1);
    }
    if (polls && atomic_load(&s->page->bell) != seen)
      xous__spin_woke(&s->spin, peer); /* a wait that slept: how long */
    xous__page_receiving(s->page, xous__tid(), 0);
    xous__srv_take();
    s->spinners -= polls;
    if (atomic_load(&s->page->bell) == seen && !xous__broker_alive()) {
      xous__srv_leave(s);
      xous__srv_give();
      xous__set_error(r, XOUS_INTERNAL_ERROR);
      return;
    }
  }
}

void
xous__direct_server_open(xous_sid_t sid)
{
  xous_error_t err;
  struct server *s = server_enter(sid, &err);

  if (s == NULL)
    return;
  xous__srv_leave(s);
  xous__srv_give();
}

void
xous__direct_receive(const xous_word_t a[8], xous_word_t r[8])
{
  xous_sid_t sid = xous__sid_arg(a);
  xous_error_t err;
  struct server *s = server_enter(sid, &err);

  if (s == NULL) {
    xous__set_error(r, err);
    return;
  }
  xous__srv_receive_on(s,
                       xous__call_number(a) ==
                           XOUS_SYSCALL_TRY_RECEIVE_MESSAGE,
                       r);
}

void
xous__direct_server_fork_lock(void)
{
  xous__srv_take();
}

void
xous__direct_server_fork_unlock(void)
{
  xous__srv_give();
}

/* The child owns none of the parent's servers. */
void
xous__direct_server_after_fork(void)
{
  for (unsigned i = 0; i < XOUS_RING_PIDS; i++) {
    struct server *s = xous__srv_table[i];

    xous__srv_table[i] = NULL;
    if (s != NULL)
      server_free(s);
  }
}
