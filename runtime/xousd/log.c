/*
 * The broker's messages: errors always, decisions with --verbose, and the
 * trace stream for xousctl.
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
  char buf[512];
  va_list ap;
  int n;

  if (xd_tracing == 0 && xd.opt.verbose < 2)
    return;
  va_start(ap, fmt);
  n = vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= sizeof buf)
    return;
  if (xd.opt.verbose >= 2)
    fprintf(stderr, "xousd: trace %s\n", buf);
  if (xd_tracing > 0)
    xd_trace_emit(buf, (size_t)n);
}
