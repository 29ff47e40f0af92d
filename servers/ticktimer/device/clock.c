/*
 * The ticktimer's clock on the device: the TICKTIMER peripheral's
 * millisecond counter, mapped into the server with MapMemory(phys) as
 * xous-core's ticktimer does. Desktop counterpart: hosted/clock.c.
 *
 * There is no sleep below the ticktimer, so tt_clock_wait_until() yields
 * until the count is reached (it is used for waits of a millisecond or
 * less). Without the page (a kernel that refuses it) the clock stands at
 * 0 and the server says so once in the log.
 */
#include <xous/log.h>

#include "../platform.h"
#include "timer.h"

static volatile uint32_t *regs;
static bool tried;
static uint64_t epoch;
static bool started;

volatile uint32_t *
tt_hw(void)
{
  xous_range_t r;

  if (!tried) {
    tried = true;
    if (xous_map_memory(TT_HW_BASE, 0, XOUS_PAGE_SIZE,
                        XOUS_MEM_R | XOUS_MEM_W | XOUS_MEM_DEV, &r) == XOUS_OK)
      regs = (volatile uint32_t *)r.addr;
    else
      (void)xous_log(XOUS_LOG_ERROR, "xous-ticktimer",
                     "cannot map the TICKTIMER registers: no clock");
  }
  return regs;
}

uint64_t
tt_hw_now(void)
{
  volatile uint32_t *t = tt_hw();
  uint32_t hi, lo;

  if (t == NULL)
    return 0;
  do {
    hi = t[TT_REG_TIME1];
    lo = t[TT_REG_TIME0];
  } while (t[TT_REG_TIME1] != hi);
  return (uint64_t)hi << 32 | lo;
}

uint64_t
tt_hw_epoch(void)
{
  return epoch;
}

uint64_t
tt_clock_ms(void)
{
  /* Set once, by the server's main thread, before the alarm starts. */
  if (!started) {
    epoch = tt_hw_now();
    started = true;
  }
  return tt_hw_now() - epoch;
}

uint64_t
tt_clock_ns(void)
{
  return tt_clock_ms() * 1000000u;
}

uint64_t
tt_clock_slack_ns(void)
{
  /* The counter counts whole milliseconds. */
  return 1000000u;
}

void
tt_clock_wait_until(uint64_t ns)
{
  while (tt_clock_ns() < ns && tt_hw() != NULL)
    (void)xous_yield();
}

bool
tt_clock_virtual(void)
{
  return false;
}

bool
tt_clock_set(uint64_t ns)
{
  (void)ns;
  return false;
}
