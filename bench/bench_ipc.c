/*
 * bench_ipc: the cost of Xous IPC on this machine, each figure set beside
 * the machine's own limits measured in the same run (DESIGN.md section 4).
 *
 * The run, in order:
 *  1. A private xousd starts in a temporary directory (XOUS_SOCKET).
 *  2. Two server processes are forked before this process makes any Xous
 *     call: one answers with xous_return_*() and then receives, the other
 *     with xous_reply_and_receive_next(). This process is the client.
 *  3. Each figure runs a short calibration, then five repetitions of about
 *     the same duration; the median per operation is reported.
 *  4. The broker and servers stop, and run-limits runs unpinned.
 *  5. A table of ratios and targets is printed, and JSON written.
 * A target that is missed is a figure, not a failure: the exit status is
 * non-zero only when the benchmark itself could not run.
 *
 * With --contended a CPU hog per CPU runs from before the broker starts
 * until run-limits has ended, and only the scalar figures are taken: the
 * round trip on a machine whose CPUs are all busy, beside
 * futex_block_same under the same load, and the CPU time each message
 * burns there.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "tools/cli.h"
#include "results.h"

#define REPS 5
#define KIB ((size_t)1024)
#define MIB (KIB * KIB)
#define XOUS_HOSTED_RATE 16800.0 /* msg/s, the Xous hosted mode */
#define SCALAR_TARGET (50 * XOUS_HOSTED_RATE)
#define CONNECT_TIMEOUT_NS 5e9

static const size_t sizes[] = { 4 * KIB, 64 * KIB, MIB, 16 * MIB };
#define NSIZES (sizeof sizes / sizeof sizes[0])

struct ctx {
  xous_cid_t cid;          /* the server being measured */
  xous_cid_t cid_separate; /* answers with xous_return_*() */
  xous_cid_t cid_combined; /* answers with xous_reply_and_receive_next() */
  pid_t broker, server, server_separate, server_combined;
  xous_range_t lend_buf[NSIZES];
  double target_ns; /* wanted duration of one repetition */
  const char *only; /* measure only figures whose key holds this */
  bool contended;   /* a CPU hog per CPU runs beside */
};

struct figure {
  char key[40];
  char label[48];
  double median_ns, min_ns;                  /* per operation */
  size_t iters;                              /* per repetition */
  double cpu_client, cpu_broker, cpu_server; /* ns per operation */
  bool done;
};

/* Runs n operations of one kind; arg is a size index where one applies.
 * Returns false (with a message) when an IPC call fails. */
typedef bool (*op_fn)(struct ctx *c, size_t n, size_t arg);

static bool
fail(const char *what, xous_error_t err)
{
  fprintf(stderr, "bench: %s: %s\n", what, xous_strerror(err));
  return false;
}

/* ---- the operations --------------------------------------------------- */

/* A BlockingScalar op(arg) to the server, whose answer must be want;
 * what names it when it fails. */
static bool
ask(struct ctx *c, enum bench_op op, size_t arg, size_t want, const char *what)
{
  xous_word_t ret[5];
  xous_error_t err = xous_blocking_scalar(c->cid, op, arg, 0, 0, 0, ret);

  if (err != XOUS_OK)
    return fail(what, err);
  if (ret[0] != want) {
    fprintf(stderr, "bench: %s answered %lu where %zu was due\n", what,
            (unsigned long)ret[0], want);
    return false;
  }
  return true;
}

/* The server counted every message sent since the last sync. */
static bool
sync_count(struct ctx *c, size_t expected)
{
  return ask(c, BENCH_SYNC, 0, expected, "sync (messages counted)");
}

static bool
op_ping(struct ctx *c, size_t n, size_t arg)
{
  (void)arg;
  for (size_t i = 0; i < n; i++)
    if (!ask(c, BENCH_PING, i, i + 1, "BlockingScalar"))
      return false;
  return true;
}

static bool
op_scalar(struct ctx *c, size_t n, size_t arg)
{
  xous_error_t err;

  (void)arg;
  for (size_t i = 0; i < n; i++) {
    err = xous_scalar(c->cid, BENCH_COUNT, i, 0, 0, 0);
    if (err != XOUS_OK)
      return fail("Scalar", err);
  }
  return sync_count(c, n);
}

