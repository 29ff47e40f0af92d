/*
 * --help, --version and usage errors, the same for every command.
 */
#include <getopt.h>
#include <stdio.h>

#include "config.h"
#include "tools/cli.h"

int
xous__cli_other_option(int c, const char *prog, void (*usage)(FILE *),
                       char **argv)
{
  switch (c) {
  case 'h':
    usage(stdout);
    return 0;
  case 'V':
    printf("%s %s\n", prog, PACKAGE_VERSION);
    return 0;
  }
  /* With opterr clear getopt is silent, and ':' (the optstring starts
   * with it) tells a missing value from an unknown option. */
  if (opterr == 0 && c == ':')
    fprintf(stderr, "%s: %s needs a value\n", prog, argv[optind - 1]);
  else if (opterr == 0 && optopt != 0)
    fprintf(stderr, "%s: unknown option -%c\n", prog, optopt);
  else if (opterr == 0)
    fprintf(stderr, "%s: unknown option %s\n", prog, argv[optind - 1]);
  usage(stderr);
  return 2;
}
