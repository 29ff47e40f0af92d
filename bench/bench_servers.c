/*
 * bench_servers: the standard servers as a program meets them (DESIGN.md
 * section 4): how close a ticktimer sleep comes to its target, what a
 * connection through the name server costs, how long the standard image
 * takes to boot, and how many records the log server takes per second.
 *
 * The run, in order:
 *  1. Boot, BOOTS times: a private xousd starts, then xous-names,
 *     xous-ticktimer and xous-log from the build tree (the order xous-run
 *     uses); a forked probe waits until each of the three answers. The
 *     figure is the time from starting xousd to the last answer.
 *  2. One more boot for the rest. Two servers register by name (one with
 *     a connection limit) and the sleeper processes are forked, all before
 *     this process makes its first Xous call, so that each is a process of
 *     its own.
 *  3. SLEEPERS threads in SLEEPER_PROCS processes sleep at once; then this
 *     process sleeps 1, 10 and 50 ms, each beside a nanosleep() of the same
 *     length, which is the floor the host's timers set.
 *  4. Connections through the name server, beside a BlockingScalar round
 *     trip to the same server; then log records to a log server whose
 *     output goes to /dev/null.
 * Every figure is reported; the exit status is non-zero only when the
 * benchmark itself could not run.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <xous/log.h>
#include <xous/names.h>
#include <xous/ticktimer.h>

#include "bench.h"
#include "results.h"

#define BOOTS 5
#define BOUND_S 10 /* no single step may take longer */
#define SLEEPERS 100
#define SLEEPER_PROCS 4 /* a process has at most 31 threads */
#define SLEEPER_MS 10
#define STACK_SIZE (256 * 1024)
#define TARGET_NAME "bench-servers-target"
#define LIMITED_NAME "bench-servers-limited"
#define MISSING_NAME "bench-servers-no-such-name"

static const char *const std_names[] = { "xous-names", "xous-ticktimer",
                                         "xous-log" };
static const char *const std_dirs[] = { "servers/names", "servers/ticktimer",
                                        "servers/log" };
#define NSTD (sizeof std_names / sizeof std_names[0])

/* How many samples of each kind: a full run, or a quick smoke run. */
struct plan {
  size_t sleeps[3]; /* of 1, 10 and 50 ms */
  size_t rounds;    /* sleeps per concurrent sleeper */
  size_t connects;
  double log_ns; /* how long records are sent */
};

static const unsigned sleep_ms[3] = { 1, 10, 50 };

struct stats {
  double median, p99, max; /* ns */
  size_t n;
  bool done;
};

/* Shared with the sleeper processes, which write their own slots only. */
struct sleepers {
  atomic_int ready;
  atomic_int go;
  atomic_int failed;
  double over[]; /* SLEEPERS * rounds overshoots, ns */
};

struct results {
  struct stats boot;
  struct stats sleep[3], nanosleep[3];
  struct stats concurrent;
  struct stats connect, connect_limited, ping;
  double log_per_s, log_page_per_s;
  size_t log_records, log_page_records;
};

static char std_paths[NSTD][1024];
static pid_t std_pids[NSTD];

/* ---- small parts -------------------------------------------------------- */

static bool
fail(const char *what, xous_error_t err)
{
  fprintf(stderr, "bench_servers: %s: %s\n", what, xous_strerror(err));
  return false;
}

/* Sorts v and keeps the median, the 99th percentile and the maximum. */
static void
summarize(double *v, size_t n, struct stats *s)
{
  size_t p99;

  if (n == 0)
    return;
  qsort(v, n, sizeof v[0], bench_cmp_double);
  p99 = (n * 99 + 99) / 100;
  s->median = v[n / 2];
  s->p99 = v[(p99 > 0 ? p99 : 1) - 1];
  s->max = v[n - 1];
  s->n = n;
  s->done = true;
}

static void
sleep_ns(double ns)
{
  struct timespec ts = { (time_t)(ns / 1e9),
                         (long)((long long)ns % 1000000000LL) };

  while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
    continue;
}

/* Waits for pid at most bound_ns, then kills it. Returns its status, or
 * -1 when it had to be killed. */
