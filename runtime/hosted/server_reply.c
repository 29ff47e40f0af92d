/*
 * Answers on the server side of the direct path: to a direct blocking
 * message, straight into the caller's answer slot; to one the broker
 * relayed, through the broker. ReplyAndReceiveNext is an answer and a
 * ReceiveMessage.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hosted/server.h"

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

  if ((token & XOUS_TOKEN_BROKER) != 0 || token == 0 ||
      (sender >> 32) != 0)
    return XOUS_NOT_FOUND;
  pthread_mutex_lock(&xous__srv_lock);
  s = xous__srv_table[idx];
  if (s == NULL || s->dead) {
    pthread_mutex_unlock(&xous__srv_lock);
    return XOUS_NOT_FOUND;
  }
  sl = &s->slots[n];
  if (!sl->used || sl->gen != gen || sl->pid != ((sender >> 24) & 0xff)) {
    pthread_mutex_unlock(&xous__srv_lock);
    return XOUS_DOUBLE_FREE; /* nothing waits for this answer */
  }
  if (memory != (sl->kind != XOUS_MSG_BLOCKING_SCALAR)) {
    pthread_mutex_unlock(&xous__srv_lock);
    return XOUS_INVALID_ARGUMENT; /* a lend needs ReturnMemory, and back */
  }
  if (memory && len != sl->len) {
    pthread_mutex_unlock(&xous__srv_lock);
    return XOUS_BAD_ADDRESS; /* not the length that was lent */
  }
  /* Traced, the broker hears of the answer before the caller can wake and
   * send again, so that the trace has the two in their order. */
  if (atomic_load_explicit(&s->page->trace, memory_order_relaxed))
    xous__event(XOUS__EV_REPLY, idx, sl->key, sl->kind, 0, sl->pid);
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
  sl->used = false;
  xous__srv_ring_put(sl->ring);
  sl->ring = NULL;
  if (s->active-- == XOUS_QUEUE_DEPTH) {
    /* Receivers stopped taking messages while every slot was held. */
    atomic_fetch_add(&s->page->bell, 1);
    xous__futex_wake(&s->page->bell, 1);
  }
  xous__page_release(s->page);
  pthread_mutex_unlock(&xous__srv_lock);
  return XOUS_OK;
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
    xous__forward(a, r);
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
  pthread_mutex_lock(&xous__srv_lock);
  s = xous__srv_table[idx];
  if (s == NULL || s->dead) {
    pthread_mutex_unlock(&xous__srv_lock);
    xous__set_error(r, XOUS_SERVER_NOT_FOUND);
    return;
  }
  s->users++;
  xous__srv_receive_on(s, false, r);
}

bool
xous__direct_holds_lends(const xous_word_t sid_words[4])
{
  xous_sid_t sid = { { (uint32_t)sid_words[0], (uint32_t)sid_words[1],
                       (uint32_t)sid_words[2], (uint32_t)sid_words[3] } };
  struct server *s;
  bool lent = false;

  pthread_mutex_lock(&xous__srv_lock);
  s = xous__srv_find_sid(sid);
  for (unsigned n = 0; s != NULL && n < XOUS_QUEUE_DEPTH && !lent; n++)
    lent = s->slots[n].used && s->slots[n].kind != XOUS_MSG_BLOCKING_SCALAR;
  pthread_mutex_unlock(&xous__srv_lock);
  return lent;
}

/* After DestroyServer: the broker marked the page dead; free what we can. */
void
xous__direct_destroyed(const xous_word_t a[8])
{
  xous_sid_t sid = { { (uint32_t)a[1], (uint32_t)a[2], (uint32_t)a[3],
                       (uint32_t)a[4] } };
  struct server *s;

  pthread_mutex_lock(&xous__srv_lock);
  for (unsigned i = 0; i < XOUS_RING_PIDS; i++) {
    s = xous__srv_table[i];
    if (s != NULL && xous_sid_eq(s->sid, sid)) {
      s->dead = true;
      s->users++;
      xous__srv_leave(s);
    }
  }
  pthread_mutex_unlock(&xous__srv_lock);
}

