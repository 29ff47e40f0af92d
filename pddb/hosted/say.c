/*
 * The server's words on the desktop: lines on the standard output and
 * error (device counterpart: the log server).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "../platform.h"

void
pddb_say(bool to_stdout, const char *first, ...)
{
  FILE *f = to_stdout ? stdout : stderr;
  const char *part;
  va_list ap;

  va_start(ap, first);
  for (part = first; part != NULL; part = va_arg(ap, const char *))
    fputs(part, f);
  va_end(ap);
  fputc('\n', f);
  fflush(f);
}