static int
reap_bounded(pid_t pid, double bound_ns)
{
  double deadline = bench_now_ns() + bound_ns;
  int status;

  for (;;) {
    if (waitpid(pid, &status, WNOHANG) == pid)
      return status;
    if (bench_now_ns() > deadline)
      break;
    sleep_ns(1e6);
  }
  kill(pid, SIGKILL);
  waitpid(pid, NULL, 0);
  return -1;
}

/* ---- the standard servers ----------------------------------------------- */

/* Finds the servers in the build tree. The real binaries under .libs are
 * preferred to libtool's wrapper scripts, so that the boot figure is the
 * programs' and not a shell's; LD_LIBRARY_PATH then names the uninstalled
 * libxous, as the wrapper would. */
static bool
find_servers(const char *builddir)
{
  char libs[1024];
  bool real = false;

  for (size_t i = 0; i < NSTD; i++) {
    char *p = std_paths[i];
    size_t len = sizeof std_paths[i];

    snprintf(p, len, "%s/.libs/%s", builddir, std_names[i]);
    if (access(p, X_OK) == 0) {
      real = true;
      continue;
    }
    snprintf(p, len, "%s/%s", builddir, std_names[i]);
    if (access(p, X_OK) == 0)
      continue;
    snprintf(p, len, "%s/%s/%s", builddir, std_dirs[i], std_names[i]);
    if (access(p, X_OK) != 0) {
      fprintf(stderr, "bench_servers: %s is not built in %s\n", std_names[i],
              builddir);
      return false;
    }
  }
  if (real) {
    const char *old = getenv("LD_LIBRARY_PATH");

    if (old != NULL && old[0] != '\0')
      snprintf(libs, sizeof libs, "%s/.libs:%s", builddir, old);
    else
      snprintf(libs, sizeof libs, "%s/.libs", builddir);
    setenv("LD_LIBRARY_PATH", libs, 1);
  }
  return true;
}

/* Starts the standard servers against the broker in $XOUS_SOCKET, their
 * output (the log records) going to /dev/null. */
static bool
start_servers(void)
{
  for (size_t i = 0; i < NSTD; i++) {
    pid_t pid;

    pid = bench_fork();
    if (pid < 0) {
      perror("bench_servers: fork");
      return false;
    }
    if (pid == 0) {
      int null = open("/dev/null", O_WRONLY);

      if (null >= 0)
        dup2(null, STDOUT_FILENO);
      execl(std_paths[i], std_names[i], (char *)NULL);
      fprintf(stderr, "bench_servers: cannot run %s: %s\n", std_paths[i],
              strerror(errno));
      _exit(127);
    }
    std_pids[i] = pid;
  }
  return true;
}

static void
stop_servers(void)
{
  for (size_t i = 0; i < NSTD; i++)
    if (std_pids[i] > 0)
      kill(std_pids[i], SIGTERM);
  for (size_t i = 0; i < NSTD; i++)
    if (std_pids[i] > 0)
      reap_bounded(std_pids[i], 1e9);
  memset(std_pids, 0, sizeof std_pids);
}

/* ---- 1. boot to ready --------------------------------------------------- */

/* In a forked probe: returns once each standard server has answered. The
 * connections wait for servers that do not exist yet, as Connect does. */
static bool
probe_ready(void)
{
  xous_cid_t cid;
  uint64_t ms;
  xous_error_t err;

  err = xous_names_try_connect(MISSING_NAME, &cid);
  if (err != XOUS_SERVER_NOT_FOUND)
    return fail("the name server's answer to a lookup", err);
  err = xous_ticktimer_elapsed_ms(&ms);
  if (err != XOUS_OK)
    return fail("ElapsedMs", err);
  err = xous_log(XOUS_LOG_INFO, "bench", "ready");
  if (err != XOUS_OK)
    return fail("a log record", err);
  return true;
}

