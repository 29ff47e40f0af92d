/*
 * The monotonic clock, for the desktop's tools, tests and benchmarks:
 * deadlines, waits and durations, never the time of day.
 */
#ifndef XOUS_TOOLS_MONOTONIC_H
#define XOUS_TOOLS_MONOTONIC_H

#include <errno.h>
#include <stdint.h>
#include <time.h>

static inline int64_t
monotonic_ns(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static inline long long
now_us(void)
{
  return monotonic_ns() / 1000;
}

static inline long long
now_ms(void)
{
  return monotonic_ns() / 1000000;
}

/* The time on clock ns nanoseconds from now, as the absolute deadline of
 * a pthread_cond_timedwait() on a condition variable of that clock. */
static inline struct timespec
clock_after_ns(clockid_t clock, uint64_t ns)
{
  struct timespec ts;

  clock_gettime(clock, &ts);
  ts.tv_sec += (time_t)(ns / 1000000000u);
  ts.tv_nsec += (long)(ns % 1000000000u);
  if (ts.tv_nsec >= 1000000000L) {
    ts.tv_sec++;
    ts.tv_nsec -= 1000000000L;
  }
  return ts;
}

/* Waits ms milliseconds, however often a signal cuts the wait short. */
static inline void
sleep_for_ms(long ms)
{
  struct timespec ts = { (time_t)(ms / 1000), (ms % 1000) * 1000000L };

  while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
    continue;
}

#endif /* XOUS_TOOLS_MONOTONIC_H */
