/*
 * Answers on the server side of the direct path: to a direct blocking
 * message, straight into the caller's answer slot; to one the broker
 * relayed, through the broker. ReplyAndReceiveNext is an answer and a
 * ReceiveMessage.
 */
#include <stdlib.h>
#include <unistd.h>

#include "hosted/server.h"

/* Answers a direct blocking message: a BlockingScalar with tag Scalar1/2/5,
 * a lend with MemoryReturned (its len the length given back). XOUS_OK;
 * XOUS_NOT_FOUND when the sender word is not one of ours (the broker's,
 * or nobody's: the broker decides); or the error. Lock held. */
static xous_error_t
answer_locked(const struct xous__answer *a)
{
  unsigned idx = xous__sender_index(a->sender);
  unsigned token = xous__sender_token(a->sender);
  unsigned n = xous__token_slot(token), gen = xous__token_gen(token);
  bool memory = xous__answer_is_memory(a);
  struct xous_ring_answer *ans;
  struct server *s;
  struct slot *sl;

  if (xous__token_broker(token) || token == 0 || !xous__sender_fits(a->sender))
    return XOUS_NOT_FOUND;
  s = xous__srv_table[idx];
  if (s == NULL || s->dead)
    return XOUS_NOT_FOUND;
  sl = &s->slots[n];
  if (!sl->used || sl->gen != gen || sl->pid != xous__sender_pid(a->sender))
    return XOUS_DOUBLE_FREE; /* nothing waits for this answer */
  /* A reply of the wrong kind gets the kernel's DoubleFree; the kernel
   * also drops the message, stranding its caller, where this keeps it for
   * the right answer. */
  if (memory != (sl->kind != XOUS_MSG_BLOCKING_SCALAR))
    return XOUS_DOUBLE_FREE;
  if (memory && a->len != sl->len)
    return XOUS_BAD_ADDRESS; /* not the length that was lent */
  /* Traced, the broker hears of the answer before the caller can wake and
   * send again, so that the trace has the two in their order. */
  if (atomic_load_explicit(&s->page->trace, memory_order_relaxed))
    xous__event(XOUS__EV_REPLY, idx, sl->key, sl->kind, 0, sl->pid);
  /* SAFETY: the answer slot is in the client's ring, still mapped (the
   * slot holds a reference); the client may scribble on it, which only
   * garbles its own answer. tid < XOUS_RING_ANSWERS was checked. */
  ans = &sl->ring->map->answers[sl->tid];
  s->woke_caller = xous__ring_answer_put(ans, sl->call, (uint32_t)a->tag,
                                         a->v);
  sl->used = false;
  xous__srv_ring_put(sl->ring);
  sl->ring = NULL;
  if (s->active-- == XOUS_QUEUE_DEPTH) {
    /* Receivers stopped taking messages while every slot was held. */
    atomic_fetch_add(&s->page->bell, 1);
    xous__futex_wake(&s->page->bell, 1);
  }
  xous__page_release(s->page);
  return XOUS_OK;
}

static xous_error_t
answer(const struct xous__answer *a)
{
  xous_error_t err;

  xous__srv_take();
  err = answer_locked(a);
  xous__srv_give();
  return err;
}

bool
xous_sender_waiting(xous_sender_t sender)
{
  unsigned idx = xous__sender_index(sender);
  unsigned token = xous__sender_token(sender);
  unsigned n = xous__token_slot(token), gen = xous__token_gen(token);
  struct server *s;
  struct slot *sl;
  bool waiting;

  /* A message the broker holds: only the broker knows, and asking it for
   * every parked request would cost a round trip each. Kept. */
  if (xous__token_broker(token) || token == 0 || !xous__sender_fits(sender))
    return true;
  xous__srv_take();
  s = xous__srv_table[idx];
  sl = s != NULL ? &s->slots[n] : NULL;
  /* SAFETY: gone is set by the broker and may be scribbled on by the
   * client itself: a client that marks itself gone loses its own
   * requests, nobody else's. */
  waiting = sl != NULL && !s->dead && sl->used && sl->gen == gen &&
            sl->pid == xous__sender_pid(sender) &&
            (atomic_load(&sl->ring->map->gone) & XOUS_RING_CLIENT_GONE) == 0;
  xous__srv_give();
  return waiting;
}