static bool
op_lend(struct ctx *c, size_t n, size_t arg)
{
  xous_range_t b = c->lend_buf[arg];
  xous_error_t err;

  for (size_t i = 0; i < n; i++) {
    err = xous_lend(c->cid, BENCH_TOUCH, b.addr, b.len, 0, b.len, NULL, NULL);
    if (err != XOUS_OK)
      return fail("Lend", err);
  }
  return true;
}

static bool
op_lend_mut(struct ctx *c, size_t n, size_t arg)
{
  xous_range_t b = c->lend_buf[arg];
  xous_error_t err;

  for (size_t i = 0; i < n; i++) {
    err = xous_lend_mut(c->cid, BENCH_TOUCH, b.addr, b.len, 0, b.len, NULL,
                        NULL);
    if (err != XOUS_OK)
      return fail("MutableLend", err);
  }
  return true;
}

static bool
op_send(struct ctx *c, size_t n, size_t arg)
{
  xous_range_t b;
  xous_error_t err;

  for (size_t i = 0; i < n; i++) {
    err = xous_map_memory(0, 0, sizes[arg], XOUS_MEM_R | XOUS_MEM_W, &b);
    if (err != XOUS_OK)
      return fail("map_memory", err);
    *(volatile uint8_t *)b.addr = 1;
    err = xous_send(c->cid, BENCH_TOUCH, b.addr, b.len, 0, b.len);
    if (err != XOUS_OK)
      return fail("Send", err);
  }
  return sync_count(c, n);
}

/* ---- measuring -------------------------------------------------------- */

static bool
timed(struct ctx *c, op_fn fn, size_t n, size_t arg, double *ns)
{
  double t0 = bench_now_ns();

  if (!fn(c, n, arg))
    return false;
  *ns = bench_now_ns() - t0;
  return true;
}

/* Calibrates n so that one repetition lasts about c->target_ns, then runs
 * REPS repetitions and keeps the median and the minimum per operation. */
static bool
measure(struct ctx *c, struct figure *f, op_fn fn, size_t arg)
{
  double per[REPS], ns, cpu0[3], cpu1[3];
  size_t n = 8, ops = 0;

  if (c->only != NULL && strstr(f->key, c->only) == NULL)
    return true;
  if (!timed(c, fn, 16, arg, &ns))
    return false;
  for (;;) {
    if (!timed(c, fn, n, arg, &ns))
      return false;
    if (ns >= c->target_ns / 4 || n >= ((size_t)1 << 24))
      break;
    n *= 4;
  }
  n = (size_t)(c->target_ns / (ns / (double)n));
  if (n < 8)
    n = 8;
  cpu0[0] = bench_cpu_ns(getpid());
  cpu0[1] = bench_cpu_ns(c->broker);
  cpu0[2] = bench_cpu_ns(c->server);
  for (int r = 0; r < REPS; r++) {
    if (!timed(c, fn, n, arg, &ns))
      return false;
    per[r] = ns / (double)n;
    ops += n;
    /* A machine that slowed down must not stretch the run past its
     * budget: later repetitions run fewer operations. */
    if (ns > 3 * c->target_ns) {
      n = (size_t)((double)n * c->target_ns / ns);
      if (n < 8)
        n = 8;
    }
  }
  cpu1[0] = bench_cpu_ns(getpid());
  cpu1[1] = bench_cpu_ns(c->broker);
  cpu1[2] = bench_cpu_ns(c->server);
  qsort(per, REPS, sizeof per[0], bench_cmp_double);
  f->median_ns = per[REPS / 2];
  f->min_ns = per[0];
  f->iters = n;
  f->cpu_client = (cpu1[0] - cpu0[0]) / (double)ops;
  f->cpu_broker = (cpu1[1] - cpu0[1]) / (double)ops;
  f->cpu_server = (cpu1[2] - cpu0[2]) / (double)ops;
  f->done = true;
  printf("  %-34s %12.0f ns  (min %.0f, %zu x %d)\n", f->label, f->median_ns,
         f->min_ns, n, REPS);
  fflush(stdout);
  return true;
}

static void
use_server(struct ctx *c, bool combined)
{
  c->cid = combined ? c->cid_combined : c->cid_separate;
  c->server = combined ? c->server_combined : c->server_separate;
}

