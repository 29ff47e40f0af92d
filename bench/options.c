/*
 * The command line the benchmarks share: --quick, --json FILE,
 * --xousd PATH and --help, read in one place, with a program's own
 * options beside them.
 */
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "tools/cli.h"

void
bench_args_init(struct bench_args *a)
{
  const char *build = getenv("XOUS_BUILDDIR");

  memset(a, 0, sizeof *a);
  a->builddir = build != NULL && build[0] != '\0' ? build : ".";
  snprintf(a->xousd, sizeof a->xousd, "%s/xousd", a->builddir);
}

/* What the common options' own reading needs. */
struct reading {
  struct bench_args *a;
  bool (*take)(int opt, const char *arg, void *ctx);
  void *ctx;
  void (*usage)(FILE *out);
};

static int
own_option(int opt, char **argv, void *p)
{
  struct reading *r = p;

  (void)argv;
  switch (opt) {
  case 'x':
    snprintf(r->a->xousd, sizeof r->a->xousd, "%s", optarg);
    return -1;
  case 'h':
    r->usage(stdout);
    return 0;
  default:
    if (opt == '?' || r->take == NULL || !r->take(opt, optarg, r->ctx)) {
      r->usage(stderr);
      return 2;
    }
    return -1;
  }
}

int
bench_args_read(int argc, char **argv, struct bench_args *a,
                const struct xous_cli_option *own, const char *own_letters,
                bool (*take)(int opt, const char *arg, void *ctx), void *ctx,
                void (*usage)(FILE *out))
{
  const struct xous_cli_option common[] = {
    { "quick", 'q', XOUS_CLI_SET, &a->quick },
    { "json", 'j', XOUS_CLI_TEXT, &a->json },
    { "xousd", 'x', XOUS_CLI_OWN_VALUE, NULL },
    { "help", 'h', XOUS_CLI_OWN, NULL },
  };
  struct xous_cli_option opts[XOUS_CLI_MOST_OPTIONS + 1];
  char letters[2 * XOUS_CLI_MOST_OPTIONS + 1] = "qj:x:h";
  struct reading r = { a, take, ctx, usage };
  size_t n = sizeof common / sizeof common[0];

  memcpy(opts, common, sizeof common);
  for (size_t i = 0;
       own != NULL && own[i].name != NULL && n < XOUS_CLI_MOST_OPTIONS; i++)
    opts[n++] = own[i];
  memset(&opts[n], 0, sizeof opts[n]);
  if (own_letters != NULL)
    strncat(letters, own_letters, sizeof letters - strlen(letters) - 1);
  return xous__cli_read(argc, argv, letters, opts, own_option, &r);
}