static bool
boot_once(const char *xousd, double *ns)
{
  struct pollfd pfd;
  double t0, ready = 0;
  int fds[2];
  pid_t probe;
  bool ok = false;

  if (pipe2(fds, O_CLOEXEC) != 0) {
    perror("bench_servers: pipe");
    return false;
  }
  t0 = bench_now_ns();
  if (bench_broker_start(xousd) < 0 || !start_servers())
    goto out;
  probe = bench_fork();
  if (probe == 0) {
    double t;

    alarm(BOUND_S);
    if (!probe_ready())
      _exit(1);
    t = bench_now_ns();
    _exit(write(fds[1], &t, sizeof t) == sizeof t ? 0 : 1);
  }
  close(fds[1]);
  fds[1] = -1;
  pfd = (struct pollfd){ .fd = fds[0], .events = POLLIN };
  if (probe > 0 && poll(&pfd, 1, BOUND_S * 1000) == 1 &&
      read(fds[0], &ready, sizeof ready) == sizeof ready) {
    *ns = ready - t0;
    ok = true;
  } else {
    fprintf(stderr,
            "bench_servers: the standard image was not ready "
            "within %d s\n",
            BOUND_S);
  }
  if (probe > 0)
    reap_bounded(probe, 1e9);
out:
  stop_servers();
  bench_broker_stop();
  close(fds[0]);
  if (fds[1] >= 0)
    close(fds[1]);
  return ok;
}

static bool
measure_boot(const char *xousd, struct stats *s)
{
  double v[BOOTS];

  for (int i = 0; i < BOOTS; i++)
    if (!boot_once(xousd, &v[i]))
      return false;
  summarize(v, BOOTS, s);
  return true;
}

/* ---- servers registered by name ----------------------------------------- */

/* A process that registers name (with limit places, 0 for none) and
 * answers pings until BENCH_QUIT. */
static pid_t
spawn_named(const char *name, unsigned limit)
{
  xous_envelope_t env;
  xous_sid_t sid;
  xous_error_t err;
  pid_t pid;

  pid = bench_fork();
  if (pid != 0)
    return pid;
  err = xous_names_register(name, limit, &sid);
  if (err != XOUS_OK) {
    fail("register", err);
    _exit(1);
  }
  memset(&env, 0, sizeof env);
  while ((err = xous_receive_message(sid, &env)) == XOUS_OK) {
    const xous_message_t *m = &env.body;

    if (m->kind == XOUS_MSG_SCALAR && m->scalar.id == BENCH_QUIT)
      _exit(0);
    if (m->kind == XOUS_MSG_BLOCKING_SCALAR)
      err = xous_return_scalar1(env.sender, m->scalar.arg1 + 1);
    else if (m->kind == XOUS_MSG_LEND || m->kind == XOUS_MSG_LEND_MUT)
      err = xous_return_memory(env.sender, m->memory.buf, 0, 0);
    if (err != XOUS_OK)
      break;
  }
  fail("the named server", err);
  _exit(1);
}

/* Waits (bounded) until name is registered; a place taken under a limit
 * is given back at once. */
static bool
connect_bounded(const char *name, xous_cid_t *cid)
{
  static const xous_names_token_t none;
  double deadline = bench_now_ns() + BOUND_S * 1e9;
  xous_names_token_t token;
  xous_error_t err;

  for (;;) {
    err = xous_names_try_connect_token(name, cid, &token);
    if (err == XOUS_OK && memcmp(&token, &none, sizeof token) != 0)
      err = xous_names_disconnect(name, token);
    if (err == XOUS_OK)
      return true;
    if (err != XOUS_SERVER_NOT_FOUND || bench_now_ns() > deadline)
      return fail("connect through the name server", err);
    sleep_ns(1e6);
  }
}

/* ---- 2. sleeps ---------------------------------------------------------- */

static struct sleepers *shared;
static size_t rounds;

static void *
sleeper(void *arg)
{
  size_t slot = (size_t)(uintptr_t)arg;
  uint64_t ms;

  /* Connected before the start, so that the figure is the sleep alone. */
  if (xous_ticktimer_elapsed_ms(&ms) != XOUS_OK) {
    atomic_fetch_add(&shared->failed, 1);
    return NULL;
  }
  atomic_fetch_add(&shared->ready, 1);
  while (atomic_load(&shared->go) == 0)
    sleep_ns(2e5);
  for (size_t r = 0; r < rounds; r++) {
    double t0 = bench_now_ns();

    if (xous_ticktimer_sleep_ms(SLEEPER_MS) != XOUS_OK) {
      atomic_fetch_add(&shared->failed, 1);
      return NULL;
    }
    shared->over[slot * rounds + r] = bench_now_ns() - t0 - SLEEPER_MS * 1e6;
  }
  return NULL;
}

