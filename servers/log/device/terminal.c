/*
 * The log server's output on the device: the console UART of the
 * Precursor SoC (utra::console in xous-core's utralib, 0xf000_7000:
 * RXTX at word 0, TXFULL at word 1), mapped with MapMemory(phys). On the
 * device the log server is the console: every other process's printf
 * reaches it as a StandardOutput message. Without the page (a kernel that
 * refuses it) output is dropped: the sink is then a no-op. Desktop
 * counterpart: hosted/terminal.c. No colour: a serial line is read raw.
 */
#include "../terminal.h"

#define CONSOLE_BASE 0xf0007000u
#define CONSOLE_RXTX 0
#define CONSOLE_TXFULL 1
/* A UART that never drains must not hang the server: give up after this
 * many looks at TXFULL for one byte. */
#define CONSOLE_SPIN 100000

static volatile uint32_t *uart;

static const char *const names[] = { "?",    "ERROR", "WARN",
                                     "INFO", "DEBUG", "TRACE" };

static void
put(char c)
{
  for (int i = 0; uart != NULL && i < CONSOLE_SPIN; i++)
    if ((uart[CONSOLE_TXFULL] & 1u) == 0) {
      uart[CONSOLE_RXTX] = (uint8_t)c;
      return;
    }
}

static void
puts_raw(const char *s)
{
  for (; *s != '\0'; s++)
    put(*s);
}

/* A printable character: control characters shown as '?'. */
static void
put_shown(char c)
{
  unsigned char u = (unsigned char)c;

  put((u < 0x20 && u != '\t') || u == 0x7f ? '?' : c);
}

static void
put_unsigned(unsigned v)
{
  char buf[12];
  int n = 0;

  do {
    buf[n++] = (char)('0' + v % 10u);
    v /= 10u;
  } while (v != 0);
  while (n > 0)
    put(buf[--n]);
}

void
log_term_open(void)
{
  xous_range_t r;

  if (xous_map_memory(CONSOLE_BASE, 0, XOUS_PAGE_SIZE,
                      XOUS_MEM_R | XOUS_MEM_W | XOUS_MEM_DEV, &r) == XOUS_OK)
    uart = (volatile uint32_t *)r.addr;
}

static void
prefix(const struct log_entry *e, xous_pid_t pid)
{
  unsigned lv = (unsigned)e->level <= XOUS_LOG_TRACE ? (unsigned)e->level : 0;

  put('[');
  puts_raw(names[lv]);
  put(' ');
  put_unsigned((unsigned)pid);
  if (e->module[0] != '\0') {
    put(' ');
    for (const char *m = e->module; *m != '\0'; m++)
      put_shown(*m == '\t' ? '?' : *m);
  }
  puts_raw("] ");
}

void
log_term_entry(const struct log_entry *e, xous_pid_t pid)
{
  const char *p = e->text;

  /* Each line of the text gets the prefix, so that no record can pass
   * for one from another process. */
  prefix(e, pid);
  for (; *p != '\0'; p++) {
    if (*p == '\n') {
      if (p[1] == '\0')
        break;
      put('\n');
      prefix(e, pid);
    } else {
      put_shown(*p);
    }
  }
  put('\n');
}

void
log_term_raw(bool err, const void *bytes, size_t n)
{
  const char *b = bytes;

  (void)err; /* one console for both */
  for (size_t i = 0; i < n; i++)
    put(b[i]);
}

void
log_term_usage(const char *what)
{
  puts_raw("xous-log: bad argument: ");
  for (; *what != '\0'; what++)
    put_shown(*what);
  puts_raw("\nusage: xous-log [--log-level error|warn|info|debug|trace]\n");
}

void
log_term_help(void)
{
  puts_raw("usage: xous-log [--log-level error|warn|info|debug|trace]\n");
}

void
log_term_fatal(const char *what, xous_error_t err)
{
  puts_raw("xous-log: ");
  puts_raw(what);
  puts_raw(": ");
  puts_raw(xous_strerror(err));
  put('\n');
}
