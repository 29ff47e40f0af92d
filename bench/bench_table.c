/*
 * bench_table: the performance table of one `make bench` run, every
 * figure beside its floor (measured in the same run) and its target
 * (DESIGN.md section 4), gathered from what the benchmarks wrote:
 *
 *   bench/results.json            bench_ipc's targets, bench_servers'
 *                                 "servers" member (sleep overshoots)
 *   bench/results-contended.json  bench_ipc --contended
 *   bench/results-emu.json        bench_emu
 *   bench/results-pddb.txt        bench_pddb's output
 *
 * It prints the table and adds it to bench/results.json as its member
 * "table". A figure a benchmark did not produce is printed as missing; a
 * missed target is a figure, not a failure (exit 0 unless results.json
 * cannot be written).
 * Usage: bench_table [--markdown] [DIR]   (DIR holds the files; default:
 * bench). --markdown prints the table as the README's Performance table.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

struct row {
  const char *figure;
  double ours;        /* 0: not measured */
  const char *unit;   /* "us", "ms" */
  const char *floor;  /* what it is held against */
  double floor_value; /* same unit; 0: missing */
  const char *target; /* "<= 1.5x" */
  double most;        /* the largest ratio that meets it */
};

static char *
slurp(const char *dir, const char *name)
{
  char path[4096];

  snprintf(path, sizeof path, "%s/%s", dir, name);
  return bench_read_file(path);
}

/* The number after "key": at or after from, or 0. */
static double
number_after(const char *from, const char *key)
{
  char pat[128];
  const char *p;

  if (from == NULL)
    return 0;
  snprintf(pat, sizeof pat, "\"%s\": ", key);
  p = strstr(from, pat);
  return p != NULL ? strtod(p + strlen(pat), NULL) : 0;
}

/* Of the target row of figure against compared_with: its "ours" and
 * "limit" (ns as the benchmark wrote them). */
static bool
target(const char *json, const char *figure, const char *compared,
       double *ours, double *limit)
{
  char pat[256];
  const char *p;

  if (json == NULL)
    return false;
  snprintf(pat, sizeof pat, "{\"figure\": \"%s\", ", figure);
  for (p = strstr(json, pat); p != NULL; p = strstr(p + 1, pat)) {
    const char *end = strchr(p, '}');
    char with[256];

    snprintf(with, sizeof with, "\"compared_with\": \"%s\"", compared);
    if (end == NULL)
      return false;
    if (strstr(p, with) == NULL || strstr(p, with) > end)
      continue;
    *ours = number_after(p, "ours");
    *limit = number_after(p, "limit");
    return true;
  }
  return false;
}

/* The median of a "servers" statistic, in us. */
static double
servers_median(const char *json, const char *key)
{
  const char *s = json != NULL ? strstr(json, "\"servers\": {") : NULL;
  char pat[128];

  if (s == NULL)
    return 0;
  snprintf(pat, sizeof pat, "\"%s\": {", key);
  s = strstr(s, pat);
  return s != NULL ? number_after(s, "median_us") : 0;
}

/* The milliseconds after word on the bench_pddb line that starts with
 * what and holds "engine" and "server" ("4 KiB read  engine 0.040 ms
 * server 0.109 ms"), or 0. */
static double
pddb_ms(const char *text, const char *what, const char *word)
{
  size_t n = strlen(what);

  for (const char *line = text; line != NULL && *line != '\0';) {
    const char *next = strchr(line, '\n');
    size_t len = next != NULL ? (size_t)(next - line) : strlen(line);
    char buf[256];
    const char *p;

    snprintf(buf, sizeof buf, "%.*s", (int)len, line);
    if (strncmp(buf, what, n) == 0 && buf[n] == ' ' &&
        strstr(buf, " engine ") != NULL && strstr(buf, " server ") != NULL &&
        (p = strstr(buf + n, word)) != NULL)
      return strtod(p + strlen(word), NULL);
    line = next != NULL ? next + 1 : NULL;
  }
  return 0;
}

