/*
 * Fuzz target: the name server's request handling (servers/names), the
 * whole of names__serve() with its tables, fed envelopes built from the
 * input, with the kernel's answers to its own calls also from the input.
 */
#include <stdlib.h>
#include <string.h>

#include "support/kernel.h"

/* The server's sources, so that its private waiter table can be reset
 * between runs. */
#include "../servers/names/serve.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Diagnostics go nowhere: the fuzzer's output is for findings. */
void
names__say(const char *line)
{
  (void)line;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static uint8_t pages[FK_MAX_PAGES * XOUS_PAGE_SIZE]
      __attribute__((aligned(XOUS_PAGE_SIZE)));
  struct fz_reader in = { data, size };
  struct fz_reader kernel;
  uint8_t split = fz_u8(&in);

  /* The first byte cuts the input: messages, then the kernel's answers. */
  kernel.p = in.p + (fz_left(&in) * split) / 256;
  kernel.n = fz_left(&in) - (size_t)(kernel.p - in.p);
  in.n = (size_t)(kernel.p - in.p);

  names__table_init();
  memset(waiters, 0, sizeof waiters);
  fk_answers(&kernel);
  for (int i = 0; i < 64 && fz_left(&in) > 0; i++) {
    xous_envelope_t env;

    fk_envelope(&in, &env, pages);
    names__serve(&env);
  }
  fk_answers(NULL);
  return 0;
}
