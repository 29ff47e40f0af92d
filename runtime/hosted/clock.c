/*
 * The clock of the direct path and how long it polls before it sleeps:
 * at most XOUS_SPIN_NS, and for each kind of wait only as long as its
 * recent waits say polling pays.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "hosted/internal.h"
#include "hosted/ring.h"

/* Below this a poll cannot outlast a wake-up's cost: no poll at all. */
#define SPIN_FLOOR_NS 2000u
/* With no poll, every this many waits polls SPIN_FLOOR_NS to see whether
 * the peer has become quick again. */
#define SPIN_PROBE_EVERY 32u

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

/* A wait that caught its word while polling leaves room for four times
 * what it took; one that polled its whole budget in vain (the peer is
 * slow, or not running: a busy machine, where the poll only takes the
 * CPU the peer needs) halves it, down to no poll at all. */
uint32_t
xous__spin_while(struct xous__spin *sp, _Atomic uint32_t *word, uint32_t value)
{
  uint64_t most = xous__spin_ns(), budget, t0;
  uint32_t now = atomic_load_explicit(word, memory_order_acquire);

  if (now != value || most == 0)
    return now;
  if (most > UINT32_MAX)
    most = UINT32_MAX;
  if (!sp->known) {
    sp->budget_ns = (uint32_t)most;
    sp->known = true;
  }
  budget = sp->budget_ns;
  if (budget == 0) {
    if (++sp->since_probe < SPIN_PROBE_EVERY)
      return now;
    sp->since_probe = 0;
    budget = SPIN_FLOOR_NS;
  }
  t0 = xous__now_ns();
  now = xous__poll_while(word, value, budget);
  if (now != value) {
    budget = 4 * (xous__now_ns() - t0);
    if (budget < SPIN_FLOOR_NS)
      budget = SPIN_FLOOR_NS;
  } else {
    budget /= 2;
    if (budget < SPIN_FLOOR_NS)
      budget = 0;
  }
  sp->budget_ns = (uint32_t)(budget > most ? most : budget);
  return now;
}
