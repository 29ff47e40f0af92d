/*
 * The ticktimer server (xous-ticktimer(8)): time, sleep, and the mutex and
 * condvar wake-ups through which bare-metal code blocks. Written against
 * <xous.h> only; the clock and the alarm are in platform.h.
 *
 * Every request that waits (SleepMs, LockMutex, WaitForCondition) is
 * parked and answered later (a deferred reply), so the server keeps
 * serving everyone else. Timed requests are answered when the alarm goes
 * off: by the alarm's own thread on the desktop, by the loop when the
 * alarm's Scalar wakes it on the device (platform.h).
 *
 * A parked BlockingScalar keeps its slot in the server's queue until it is
 * answered, as on the device. With every slot held, not even the alarm's
 * Scalar could get in, so when nearly all are held the loop stops
 * receiving and waits for the earliest deadline on the clock instead.
 * This file serves one message at a time (serve.h); the loop is in
 * main.c.
 */
#include <string.h>

#include <xous.h>
#include <xous/rkyv.h>
#include <xous/ticktimer.h>
#include <xous/version.h>

#include "platform.h"
#include "serve.h"
#include "waiters.h"

/* The same text from both builds: the version is the header's. */
#define VERSION_TEXT "v" XOUS_VERSION_STRING "\nxous-posix ticktimer"

static struct tt_state state;
static xous_pid_t self_pid;
static uint64_t watchdog_pings;

/* ---- answers ------------------------------------------------------------- */

/* Answers a blocking message with a Scalar1, or does nothing for the
 * kinds that expect no answer. A lend gets its memory back. */
static void
answer(const xous_envelope_t *env, xous_word_t value)
{
  const xous_message_t *m = &env->body;

  switch (m->kind) {
  case XOUS_MSG_BLOCKING_SCALAR:
    (void)xous_return_scalar1(env->sender, value);
    break;
  case XOUS_MSG_LEND:
  case XOUS_MSG_LEND_MUT:
    (void)xous_return_memory(env->sender, m->memory.buf, value, 0);
    break;
  case XOUS_MSG_SEND:
    /* The pages are ours now; nobody waits for them. */
    (void)xous_unmap_memory(m->memory.buf);
    break;
  default:
    break;
  }
}

/* Answers a non-deferred scalar request as the real ticktimer does: its
 * reply goes back through the legacy return path as Scalar5 of the
 * message, with value in place of the id and the arguments unchanged. A
 * Scalar gets nothing. */
static void
answer5(const xous_envelope_t *env, xous_word_t value)
{
  const xous_scalar_msg_t *s = &env->body.scalar;

  if (env->body.kind == XOUS_MSG_BLOCKING_SCALAR)
    (void)xous_return_scalar5(env->sender, value, s->arg1, s->arg2, s->arg3,
                              s->arg4);
}

/* Answers a parked request and forgets it. A client that died meanwhile
 * makes the reply fail; there is nothing else to do for it. */
static void
wake(struct tt_waiter *w, xous_word_t value)
{
  (void)xous_return_scalar1(w->sender, value);
  tt_release(&state, w);
}

/* Lets go of the parked requests whose clients died: each holds a queue
 * slot until answered, and nobody else would ever answer a dead client's
 * sleep or wait. The answer goes nowhere; the slot comes back. */
static void
let_go_of_the_dead(void)
{
  for (size_t i = 0; i < TT_MAX_WAITERS; i++) {
    struct tt_waiter *w = &state.w[i];

    if (w->kind != 0 && !xous_sender_waiting(w->sender))
      wake(w, 0);
  }
}

/* The oldest parked request of kind for (pid, key) whose client still
 * waits; the dead ones met on the way are let go. */
static struct tt_waiter *
oldest_waiting(enum tt_kind kind, xous_pid_t pid, xous_word_t key)
{
  struct tt_waiter *w;

  while ((w = tt_oldest(&state, kind, pid, key)) != NULL &&
         !xous_sender_waiting(w->sender))
    wake(w, 0);
  return w;
}

