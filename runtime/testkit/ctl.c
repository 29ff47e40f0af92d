/*
 * The broker's control protocol (runtime/xousd/ctl.h), as xousctl speaks
 * it: one request frame, one answer of JSON text, on a fresh socket.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hosted/wire.h"
#include "testkit/internal.h"
#include "tools/ctl_client.h"
#include "xousd/ctl.h"

#define REPLY_MS 5000

xous_error_t
xous__test_ctl(struct xous_test *t, unsigned cmd, const uint64_t args[7],
               char **json)
{
  size_t size = XOUS_WIRE_FRAME_SIZE + XOUS_WIRE_CTL_MAX + 1;
  char *buf, *text;
  bool timed_out;
  int fd;

  *json = NULL;
  fd = xous__ctl_dial(t->sock);
  if (fd < 0)
    return XOUS_INTERNAL_ERROR;
  buf = malloc(size);
  if (buf == NULL) {
    close(fd);
    return XOUS_OUT_OF_MEMORY;
  }
  text = xous__ctl_ask(fd, cmd, args, NULL, buf, size, REPLY_MS, &timed_out);
  close(fd);
  if (text == NULL) {
    free(buf);
    return timed_out ? XOUS_TIMEOUT : XOUS_INTERNAL_ERROR;
  }
  memmove(buf, text, strlen(text) + 1);
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
