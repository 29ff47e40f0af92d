/*
 * The checking mode of xous-emu: with XOUS_EMU_TRACE=FILE every ecall
 * appends one line to FILE, the eight words going in (a0..a7) and the
 * eight coming out, so that a test can hold them against the ABI table
 * (tests/check_emu.c). TerminateProcess, which never returns, is written
 * before the call with no words out. Lines of several threads never mix.
 *
 *   ecall IN0 .. IN7 -> OUT0 .. OUT7      (hex, 8 digits each)
 *   ecall IN0 .. IN7 -> -
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "emu/emu.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *out;

int
emu_trace_open(void)
{
  const char *path = getenv("XOUS_EMU_TRACE");

  if (path == NULL || path[0] == '\0')
    return 0;
  out = fopen(path, "a");
  if (out == NULL) {
    perror(path);
    return -1;
  }
  return 0;
}

void
emu_trace(const uint32_t in[8], const uint32_t *result)
{
  if (out == NULL)
    return;
  pthread_mutex_lock(&lock);
  fprintf(out, "ecall");
  for (int i = 0; i < 8; i++)
    fprintf(out, " %08x", (unsigned)in[i]);
  if (result == NULL) {
    fprintf(out, " -> -\n");
  } else {
    fprintf(out, " ->");
    for (int i = 0; i < 8; i++)
      fprintf(out, " %08x", (unsigned)result[i]);
    fprintf(out, "\n");
  }
  fflush(out);
  pthread_mutex_unlock(&lock);
}