/* Parks env's BlockingScalar, or answers OutOfMemory when full. */
static void
park(const xous_envelope_t *env, enum tt_kind kind, xous_word_t key,
     uint64_t deadline)
{
  xous_pid_t pid = xous_sender_pid(env->sender);

  if (tt_park(&state, kind, pid, key, env->sender, deadline) != NULL)
    return;
  let_go_of_the_dead();
  if (tt_park(&state, kind, pid, key, env->sender, deadline) == NULL)
    (void)xous_return_scalar1(env->sender, XOUS_OUT_OF_MEMORY);
}

/* now + ms, in the clock's own precision, plus how far behind the true
 * time the reading of now can be (a whole millisecond on a counter of
 * milliseconds, a nanosecond on the desktop), so that "at least ms" holds
 * and nothing is added beyond it; a sum that would wrap means never. */
static uint64_t
deadline_after(xous_word_t ms)
{
  uint64_t now = tt_clock_ns(), slack = tt_clock_slack_ns();
  uint64_t span = (uint64_t)ms * 1000000u;

  if (span > TT_NEVER - 2 - now - slack)
    return TT_NEVER - 1;
  return now + span + slack;
}

/* Answers every timed request whose deadline has passed, in deadline
 * order: sleepers with 0, condvar waiters with "timed out". */
static void
expire(void)
{
  uint64_t now;
  struct tt_waiter *w;

  if (state.timed == 0)
    return;
  now = tt_clock_ns();
  while ((w = tt_next_due(&state, now)) != NULL)
    wake(w, w->kind == TT_COND ? XOUS_TICKTIMER_TIMED_OUT : 0);
}

/* ---- opcodes ------------------------------------------------------------- */

static void
elapsed_ms(const xous_envelope_t *env)
{
  uint64_t ms = tt_clock_ms();

  /* The real ticktimer keeps 28 bits of the high word. */
  if (env->body.kind == XOUS_MSG_BLOCKING_SCALAR)
    (void)xous_return_scalar2(env->sender, (xous_word_t)(ms & 0xffffffffu),
                              (xous_word_t)((ms >> 32) & 0x0fffffffu));
}

static void
sleep_ms(const xous_envelope_t *env)
{
  xous_word_t ms = env->body.scalar.arg1;

  if (env->body.kind != XOUS_MSG_BLOCKING_SCALAR)
    return;
  if (ms == 0) {
    (void)xous_return_scalar1(env->sender, 0);
    return;
  }
  park(env, TT_SLEEP, 0, deadline_after(ms));
}

/* The test clock (XOUS_TICKTIMER_ADVANCE_VIRTUAL): the clock stops at
 * each deadline on the way, so that whoever wakes there reads that time
 * and the wake-ups go out in deadline order. */
static void
advance_virtual(const xous_envelope_t *env)
{
  uint64_t ms = (uint64_t)(env->body.scalar.arg1 & 0xffffffffu) |
                (uint64_t)(env->body.scalar.arg2 & 0xffffffffu) << 32;
  uint64_t now = tt_clock_ns(), target, next, at_ms;

  if (!tt_clock_virtual()) {
    if (env->body.kind == XOUS_MSG_BLOCKING_SCALAR)
      (void)xous_return_scalar5(env->sender, XOUS_UNAVAILABLE, 0, 0, 0, 0);
    return;
  }
  /* The clock is kept in nanoseconds; the opcode speaks milliseconds.
   * The target stops short of TT_NEVER whatever the clock reads, and a
   * table with nothing timed (TT_NEVER) ends the walk: a clock already
   * at the end must not make it go round for ever. */
  target = now >= TT_NEVER - 1 || ms > (TT_NEVER - 1 - now) / 1000000u
               ? TT_NEVER - 1
               : now + ms * 1000000u;
  while ((next = tt_earliest(&state)) != TT_NEVER && next <= target) {
    (void)tt_clock_set(next);
    expire();
  }
  (void)tt_clock_set(target);
  at_ms = target / 1000000u;
  if (env->body.kind == XOUS_MSG_BLOCKING_SCALAR)
    (void)xous_return_scalar5(env->sender, 0,
                              (xous_word_t)(at_ms & 0xffffffffu),
                              (xous_word_t)(at_ms >> 32), 0, 0);
}

