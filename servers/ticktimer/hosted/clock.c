/*
 * The ticktimer's clock on the desktop: CLOCK_MONOTONIC, counted from the
 * first call. Device counterpart: the TICKTIMER peripheral's counter.
 *
 * With XOUS_VIRTUAL_TIME=1 in the environment (xous_test(3), xous-run
 * --virtual-time) the clock is virtual instead: it starts at 0 and moves
 * only when the server's AdvanceVirtual opcode moves it, so that a test
 * decides exactly which sleeps fall due.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../platform.h"

/* Both set once, by the server's main thread, before the alarm runs; the
 * virtual clock is moved by the main thread only. */
static int mode = -1; /* -1 unknown, 0 real, 1 virtual */
static uint64_t virtual_now;

static uint64_t
monotonic_ms(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

bool
tt_clock_virtual(void)
{
  if (mode < 0) {
    const char *v = getenv("XOUS_VIRTUAL_TIME");

    mode = v != NULL && strcmp(v, "1") == 0;
  }
  return mode == 1;
}

bool
tt_clock_set(uint64_t ms)
{
  if (!tt_clock_virtual())
    return false;
  if (ms > virtual_now)
    virtual_now = ms;
  return true;
}

uint64_t
tt_clock_ms(void)
{
  static uint64_t start;
  static int started;

  if (tt_clock_virtual())
    return virtual_now;
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

  /* A virtual clock moves only by a message, which nobody receives while
   * we wait: the server never waits on it (server.c). */
  if (tt_clock_virtual())
    return;
  while ((now = tt_clock_ms()) < ms) {
    uint64_t left = ms - now;
    struct timespec ts = { (time_t)(left / 1000u),
                           (long)(left % 1000u) * 1000000L };

    if (nanosleep(&ts, NULL) < 0 && errno != EINTR)
      return;
  }
}