/* ---- set-up and tear-down --------------------------------------------- */

static bool
connect_bounded(const char *name, xous_cid_t *cid)
{
  double deadline = bench_now_ns() + CONNECT_TIMEOUT_NS;
  xous_error_t err;

  for (;;) {
    err = xous_try_connect(xous_sid_from_name(name), cid);
    if (err == XOUS_OK)
      return true;
    if (bench_now_ns() > deadline)
      return fail("connect to the bench server", err);
    usleep(2000);
  }
}

static bool
start(struct ctx *c, const char *xousd)
{
  c->broker = bench_broker_start(xousd);
  if (c->broker < 0)
    return false;
  c->server_separate = bench_server_spawn(BENCH_NAME_SEPARATE,
                                          BENCH_REPLY_SEPARATE);
  c->server_combined = bench_server_spawn(BENCH_NAME_COMBINED,
                                          BENCH_REPLY_COMBINED);
  if (c->server_separate < 0 || c->server_combined < 0) {
    perror("bench: fork");
    return false;
  }
  if (!connect_bounded(BENCH_NAME_SEPARATE, &c->cid_separate) ||
      !connect_bounded(BENCH_NAME_COMBINED, &c->cid_combined))
    return false;
  for (size_t i = 0; i < NSIZES; i++) {
    xous_error_t err = xous_map_memory(0, 0, sizes[i], XOUS_MEM_R | XOUS_MEM_W,
                                       &c->lend_buf[i]);

    if (err != XOUS_OK)
      return fail("map_memory", err);
    /* The lender's pages exist, as in a program that filled its buffer. */
    memset(c->lend_buf[i].addr, 0x5a, c->lend_buf[i].len);
  }
  return true;
}

static void
reap(pid_t pid)
{
  for (int i = 0; i < 500; i++) {
    if (waitpid(pid, NULL, WNOHANG) != 0)
      return;
    usleep(10000);
  }
  kill(pid, SIGKILL);
  waitpid(pid, NULL, 0);
}

static void
stop(struct ctx *c)
{
  if (c->cid_separate != 0)
    xous_scalar(c->cid_separate, BENCH_QUIT, 0, 0, 0, 0);
  if (c->cid_combined != 0)
    xous_scalar(c->cid_combined, BENCH_QUIT, 0, 0, 0, 0);
  if (c->server_separate > 0)
    reap(c->server_separate);
  if (c->server_combined > 0)
    reap(c->server_combined);
  bench_broker_stop();
}

/* ---- the figures ------------------------------------------------------ */

enum {
  F_PING,
  F_PING_COMBINED,
  F_SCALAR,
  F_LEND, /* NSIZES of each from here */
  F_LEND_MUT = F_LEND + NSIZES,
  F_LEND_MUT_4K_COMBINED = F_LEND_MUT + NSIZES,
  F_SEND,
  F_COUNT = F_SEND + NSIZES
};

static void
size_name(size_t size, char *buf, size_t len)
{
  if (size >= MIB)
    snprintf(buf, len, "%zum", size / MIB);
  else
    snprintf(buf, len, "%zuk", size / KIB);
}

