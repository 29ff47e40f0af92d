/*
 * The C half of process entry: argc/argv from the parameter block, the
 * constructors, main, then TerminateProcess with main's status.
 *
 * The parameter block is the loader's (ABI.md section 4): an "AppP"
 * header, then blocks, each a tag, a u32 size and that many bytes, one
 * right after another (Rust std's parser steps by the size alone, with no
 * padding). The arguments, if any, are an "ArgL" block: a u16 count, then
 * for each argument a u16 length and its bytes. The device's loader
 * writes none (argc is 0, argv[0] is NULL); xous-emu writes one so that a
 * program run on the desktop sees its command line.
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
const void *xous__eh_frame;

static uint32_t
load16(const unsigned char *p)
{
  return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t
load32(const unsigned char *p)
{
  return load16(p) | load16(p + 2) << 16;
}

/* The arguments of the ArgL block of size bytes at data. Each is made a
 * C string where it lies: its bytes move two back, over their length,
 * and a NUL follows them (the block is ours, on our stack, and nothing
 * reads it after this; no heap is taken before main). Returns argc. */
static int
read_arg_list(unsigned char *data, uint32_t size)
{
  uint32_t count, used = 2;
  int n = 0;

  if (size < 2)
    return 0;
  count = load16(data);
  while ((uint32_t)n < count && n < MAX_ARGS && used + 2 <= size) {
    uint32_t len = load16(data + used);

    if (len > size - used - 2)
      break; /* runs past the block: stop here */
    memmove(data + used, data + used + 2, len);
    data[used + len] = '\0';
    argv_table[n++] = (char *)data + used;
    used += 2 + len;
  }
  argv_table[n] = NULL;
  return n;
}

static int
find_args(unsigned char *block)
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

    if (size > total - off - 8)
      return 0;
    if (tag == XOUS_TAG_ARGS)
      return read_arg_list(block + off + 8, size);
    off += 8 + size;
  }
  return 0;
}

_Noreturn void
xous__start(const void *eh_frame, const void *params)
{
  int argc;

  xous__eh_frame = eh_frame; /* no unwinder in C programs: kept for one */
  argc = find_args((unsigned char *)params);
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