/* A process of SLEEPERS / SLEEPER_PROCS sleeper threads. */
static pid_t
spawn_sleepers(size_t first)
{
  size_t n = SLEEPERS / SLEEPER_PROCS;
  xous_tid_t tids[SLEEPERS / SLEEPER_PROCS];
  pid_t pid;
  size_t i;

  pid = bench_fork();
  if (pid != 0)
    return pid;
  for (i = 0; i < n; i++)
    if (xous_create_thread(sleeper, (void *)(uintptr_t)(first + i), STACK_SIZE,
                           &tids[i]) != XOUS_OK)
      break;
  if (i < n)
    atomic_fetch_add(&shared->failed, 1);
  for (size_t k = 0; k < i; k++)
    xous_join_thread(tids[k], NULL);
  _exit(0);
}

static bool
measure_concurrent(const pid_t *procs, struct stats *s)
{
  double deadline = bench_now_ns() + BOUND_S * 1e9;
  bool ok = true;

  while (atomic_load(&shared->ready) < SLEEPERS &&
         atomic_load(&shared->failed) == 0 && bench_now_ns() < deadline)
    sleep_ns(1e6);
  atomic_store(&shared->go, 1);
  for (int i = 0; i < SLEEPER_PROCS; i++)
    if (procs[i] > 0 && reap_bounded(procs[i], BOUND_S * 1e9) != 0)
      ok = false;
  if (!ok || atomic_load(&shared->failed) != 0 ||
      atomic_load(&shared->ready) < SLEEPERS) {
    fprintf(stderr, "bench_servers: the concurrent sleepers failed\n");
    return false;
  }
  summarize(shared->over, SLEEPERS * rounds, s);
  return true;
}

/* Sleeps of each length, each beside a nanosleep() of the same length. */
static bool
measure_sleeps(const struct plan *p, struct results *r)
{
  for (int k = 0; k < 3; k++) {
    size_t n = p->sleeps[k];
    double *xs = calloc(n, sizeof *xs), *os = calloc(n, sizeof *os);
    double want = sleep_ms[k] * 1e6;

    if (xs == NULL || os == NULL) {
      free(xs);
      free(os);
      return false;
    }
    for (size_t i = 0; i < n; i++) {
      double t0 = bench_now_ns();
      xous_error_t err = xous_ticktimer_sleep_ms(sleep_ms[k]);

      xs[i] = bench_now_ns() - t0 - want;
      if (err != XOUS_OK) {
        free(xs);
        free(os);
        return fail("sleep", err);
      }
      t0 = bench_now_ns();
      sleep_ns(want);
      os[i] = bench_now_ns() - t0 - want;
    }
    summarize(xs, n, &r->sleep[k]);
    summarize(os, n, &r->nanosleep[k]);
    printf("  Sleep %2u ms, overshoot %13.0f us  (p99 %.0f, max %.0f; "
           "nanosleep %.0f, p99 %.0f; n %zu)\n",
           sleep_ms[k], r->sleep[k].median / 1e3, r->sleep[k].p99 / 1e3,
           r->sleep[k].max / 1e3, r->nanosleep[k].median / 1e3,
           r->nanosleep[k].p99 / 1e3, n);
    fflush(stdout);
    free(xs);
    free(os);
  }
  return true;
}

/* ---- 3. connections and log records ------------------------------------- */

