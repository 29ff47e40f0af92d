/*
 * Fault probes (probe.h).
 */
#include <setjmp.h>
#include <signal.h>
#include <string.h>

#include "probe.h"

static sigjmp_buf probe_env;
static volatile sig_atomic_t probing;

static void
on_fault(int sig)
{
  if (probing)
    siglongjmp(probe_env, 1);
  signal(sig, SIG_DFL);
  raise(sig);
}

static void
catch_faults(void)
{
  struct sigaction sa;

  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_fault;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, NULL);
  sigaction(SIGBUS, &sa, NULL);
}

bool
probe_read_faults(const volatile unsigned char *p)
{
  bool faulted = false;

  catch_faults();
  if (sigsetjmp(probe_env, 1) == 0) {
    probing = 1;
    (void)*p;
  } else {
    faulted = true;
  }
  probing = 0;
  return faulted;
}

bool
probe_write_faults(volatile unsigned char *p, unsigned char v)
{
  bool faulted = false;

  catch_faults();
  if (sigsetjmp(probe_env, 1) == 0) {
    probing = 1;
    *p = v;
  } else {
    faulted = true;
  }
  probing = 0;
  return faulted;
}