static bool markdown;

static void
put_row(FILE *json, const struct row *r, bool last)
{
  double ratio = r->ours > 0 && r->floor_value > 0 ? r->ours / r->floor_value
                                                   : 0;
  const char *result = r->ours <= 0          ? "not measured"
                       : r->floor_value <= 0 ? "no floor"
                       : r->most <= 0        ? "reported"
                       : ratio <= r->most    ? "met"
                                             : "missed";
  char ours[32], floor[32], rs[16];

  /* Milliseconds with three decimals, microseconds with one. */
  int digits = strcmp(r->unit, "ms") == 0 ? 3 : 1;

  if (r->ours > 0)
    snprintf(ours, sizeof ours, "%.*f %s", digits, r->ours, r->unit);
  else
    snprintf(ours, sizeof ours, "-");
  if (r->floor_value > 0)
    snprintf(floor, sizeof floor, "%.*f %s", digits, r->floor_value, r->unit);
  else
    snprintf(floor, sizeof floor, "-");
  if (ratio > 0)
    snprintf(rs, sizeof rs, "%.3fx", ratio);
  else
    snprintf(rs, sizeof rs, "-");
  if (markdown)
    printf("| %s | %s | `%s` %s | %s | %s: %s |\n", r->figure, ours, r->floor,
           floor, rs, r->target, result);
  else
    printf("%-42s %12s  %-32s %12s %9s  %-8s %s\n", r->figure, ours, r->floor,
           floor, rs, r->target, result);
  if (json != NULL)
    fprintf(json,
            "    {\"figure\": \"%s\", \"ours\": %.2f, \"unit\": \"%s\", "
            "\"floor\": \"%s\", \"floor_value\": %.2f, \"ratio\": %.4f, "
            "\"target\": \"%s\", \"result\": \"%s\"}%s\n",
            r->figure, r->ours, r->unit, r->floor, r->floor_value, ratio,
            r->target, result, last ? "" : ",");
}

