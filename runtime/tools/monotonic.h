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

/* Waits ms milliseconds, however often a signal cuts the wait short. */
static inline void
sleep_for_ms(long ms)
{
  struct timespec ts = { (time_t)(ms / 1000), (ms % 1000) * 1000000L };

  while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
    continue;
}

#endif /* XOUS_TOOLS_MONOTONIC_H */
