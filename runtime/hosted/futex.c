/*
 * Waiting on a word of shared memory: polling it for a while, then
 * sleeping on it with futex(2), the shared (not process-private) kind,
 * because the word lives in a memfd that other processes map. The desktop
 * runtime is Linux-only (README.md, "Installing").
 */
#include <errno.h>
#include <limits.h>
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
xous__poll_while(_Atomic uint32_t *word, uint32_t value, uint64_t ns)
{
  uint32_t now = atomic_load_explicit(word, memory_order_acquire);
  uint64_t t0;

  if (now != value || ns == 0)
    return now;
  t0 = now_ns();
  for (unsigned i = 1;; i++) {
    cpu_relax();
    now = atomic_load_explicit(word, memory_order_acquire);
    /* The clock only every 64 looks: it costs more than a look. */
    if (now != value || ((i & 63) == 0 && now_ns() - t0 > ns))
      return now;
  }
}
