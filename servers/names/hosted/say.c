/*
 * Diagnostics of the name server on the desktop: a line on stderr.
 * Device counterpart: a record to the log server.
 */
#include <stdio.h>

#include "../server.h"

void
names__say(const char *line)
{
  fprintf(stderr, "%s\n", line);
}

void
names__say_out(const char *line)
{
  printf("%s\n", line);
}
