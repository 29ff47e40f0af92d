/*
 * The log server (xous-log(8)): levelled records from every process, with
 * the sender's PID from the message envelope, to the terminal. Written
 * against <xous.h> only; the output is behind terminal.h, the opcodes in
 * serve.c.
 */
#include <string.h>

#include <xous.h>
#include <xous/log.h>

#include "serve.h"
#include "terminal.h"

static const char *const level_names[] = { "error", "warn", "info", "debug",
                                           "trace" };

/* The level named s, or 0. */
static xous_log_level_t
parse_level(const char *s)
{
  unsigned i;

  for (i = 0; i < 5; i++)
    if (strcmp(s, level_names[i]) == 0)
      return (xous_log_level_t)(i + 1);
  return (xous_log_level_t)0;
}

int
main(int argc, char **argv)
{
  xous_sid_t sid = xous_sid_from_name(XOUS_LOG_NAME);
  xous_log_level_t max = XOUS_LOG_INFO;
  xous_error_t err;
  int i;

  for (i = 1; i < argc; i++) {
    const char *v = NULL;

    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      log_term_help();
      return 0;
    }
    if (strcmp(argv[i], "--version") == 0 || strcmp(argv[i], "-V") == 0) {
      static const char version[] = "xous-log " XOUS_VERSION_STRING "\n";

      log_term_raw(false, version, sizeof version - 1);
      return 0;
    }
    if (strcmp(argv[i], "--log-level") == 0 && i + 1 < argc)
      v = argv[++i];
    else if (strncmp(argv[i], "--log-level=", 12) == 0)
      v = argv[i] + 12;
    if (v == NULL) {
      log_term_usage(argv[i]);
      return 2;
    }
    max = parse_level(v);
    if (max == 0) {
      log_term_usage(v);
      return 2;
    }
  }

  log_term_open();
  err = xous_create_server_with_address(sid, NULL);
  if (err != XOUS_OK) {
    log_term_fatal("cannot create the server", err);
    return 1;
  }
  for (;;) {
    xous_envelope_t env;

    err = xous_receive_message(sid, &env);
    if (err != XOUS_OK) {
      log_term_fatal("receive", err);
      return 1;
    }
    log_serve(&env, max);
  }
}
