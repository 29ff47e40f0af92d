/*
 * The broker's messages: errors always, decisions with --verbose, and the
 * trace stream for xousctl (events made with jansson's json_pack).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "xousd/broker.h"

void
xd_log(int level, const char *fmt, ...)
{
  va_list ap;

  if (level > xd.opt.verbose)
    return;
  va_start(ap, fmt);
  fputs("xousd: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

/* How many trace subscribers keep up (ctl.c): 0 keeps tracing free, and
 * a subscriber whose socket is full does not count until it drains. */
int xd_tracing;

void
xd_trace(const char *fmt, ...)
{
  char buf[600];
  json_error_t error;
  json_t *body, *ev;
  va_list ap;
  size_t n;

  if (!xd_trace_on())
    return;
  va_start(ap, fmt);
  body = json_vpack_ex(&error, 0, fmt, ap);
  va_end(ap);
  /* Every event starts with its time in microseconds on the monotonic
   * clock, then what json_pack made of fmt. */
  ev = json_pack("{s:I}", "ts", (json_int_t)(uv_hrtime() / 1000));
  if (body == NULL || ev == NULL || json_object_update(ev, body) != 0) {
    if (body == NULL)
      xd_log(0, "a trace event could not be made: %s", error.text);
    json_decref(body);
    json_decref(ev);
    return;
  }
  json_decref(body);
  n = json_dumpb(ev, buf, sizeof buf, JSON_COMPACT);
  json_decref(ev);
  if (n == 0 || n > sizeof buf)
    return;
  if (xd.opt.verbose >= 2)
    fprintf(stderr, "xousd: trace %.*s\n", (int)n, buf);
  if (xd_tracing > 0)
    xd_trace_emit(buf, n);
}
