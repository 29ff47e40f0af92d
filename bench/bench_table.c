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
#include "results.h"

struct row {
  const char *figure;
  double ours;        /* 0: not measured */
  const char *unit;   /* "us", "ms" */
  const char *floor;  /* what it is held against */
  double floor_value; /* same unit; 0: missing */
  const char *target; /* "<= 1.5x" */
  double most;        /* the largest ratio that meets it */
};

static json_t *
read_json(const char *dir, const char *name)
{
  char path[4096];

  snprintf(path, sizeof path, "%s/%s", dir, name);
  return bench_json_read(path);
}

static double
number(const json_t *o, const char *key)
{
  return json_number_value(json_object_get(o, key));
}

static bool
string_is(const json_t *o, const char *key, const char *want)
{
  const char *s = json_string_value(json_object_get(o, key));

  return s != NULL && strcmp(s, want) == 0;
}

/* Of the target row of figure against compared_with in results: its
 * "ours" and "limit" (ns as the benchmark wrote them). */
static bool
target(const json_t *results, const char *figure, const char *compared,
       double *ours, double *limit)
{
  size_t i;
  json_t *t;

  json_array_foreach(json_object_get(results, "targets"), i, t)
  {
    if (!string_is(t, "figure", figure) ||
        !string_is(t, "compared_with", compared))
      continue;
    *ours = number(t, "ours");
    *limit = number(t, "limit");
    return true;
  }
  return false;
}

/* The median of a "servers" statistic, in us. */
static double
servers_median(const json_t *results, const char *key)
{
  return number(json_object_get(json_object_get(results, "servers"), key),
                "median_us");
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

/* Prints r and returns it as a JSON object. */
static json_t *
put_row(const struct row *r)
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
  return json_pack("{s:s, s:f, s:s, s:s, s:f, s:f, s:s, s:s}", "figure",
                   r->figure, "ours", r->ours, "unit", r->unit, "floor",
                   r->floor, "floor_value", r->floor_value, "ratio", ratio,
                   "target", r->target, "result", result);
}

int
main(int argc, char **argv)
{
  const char *dir;
  json_t *ipc, *busy, *emu, *table;
  char *pddb;
  struct row rows[13];
  size_t n = 0;
  double ours, limit;
  char path[4096];
  bool written;

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
  ipc = read_json(dir, "results.json");
  busy = read_json(dir, "results-contended.json");
  emu = read_json(dir, "results-emu.json");
  snprintf(path, sizeof path, "%s/results-pddb.txt", dir);
  pddb = bench_read_file(path);
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
  NS(ipc, "Scalar one-way, per msg", "futex_spin_cross",
     "Scalar one-way, per message", "futex_spin_cross", "<= 2x", 2);
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
  table = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(table, put_row(&rows[i]));
  /* The table goes into results.json, in place of an earlier one. */
  snprintf(path, sizeof path, "%s/results.json", dir);
  written = bench_json_set_member(path, "table", table);
  json_decref(ipc);
  json_decref(busy);
  json_decref(emu);
  free(pddb);
  return written ? 0 : 1;
}
