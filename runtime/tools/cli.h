/*
 * What every command (xousd, xous-run, xousctl, xous-emu, pddb) does with
 * --help, --version and an option it does not know, said in one place so
 * that they all answer alike.
 */
#ifndef XOUS_TOOLS_CLI_H
#define XOUS_TOOLS_CLI_H

#include <getopt.h>
#include <stdio.h>

/* The last entries of a command's long options: -h, --help and -V,
 * --version, then the end of the table. */
/* clang-format off */
#define XOUS_CLI_COMMON_OPTIONS \
  { "help", no_argument, NULL, 'h' }, \
  { "version", no_argument, NULL, 'V' }, \
  { NULL, 0, NULL, 0 }
/* clang-format on */

/* Takes an option c from getopt_long() that the command's own cases did
 * not: 'h' prints usage on stdout and 'V' "PROG VERSION", both for exit
 * status 0; anything else is a usage error: what was wrong on stderr
 * (unless getopt already said it: opterr is set), then the usage, for
 * exit status 2. Returns that exit status. */
int xous__cli_other_option(int c, const char *prog, void (*usage)(FILE *),
                           char **argv);

#endif /* XOUS_TOOLS_CLI_H */
