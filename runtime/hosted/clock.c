/*
 * The clock of the direct path and the polling of its waits: for as long
 * as spin.c says from the wait's recent history (within XOUS_SPIN_NS),
 * and not at all while the machine has no CPU to spare.
 */
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "hosted/internal.h"
#include "hosted/ring.h"

/* How long a reading of the machine's load is believed. */
#define LOAD_EVERY_NS 10000000u

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

/* Whether more tasks are runnable than there are CPUs, from the count
 * /proc/loadavg gives (this thread included, and the peer while it polls),
 * read again at most every LOAD_EVERY_NS: it is a snapshot, and reading it
 * costs three system calls. Timed by the coarse clock, which is read
 * without the TSC and is fine enough for that. Without /proc: never. */
bool
xous__cpus_taken(void)
{
  static _Atomic uint64_t read_at;
  static atomic_bool taken;
  static _Atomic long cpus;
  struct timespec ts;
  char buf[128];
  long running = 0, n = atomic_load_explicit(&cpus, memory_order_relaxed);
  uint64_t now;
  ssize_t len;
  bool busy;
  int fd;

  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  now = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
  if (now - atomic_load_explicit(&read_at, memory_order_relaxed) <
      LOAD_EVERY_NS)
    return atomic_load_explicit(&taken, memory_order_relaxed);
  atomic_store_explicit(&read_at, now, memory_order_relaxed);
  if (n == 0) {
    n = sysconf(_SC_NPROCESSORS_ONLN);
    atomic_store_explicit(&cpus, n, memory_order_relaxed);
  }
  fd = open("/proc/loadavg", O_RDONLY | O_CLOEXEC);
  len = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
  if (fd >= 0)
    close(fd);
  buf[len > 0 ? len : 0] = '\0';
  /* "0.52 0.58 0.59 3/1094 12345": the fourth field is runnable/all. */
  if (sscanf(buf, "%*s %*s %*s %ld/", &running) != 1)
    running = 0;
  busy = n > 0 && running > n;
  atomic_store_explicit(&taken, busy, memory_order_relaxed);
  return busy;
}

uint32_t
xous__spin_while(struct xous__spin *sp, int peer, _Atomic uint32_t *word,
                 uint32_t value)
{
  uint64_t most = xous__spin_ns(), ns, took;
  uint32_t now = atomic_load_explicit(word, memory_order_acquire);

  sp->since = 0;
  if (now != value || most == 0)
    return now;
  ns = xous__spin_plan(sp, most, peer);
  /* With every CPU taken a poll takes one from a task that needs it, the
   * peer perhaps: no poll, and nothing learnt from a wait that had none
   * but how long it slept. */
  if (ns == 0 || xous__cpus_taken()) {
    sp->since = xous__now_ns();
    return now;
  }
  now = xous__poll_while(word, value, ns, &took);
  xous__spin_learn(sp, most, peer, now != value, now != value ? took : ns);
  /* A poll in vain lasted about ns: the wait began that long ago. */
  if (now == value)
    sp->since = xous__now_ns() - ns;
  return now;
}

void
xous__spin_woke(struct xous__spin *sp, int peer)
{
  uint64_t since = sp->since;

  if (since == 0)
    return;
  sp->since = 0;
  xous__spin_learn_slept(sp, xous__spin_ns(), peer, xous__now_ns() - since);
}