static void
virtual_state(const xous_envelope_t *env)
{
  uint64_t now_ns = tt_clock_ns(), next = tt_earliest(&state);
  uint64_t now = now_ns / 1000000u;
  /* Milliseconds to the next deadline, rounded up: never reads as due. */
  uint64_t left = next == TT_NEVER || next <= now_ns
                      ? 0
                      : (next - now_ns + 999999u) / 1000000u;
  uint64_t in = next == TT_NEVER     ? 0xffffffffu
                : left > 0xfffffffeu ? 0xfffffffeu
                                     : left;

  if (env->body.kind != XOUS_MSG_BLOCKING_SCALAR)
    return;
  (void)xous_return_scalar5(env->sender, tt_clock_virtual() ? 1 : 0,
                            (xous_word_t)(now & 0xffffffffu),
                            (xous_word_t)(now >> 32), (xous_word_t)state.timed,
                            (xous_word_t)in);
}

/* GetVersion: the answer is an rkyv VersionString { version: String }
 * written from byte 0 of the lent page, its length in the offset word and
 * valid as it came, as the real ticktimer's Buffer::replace() does. The
 * request (an empty VersionString) is not read. */
static void
get_version(const xous_envelope_t *env)
{
  const xous_memory_msg_t *m = &env->body.memory;
  xous_rkyv_writer_t w;
  xous_rkyv_str_t text;
  size_t root, used = 0;

  if (env->body.kind != XOUS_MSG_LEND_MUT) {
    answer(env, XOUS_INVALID_ARGUMENT);
    return;
  }
  /* SAFETY: the lender cannot touch buf while it is lent mutably, and the
   * writer stays within buf.len bytes. */
  xous_rkyv_writer_init(&w, m->buf.addr, m->buf.len);
  text = xous_rkyv_write_str(&w, VERSION_TEXT, sizeof VERSION_TEXT - 1);
  root = xous_rkyv_reserve(&w, XOUS_RKYV_STR_SIZE, XOUS_RKYV_STR_ALIGN);
  xous_rkyv_put_str(&w, root, &text);
  if (xous_rkyv_finish(&w, &used) != XOUS_OK)
    used = 0; /* a buffer too small for the text: nothing written */
  (void)xous_return_memory(env->sender, m->buf, used, m->valid);
}

static void
lock_mutex(const xous_envelope_t *env)
{
  xous_pid_t pid = xous_sender_pid(env->sender);
  xous_word_t key = env->body.scalar.arg1;

  if (env->body.kind != XOUS_MSG_BLOCKING_SCALAR)
    return;
  if (tt_token_take(&state, pid, key))
    answer5(env, 0);
  else
    park(env, TT_MUTEX, key, TT_NEVER);
}

static void
unlock_mutex(const xous_envelope_t *env)
{
  xous_pid_t pid = xous_sender_pid(env->sender);
  xous_word_t key = env->body.scalar.arg1;
  /* A dead waiter must not be handed the lock: it would never unlock. */
  struct tt_waiter *w = oldest_waiting(TT_MUTEX, pid, key);

  if (w != NULL) {
    wake(w, 0);
    answer5(env, 1);
  } else if (tt_token_put(&state, pid, key)) {
    answer5(env, 0);
  } else {
    answer(env, XOUS_OUT_OF_MEMORY);
  }
}

/* Releases every parked request of kind for (pid, key) with value. */
static xous_word_t
release_all(enum tt_kind kind, xous_pid_t pid, xous_word_t key,
            xous_word_t value, xous_word_t limit)
{
  xous_word_t n = 0;
  struct tt_waiter *w;

  /* Dead waiters take no notification from the living. */
  while ((limit == 0 || n < limit) &&
         (w = oldest_waiting(kind, pid, key)) != NULL) {
    wake(w, value);
    n++;
  }
  return n;
}

static void
free_mutex(const xous_envelope_t *env)
{
  xous_pid_t pid = xous_sender_pid(env->sender);
  xous_word_t key = env->body.scalar.arg1;

  tt_token_drop(&state, pid, key);
  /* Waiters of a freed mutex would otherwise wait forever; 1 tells them
   * the mutex is gone. */
  answer(env, release_all(TT_MUTEX, pid, key, 1, 0));
}

