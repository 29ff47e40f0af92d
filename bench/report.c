/*
 * The comparison table every benchmark prints and writes: one figure of
 * ours beside the figure it is compared with, their ratio and the target,
 * so that all results read alike on the terminal and in results.json
 * (results.c writes them there).
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

const char *
bench_target_result(const struct bench_target *t)
{
  if (t->goal == NULL)
    return "reported";
  if (t->limit <= 0)
    return "no limit";
  return t->pass ? "PASS" : "MISS";
}

struct bench_target
bench_row(const char *figure, double ours, const char *unit,
          const char *limit_name, double limit, const char *goal)
{
  return (struct bench_target){ figure, ours, unit, limit_name,
                                limit,  0,    goal, false };
}

void
bench_target_ratios(struct bench_target *t, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (t[i].limit > 0)
      t[i].ratio = t[i].ours / t[i].limit;
}

void
bench_print_targets(const struct bench_target *t, size_t n)
{
  printf("\n%-26s %14s  %-24s %12s %8s  %-7s %s\n", "figure", "ours",
         "compared with", "limit", "ratio", "target", "");
  for (size_t i = 0; i < n; i++) {
    char ours[32], limit[32], ratio[16];

    snprintf(ours, sizeof ours, "%.0f %s", t[i].ours, t[i].ours_unit);
    if (t[i].limit > 0) {
      snprintf(limit, sizeof limit, "%.0f", t[i].limit);
      snprintf(ratio, sizeof ratio, "%.2fx", t[i].ratio);
    } else {
      snprintf(limit, sizeof limit, "n/a");
      snprintf(ratio, sizeof ratio, "n/a");
    }
    printf("%-26s %14s  %-24s %12s %8s  %-7s %s\n", t[i].figure, ours,
           t[i].limit_name, limit, ratio, t[i].goal != NULL ? t[i].goal : "-",
           bench_target_result(&t[i]));
  }
}

int
bench_cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

char *
bench_read_file(const char *path)
{
  FILE *in = fopen(path, "r");
  char *buf;
  long len;

  if (in == NULL)
    return NULL;
  if (fseek(in, 0, SEEK_END) != 0 || (len = ftell(in)) < 0 ||
      fseek(in, 0, SEEK_SET) != 0 || (buf = malloc((size_t)len + 1)) == NULL) {
    fclose(in);
    return NULL;
  }
  len = (long)fread(buf, 1, (size_t)len, in);
  fclose(in);
  buf[len] = '\0';
  return buf;
}