int
main(int argc, char **argv)
{
  const char *dir;
  char *ipc, *busy, *emu, *pddb;
  struct row rows[12];
  size_t n = 0;
  double ours, limit;
  char path[4096], *head, *cut;
  FILE *out;

  if (argc > 1 && strcmp(argv[1], "--help") == 0) {
    printf("usage: bench_table [--markdown] [DIR]\n");
    return 0;
  }
  if (argc > 1 && strcmp(argv[1], "--markdown") == 0) {
    markdown = true;
    argc--;
    argv++;
  }
  if (argc > 2) {
    fprintf(stderr, "usage: bench_table [--markdown] [DIR]\n");
    return 2;
  }
  dir = argc > 1 ? argv[1] : "bench";
  ipc = slurp(dir, "results.json");
  busy = slurp(dir, "results-contended.json");
  emu = slurp(dir, "results-emu.json");
  pddb = slurp(dir, "results-pddb.txt");
#define NS(from, figure, compared, label, floor_label, goal, most_)           \
  do {                                                                        \
    ours = limit = 0;                                                         \
    (void)target(from, figure, compared, &ours, &limit);                      \
    rows[n++] = (struct row){ label,       ours / 1e3, "us", floor_label,     \
                              limit / 1e3, goal,       most_ };               \
  } while (0)
  NS(ipc, "MutableLend 4 KiB RTT", "2 mprotect_pair_4k + RTT",
     "MutableLend 4 KiB round trip", "2 mprotect_pair_4k + round trip",
     "<= 1.5x", 1.5);
  NS(ipc, "MutableLend 16 MiB RTT", "memcpy_16m",
     "MutableLend 16 MiB round trip", "memcpy_16m", "< 0.02x", 0.02);
  NS(ipc, "MutableLend 16 MiB RTT", "2 mremap_pair_16m + RTT",
     "MutableLend 16 MiB round trip", "2 mremap_pair_16m + round trip", "-",
     0);
  NS(ipc, "Lend 4 KiB RTT", "mprotect_pair_4k + RTT", "Lend 4 KiB round trip",
     "mprotect_pair_4k + round trip", "<= 1.5x", 1.5);
  NS(ipc, "BlockingScalar RTT", "futex_spin_cross",
     "BlockingScalar round trip", "futex_spin_cross", "<= 3x", 3);
  NS(busy, "BlockingScalar RTT, CPUs busy", "futex_block_same, same load",
     "BlockingScalar, a CPU hog per CPU", "futex_block_same, same load",
     "<= 1.5x", 1.5);
  {
    static const char *const ms[] = { "1ms", "10ms", "50ms" };
    static char labels[3][64], floors[3][64];

    for (int k = 0; k < 3; k++) {
      char key[64], nkey[64];

      snprintf(key, sizeof key, "sleep_%s_overshoot", ms[k]);
      snprintf(nkey, sizeof nkey, "nanosleep_%s_overshoot", ms[k]);
      snprintf(labels[k], sizeof labels[k], "Ticktimer sleep %s, overshoot",
               ms[k]);
      snprintf(floors[k], sizeof floors[k], "nanosleep %s, overshoot", ms[k]);
      rows[n++] = (struct row){ labels[k], servers_median(ipc, key),  "us",
                                floors[k], servers_median(ipc, nkey), "<= 2x",
                                2 };
    }
  }
  {
    static const char *const ops[] = { "4 KiB read", "4 KiB write+sync" };
    static char labels[2][64];

    for (int k = 0; k < 2; k++) {
      snprintf(labels[k], sizeof labels[k], "PDDB through the server, %s",
               ops[k]);
      rows[n++] = (struct row){ labels[k],
                                pddb_ms(pddb, ops[k], " server "),
                                "ms",
                                "the engine in-process",
                                pddb_ms(pddb, ops[k], " engine "),
                                "<= 1.5x",
                                1.5 };
    }
  }
  NS(emu, "Emulated client RTT", "native client RTT",
     "Emulated client round trip", "native client", "<= 10x", 10);

  printf("\nThe performance table (DESIGN.md section 4), one run:\n");
  if (markdown)
    printf("| figure | ours | floor in the same run | ratio | target |\n"
           "| --- | ---: | --- | ---: | --- |\n");
  else
    printf("%-42s %12s  %-32s %12s %9s  %-8s %s\n", "figure", "ours", "floor",
           "floor", "ratio", "target", "");
  /* The table goes into results.json, in place of an earlier one. */
  snprintf(path, sizeof path, "%s/results.json", dir);
  head = ipc != NULL ? strdup(ipc) : NULL;
  if (head != NULL && (cut = strstr(head, ",\n  \"table\": [")) != NULL)
    *cut = '\0';
  else if (head != NULL && (cut = strrchr(head, '}')) != NULL)
    *cut = '\0';
  while (head != NULL && *head != '\0' &&
         strchr(" \n\t", head[strlen(head) - 1]) != NULL)
    head[strlen(head) - 1] = '\0';
  out = fopen(path, "w");
  if (out == NULL) {
    fprintf(stderr, "bench_table: %s: %s\n", path, strerror(errno));
  } else {
    fprintf(out, "%s%s  \"table\": [\n",
            head != NULL && head[0] == '{' ? head : "{",
            head != NULL && head[0] == '{' && head[1] != '\0' ? ",\n" : "\n");
  }
  for (size_t i = 0; i < n; i++)
    put_row(out, &rows[i], i + 1 == n);
  if (out != NULL) {
    fprintf(out, "  ]\n}\n");
    if (fclose(out) != 0)
      out = NULL;
  }
  free(head);
  free(ipc);
  free(busy);
  free(emu);
  free(pddb);
  return out != NULL ? 0 : 1;
}
