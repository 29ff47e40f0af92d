/*
 * The clock of the direct path and how long it polls before it sleeps.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "hosted/internal.h"

/* How long a caller polls for its answer, and a server for its next
 * message, before sleeping: a wake-up across cores costs far more than a
 * few microseconds of polling when the peer answers at once. */
uint64_t
xous__spin_ns(void)
{
  static _Atomic int64_t cached = -1;
  int64_t ns = atomic_load_explicit(&cached, memory_order_relaxed);

  if (ns < 0) {
    const char *env = getenv("XOUS_SPIN_NS");

    if (env != NULL && env[0] != '\0')
      ns = atoll(env);
    else
      ns = sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 50000 : 0;
    if (ns < 0)
      ns = 0;
    atomic_store_explicit(&cached, ns, memory_order_relaxed);
  }
  return (uint64_t)ns;
}

uint64_t
xous__now_ns(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