static bool
measure_connects(size_t n, struct results *r)
{
  double *c = calloc(n, sizeof *c), *l = calloc(n, sizeof *l),
         *p = calloc(n, sizeof *p);
  xous_names_token_t token;
  xous_word_t ret[5];
  xous_cid_t cid, lcid;
  xous_error_t err = XOUS_OK;
  bool ok = false;

  if (c == NULL || l == NULL || p == NULL)
    goto out;
  if (!connect_bounded(TARGET_NAME, &cid) ||
      !connect_bounded(LIMITED_NAME, &lcid))
    goto out;
  for (size_t i = 0; i < n && err == XOUS_OK; i++) {
    double t0 = bench_now_ns();

    err = xous_names_connect(TARGET_NAME, &cid);
    c[i] = bench_now_ns() - t0;
    if (err != XOUS_OK)
      break;
    t0 = bench_now_ns();
    err = xous_blocking_scalar(cid, BENCH_PING, i, 0, 0, 0, ret);
    p[i] = bench_now_ns() - t0;
    if (err != XOUS_OK || ret[0] != i + 1) {
      fprintf(stderr, "bench_servers: wrong answer to a ping\n");
      goto out;
    }
  }
  if (err != XOUS_OK) {
    fail("xous_names_connect", err);
    goto out;
  }
  /* The limited name's one place goes back before each lookup. */
  for (size_t i = 0; i < n; i++) {
    double t0 = bench_now_ns();

    err = xous_names_connect_token(LIMITED_NAME, &lcid, &token);
    if (err == XOUS_OK)
      err = xous_names_disconnect(LIMITED_NAME, token);
    l[i] = bench_now_ns() - t0;
    if (err != XOUS_OK) {
      fail("connect with a token and give the place back", err);
      goto out;
    }
  }
  summarize(c, n, &r->connect);
  summarize(l, n, &r->connect_limited);
  summarize(p, n, &r->ping);
  ok = true;
out:
  free(c);
  free(l);
  free(p);
  return ok;
}

/* Sends records for duration_ns: formatted by xous_log() from the stack,
 * or (page != NULL) one prepared record from a page of xous_map_memory(),
 * which shows what the copy of a stack buffer into shareable memory costs.
 * Returns records per second, or -1. */
static double
log_rate(double duration_ns, const xous_log_record_t *page, size_t *count)
{
  double t0 = bench_now_ns(), t;
  size_t n = 0;
  xous_error_t err = XOUS_OK;

  do {
    for (int i = 0; i < 64 && err == XOUS_OK; i++, n++)
      err = page != NULL
                ? xous_log_send_record(page)
                : xous_log(XOUS_LOG_INFO, "bench", "record %zu of a run", n);
    if (err != XOUS_OK) {
      fail("a log record", err);
      return -1;
    }
    t = bench_now_ns() - t0;
  } while (t < duration_ns);
  *count = n;
  return (double)n * 1e9 / t;
}

static bool
measure_log(double duration_ns, struct results *r)
{
  static const char text[] = "one prepared record";
  xous_log_record_t *rec;
  xous_range_t page;
  xous_error_t err;

  r->log_per_s = log_rate(duration_ns, NULL, &r->log_records);
  if (r->log_per_s < 0)
    return false;
  err = xous_map_memory(0, 0, XOUS_PAGE_SIZE, XOUS_MEM_R | XOUS_MEM_W, &page);
  if (err != XOUS_OK)
    return fail("map_memory", err);
  rec = page.addr;
  memset(rec, 0, sizeof *rec);
  rec->level = XOUS_LOG_INFO;
  rec->module_length = 5;
  memcpy(rec->module, "bench", 5);
  rec->args_length = sizeof text - 1;
  memcpy(rec->args, text, sizeof text - 1);
  r->log_page_per_s = log_rate(duration_ns, rec, &r->log_page_records);
  xous_unmap_memory(page);
  return r->log_page_per_s >= 0;
}

/* ---- the run ------------------------------------------------------------ */

static bool
run_figures(const char *xousd, const struct plan *p, struct results *r)
{
  pid_t named = -1, limited = -1, procs[SLEEPER_PROCS];
  size_t size = sizeof *shared + SLEEPERS * p->rounds * sizeof(double);
  xous_cid_t cid = 0, lcid = 0;
  bool ok = false;

  memset(procs, 0, sizeof procs);
  rounds = p->rounds;
  shared = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                -1, 0);
  if (shared == MAP_FAILED) {
    perror("bench_servers: mmap");
    return false;
  }
  if (bench_broker_start(xousd) < 0 || !start_servers())
    goto out;
  /* Every other process is forked before this one makes a Xous call. */
  named = spawn_named(TARGET_NAME, 0);
  limited = spawn_named(LIMITED_NAME, 1);
  for (int i = 0; i < SLEEPER_PROCS; i++)
    procs[i] = spawn_sleepers((size_t)i * (SLEEPERS / SLEEPER_PROCS));

  printf("  %d sleepers of %d ms at once, %zu rounds\n", SLEEPERS, SLEEPER_MS,
         p->rounds);
  fflush(stdout);
  if (!measure_concurrent(procs, &r->concurrent))
    goto out;
  memset(procs, 0, sizeof procs);
  printf("  sleeps of 1, 10 and 50 ms, each beside a nanosleep():\n");
  if (!measure_sleeps(p, r) || !measure_connects(p->connects, r) ||
      !measure_log(p->log_ns, r))
    goto out;
  ok = true;
