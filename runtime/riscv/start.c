/*
 * The C half of process entry: argc/argv from the parameter block, the
 * constructors, main, then TerminateProcess with main's status.
 *
 * The device's loader passes no arguments (argc is 0, argv[0] is NULL);
 * xous-emu adds an ArgV entry to the parameter block so that a program
 * run on the desktop sees its command line.
 */
#include <stdlib.h>
#include <string.h>

#include "riscv/internal.h"

#define MAX_ARGS 32
/* The block ends at 0x8000_0000; nothing sane is larger than the 8
 * loader pages of stack it shares them with. */
#define MAX_PARAMS_LEN (8u * 4096u)

int main(int argc, char **argv);
void __libc_init_array(void);
_Noreturn void _exit(int status);

static char *argv_table[MAX_ARGS + 1];

static uint32_t
load32(const unsigned char *p)
{
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}

/* Walks the parameter block ("AppP" header, then tagged entries of
 * {tag, size, data padded to 4 bytes}) looking for ArgV. */
static int
find_args(const unsigned char *block)
{
  uint32_t total, off = 16;

  if (block == NULL || load32(block) != XOUS_TAG('A', 'p', 'p', 'P'))
    return 0;
  total = load32(block + 8);
  if (total > MAX_PARAMS_LEN)
    return 0;
  while (off + 8 <= total) {
    uint32_t tag = load32(block + off);
    uint32_t size = load32(block + off + 4);
    const unsigned char *data = block + off + 8;

    if (size > total - off - 8)
      return 0;
    if (tag == XOUS_TAG_ARGS && size >= 4) {
      uint32_t argc = load32(data), used = 4;
      int n;

      for (n = 0; n < MAX_ARGS && (uint32_t)n < argc; n++) {
        const char *s = (const char *)data + used;
        const char *nul = memchr(s, '\0', size - used);

        if (nul == NULL)
          break; /* not terminated inside the entry: stop here */
        argv_table[n] = (char *)s;
        used += (uint32_t)(nul - s) + 1;
      }
      argv_table[n] = NULL;
      return n;
    }
    off += 8 + ((size + 3u) & ~3u);
  }
  return 0;
}

_Noreturn void
xous__start(const void *eh_frame, const void *params)
{
  int argc;

  (void)eh_frame; /* no unwinder in C programs */
  argc = find_args(params);
  __libc_init_array();
  exit(main(argc, argv_table));
}

/* picolibc's exit() ends here, after the atexit handlers. */
_Noreturn void
_exit(int status)
{
  xous__stdout_flush();
  xous_terminate_process((uint32_t)status);
}