static bool
run_all(struct ctx *c, struct figure *f)
{
  char sz[16];

  snprintf(f[F_PING].key, sizeof f[F_PING].key, "blocking_scalar_rtt");
  snprintf(f[F_PING].label, sizeof f[F_PING].label,
           "BlockingScalar round trip");
  snprintf(f[F_PING_COMBINED].key, sizeof f[F_PING].key,
           "blocking_scalar_rtt_reply_and_receive");
  snprintf(f[F_PING_COMBINED].label, sizeof f[F_PING].label,
           "  (server: reply_and_receive_next)");
  snprintf(f[F_SCALAR].key, sizeof f[F_SCALAR].key, "scalar_one_way");
  snprintf(f[F_SCALAR].label, sizeof f[F_SCALAR].label,
           "Scalar one-way, per message");
  for (size_t i = 0; i < NSIZES; i++) {
    size_name(sizes[i], sz, sizeof sz);
    snprintf(f[F_LEND + i].key, sizeof f[0].key, "lend_rtt_%s", sz);
    snprintf(f[F_LEND + i].label, sizeof f[0].label, "Lend round trip, %s",
             sz);
    snprintf(f[F_LEND_MUT + i].key, sizeof f[0].key, "lend_mut_rtt_%s", sz);
    snprintf(f[F_LEND_MUT + i].label, sizeof f[0].label,
             "MutableLend round trip, %s", sz);
    snprintf(f[F_SEND + i].key, sizeof f[0].key, "send_%s", sz);
    snprintf(f[F_SEND + i].label, sizeof f[0].label,
             "Send (map, send, unmap), %s", sz);
  }
  snprintf(f[F_LEND_MUT_4K_COMBINED].key, sizeof f[0].key,
           "lend_mut_rtt_4k_reply_and_receive");
  snprintf(f[F_LEND_MUT_4K_COMBINED].label, sizeof f[0].label,
           "  (4k, reply_and_receive_next)");

  use_server(c, false);
  if (!measure(c, &f[F_PING], op_ping, 0))
    return false;
  use_server(c, true);
  if (!measure(c, &f[F_PING_COMBINED], op_ping, 0))
    return false;
  use_server(c, false);
  if (!measure(c, &f[F_SCALAR], op_scalar, 0))
    return false;
  if (c->contended)
    return true;
  for (size_t i = 0; i < NSIZES; i++)
    if (!measure(c, &f[F_LEND + i], op_lend, i))
      return false;
  for (size_t i = 0; i < NSIZES; i++)
    if (!measure(c, &f[F_LEND_MUT + i], op_lend_mut, i))
      return false;
  use_server(c, true);
  if (!measure(c, &f[F_LEND_MUT_4K_COMBINED], op_lend_mut, 0))
    return false;
  use_server(c, false);
  for (size_t i = 0; i < NSIZES; i++)
    if (!measure(c, &f[F_SEND + i], op_send, i))
      return false;
  return true;
}

/* ---- the load ----------------------------------------------------------- */

#define MAX_HOGS 64

static pid_t hogs[MAX_HOGS];
static int nhogs;

/* One process per CPU that only burns it, until killed (or until this
 * process dies). */
static void
start_hogs(void)
{
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);

  for (long i = 0; i < cpus && nhogs < MAX_HOGS; i++) {
    pid_t pid = bench_fork();

    if (pid == 0) {
      for (volatile unsigned long spin = 0;; spin++)
        continue;
    }
    if (pid > 0)
      hogs[nhogs++] = pid;
  }
}

static void
stop_hogs(void)
{
  for (int i = 0; i < nhogs; i++) {
    kill(hogs[i], SIGKILL);
    waitpid(hogs[i], NULL, 0);
  }
  nhogs = 0;
}

/* ---- the report ------------------------------------------------------- */

/* The contended run's figures: with every CPU busy, the round trip is
 * held against futex_block_same under the same load (DESIGN.md). */
static size_t
targets_contended(const struct figure *f, const struct bench_limits *lim,
                  struct bench_target *t)
{
  size_t n = 0;

  t[n++] = bench_row("BlockingScalar RTT, CPUs busy", f[F_PING].median_ns,
                     "ns", "futex_block_same, same load",
                     lim->futex_block_same, "<= 1.5x");
  t[n++] = bench_row("Scalar one-way, CPUs busy", f[F_SCALAR].median_ns, "ns",
                     "futex_spin_cross, same load", lim->futex_spin_cross,
                     NULL);
  bench_target_ratios(t, n);
  t[0].pass = t[0].ratio > 0 && t[0].ratio <= 1.5;
  return n;
}

/* The floors of the lends (DESIGN.md): the protection changes the
 * device's rules need, plus one round trip; 0 when a limit is missing. */
static double
floor_of(double protections, double rtt)
{
  return protections > 0 ? protections + rtt : 0;
}

static size_t
targets(const struct figure *f, const struct bench_limits *lim,
        struct bench_target *t)
{
  double rtt = f[F_PING].median_ns;
  double rate = 1e9 / f[F_SCALAR].median_ns;
  double lend_mut_16m = f[F_LEND_MUT + 3].median_ns;
  size_t n = 0;

