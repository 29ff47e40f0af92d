/*
 * Waiting on a word of shared memory: polling it for a while, then
 * sleeping on it, with futex on Linux and _umtx_op on FreeBSD. Both are the shared (not process-private)
 * kind, because the word lives in a memfd that other processes map.
 */
#include <errno.h>
#include <limits.h>
#include <time.h>

#include "hosted/ring.h"

#if defined(__linux__)
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

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

#elif defined(__FreeBSD__)
#include <sys/types.h>
#include <sys/umtx.h>

void
xous__futex_wait(_Atomic uint32_t *word, uint32_t expected,
                 uint64_t timeout_ns)
{
  struct _umtx_time t = { 0 };

  t._clockid = CLOCK_MONOTONIC;
  t._timeout.tv_sec = (time_t)(timeout_ns / 1000000000u);
  t._timeout.tv_nsec = (long)(timeout_ns % 1000000000u);
  (void)_umtx_op((void *)word, UMTX_OP_WAIT_UINT, expected,
                 timeout_ns != 0 ? (void *)sizeof t : NULL,
                 timeout_ns != 0 ? &t : NULL);
}

void
xous__futex_wake(_Atomic uint32_t *word, int n)
{
  (void)_umtx_op((void *)word, UMTX_OP_WAKE, (u_long)n, NULL, NULL);
}

#else
#error "the hosted backend needs futex (Linux) or _umtx_op (FreeBSD)"
#endif

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
