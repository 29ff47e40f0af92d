/*
 * The ticktimer's alarm on the desktop: a thread that waits for the
 * deadline and then sends the server a RecalculateSleep Scalar, so that
 * the loop blocked in xous_receive_message() wakes up and answers the
 * requests that are due. Device counterpart: the TICKTIMER interrupt.
 */
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include <xous/ticktimer.h>

#include "../platform.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed;
static uint64_t deadline = TT_NEVER; /* guarded by lock */
static xous_cid_t self;

static void *
alarm_thread(void *arg)
{
  (void)arg;
  pthread_mutex_lock(&lock);
  for (;;) {
    uint64_t now = tt_clock_ns();

    if (deadline == TT_NEVER) {
      pthread_cond_wait(&changed, &lock);
    } else if (now < deadline) {
      struct timespec ts;
      uint64_t left = deadline - now;

      /* changed uses CLOCK_MONOTONIC, the clock tt_clock_ns() reads; the
       * wait may end early (a signal, a new deadline): the loop looks at
       * the clock again before it sends anything. */
      clock_gettime(CLOCK_MONOTONIC, &ts);
      ts.tv_sec += (time_t)(left / 1000000000u);
      ts.tv_nsec += (long)(left % 1000000000u);
      if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
      }
      pthread_cond_timedwait(&changed, &lock, &ts);
    } else {
      /* Due: one wake-up per deadline. The send may wait for a queue slot,
       * so it is made without the lock; the server never waits for us. */
      deadline = TT_NEVER;
      pthread_mutex_unlock(&lock);
      (void)xous_scalar(self, XOUS_TICKTIMER_RECALCULATE_SLEEP, 0, 0, 0, 0);
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

  self = self_cid;
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
  deadline = ns;
  pthread_cond_signal(&changed);
  pthread_mutex_unlock(&lock);
}