  t[n++] = bench_row("BlockingScalar RTT", rtt, "ns", "futex_spin_cross",
                     lim->futex_spin_cross, "<= 3x");
  t[n++] = bench_row("BlockingScalar RTT", rtt, "ns",
                     "futex_block_same, pinned", lim->futex_block_same_pinned,
                     NULL);
  t[n++] = bench_row("BlockingScalar RTT", rtt, "ns",
                     "futex_block_same, unpinned", lim->futex_block_same,
                     NULL);
  t[n++] = bench_row("Scalar one-way, per msg", f[F_SCALAR].median_ns, "ns",
                     "futex_spin_cross", lim->futex_spin_cross, "<= 2x");
  t[n++] = bench_row("Scalar one-way rate", rate, "msg/s", "50 x 16800 msg/s",
                     SCALAR_TARGET, ">= 1x");
  t[n++] = bench_row("MutableLend 4 KiB RTT", f[F_LEND_MUT].median_ns, "ns",
                     "2 mprotect_pair_4k + RTT",
                     floor_of(2 * lim->mprotect_pair_4k, rtt), "<= 1.5x");
  t[n++] = bench_row("Lend 4 KiB RTT", f[F_LEND].median_ns, "ns",
                     "mprotect_pair_4k + RTT",
                     floor_of(lim->mprotect_pair_4k, rtt), "<= 1.5x");
  t[n++] = bench_row("MutableLend 16 MiB RTT", lend_mut_16m, "ns",
                     "memcpy_16m", lim->memcpy_16m, "< 0.02x");
  t[n++] = bench_row("MutableLend 16 MiB RTT", lend_mut_16m, "ns",
                     "2 mremap_pair_16m + RTT",
                     floor_of(2 * lim->mremap_pair_16m, rtt), NULL);
  t[n++] = bench_row("MutableLend 16 MiB RTT", lend_mut_16m, "ns",
                     "2 mprotect_pair_16m + RTT",
                     floor_of(2 * lim->mprotect_pair_16m, rtt), NULL);
  bench_target_ratios(t, n);
  t[0].pass = t[0].ratio > 0 && t[0].ratio <= 3;
  t[3].pass = t[3].ratio > 0 && t[3].ratio <= 2;
  t[4].pass = t[4].ratio >= 1;
  t[5].pass = t[5].ratio > 0 && t[5].ratio <= 1.5;
  t[6].pass = t[6].ratio > 0 && t[6].ratio <= 1.5;
  t[7].pass = t[7].ratio > 0 && t[7].ratio < 0.02;
  return n;
}

static void
print_cpu(const struct figure *f)
{
  printf("\nCPU time per operation (ns): client, broker, server\n");
  for (int i = 0; i < F_COUNT; i++)
    if (f[i].done)
      printf("  %-34s %10.0f %10.0f %10.0f\n", f[i].label, f[i].cpu_client,
             f[i].cpu_broker, f[i].cpu_server);
}

static bool
write_json(const char *path, bool quick, bool contended, double load_before,
           double load_after, const struct figure *f,
           const struct bench_limits *lim, const struct bench_target *t,
           size_t n)
{
  json_t *figures = json_object();
  json_t *limits = lim->present ? json_loads(lim->raw, 0, NULL) : NULL;
  /* JSON has no infinity: a run without the Scalar figure has no rate. */
  json_t *rate = f[F_SCALAR].done && f[F_SCALAR].median_ns > 0
                     ? json_real(1e9 / f[F_SCALAR].median_ns)
                     : json_null();

  for (int i = 0; figures != NULL && i < F_COUNT; i++)
    if (f[i].done)
      json_object_set_new(figures, f[i].key,
                          json_pack("{s:f, s:f, s:I, s:{s:f, s:f, s:f}}",
                                    "median_ns", f[i].median_ns, "min_ns",
                                    f[i].min_ns, "iterations",
                                    (json_int_t)f[i].iters, "cpu_ns_per_op",
                                    "client", f[i].cpu_client, "broker",
                                    f[i].cpu_broker, "server",
                                    f[i].cpu_server));
  return bench_json_write(
      path, json_pack("{s:b, s:b, s:i, s:I, s:f, s:f, s:o, s:o, s:o, s:o}",
                      "quick", quick, "contended", contended, "reps", REPS,
                      "cpus", (json_int_t)sysconf(_SC_NPROCESSORS_ONLN),
                      "load_before", load_before, "load_after", load_after,
                      "figures", figures, "scalar_msgs_per_s", rate, "limits",
                      limits != NULL ? limits : json_null(), "targets",
                      bench_targets_json(t, n)));
}