out:
  /* After a failure the named servers are killed instead: the name
   * server may be what failed. */
  if (ok && connect_bounded(TARGET_NAME, &cid))
    xous_scalar(cid, BENCH_QUIT, 0, 0, 0, 0);
  if (ok && connect_bounded(LIMITED_NAME, &lcid))
    xous_scalar(lcid, BENCH_QUIT, 0, 0, 0, 0);
  for (int i = 0; i < SLEEPER_PROCS; i++)
    if (procs[i] > 0)
      reap_bounded(procs[i], 0);
  if (named > 0)
    reap_bounded(named, ok ? 1e9 : 0);
  if (limited > 0)
    reap_bounded(limited, ok ? 1e9 : 0);
  stop_servers();
  bench_broker_stop();
  munmap(shared, size);
  return ok;
}

/* ---- the report --------------------------------------------------------- */

static size_t
targets(const struct results *r, struct bench_target *t)
{
  static char labels[3][2][32];
  size_t n = 0;

  t[n++] = bench_row("Boot to ready", r->boot.median / 1e6, "ms", "-", 0,
                     NULL);
  for (int k = 0; k < 3; k++) {
    snprintf(labels[k][0], sizeof labels[k][0], "Sleep %u ms, overshoot",
             sleep_ms[k]);
    snprintf(labels[k][1], sizeof labels[k][1], "nanosleep %u ms, overshoot",
             sleep_ms[k]);
    t[n++] = bench_row(labels[k][0], r->sleep[k].median / 1e3, "us",
                       labels[k][1], r->nanosleep[k].median / 1e3, NULL);
  }
  t[n++] = bench_row("100 sleepers, overshoot", r->concurrent.median / 1e3,
                     "us", "nanosleep 10 ms, overshoot",
                     r->nanosleep[1].median / 1e3, NULL);
  t[n++] = bench_row("Connect by name", r->connect.median / 1e3, "us",
                     "our BlockingScalar RTT", r->ping.median / 1e3, NULL);
  t[n++] = bench_row("Connect by name + give back",
                     r->connect_limited.median / 1e3, "us",
                     "our BlockingScalar RTT", r->ping.median / 1e3, NULL);
  t[n++] = bench_row("Log records", r->log_per_s, "rec/s",
                     "our BlockingScalar rate",
                     r->ping.median > 0 ? 1e9 / r->ping.median : 0, NULL);
  bench_target_ratios(t, n);
  return n;
}

static void
print_figures(const struct results *r)
{
  printf("\n%-34s %10s %10s %10s %6s\n", "figure (us)", "median", "p99", "max",
         "n");
#define ROW(label, s)                                                         \
  printf("%-34s %10.0f %10.0f %10.0f %6zu\n", label, (s).median / 1e3,        \
         (s).p99 / 1e3, (s).max / 1e3, (s).n)
  ROW("Boot of the standard image", r->boot);
  ROW("Sleep 1 ms, overshoot", r->sleep[0]);
  ROW("  nanosleep 1 ms, overshoot", r->nanosleep[0]);
  ROW("Sleep 10 ms, overshoot", r->sleep[1]);
  ROW("  nanosleep 10 ms, overshoot", r->nanosleep[1]);
  ROW("Sleep 50 ms, overshoot", r->sleep[2]);
  ROW("  nanosleep 50 ms, overshoot", r->nanosleep[2]);
  ROW("100 sleepers of 10 ms, overshoot", r->concurrent);
  ROW("xous_names_connect", r->connect);
  ROW("connect_token + names_disconnect", r->connect_limited);
  ROW("BlockingScalar RTT, same server", r->ping);
#undef ROW
  printf("%-34s %10.0f records/s (%zu records)\n", "Log records (xous_log)",
         r->log_per_s, r->log_records);
  printf("%-34s %10.0f records/s (%zu records)\n",
         "  (prepared, in a mapped page)", r->log_page_per_s,
         r->log_page_records);
}

