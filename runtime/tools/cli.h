/*
 * What every command (xousd, xous-run, xousctl, xous-emu, pddb) does with
 * --help, --version and an option it does not know, said in one place so
 * that they all answer alike; and a table of options read into their
 * places, so that a command says what an option sets instead of a case
 * for each.
 */
#ifndef XOUS_TOOLS_CLI_H
#define XOUS_TOOLS_CLI_H

#include <getopt.h>
#include <stdio.h>

/* Takes an option c from getopt_long() that the command's own cases did
 * not: 'h' prints usage on stdout and 'V' "PROG VERSION", both for exit
 * status 0; anything else is a usage error: what was wrong on stderr
 * (unless getopt already said it: opterr is set), then the usage, for
 * exit status 2. Returns that exit status. */
int xous__cli_other_option(int c, const char *prog, void (*usage)(FILE *),
                           char **argv);

/* What reading an option does with it. */
enum xous_cli_does {
  XOUS_CLI_SET,       /* to is a bool, made true */
  XOUS_CLI_COUNT,     /* to is an int, one more each time */
  XOUS_CLI_TEXT,      /* to is a const char *, the value as given */
  XOUS_CLI_OWN,       /* the command's own: its own() is called */
  XOUS_CLI_OWN_VALUE, /* likewise, for an option that takes a value */
};

/* One option of a command. */
struct xous_cli_option {
  const char *name; /* the long name; NULL ends a table */
  int key; /* the letter, or a number above 255 for a long name alone */
  enum xous_cli_does does;
  void *to; /* where the value goes; NULL for the command's own */
};

/* The most options a table may hold. */
#define XOUS_CLI_MOST_OPTIONS 24

/* The last entries of a table of struct xous_cli_option: -h, --help and
 * -V, --version (for xous__cli_other_option()), then the end. */
/* clang-format off */
#define XOUS_CLI_HELP_VERSION \
  { "help", 'h', XOUS_CLI_OWN, NULL }, \
  { "version", 'V', XOUS_CLI_OWN, NULL }, \
  { NULL, 0, XOUS_CLI_OWN, NULL }
/* clang-format on */

/* Reads argv's options with getopt_long() and letters, the short ones
 * (the caller sets opterr). An option of the table that is SET, COUNT or
 * TEXT is stored in its place; whatever else getopt_long() returns (an
 * OWN option, '?', ':') goes to own(key, argv, ctx), with optarg set,
 * which returns -1 to go on, else the exit status to stop with. Returns
 * -1 once every option is read (optind at the first operand), else the
 * status own() returned. */
int xous__cli_read(int argc, char **argv, const char *letters,
                   const struct xous_cli_option *table,
                   int (*own)(int key, char **argv, void *ctx), void *ctx);

#endif /* XOUS_TOOLS_CLI_H */
