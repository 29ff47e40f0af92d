/*
 * Socket activation: a listening socket handed to xousd by systemd (a
 * xousd.socket unit), or by anything that speaks its protocol
 * (LISTEN_PID, LISTEN_FDS, the sockets from descriptor 3 on), read
 * through libsystemd. Built without libsystemd, xousd is a plain daemon
 * and refuses a socket it cannot take, rather than binding another one
 * over it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "config.h"
#include "xousd/broker.h"

#ifdef XOUS_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>

int
xd_activation_socket(char *path, size_t size)
{
  struct sockaddr_un sa;
  socklen_t len = sizeof sa;
  int n, fd, flags;

  /* 1: unset LISTEN_* so that the programs the broker starts
   * (xous-hosted) do not take the socket for theirs. */
  n = sd_listen_fds(1);
  if (n == 0)
    return -1;
  if (n < 0) {
    xd_log(0, "cannot take the sockets handed over (LISTEN_FDS): %s",
           strerror(-n));
    return -2;
  }
  if (n != 1) {
    xd_log(0,
           "was handed %d sockets (LISTEN_FDS); xousd takes one: give "
           "its socket unit one ListenSequentialPacket= line",
           n);
    return -2;
  }
  fd = SD_LISTEN_FDS_START;
  if (sd_is_socket_unix(fd, SOCK_SEQPACKET, 1, NULL, 0) <= 0) {
    xd_log(0,
           "the socket handed over (descriptor %d) is not a listening "
           "Unix SOCK_SEQPACKET socket: its unit needs "
           "ListenSequentialPacket=",
           fd);
    return -2;
  }
  memset(&sa, 0, sizeof sa);
  if (getsockname(fd, (struct sockaddr *)&sa, &len) != 0 ||
      len <= offsetof(struct sockaddr_un, sun_path) ||
      sa.sun_path[0] == '\0') {
    xd_log(0, "the socket handed over has no path (an abstract socket?): "
              "programs find the broker by a path");
    return -2;
  }
  /* getsockname's path need not be terminated when it fills sun_path. */
  len -= (socklen_t)offsetof(struct sockaddr_un, sun_path);
  if ((size_t)len >= size || len > sizeof sa.sun_path) {
    xd_log(0, "the path of the socket handed over is too long");
    return -2;
  }
  memcpy(path, sa.sun_path, len);
  path[len] = '\0';
  flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0 ||
      fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) {
    xd_log(0, "cannot set up the socket handed over: %s", strerror(errno));
    return -2;
  }
  return fd;
}

void
xd_activation_notify(const char *state)
{
  /* Nothing happens without $NOTIFY_SOCKET (not under systemd). */
  (void)sd_notify(0, state);
}

bool
xd_activation_built(void)
{
  return true;
}

#else /* !XOUS_HAVE_SYSTEMD */

int
xd_activation_socket(char *path, size_t size)
{
  const char *fds = getenv("LISTEN_FDS"), *pid = getenv("LISTEN_PID");

  (void)path;
  (void)size;
  if (fds == NULL || pid == NULL || strtol(pid, NULL, 10) != (long)getpid())
    return -1;
  xd_log(0, "was handed a socket (LISTEN_FDS), but this xousd is built "
            "without libsystemd and cannot take it: install libsystemd-dev "
            "and build again, or start xousd without its socket unit");
  return -2;
}

void
xd_activation_notify(const char *state)
{
  (void)state;
}

bool
xd_activation_built(void)
{
  return false;
}

#endif /* XOUS_HAVE_SYSTEMD */