static json_t *
json_stats(const struct stats *s)
{
  return json_pack("{s:f, s:f, s:f, s:I}", "median_us", s->median / 1e3,
                   "p99_us", s->p99 / 1e3, "max_us", s->max / 1e3, "n",
                   (json_int_t)s->n);
}

/* Adds the figures to the JSON object in path (bench_ipc's results) as
 * its member "servers", so that one results file holds every
 * benchmark's figures. */
static bool
write_json(const char *path, bool quick, const struct results *r,
           const struct bench_target *t, size_t n)
{
  static const char *const sleeps[] = { "sleep_1ms_overshoot",
                                        "sleep_10ms_overshoot",
                                        "sleep_50ms_overshoot" };
  static const char *const nanosleeps[] = { "nanosleep_1ms_overshoot",
                                            "nanosleep_10ms_overshoot",
                                            "nanosleep_50ms_overshoot" };
  json_t *o = json_pack("{s:b, s:o, s:i, s:o, s:o, s:o, s:o, s:f, s:f, s:o}",
                        "quick", quick, "boot_to_ready", json_stats(&r->boot),
                        "concurrent_sleepers", SLEEPERS,
                        "concurrent_sleep_10ms_overshoot",
                        json_stats(&r->concurrent), "names_connect",
                        json_stats(&r->connect),
                        "names_connect_token_and_disconnect",
                        json_stats(&r->connect_limited), "blocking_scalar_rtt",
                        json_stats(&r->ping), "log_records_per_s",
                        r->log_per_s, "log_records_per_s_mapped_page",
                        r->log_page_per_s, "targets",
                        bench_targets_json(t, n));

  for (int k = 0; o != NULL && k < 3; k++) {
    json_object_set_new(o, sleeps[k], json_stats(&r->sleep[k]));
    json_object_set_new(o, nanosleeps[k], json_stats(&r->nanosleep[k]));
  }
  return bench_json_set_member(path, "servers", o);
}

/* ---- main --------------------------------------------------------------- */

static void
usage(FILE *out)
{
  fprintf(out,
          "usage: bench_servers [--quick] [--json FILE] [--xousd PATH]\n"
          "\n"
          "  --quick        fewer samples (a smoke run, figures are noisy)\n"
          "  --json FILE    add the results to the JSON object in FILE (as\n"
          "                 \"servers\"), or write a new one\n"
          "  --xousd PATH   the broker to start (default: "
          "$XOUS_BUILDDIR/xousd)\n"
          "The standard servers are taken from $XOUS_BUILDDIR (default: .)."
          "\n");
}

int
main(int argc, char **argv)
{
  static const struct plan full = { { 200, 100, 20 }, 10, 500, 1e9 };
  static const struct plan short_plan = { { 40, 20, 4 }, 3, 100, 2e8 };
  static struct results r;
  struct bench_target t[12];
  struct bench_args a;
  size_t nt;
  int status;

  bench_args_init(&a);
  status = bench_args_read(argc, argv, &a, NULL, NULL, NULL, NULL, usage);
  if (status >= 0)
    return status;
  if (!find_servers(a.builddir))
    return 1;

  printf("\nbench_servers: %s run, the standard servers of %s, %ld CPUs\n",
         a.quick ? "quick" : "full", a.builddir,
         sysconf(_SC_NPROCESSORS_ONLN));
  printf("  boot of the standard image to ready, %d times\n", BOOTS);
  fflush(stdout);
  if (!measure_boot(a.xousd, &r.boot) ||
      !run_figures(a.xousd, a.quick ? &short_plan : &full, &r))
    return 1;
  print_figures(&r);
  nt = targets(&r, t);
  bench_print_targets(t, nt);
  if (a.json != NULL && !write_json(a.json, a.quick, &r, t, nt))
    return 1;
  return 0;
}
