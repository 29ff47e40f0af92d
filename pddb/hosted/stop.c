/*
 * Stopping the server cleanly on the desktop: xous-run and service
 * managers stop a process with SIGTERM (or SIGINT from a terminal). A
 * signal handler may not make Xous calls, so it only writes a byte to a
 * pipe; a thread of the server reads it and sends the server's own SID a
 * Scalar PDDB_OP_STOP, which the server loop answers by syncing and
 * exiting. On the device the same Scalar comes from the shutdown notice
 * of the suspend/resume server.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <xous.h>

#include "../platform.h"

static int stop_pipe[2] = { -1, -1 };
static xous_sid_t stop_sid;

static void
on_signal(int sig)
{
  int saved = errno;
  unsigned char b = (unsigned char)sig;

  /* write(2) is async-signal-safe; a full pipe already holds a request. */
  (void)!write(stop_pipe[1], &b, 1);
  errno = saved;
}

static void *
stopper(void *arg)
{
  xous_message_t msg;
  xous_cid_t cid;
  unsigned char b;
  ssize_t n;

  (void)arg;
  do
    n = read(stop_pipe[0], &b, 1);
  while (n < 0 && errno == EINTR);
  if (n != 1 || xous_connect(stop_sid, &cid) != XOUS_OK)
    return NULL;
  memset(&msg, 0, sizeof msg);
  msg.kind = XOUS_MSG_SCALAR;
  msg.scalar.id = PDDB_OP_STOP;
  (void)xous_send_message(cid, &msg, NULL);
  return NULL;
}

xous_error_t
pddb_stop_on_signal(xous_sid_t sid)
{
  struct sigaction sa;
  xous_tid_t tid;

  if (pipe(stop_pipe) != 0)
    return XOUS_OUT_OF_MEMORY;
  stop_sid = sid;
  if (xous_create_thread(stopper, NULL, 0, &tid) != XOUS_OK)
    return XOUS_OUT_OF_MEMORY;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  if (sigaction(SIGTERM, &sa, NULL) != 0 || sigaction(SIGINT, &sa, NULL) != 0)
    return XOUS_INVALID_ARGUMENT;
  return XOUS_OK;
}
