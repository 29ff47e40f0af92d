/*
 * Frame I/O shared by libxous and xousd: one datagram, at most one fd.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hosted/wire.h"

int
xous__socket_path(char *buf, size_t size)
{
  const char *env = getenv("XOUS_SOCKET");
  const char *xdg = getenv("XDG_RUNTIME_DIR");
  int n;

  if (env != NULL && env[0] != '\0')
    n = snprintf(buf, size, "%s", env);
  else if (xdg != NULL && xdg[0] != '\0')
    n = snprintf(buf, size, "%s/xous/xousd.sock", xdg);
  else
    n = snprintf(buf, size, "/tmp/xous-%u/xousd.sock", (unsigned)getuid());
  return (n < 0 || (size_t)n >= size) ? -1 : 0;
}

long
xous__send_fd(int sock, const void *buf, size_t len, int fd, int flags)
{
  struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } ctl;
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
  ssize_t n;

  if (fd >= 0) {
    struct cmsghdr *c;

    memset(&ctl, 0, sizeof ctl);
    msg.msg_control = ctl.buf;
    msg.msg_controllen = sizeof ctl.buf;
    c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof fd);
  }
  do
    n = sendmsg(sock, &msg, MSG_NOSIGNAL | flags);
  while (n < 0 && errno == EINTR);
  return n < 0 ? -errno : (long)n;
}

int
xous__wire_send(int sock, const struct xous_wire_frame *f, int fd)
{
  long n = xous__send_fd(sock, f, sizeof *f, fd, 0);

  if (n < 0)
    return (int)n;
  return n == (long)sizeof *f ? 0 : -EPROTO;
}

long
xous__wire_recv(int sock, struct xous_wire_frame *f, size_t size, int *fd)
{
  return xous__wire_recv_flags(sock, f, size, fd, 0);
}

long
xous__wire_recv_flags(int sock, struct xous_wire_frame *f, size_t size,
                      int *fd, int flags)
{
  struct iovec iov = { .iov_base = f, .iov_len = size };
  union {
    char buf[CMSG_SPACE(sizeof(int) * 4)];
    struct cmsghdr align;
  } ctl;
  struct msghdr msg = {
    .msg_iov = &iov,
    .msg_iovlen = 1,
    .msg_control = ctl.buf,
    .msg_controllen = sizeof ctl.buf,
  };
  struct cmsghdr *c;
  int bad = 0;
  ssize_t n;

  *fd = -1;
  do
    n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC | flags);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return -errno;

  /* Collect every descriptor the peer sent, so that none leaks: keep one,
   * close the rest and call the frame bad if there was more than one. */
  for (c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
    size_t i, count;

    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
      continue;
    count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (i = 0; i < count; i++) {
      int got;

      memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof got);
      if (*fd < 0)
        *fd = got;
      else {
        close(got);
        bad = 1;
      }
    }
  }
  /* An empty datagram reads as a hang-up to the caller, which would then
   * never close a descriptor that came with it. */
  if (n == 0 && *fd >= 0)
    bad = 1;
  if (bad || (msg.msg_flags & (MSG_CTRUNC | MSG_TRUNC))) {
    if (*fd >= 0)
      close(*fd);
    *fd = -1;
    /* The frame came whole but its descriptor could not: this process
     * is at its descriptor limit. Not the peer's fault. */
    if (!bad && (msg.msg_flags & (MSG_CTRUNC | MSG_TRUNC)) == MSG_CTRUNC &&
        c == NULL && msg.msg_controllen == 0)
      return -EMFILE;
    return -EPROTO;
  }
  return (long)n;
}

int
xous__wire_check(const struct xous_wire_frame *f, long n)
{
  if (n != (long)sizeof *f)
    return -EPROTO;
  if (f->magic != XOUS_WIRE_MAGIC || f->version != XOUS_WIRE_VERSION)
    return -EPROTO;
  if (f->type == 0 || f->type > XOUS_WIRE_TYPE_MAX)
    return -EPROTO;
  if (f->flags & ~XOUS_WIRE_F_FD)
    return -EPROTO;
  return 0;
}
