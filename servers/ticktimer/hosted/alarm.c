/*
 * The ticktimer's alarm on the desktop: a thread of the server that waits
 * for the deadline and then answers the requests that are due itself
 * (tt_alarm_due()), so that a sleep costs the client one wake-up after
 * the timer's, as a nanosleep() does, and not a Scalar to the loop first.
 * Device counterpart: the TICKTIMER interrupt, which wakes the loop.
 */
#include <errno.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <time.h>

#include "../platform.h"
#include "tools/monotonic.h"

/* Linux lets a timer fire this late to gather wake-ups (50 us by default,
 * for every nanosleep and timed futex wait of a thread): the alarm asks
 * for the least, so that it comes at the deadline and not a slack after. */
#define ALARM_TIMER_SLACK_NS 1ul
/* A timer's expiry reaches its thread a wake-up late (tens of us on a VM,
 * more than the rest of a sleep's answer): the alarm's timer goes off this
 * long before the deadline, and the thread waits out the rest awake, on
 * the clock, so that the answers go at the deadline itself. */
#define ALARM_EARLY_NS 100000u

static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed;
static uint64_t deadline = TT_NEVER; /* guarded by lock */

static void *
alarm_thread(void *arg)
{
  (void)arg;
  /* Best effort: with the default slack deadlines are still never early. */
  (void)prctl(PR_SET_TIMERSLACK, ALARM_TIMER_SLACK_NS, 0, 0, 0);
  pthread_mutex_lock(&lock);
  for (;;) {
    uint64_t now = tt_clock_ns();

    if (deadline == TT_NEVER) {
      pthread_cond_wait(&changed, &lock);
    } else if (now < deadline && deadline - now > ALARM_EARLY_NS) {
      /* changed uses CLOCK_MONOTONIC, the clock tt_clock_ns() reads; the
       * wait may end early (a signal, a new deadline): the loop looks at
       * the clock again before it answers anything. */
      struct timespec ts = clock_after_ns(CLOCK_MONOTONIC,
                                          deadline - now - ALARM_EARLY_NS);

      pthread_cond_timedwait(&changed, &lock, &ts);
    } else if (now < deadline) {
      /* The last ALARM_EARLY_NS, awake. A nearer deadline set meanwhile is
       * within them too: it is answered when these are over, at most
       * ALARM_EARLY_NS late. */
      uint64_t until = deadline;

      pthread_mutex_unlock(&lock);
      while (tt_clock_ns() < until)
        continue;
      pthread_mutex_lock(&lock);
    } else {
      /* Due: the server's lock comes before ours (tt_alarm_due() sets
       * the next deadline), so ours is let go first. */
      deadline = TT_NEVER;
      pthread_mutex_unlock(&lock);
      tt_alarm_due();
      pthread_mutex_lock(&lock);
    }
  }
  return NULL;
}

xous_error_t
tt_alarm_start(xous_cid_t self_cid)
{
  pthread_condattr_t attr;
  pthread_t t;

  /* The thread answers by itself; no message to the loop is needed. */
  (void)self_cid;
  if (pthread_condattr_init(&attr) != 0 ||
      pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) != 0 ||
      pthread_cond_init(&changed, &attr) != 0)
    return XOUS_INTERNAL_ERROR;
  pthread_condattr_destroy(&attr);
  if (pthread_create(&t, NULL, alarm_thread, NULL) != 0)
    return XOUS_OUT_OF_MEMORY;
  pthread_detach(t);
  return XOUS_OK;
}

void
tt_alarm_set(uint64_t ns)
{
  /* A virtual clock never reaches a deadline by itself: the message that
   * moves it makes the server answer what fell due. */
  if (tt_clock_virtual())
    ns = TT_NEVER;
  pthread_mutex_lock(&lock);
  /* Only a nearer deadline needs the thread now; a later one it meets
   * when its wait ends, and finds that nothing is due yet. */
  if (ns < deadline)
    pthread_cond_signal(&changed);
  deadline = ns;
  pthread_mutex_unlock(&lock);
}

void
tt_lock(void)
{
  pthread_mutex_lock(&state_lock);
}

void
tt_unlock(void)
{
  pthread_mutex_unlock(&state_lock);
}
