/*
 * stdout and stderr for picolibc's printf. A Xous process has no console
 * of its own: text goes to the log server when its client API
 * (<xous/log.h>) is part of the build, one record per line; without it,
 * output is dropped. Lines are gathered here because a log record, not a
 * character, is the unit the log server takes.
 */
#include <stdio.h>
#include <string.h>

#include "riscv/internal.h"

#if defined(__has_include)
#if __has_include(<xous/log.h>) && defined(XOUS_HAVE_LOG)
#include <xous/log.h>
#define CONSOLE_WRITE(p, n) xous_log_write((p), (n))
#endif
#endif
#ifndef CONSOLE_WRITE
#define CONSOLE_WRITE(p, n) ((void)(p), (void)(n))
#endif

#define LINE_MAX_BYTES 128

static char line[LINE_MAX_BYTES];
static size_t line_len;

void
xous__stdout_flush(void)
{
  if (line_len != 0)
    CONSOLE_WRITE(line, line_len);
  line_len = 0;
}

static int
console_putc(char c, FILE *f)
{
  (void)f;
  if (c == '\n') {
    xous__stdout_flush();
    return (unsigned char)c;
  }
  line[line_len++] = c;
  if (line_len == sizeof(line))
    xous__stdout_flush();
  return (unsigned char)c;
}

static int
console_flush(FILE *f)
{
  (void)f;
  xous__stdout_flush();
  return 0;
}

static FILE console = FDEV_SETUP_STREAM(console_putc, NULL, console_flush,
                                        _FDEV_SETUP_WRITE);

FILE *const stdout = &console;
FILE *const stderr = &console;
FILE *const stdin = NULL;
