/*
 * bench_emu: what running the device build under xous-emu costs.
 *  1. guest instructions per second: tests/rv32/bench.elf spin N, timed
 *     from here, less the time of spin 0 (loading and start-up);
 *  2. BlockingScalar round trip from an emulated client to a native
 *     server (bench/server.c), beside the same round trip from a native
 *     client (this process).
 * The rv32 programs are built with scripts/cross-build; without the
 * cross toolchain the benchmark says so and ends with status 0.
 * Usage: bench_emu [--xousd PATH] [--rounds N] [--json FILE]
 * (--json writes the round trips and the target, held against the native
 * client's: at most 10x, DESIGN.md.)
 */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "results.h"

#define SPIN_ROUNDS 50000000ul /* 200 M guest instructions */

extern char **environ;

static char emu[4096], elf[4096];

/* Runs xous-emu bench.elf MODE N and returns its wall time in ns, or -1. */
static double
run_guest(const char *mode, unsigned long n)
{
  char count[32];
  char *argv[] = { emu, elf, (char *)mode, count, NULL };
  double t0;
  pid_t pid;
  int st;

  snprintf(count, sizeof count, "%lu", n);
  t0 = bench_now_ns();
  if (posix_spawn(&pid, emu, NULL, NULL, argv, environ) != 0)
    return -1;
  while (waitpid(pid, &st, 0) < 0)
    if (errno != EINTR)
      return -1;
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
    fprintf(stderr, "bench_emu: %s %s %lu ended with status %#x\n", elf, mode,
            n, (unsigned)st);
    return -1;
  }
  return bench_now_ns() - t0;
}

/* The smaller of three runs: the least disturbed. */
static double
best_of_three(const char *mode, unsigned long n)
{
  double best = -1;

  for (int i = 0; i < 3; i++) {
    double t = run_guest(mode, n);

    if (t < 0)
      return -1;
    if (best < 0 || t < best)
      best = t;
  }
  return best;
}

static bool
write_json(const char *path, double native, double emulated)
{
  struct bench_target t = { "Emulated client RTT",
                            emulated,
                            "ns",
                            "native client RTT",
                            native,
                            0,
                            "<= 10x",
                            false };

  bench_target_ratios(&t, 1);
  t.pass = t.ratio > 0 && t.ratio <= 10;
  bench_print_targets(&t, 1);
  return bench_json_write(path,
                          json_pack("{s:f, s:f, s:o}", "native_rtt_ns", native,
                                    "emulated_rtt_ns", emulated, "targets",
                                    bench_targets_json(&t, 1)));
}

static bool
build_rv32(const char *src, const char *build)
{
  char cmd[8192];
  int rc;

  snprintf(cmd, sizeof cmd, "'%s/scripts/cross-build' '%s/rv32' -s tests >&2",
           src, build);
  rc = system(cmd);
  return rc == 0;
}

int
main(int argc, char **argv)
{
  const char *src = getenv("XOUS_SRCDIR"), *build = getenv("XOUS_BUILDDIR");
  const char *xousd = NULL, *json = NULL;
  /* Enough rounds that the emulator's start-up (about 20 ms, which the
   * run of ping 0 takes away) and its spread are small beside them. */
  unsigned long rounds = 200000;
  double native = 0, t_spin, t_spin0, t_ping, t_ping0;
  xous_word_t ret[5];
  xous_cid_t cid;
  pid_t server;
  int status = 0;

  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--xousd") == 0 && i + 1 < argc)
      xousd = argv[++i];
    else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
      rounds = strtoul(argv[++i], NULL, 10);
    else if (strcmp(argv[i], "--json") == 0 && i + 1 < argc)
      json = argv[++i];
    else {
      fprintf(stderr,
              "usage: bench_emu [--xousd PATH] [--rounds N] [--json FILE]\n");
      return 2;
    }
  }
  if (src == NULL)
    src = ".";
  if (build == NULL)
    build = ".";
  snprintf(emu, sizeof emu, "%s/xous-emu", build);
  snprintf(elf, sizeof elf, "%s/rv32/tests/rv32/bench.elf", build);
  if (xousd == NULL) {
    static char path[4096];

    snprintf(path, sizeof path, "%s/xousd", build);
    xousd = path;
  }
  if (access(emu, X_OK) != 0 || !build_rv32(src, build)) {
    printf("bench_emu: no xous-emu or no rv32 toolchain: skipped\n");
    return 0;
  }

  /* 1. The emulator's speed, on its own. */
  t_spin0 = best_of_three("spin", 0);
  t_spin = best_of_three("spin", SPIN_ROUNDS);
  if (bench_broker_start(xousd) < 0)
    return 1;
  if (t_spin < 0 || t_spin0 < 0) {
    status = 1;
  } else {
    printf("xous-emu: %.0f M guest instructions/s (%lu instructions in "
           "%.1f ms, start-up %.1f ms)\n",
           4.0 * SPIN_ROUNDS / ((t_spin - t_spin0) / 1e9) / 1e6,
           4 * SPIN_ROUNDS, (t_spin - t_spin0) / 1e6, t_spin0 / 1e6);
  }

  /* 2. Round trips: forked before this process's first Xous call. */
  server = bench_server_spawn(BENCH_NAME_SEPARATE, BENCH_REPLY_SEPARATE);
  if (server < 0) {
    bench_broker_stop();
    return 1;
  }
  if (xous_connect(xous_sid_from_name(BENCH_NAME_SEPARATE), &cid) == XOUS_OK) {
    double t0;

    /* Warm, as the guest's rounds are after its own start-up. */
    for (unsigned long i = 0; i < rounds / 10; i++)
      if (xous_blocking_scalar(cid, BENCH_PING, i, 0, 0, 0, ret) != XOUS_OK)
        break;
    t0 = bench_now_ns();
    for (unsigned long i = 0; i < rounds; i++)
      if (xous_blocking_scalar(cid, BENCH_PING, i, 0, 0, 0, ret) != XOUS_OK)
        break;
    native = (bench_now_ns() - t0) / (double)rounds;
  }
  t_ping0 = best_of_three("ping", 0);
  t_ping = best_of_three("ping", rounds);
  if (t_ping < 0 || t_ping0 < 0 || native <= 0) {
    status = 1;
  } else {
    double emulated = (t_ping - t_ping0) / (double)rounds;

    printf("BlockingScalar round trip to a native server, %lu rounds:\n"
           "  native client   %8.0f ns\n"
           "  emulated client %8.0f ns (%.2fx)\n",
           rounds, native, emulated, emulated / native);
    if (json != NULL && !write_json(json, native, emulated))
      status = 1;
  }
  (void)xous_scalar(cid, BENCH_QUIT, 0, 0, 0, 0);
  waitpid(server, NULL, 0);
  bench_broker_stop();
  return status;
}
