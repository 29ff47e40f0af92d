/*
 * The ticktimer's clock on the desktop: CLOCK_MONOTONIC, counted from the
 * first call, to the nanosecond. Device counterpart: the TICKTIMER
 * peripheral's counter.
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
#include "tools/monotonic.h"

/* Both set once, by the server's main thread, before the alarm runs; the
 * virtual clock is moved by the main thread only. */
static int mode = -1;        /* -1 unknown, 0 real, 1 virtual */
static uint64_t virtual_now; /* ns */

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
tt_clock_set(uint64_t ns)
{
  if (!tt_clock_virtual())
    return false;
  if (ns > virtual_now)
    virtual_now = ns;
  return true;
}

uint64_t
tt_clock_ns(void)
{
  static uint64_t start;
  static int started;

  if (tt_clock_virtual())
    return virtual_now;
  if (!started) {
    start = (uint64_t)monotonic_ns();
    started = 1;
  }
  return (uint64_t)monotonic_ns() - start;
}

uint64_t
tt_clock_ms(void)
{
  return tt_clock_ns() / 1000000u;
}

uint64_t
tt_clock_slack_ns(void)
{
  struct timespec res;

  /* A virtual clock stands still between advances: no part of a
   * nanosecond can have passed, so exactly the span is at least it. */
  if (tt_clock_virtual())
    return 0;
  if (clock_getres(CLOCK_MONOTONIC, &res) != 0)
    return 1000000u;
  return (uint64_t)res.tv_sec * 1000000000u + (uint64_t)res.tv_nsec;
}

void
tt_clock_wait_until(uint64_t ns)
{
  uint64_t now;

  /* A virtual clock moves only by a message, which nobody receives while
   * we wait: the server never waits on it (server.c). */
  if (tt_clock_virtual())
    return;
  while ((now = tt_clock_ns()) < ns) {
    uint64_t left = ns - now;
    struct timespec ts = { (time_t)(left / 1000000000u),
                           (long)(left % 1000000000u) };

    if (nanosleep(&ts, NULL) < 0 && errno != EINTR)
      return;
  }
}
