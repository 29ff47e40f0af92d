/*
 * tt_say() on the desktop: standard output or standard error. Device
 * counterpart: device/say.c.
 */
#include <stdio.h>

#include "../platform.h"

void
tt_say(bool err, const char *line)
{
  fprintf(err ? stderr : stdout, "%s\n", line);
}
