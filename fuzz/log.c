/*
 * Fuzz target: the log server's handling of records and raw output
 * (servers/log): log_serve() with record validation (record.c) and the
 * terminal formatting (hosted/terminal.c), its output sent to /dev/null.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "../servers/log/serve.h"
#include "../servers/log/terminal.h"
#include "support/kernel.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
  int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

  (void)argc;
  (void)argv;
  /* What the server prints is not a finding; what it reads is. The
   * terminal's standard error goes to the same sink (glibc's stderr is a
   * variable; libFuzzer took its own copy at start, for the findings). */
  if (null >= 0) {
    dup2(null, STDOUT_FILENO);
    close(null);
  }
  stderr = stdout;
  log_term_open();
  return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct fk_run run;
  xous_envelope_t env;
  xous_log_level_t max;

  fk_begin(&run, data, size);
  max = (xous_log_level_t)(fz_u8(&run.msgs) % 6);
  for (int i = 0; i < 16 && fk_next(&run, &env); i++)
    log_serve(&env, max);
  fflush(stdout);
  fk_end(&run);
  return 0;
}
