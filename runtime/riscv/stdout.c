/*
 * stdout and stderr for picolibc's printf. A Xous process has no console
 * of its own: on the device the log server is the console, so text goes
 * to it as StandardOutput messages (<xous/log.h>), one per line, lent
 * from a page of our own. Before the log server exists (or without one)
 * output is dropped rather than waited for: TryConnect, not Connect.
 * Lines are gathered here so that one message carries a whole line.
 * Threads share the line; lines of two threads printing at once may mix.
 */
#include <stdio.h>
#include <string.h>

#include <xous/log.h>

#include "riscv/internal.h"

#define LINE_MAX_BYTES 256

static char line[LINE_MAX_BYTES];
static size_t line_len;
/* What is lent: a whole page of this process, as a lend needs. */
static char page[XOUS_PAGE_SIZE] __attribute__((aligned(XOUS_PAGE_SIZE)));
static xous_cid_t console_cid;

static void
console_write(const char *p, size_t n)
{
  size_t offset, valid;

  if (console_cid == 0 && xous_try_connect(xous_sid_from_name(XOUS_LOG_NAME),
                                           &console_cid) != XOUS_OK) {
    console_cid = 0;
    return;
  }
  memcpy(page, p, n);
  (void)xous_lend(console_cid, XOUS_LOG_OP_STDOUT, page, sizeof page, 0, n,
                  &offset, &valid);
}

void
xous__stdout_flush(void)
{
  if (line_len != 0)
    console_write(line, line_len);
  line_len = 0;
}

static int
console_putc(char c, FILE *f)
{
  (void)f;
  line[line_len++] = c;
  if (c == '\n') {
    xous__stdout_flush();
    return (unsigned char)c;
  }
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
