/*
 * The command line the benchmarks share: --quick, --json FILE,
 * --xousd PATH and --help, read in one place, with a program's own
 * options beside them.
 */
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define MOST_OPTIONS 16

void
bench_args_init(struct bench_args *a)
{
  const char *build = getenv("XOUS_BUILDDIR");

  memset(a, 0, sizeof *a);
  a->builddir = build != NULL && build[0] != '\0' ? build : ".";
  snprintf(a->xousd, sizeof a->xousd, "%s/xousd", a->builddir);
}

int
bench_args_read(int argc, char **argv, struct bench_args *a,
                const struct option *own, const char *own_letters,
                bool (*take)(int opt, const char *arg, void *ctx), void *ctx,
                void (*usage)(FILE *out))
{
  static const struct option common[] = {
    { "quick", no_argument, NULL, 'q' },
    { "json", required_argument, NULL, 'j' },
    { "xousd", required_argument, NULL, 'x' },
    { "help", no_argument, NULL, 'h' },
  };
  struct option opts[MOST_OPTIONS + 1];
  char letters[2 * MOST_OPTIONS + 1] = "qj:x:h";
  size_t n = sizeof common / sizeof common[0];
  int opt;

  memcpy(opts, common, sizeof common);
  for (size_t i = 0; own != NULL && own[i].name != NULL && n < MOST_OPTIONS;
       i++)
    opts[n++] = own[i];
  memset(&opts[n], 0, sizeof opts[n]);
  if (own_letters != NULL)
    strncat(letters, own_letters, sizeof letters - strlen(letters) - 1);
  while ((opt = getopt_long(argc, argv, letters, opts, NULL)) != -1) {
    switch (opt) {
    case 'q':
      a->quick = true;
      break;
    case 'j':
      a->json = optarg;
      break;
    case 'x':
      snprintf(a->xousd, sizeof a->xousd, "%s", optarg);
      break;
    case 'h':
      usage(stdout);
      return 0;
    default:
      if (opt == '?' || take == NULL || !take(opt, optarg, ctx)) {
        usage(stderr);
        return 2;
      }
    }
  }
  return -1;
}
