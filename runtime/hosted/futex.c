/*
 * Waiting on a word of shared memory: polling it for a while, then
 * sleeping on it with futex(2), the shared (not process-private) kind,
 * because the word lives in a memfd that other processes map. The desktop
 * runtime is Linux-only (README.md, "Installing").
 */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "hosted/ring.h"

void
xous__futex_wait(_Atomic uint32_t *word, uint32_t expected,
                 uint64_t timeout_ns)
{
  struct timespec ts = { .tv_sec = (time_t)(timeout_ns / 1000000000u),
                         .tv_nsec = (long)(timeout_ns % 1000000000u) };

  (void)syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT, expected,
                timeout_ns != 0 ? &ts : NULL, NULL, 0);
}

void
xous__futex_wake(_Atomic uint32_t *word, int n)
{
  (void)syscall(SYS_futex, (uint32_t *)word, FUTEX_WAKE, n, NULL, NULL, 0);
}

/* How many looks of a poll go between two reads of the clock. */
#define CLOCK_EVERY 64u

static uint64_t
now_ns(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void
cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

uint32_t
xous__poll_while(_Atomic uint32_t *word, uint32_t value, uint64_t ns,
                 uint64_t *took_ns)
{
  uint32_t now = atomic_load_explicit(word, memory_order_acquire);
  uint64_t t0 = 0, t;
  unsigned i;

  *took_ns = 0;
  if (now != value || ns == 0)
    return now;
  /* The clock costs more than a look, and most polls that pay end within
   * a few looks: it is read only every CLOCK_EVERY looks, first when the
   * first CLOCK_EVERY are over, and the time of those is estimated from
   * the looks timed after them. A poll that ends before is reported as
   * taking no time. */
  /* From the second reading on, each reading also yields the CPU: the
   * peer may be queued on ours (two tasks that hand work to each other
   * often end up on one CPU, and then the one that polls keeps the other
   * from running; sleeping would hand the CPU over, but at the cost of a
   * wake-up each way). A yield lets it run at once, and the two runnable
   * tasks are soon spread over the CPUs by the scheduler. With no other
   * task on the CPU it is a system call and returns. */
  for (i = 1;; i++) {
    cpu_relax();
    now = atomic_load_explicit(word, memory_order_acquire);
    if (now != value)
      break;
    if ((i & (CLOCK_EVERY - 1)) == 0) {
      t = now_ns();
      if (t0 == 0)
        t0 = t;
      else if (t - t0 > ns)
        return now;
      else
        (void)sched_yield();
    }
  }
  if (t0 != 0 && i > CLOCK_EVERY) {
    t = now_ns() - t0;
    *took_ns = t + t * CLOCK_EVERY / (i - CLOCK_EVERY);
  }
  return now;
}
