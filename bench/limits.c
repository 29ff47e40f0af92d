/*
 * The machine's limits, measured in the same run as our figures so that
 * every ratio compares numbers taken under the same load.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

/* The median of one case in run-limits' JSON, or 0 when it is missing. */
static double
median_of(const char *json, const char *name)
{
  char key[64];
  const char *p;

  snprintf(key, sizeof key, "\"%s\":{\"median_ns\":", name);
  p = strstr(json, key);
  return p != NULL ? strtod(p + strlen(key), NULL) : 0;
}

bool
bench_limits_run(const char *path, struct bench_limits *out)
{
  char cmd[1200];
  size_t n = 0;
  FILE *f;
  int status;

  memset(out, 0, sizeof *out);
  if (path == NULL || access(path, X_OK) != 0) {
    fprintf(stderr,
            "bench: run-limits not found (%s); set XOUS_LIMITS to its path. "
            "Only absolute figures follow.\n",
            path != NULL ? path : "no path given");
    return false;
  }
  if (strchr(path, '\'') != NULL) {
    fprintf(stderr, "bench: the run-limits path holds a quote: not run\n");
    return false;
  }
  /* Unpinned, as our processes run. */
  snprintf(cmd, sizeof cmd, "NOPIN=1 '%s' --json", path);
  fflush(NULL);
  f = popen(cmd, "r");
  if (f == NULL) {
    perror("bench: popen run-limits");
    return false;
  }
  n = fread(out->raw, 1, sizeof out->raw - 1, f);
  out->raw[n] = '\0';
  status = pclose(f);
  out->raw[strcspn(out->raw, "\n")] = '\0';
  if (status != 0 || out->raw[0] != '{') {
    fprintf(stderr, "bench: run-limits failed (status %d)\n", status);
    out->raw[0] = '\0';
    return false;
  }
  out->futex_block_same = median_of(out->raw, "futex_block_same");
  /* The same ping-pong with both ends on one CPU, the cheaper one the
   * round-trip target is set against (an unpinned run mostly measures a
   * wake-up across cores). */
  snprintf(cmd, sizeof cmd, "'%s' --json futex_block_same", path);
  fflush(NULL);
  f = popen(cmd, "r");
  if (f != NULL) {
    char pinned[256];

    n = fread(pinned, 1, sizeof pinned - 1, f);
    pinned[n] = '\0';
    if (pclose(f) == 0)
      out->futex_block_same_pinned = median_of(pinned, "futex_block_same");
  }
  out->futex_block_cross = median_of(out->raw, "futex_block_cross");
  out->futex_spin_cross = median_of(out->raw, "futex_spin_cross");
  out->unix_seqpacket_cross = median_of(out->raw, "unix_seqpacket_cross");
  out->memcpy_4k = median_of(out->raw, "memcpy_4k");
  out->memcpy_1m = median_of(out->raw, "memcpy_1m");
  out->memcpy_16m = median_of(out->raw, "memcpy_16m");
  out->mprotect_pair_4k = median_of(out->raw, "mprotect_pair_4k");
  out->mprotect_pair_16m = median_of(out->raw, "mprotect_pair_16m");
  out->mremap_pair_16m = median_of(out->raw, "mremap_pair_16m");
  out->present = true;
  return true;
}