/* ---- main ------------------------------------------------------------- */

/* The one-minute load average: figures taken on a busy machine say so. */
static double
load_average(void)
{
  FILE *f = fopen("/proc/loadavg", "r");
  double load = -1;

  if (f != NULL) {
    if (fscanf(f, "%lf", &load) != 1)
      load = -1;
    fclose(f);
  }
  return load;
}

static void
usage(FILE *out)
{
  fprintf(out,
          "usage: bench_ipc [--quick] [--json FILE] [--xousd PATH] "
          "[--limits PATH]\n"
          "                 [--only KEY] [--contended]\n"
          "\n"
          "  --quick        short repetitions (a smoke run, figures are "
          "noisy)\n"
          "  --json FILE    also write the results as JSON to FILE\n"
          "  --xousd PATH   the broker to start (default: "
          "$XOUS_BUILDDIR/xousd)\n"
          "  --limits PATH  run-limits (default: $XOUS_LIMITS)\n"
          "  --only KEY     measure only the figures whose key holds KEY "
          "(for profiling:\n"
          "                 no limits, no targets)\n"
          "  --contended    a CPU hog per CPU runs beside; only the scalar "
          "figures,\n"
          "                 held against the limits under the same load\n");
}

/* --limits, bench_ipc's own option that is not stored as it is; p is
 * where the path goes. */
static bool
take_option(int opt, const char *arg, void *p)
{
  const char **limits = p;

  if (opt != 'l')
    return false;
  /* $XOUS_LIMITS, when set, wins over the build's default. */
  if (getenv("XOUS_LIMITS") == NULL || getenv("XOUS_LIMITS")[0] == '\0')
    *limits = arg;
  return true;
}

int
main(int argc, char **argv)
{
  static struct figure f[F_COUNT];
  struct ctx c = { 0 };
  const struct xous_cli_option own[] = {
    { "limits", 'l', XOUS_CLI_OWN_VALUE, NULL },
    { "only", 'o', XOUS_CLI_TEXT, &c.only },
    { "contended", 'c', XOUS_CLI_SET, &c.contended },
    { NULL, 0, XOUS_CLI_OWN, NULL }
  };
  const char *limits = getenv("XOUS_LIMITS");
  struct bench_limits lim;
  struct bench_target t[12];
  struct bench_args a;
  bool ok;
  double load_before, load_after;
  size_t nt;
  int status;

  if (limits != NULL && limits[0] == '\0')
    limits = NULL;
  bench_args_init(&a);
  status = bench_args_read(argc, argv, &a, own, "l:o:c", take_option, &limits,
                           usage);
  if (status >= 0)
    return status;
  c.target_ns = a.quick ? 30e6 : 200e6;

  load_before = load_average();
  printf("bench_ipc: %s run%s, processes unpinned, median of %d, "
         "%ld CPUs, load %.2f\n",
         a.quick ? "quick" : "full", c.contended ? ", a CPU hog per CPU" : "",
         REPS, sysconf(_SC_NPROCESSORS_ONLN), load_before);
  fflush(stdout);
  if (c.contended)
    start_hogs();
  ok = start(&c, a.xousd) && run_all(&c, f);
  stop(&c);
  if (!ok) {
    stop_hogs();
    return 1;
  }

  if (c.only != NULL) {
    stop_hogs();
    print_cpu(f);
    return 0;
  }
  printf("\nrunning %s (NOPIN=1) ...\n", limits != NULL ? limits : "limits");
  fflush(stdout);
  bench_limits_run(limits, &lim);
  stop_hogs();
  nt = c.contended ? targets_contended(f, &lim, t) : targets(f, &lim, t);
  bench_print_targets(t, nt);
  print_cpu(f);
  load_after = load_average();
  printf("\nload average %.2f before, %.2f after: with a load above the "
         "CPU count,\nevery figure includes waiting for a CPU.\n",
         load_before, load_after);
  if (a.json != NULL && !write_json(a.json, a.quick, c.contended, load_before,
                                    load_after, f, &lim, t, nt))
    return 1;
  return 0;
}
