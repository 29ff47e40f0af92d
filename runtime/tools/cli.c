/*
 * --help, --version and usage errors, the same for every command, and
 * the reading of a command's table of options.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

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

/* The entry of table whose key is key, or NULL. */
static const struct xous_cli_option *
entry_of(const struct xous_cli_option *table, int key)
{
  for (; table->name != NULL; table++)
    if (table->key == key)
      return table;
  return NULL;
}

int
xous__cli_read(int argc, char **argv, const char *letters,
               const struct xous_cli_option *table,
               int (*own)(int key, char **argv, void *ctx), void *ctx)
{
  struct option longopts[XOUS_CLI_MOST_OPTIONS + 1] = { { 0 } };
  const struct xous_cli_option *e;
  size_t n;
  int c, status;

  for (n = 0; table[n].name != NULL; n++) {
    /* A longer table is a mistake in the command, found by its first
     * run, not something a user can do. */
    if (n == XOUS_CLI_MOST_OPTIONS)
      abort();
    longopts[n].name = table[n].name;
    longopts[n].has_arg = table[n].does == XOUS_CLI_TEXT ||
                                  table[n].does == XOUS_CLI_OWN_VALUE
                              ? required_argument
                              : no_argument;
    longopts[n].val = table[n].key;
  }
  while ((c = getopt_long(argc, argv, letters, longopts, NULL)) != -1) {
    e = entry_of(table, c);
    if (e != NULL && e->does == XOUS_CLI_SET)
      *(bool *)e->to = true;
    else if (e != NULL && e->does == XOUS_CLI_COUNT)
      (*(int *)e->to)++;
    else if (e != NULL && e->does == XOUS_CLI_TEXT)
      *(const char **)e->to = optarg;
    else if ((status = own(c, argv, ctx)) >= 0)
      return status;
  }
  return -1;
}
