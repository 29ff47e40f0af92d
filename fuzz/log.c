/*
 * Fuzz target: the log server's handling of records and raw output
 * (servers/log): serve() with record validation (record.c) and the
 * terminal formatting (hosted/terminal.c), output sent to /dev/null.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "support/kernel.h"

/* The terminal (hosted/terminal.c), with what it would write to the
 * standard error sent to the same sink as the standard output. */
static FILE *sink;
#undef stderr
#define stderr sink
#include "../servers/log/hosted/terminal.c"
#undef stderr
#define stderr stderr

int log_server_main(int argc, char **argv);
#define main log_server_main
#include "../servers/log/server.c"
#undef main

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
  int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

  (void)argc;
  (void)argv;
  /* What the server prints is not a finding; what it reads is. */
  if (null >= 0) {
    dup2(null, STDOUT_FILENO);
    close(null);
  }
  sink = stdout;
  log_term_open();
  return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static uint8_t pages[FK_MAX_PAGES * XOUS_PAGE_SIZE]
      __attribute__((aligned(XOUS_PAGE_SIZE)));
  struct fz_reader in = { data, size };
  struct fz_reader kernel;
  uint8_t split = fz_u8(&in);
  xous_log_level_t max = (xous_log_level_t)(fz_u8(&in) % 6);

  kernel.p = in.p + (fz_left(&in) * split) / 256;
  kernel.n = fz_left(&in) - (size_t)(kernel.p - in.p);
  in.n = (size_t)(kernel.p - in.p);

  fk_answers(&kernel);
  for (int i = 0; i < 16 && fz_left(&in) > 0; i++) {
    xous_envelope_t env;

    fk_envelope(&in, &env, pages);
    serve(&env, max);
  }
  fflush(stdout);
  fk_answers(NULL);
  return 0;
}