xous_error_t
xous_process_stamp(xous_pid_t pid, uint64_t *stamp)
{
  struct xous__hosted_args h = { .op = XOUS__STAMP_OF_PID, .pid = pid };
  xous_word_t a[8], r[8];
  int fd = -1;

  xous__hosted_args_words(&h, a);
  xous__broker_call(a, -1, r, NULL, &fd);
  if (fd >= 0)
    close(fd);
  if (xous__result_is_error(r))
    return xous__result_error(r);
  if (stamp != NULL) /* an out-parameter may be NULL */
    *stamp = xous__result_word1(r);
  return XOUS_OK;
}

/* The result of an answer, as the call that gave it returns it; a sender
 * word not ours goes to the broker. */
static void
answered(const struct xous__answer *ans, xous_error_t err, xous_word_t r[8])
{
  if (err == XOUS_NOT_FOUND) {
    xous_word_t a[8];

    xous__answer_return_words(ans, a);
    xous__forward(a, r);
  } else if (err != XOUS_OK) {
    xous__set_error(r, err);
  } else {
    xous__set_ok(r, XOUS_RESULT_OK);
  }
}

void
xous__direct_return(const struct xous__answer *ans, xous_word_t r[8])
{
  answered(ans, answer(ans), r);
}

/* The window of a returned lend, out of reach, and the lock taken: the
 * protection change is made before the lock, which no other thread then
 * waits for across a system call. */
static void
take_returning(struct window *w)
{
  bool hidden = w == NULL || xous__srv_window_hide(w) == 0;

  xous__srv_take();
  if (w != NULL)
    xous__srv_window_unlend(w, hidden);
}

void
xous__direct_return_window(const struct xous__answer *ans, void *window,
                           xous_word_t r[8])
{
  xous_error_t err;

  take_returning(window);
  err = answer_locked(ans);
  xous__srv_give();
  answered(ans, err, r);
}

void
xous__direct_reply_and_receive(const struct xous__answer *ans, void *window,
                               xous_word_t r[8])
{
  unsigned idx = xous__sender_index(ans->sender);
  struct server *s;
  xous_error_t err;

  /* A direct answer and the receive after it take the lock once. */
  take_returning(window);
  err = answer_locked(ans);
  if (err != XOUS_OK) {
    xous__srv_give();
    answered(ans, err, r);
    if (xous__result_is_error(r))
      return;
    xous__srv_take();
  }
  /* The server the answer came from is the one to receive on next. */
  s = xous__srv_table[idx];
  if (s == NULL || s->dead) {
    xous__srv_give();
    xous__set_error(r, XOUS_SERVER_NOT_FOUND);
    return;
  }
  s->users++;
  xous__srv_receive_on(s, false, r);
}

bool
xous__direct_holds_lends(xous_sid_t sid)
{
  struct server *s;
  bool lent = false;

  xous__srv_take();
  s = xous__srv_find_sid(sid);
  for (unsigned n = 0; s != NULL && n < XOUS_QUEUE_DEPTH && !lent; n++)
    lent = s->slots[n].used && s->slots[n].kind != XOUS_MSG_BLOCKING_SCALAR;
  xous__srv_give();
  return lent;
}

/* After DestroyServer: the broker marked the page dead; free what we can. */
void
xous__direct_destroyed(xous_sid_t sid)
{
  struct server *s;

  xous__srv_take();
  for (unsigned i = 0; i < XOUS_RING_PIDS; i++) {
    s = xous__srv_table[i];
    if (s != NULL && xous_sid_eq(s->sid, sid)) {
      s->dead = true;
      s->users++;
      xous__srv_leave(s);
    }
  }
  xous__srv_give();
}
