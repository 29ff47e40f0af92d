/*
 * XOUS_LINE_BUFFERED=1 makes a program's stdout line buffered even on a
 * pipe, before main() runs. xous-run sets it for the programs it starts,
 * so that their lines reach it, and the terminal, in the order they were
 * written instead of in blocks at exit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hosted/internal.h"

/* syscall.c refers to this, so that a static link, which takes from
 * libxous.a only what is referred to, keeps the constructor too. */
const char xous__stdio_linked = 1;

__attribute__((constructor)) static void
line_buffer_stdout(void)
{
  const char *env = getenv("XOUS_LINE_BUFFERED");

  if (env != NULL && strcmp(env, "1") == 0)
    setvbuf(stdout, NULL, _IOLBF, 0);
}
