/*
 * Busy-polling while messages flow. A round trip crosses the broker twice;
 * each time the broker sleeps in epoll_wait, the next frame pays a wake-up
 * (microseconds on a VM). For a short window after each frame the loop
 * polls without sleeping instead (a libuv idle handle makes uv_run poll
 * with a zero timeout), so that during a burst only the client and the
 * server are woken. When the traffic stops, the broker sleeps again.
 *
 * The window is XOUSD_SPIN_US microseconds (default 0: off; see bench/).
 */
#include <stdlib.h>

#include "xousd/broker.h"

static uv_idle_t idle;
static uint64_t window_ns;
static uint64_t last_ns;

static void
on_idle(uv_idle_t *h)
{
  if (uv_hrtime() - last_ns > window_ns)
    uv_idle_stop(h);
}

void
xd_spin_init(void)
{
  const char *env = getenv("XOUSD_SPIN_US");
  long us = env != NULL ? strtol(env, NULL, 10) : 0;

  window_ns = us > 0 && us < 1000000 ? (uint64_t)us * 1000 : 0;
  uv_idle_init(xd.loop, &idle);
}

void
xd_spin_activity(void)
{
  if (window_ns == 0)
    return;
  last_ns = uv_hrtime();
  if (!uv_is_active((uv_handle_t *)&idle))
    uv_idle_start(&idle, on_idle);
}