static void
wait_for_condition(const xous_envelope_t *env)
{
  xous_word_t key = env->body.scalar.arg1, ms = env->body.scalar.arg2;

  if (env->body.kind != XOUS_MSG_BLOCKING_SCALAR)
    return;
  park(env, TT_COND, key, ms == 0 ? TT_NEVER : deadline_after(ms));
}

static void
notify_condition(const xous_envelope_t *env)
{
  xous_pid_t pid = xous_sender_pid(env->sender);
  xous_word_t key = env->body.scalar.arg1, count = env->body.scalar.arg2;

  xous_word_t n = release_all(TT_COND, pid, key, XOUS_TICKTIMER_NOTIFIED,
                              count);

  if (env->body.kind == XOUS_MSG_BLOCKING_SCALAR)
    answer5(env, n);
}

static void
free_condition(const xous_envelope_t *env)
{
  xous_pid_t pid = xous_sender_pid(env->sender);
  xous_word_t key = env->body.scalar.arg1;

  answer(env, release_all(TT_COND, pid, key, XOUS_TICKTIMER_NOTIFIED, 0));
}

void
tt_serve(const xous_envelope_t *env)
{
  bool scalar = env->body.kind == XOUS_MSG_SCALAR ||
                env->body.kind == XOUS_MSG_BLOCKING_SCALAR;
  xous_word_t id = env->body.kind == XOUS_MSG_SCALAR ||
                           env->body.kind == XOUS_MSG_BLOCKING_SCALAR
                       ? env->body.scalar.id
                       : env->body.memory.id;

  if (id == XOUS_TICKTIMER_GET_VERSION) {
    get_version(env);
    return;
  }
  if (!scalar) {
    /* Every other opcode is a scalar: give memory back untouched. */
    answer(env, XOUS_INVALID_ARGUMENT);
    return;
  }
  switch (id) {
  case XOUS_TICKTIMER_ELAPSED_MS:
    elapsed_ms(env);
    break;
  case XOUS_TICKTIMER_SLEEP_MS:
    sleep_ms(env);
    break;
  case XOUS_TICKTIMER_RECALCULATE_SLEEP:
    /* Only our own alarm may wake us this way; expire() runs anyway after
     * every message, so the message itself needs no work. */
    if (xous_sender_pid(env->sender) != self_pid)
      answer(env, XOUS_ACCESS_DENIED);
    break;
  case XOUS_TICKTIMER_PING_WDT:
    watchdog_pings++;
    answer(env, 0);
    break;
  case XOUS_TICKTIMER_LOCK_MUTEX:
    lock_mutex(env);
    break;
  case XOUS_TICKTIMER_UNLOCK_MUTEX:
    unlock_mutex(env);
    break;
  case XOUS_TICKTIMER_WAIT_FOR_CONDITION:
    wait_for_condition(env);
    break;
  case XOUS_TICKTIMER_NOTIFY_CONDITION:
    notify_condition(env);
    break;
  case XOUS_TICKTIMER_FREE_MUTEX:
    free_mutex(env);
    break;
  case XOUS_TICKTIMER_FREE_CONDITION:
    free_condition(env);
    break;
  case XOUS_TICKTIMER_ADVANCE_VIRTUAL:
    advance_virtual(env);
    break;
  case XOUS_TICKTIMER_VIRTUAL_STATE:
    virtual_state(env);
    break;
  default:
    /* SuspendResume and unknown opcodes: answered, so nobody hangs. */
    answer(env, XOUS_INVALID_ARGUMENT);
    break;
  }
}

void
tt_serve_init(xous_pid_t self)
{
  memset(&state, 0, sizeof state);
  self_pid = self;
  watchdog_pings = 0;
}

void
tt_serve_expire(void)
{
  expire();
}

unsigned
tt_serve_parked(void)
{
  return state.parked;
}

uint64_t
tt_serve_earliest(void)
{
  return tt_earliest(&state);
}

void
tt_serve_let_go_of_the_dead(void)
{
  let_go_of_the_dead();
}
