/*
 * SIGTERM as an orderly exit. A program stopped by xous-run, the test
 * library or a person's kill would otherwise die at once, without running
 * its atexit handlers: no coverage data (gcov), no flushed output. So when
 * a process joins the broker and SIGTERM still has its default action,
 * libxous takes it: the handler only wakes a thread of ours, which calls
 * exit(128 + SIGTERM), the status a shell shows for the signal. A program
 * that handles SIGTERM itself keeps its own handler.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "hosted/internal.h"

static int wake[2] = { -1, -1 };

static void
on_sigterm(int sig)
{
  int saved = errno;
  char c = (char)sig;

  if (write(wake[1], &c, 1) < 0) {
    /* Already woken: the exit is under way. */
  }
  errno = saved;
}

static void *
exit_thread(void *arg)
{
  char c;

  (void)arg;
  while (read(wake[0], &c, 1) < 0 && errno == EINTR)
    continue;
  exit(128 + SIGTERM);
  return NULL;
}

void
xous__sigterm_take(void)
{
  struct sigaction old, sa = { .sa_handler = on_sigterm };
  pthread_attr_t attr;
  sigset_t all, mask;
  pthread_t t;
  int err;

  if (sigaction(SIGTERM, NULL, &old) != 0 ||
      (old.sa_flags & SA_SIGINFO) != 0 || old.sa_handler != SIG_DFL)
    return;
  if (wake[0] < 0 && pipe2(wake, O_CLOEXEC | O_NONBLOCK) != 0)
    return;
  /* The reader blocks; only the writer must never. */
  fcntl(wake[0], F_SETFL, 0);
  /* The thread takes no signal of the program's. */
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &mask);
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  err = pthread_create(&t, &attr, exit_thread, NULL);
  pthread_attr_destroy(&attr);
  pthread_sigmask(SIG_SETMASK, &mask, NULL);
  if (err != 0)
    return;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &sa, NULL);
}

void
xous__sigterm_after_fork(void)
{
  struct sigaction cur;

  /* The thread did not come along: the child takes SIGTERM again when it
   * joins, with a thread of its own. */
  if (sigaction(SIGTERM, NULL, &cur) == 0 && cur.sa_handler == on_sigterm)
    signal(SIGTERM, SIG_DFL);
  if (wake[0] >= 0) {
    close(wake[0]);
    close(wake[1]);
    wake[0] = wake[1] = -1;
  }
}
