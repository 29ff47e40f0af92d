/*
 * The log server's output on the desktop: the terminal, in colour when
 * the standard output is one (and NO_COLOR is unset). Device counterpart:
 * the console UART.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../terminal.h"

static int colour;

static const char *const names[] = { "?",    "ERROR", "WARN",
                                     "INFO", "DEBUG", "TRACE" };
static const char *const colours[] = { "",         "\033[1;31m", "\033[33m",
                                       "\033[32m", "\033[34m",   "\033[2m" };

void
log_term_open(void)
{
  const char *no = getenv("NO_COLOR");

  /* One record, one write: lines from the server never interleave with
   * each other in a captured file. */
  setvbuf(stdout, NULL, _IOLBF, 0);
  colour = isatty(STDOUT_FILENO) && (no == NULL || no[0] == '\0');
}

static void
prefix(const struct log_entry *e, xous_pid_t pid)
{
  unsigned lv = (unsigned)e->level <= XOUS_LOG_TRACE ? (unsigned)e->level : 0;

  if (colour)
    printf("[%s%s\033[0m %u", colours[lv], names[lv], (unsigned)pid);
  else
    printf("[%s %u", names[lv], (unsigned)pid);
  if (e->module[0] != '\0') {
    const char *m;

    putchar(' ');
    for (m = e->module; *m != '\0'; m++)
      putchar((unsigned char)*m < 0x20 || *m == 0x7f ? '?' : *m);
  }
  fputs("] ", stdout);
}

void
log_term_entry(const struct log_entry *e, xous_pid_t pid)
{
  const char *p = e->text;

  /* Each line of the text gets the prefix, so that no record can pass
   * for one from another process. */
  prefix(e, pid);
  for (; *p != '\0'; p++) {
    unsigned char c = (unsigned char)*p;

    if (c == '\n') {
      if (p[1] == '\0')
        break;
      putchar('\n');
      prefix(e, pid);
    } else if ((c < 0x20 && c != '\t') || c == 0x7f) {
      putchar('?');
    } else {
      putchar(c);
    }
  }
  putchar('\n');
  fflush(stdout);
}

void
log_term_raw(bool err, const void *bytes, size_t n)
{
  FILE *f = err ? stderr : stdout;

  fwrite(bytes, 1, n, f);
  fflush(f);
}

void
log_term_usage(const char *what)
{
  fprintf(stderr, "xous-log: bad argument: %s (see xous-log --help)\n", what);
}

void
log_term_help(void)
{
  printf("usage: xous-log [--log-level error|warn|info|debug|trace]\n"
         "       xous-log --help | --version\n"
         "\n"
         "The Xous log server (see xous-log(8)): prints every record at or\n"
         "above the level (default info) on standard output.\n"
         "\n"
         "  --log-level LEVEL  the least level printed\n"
         "  -h, --help         this text\n"
         "  -V, --version      the version\n");
}

void
log_term_fatal(const char *what, xous_error_t err)
{
  fprintf(stderr, "xous-log: %s: %s\n", what, xous_strerror(err));
}
