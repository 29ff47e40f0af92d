/*
 * Fuzz target: the name server's request handling (servers/names), the
 * whole of names__serve() with its tables, fed envelopes built from the
 * input, with the kernel's answers to its own calls also from the input.
 */
#include "../servers/names/server.h"
#include "support/kernel.h"

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
  struct fk_run run;
  xous_envelope_t env;

  fk_begin(&run, data, size);
  names__serve_reset();
  for (int i = 0; i < 64 && fk_next(&run, &env); i++)
    names__serve(&env);
  fk_end(&run);
  return 0;
}
