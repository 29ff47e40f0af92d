/*
 * The ticktimer's clock on the desktop: CLOCK_MONOTONIC, counted from the
 * first call. Device counterpart: the TICKTIMER peripheral's counter.
 */
#include <errno.h>
#include <time.h>

#include "../platform.h"

static uint64_t
monotonic_ms(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

uint64_t
tt_clock_ms(void)
{
  /* Set once, by the server's main thread, before the alarm thread runs. */
  static uint64_t start;
  static int started;

  if (!started) {
    start = monotonic_ms();
    started = 1;
  }
  return monotonic_ms() - start;
}

void
tt_clock_wait_until(uint64_t ms)
{
  uint64_t now;

  while ((now = tt_clock_ms()) < ms) {
    uint64_t left = ms - now;
    struct timespec ts = { (time_t)(left / 1000u),
                           (long)(left % 1000u) * 1000000L };

    if (nanosleep(&ts, NULL) < 0 && errno != EINTR)
      return;
  }
}
