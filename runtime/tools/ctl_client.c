/*
 * The control protocol's client (ctl_client.h).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "hosted/wire.h"
#include "tools/ctl_client.h"
#include "xousd/ctl.h"

int
xous__ctl_dial(const char *path)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  int fd, saved;

  if (strlen(path) >= sizeof sa.sun_path) {
    errno = ENAMETOOLONG;
    return -1;
  }
  memcpy(sa.sun_path, path, strlen(path) + 1);
  fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
    saved = errno;
    close(fd);
    errno = saved;
    return -1;
  }
  return fd;
}

bool
xous__ctl_accepts(const char *path)
{
  int fd = xous__ctl_dial(path);

  if (fd < 0)
    return false;
  close(fd);
  return true;
}

int
xous__ctl_send(int fd, unsigned cmd, const uint64_t args[7], const char *name)
{
  struct xous_wire_frame f = xous__wire_frame(XOUS_WIRE_CTL);

  f.w[0] = cmd;
  for (int i = 0; args != NULL && i < 7; i++)
    f.w[1 + i] = args[i];
  if (name != NULL)
    snprintf(f.name, sizeof f.name, "%s", name);
  return xous__wire_send(fd, &f, -1) == 0 ? 0 : -1;
}

char *
xous__ctl_receive(int fd, char *buf, size_t size, int timeout_ms,
                  const volatile sig_atomic_t *stop, unsigned *type,
                  bool *timed_out)
{
  struct pollfd pfd = { .fd = fd, .events = POLLIN };
  struct xous_wire_frame f;
  ssize_t n;
  int r;

  *timed_out = false;
  for (;;) {
    r = poll(&pfd, 1, timeout_ms);
    if (r < 0 && errno == EINTR) {
      if (stop != NULL && *stop) {
        *timed_out = true;
        return NULL;
      }
      continue;
    }
    if (r == 0) {
      *timed_out = true;
      return NULL;
    }
    if (r < 0)
      return NULL;
    n = recv(fd, buf, size - 1, 0);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < (ssize_t)sizeof f)
      return NULL; /* hang-up or a short datagram */
    /* SAFETY: the broker's datagram: the header is copied out once and
     * the length it gives is checked against what arrived. */
    memcpy(&f, buf, sizeof f);
    if (f.magic != XOUS_WIRE_MAGIC || f.version != XOUS_WIRE_VERSION ||
        f.w[0] > (uint64_t)(n - (ssize_t)sizeof f))
      return NULL;
    buf[sizeof f + f.w[0]] = '\0';
    *type = f.type;
    return buf + sizeof f;
  }
}

char *
xous__ctl_ask(int fd, unsigned cmd, const uint64_t args[7], const char *name,
              char *buf, size_t size, int timeout_ms, bool *timed_out)
{
  *timed_out = false;
  if (xous__ctl_send(fd, cmd, args, name) != 0)
    return NULL;
  for (;;) {
    unsigned type;
    char *json = xous__ctl_receive(fd, buf, size, timeout_ms, NULL, &type,
                                   timed_out);

    if (json == NULL || type == XOUS_WIRE_CTL_REPLY)
      return json;
  }
}
