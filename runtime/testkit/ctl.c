/*
 * The broker's control protocol (runtime/xousd/ctl.h), as xousctl speaks
 * it: one request frame, one answer of JSON text, on a fresh socket.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "hosted/wire.h"
#include "testkit/internal.h"
#include "xousd/ctl.h"

#define REPLY_MS 5000

static int
dial(const char *path)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  int fd;

  if (strlen(path) >= sizeof sa.sun_path)
    return -1;
  memcpy(sa.sun_path, path, strlen(path) + 1);
  fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

xous_error_t
xous__test_ctl(struct xous_test *t, unsigned cmd, const uint64_t args[7],
               char **json)
{
  struct xous_wire_frame f;
  struct pollfd pfd;
  size_t size = XOUS_WIRE_FRAME_SIZE + XOUS_WIRE_CTL_MAX;
  char *buf;
  long n;
  int fd, got_fd = -1;

  *json = NULL;
  fd = dial(t->sock);
  if (fd < 0)
    return XOUS_INTERNAL_ERROR;
  memset(&f, 0, sizeof f);
  f.magic = XOUS_WIRE_MAGIC;
  f.version = XOUS_WIRE_VERSION;
  f.type = XOUS_WIRE_CTL;
  f.w[0] = cmd;
  for (int i = 0; args != NULL && i < 7; i++)
    f.w[1 + i] = args[i];
  buf = malloc(size + 1);
  if (buf == NULL || xous__wire_send(fd, &f, -1) != 0) {
    free(buf);
    close(fd);
    return buf == NULL ? XOUS_OUT_OF_MEMORY : XOUS_INTERNAL_ERROR;
  }
  pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
  if (poll(&pfd, 1, REPLY_MS) != 1) {
    free(buf);
    close(fd);
    return XOUS_TIMEOUT;
  }
  n = xous__wire_recv(fd, (struct xous_wire_frame *)(void *)buf, size,
                      &got_fd);
  close(fd);
  if (got_fd >= 0)
    close(got_fd);
  /* SAFETY: the broker's answer: a whole header, the type we asked for,
   * and a length that the datagram really holds. */
  if (n < (long)XOUS_WIRE_FRAME_SIZE) {
    free(buf);
    return XOUS_INTERNAL_ERROR;
  }
  memcpy(&f, buf, sizeof f);
  if (f.magic != XOUS_WIRE_MAGIC || f.type != XOUS_WIRE_CTL_REPLY ||
      f.w[0] != (uint64_t)(n - XOUS_WIRE_FRAME_SIZE)) {
    free(buf);
    return XOUS_INTERNAL_ERROR;
  }
  memmove(buf, buf + XOUS_WIRE_FRAME_SIZE, (size_t)f.w[0]);
  buf[f.w[0]] = '\0';
  *json = buf;
  return XOUS_OK;
}

bool
xous__test_has_server(struct xous_test *t, xous_sid_t sid)
{
  char want[64], *json;
  bool found;

  snprintf(want, sizeof want, "\"sid\":\"%08x%08x%08x%08x\"",
           (unsigned)sid.w[0], (unsigned)sid.w[1], (unsigned)sid.w[2],
           (unsigned)sid.w[3]);
  if (xous__test_ctl(t, XOUS_CTL_SERVERS, NULL, &json) != XOUS_OK)
    return false;
  found = strstr(json, want) != NULL;
  free(json);
  return found;
}
