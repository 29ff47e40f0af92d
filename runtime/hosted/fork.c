/*
 * fork() in a process that uses libxous: every lock of the library is
 * held across it, taken in one order (the broker's join, then threads,
 * then memory, then the client's and the server's tables of the direct
 * path), so the child finds each table whole and owns its locks; it
 * unlocks them instead of making them anew, then forgets what belongs to
 * the parent's identity.
 */
#include <pthread.h>

#include "hosted/internal.h"

static void
before_fork(void)
{
  xous__broker_fork_lock();
  xous__threads_fork_lock();
  xous__memory_fork_lock();
  xous__direct_fork_lock();
  xous__direct_server_fork_lock();
}

static void
after_fork_parent(void)
{
  xous__direct_server_fork_unlock();
  xous__direct_fork_unlock();
  xous__memory_fork_unlock();
  xous__threads_fork_unlock();
  xous__broker_fork_unlock();
}

static void
after_fork_child(void)
{
  xous__direct_server_fork_unlock();
  xous__direct_fork_child_unlock();
  xous__memory_fork_unlock();
  xous__threads_fork_unlock();
  xous__broker_fork_unlock();
  xous__broker_after_fork();
  xous__sigterm_after_fork();
  xous__threads_after_fork();
  xous__memory_after_fork();
  xous__direct_after_fork();
  xous__direct_server_after_fork();
}

void
xous__fork_install(void)
{
  pthread_atfork(before_fork, after_fork_parent, after_fork_child);
}
