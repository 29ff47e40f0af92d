/*
 * A private Xous system for a test: its directory, the broker, the
 * standard servers, and what the test asks of them (names, time, faults).
 */
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xous/log.h>
#include <xous/names.h>
#include <xous/ticktimer.h>

#include "testkit/files.h"
#include "testkit/internal.h"
#include "tools/ctl_client.h"
#include "xousd/ctl.h"

/* One system per process; a forked child starts without one. */
static struct xous_test *current;
static pid_t current_owner;
static pid_t atexit_owner; /* the process whose atexit handler is set */

struct standard {
  const char *name, *rel, *sid_name;
};

static const struct standard standards[] = {
  { "xous-names", "servers/names/xous-names", XOUS_NAMES_SERVER_NAME },
  { "xous-ticktimer", "servers/ticktimer/xous-ticktimer",
    XOUS_TICKTIMER_NAME },
  { "xous-log", "servers/log/xous-log", XOUS_LOG_NAME },
};

/* ---- the directory --------------------------------------------------------- */

/* A test that ends without xous_test_stop() (a failed assertion calls
 * exit()) still leaves nothing: its children die with it, and this
 * removes the rest. */
static void
stop_at_exit(void)
{
  if (current != NULL && current_owner == getpid())
    xous_test_stop(current);
}

/* ---- start and stop ---------------------------------------------------------- */

static xous_error_t
start_broker(struct xous_test *t)
{
  char path[PATH_MAX];
  const char *argv[] = { path, "--foreground", "--socket", t->sock, NULL };
  uint64_t deadline;
  xous_error_t err;

  if (!xous__test_find("xousd", "xousd", path, sizeof path)) {
    fprintf(stderr, "xous_test_start: cannot find xousd (set "
                    "XOUS_TEST_PROGRAMS to the directory that holds it)\n");
    return XOUS_NOT_FOUND;
  }
  err = xous__test_spawn_env(t, argv, NULL, &t->broker);
  if (err != XOUS_OK)
    return err;
  deadline = xous__test_now_ms() + XOUS__TEST_START_MS;
  while (!xous__ctl_accepts(t->sock)) {
    if (!xous_test_running(t->broker)) {
      fprintf(stderr, "xous_test_start: xousd ended before its socket "
                      "was ready\n");
      return XOUS_INTERNAL_ERROR;
    }
    if (xous__test_now_ms() >= deadline)
      return XOUS_TIMEOUT;
    xous__test_pause_ms(2);
  }
  return XOUS_OK;
}

static xous_error_t
start_standard(struct xous_test *t, const struct standard *s,
               struct xous_test_proc **p)
{
  static const char *const virtual_env[] = { "XOUS_VIRTUAL_TIME=1", NULL };
  char path[PATH_MAX];
  const char *argv[] = { path, NULL };
  bool ticktimer = strcmp(s->name, "xous-ticktimer") == 0;

  if (!xous__test_find(s->name, s->rel, path, sizeof path)) {
    fprintf(stderr,
            "xous_test_start: cannot find %s (set "
            "XOUS_TEST_PROGRAMS to the directory that holds it)\n",
            s->name);
    return XOUS_NOT_FOUND;
  }
  return xous__test_spawn_env(t, argv,
                              ticktimer && t->opt.virtual_time ? virtual_env
                                                               : NULL,
                              p);
}

/* Waits until the server of s is in the broker's table. */
static xous_error_t
await_server(struct xous_test *t, const char *sid_name,
             struct xous_test_proc *p, uint64_t deadline)
{
  xous_sid_t sid = xous_sid_from_name(sid_name);

  while (!xous__test_has_server(t, sid)) {
    if (p != NULL && !xous_test_running(p))
      return XOUS_PROCESS_TERMINATED;
    if (xous__test_now_ms() >= deadline)
      return XOUS_TIMEOUT;
    xous__test_pause_ms(2);
  }
  return XOUS_OK;
}

xous_error_t
xous_test_start(const xous_test_options_t *opt, xous_test_t **out)
{
  static const xous_test_options_t defaults;
  struct xous_test_proc *std[3] = { NULL, NULL, NULL };
  bool skip[3];
  struct xous_test *t;
  uint64_t deadline;
  xous_error_t err;

  if (out == NULL)
    return XOUS_INVALID_ARGUMENT;
  *out = NULL;
  if (current != NULL && current_owner == getpid())
    return XOUS_SERVER_EXISTS;
  t = calloc(1, sizeof *t);
  if (t == NULL)
    return XOUS_OUT_OF_MEMORY;
  t->opt = opt != NULL ? *opt : defaults;
  skip[0] = t->opt.no_names;
  skip[1] = t->opt.no_ticktimer;
  skip[2] = t->opt.no_log;

  snprintf(t->dir, sizeof t->dir, "%s/xous-test-XXXXXX",
           xous__test_tmp_base(60));
  if (mkdtemp(t->dir) == NULL) { /* mode 0700 */
    free(t);
    return XOUS_INTERNAL_ERROR;
  }
  if ((size_t)snprintf(t->sock, sizeof t->sock, "%s/xousd.sock", t->dir) >=
      sizeof t->sock) {
    rmdir(t->dir);
    free(t);
    return XOUS_INVALID_ARGUMENT;
  }
  if (atexit_owner != getpid()) {
    atexit_owner = getpid();
    atexit(stop_at_exit);
  }
  current = t;
  current_owner = getpid();
  /* The caller, and every child, joins this broker. */
  setenv("XOUS_SOCKET", t->sock, 1);
  if (t->opt.seed != 0) {
    char seed[32];

    snprintf(seed, sizeof seed, "%llu", (unsigned long long)t->opt.seed);
    setenv("XOUS_SEED", seed, 1);
  } else {
    unsetenv("XOUS_SEED");
  }
  err = start_broker(t);
  /* One after another: each gets the same Xous PID in every run. */
  deadline = xous__test_now_ms() + XOUS__TEST_START_MS;
  for (size_t i = 0; err == XOUS_OK && i < 3; i++) {
    if (skip[i])
      continue;
    err = start_standard(t, &standards[i], &std[i]);
    if (err == XOUS_OK)
      err = await_server(t, standards[i].sid_name, std[i], deadline);
  }
  if (err != XOUS_OK) {
    xous_test_stop(t);
    return err;
  }
  *out = t;
  return XOUS_OK;
}

/* SIGTERM, a bounded wait, then SIGKILL and a wait that always ends. */
static void
end_process(struct xous_test_proc *p)
{
  if (xous__test_reap(p))
    return;
  kill(p->pid, SIGTERM);
  kill(p->pid, SIGCONT); /* a paused process could not obey */
  if (xous_test_wait(p, XOUS__TEST_STOP_MS, NULL) == XOUS_OK)
    return;
  kill(p->pid, SIGKILL);
  (void)xous_test_wait(p, UINT32_MAX, NULL);
}

void
xous_test_stop(xous_test_t *t)
{
  struct xous_test_proc *p, *next;

  if (t == NULL)
    return;
  xous__trace_stop(t);
  /* First the programs, then the broker: nothing is left waiting on a
   * broker that has gone. */
  for (p = t->procs; p != NULL; p = p->next)
    if (p != t->broker && !xous__test_reap(p))
      kill(p->pid, SIGTERM);
  for (p = t->procs; p != NULL; p = p->next)
    if (p != t->broker)
      end_process(p);
  /* The broker's end is expected, not a lost connection to report; the
   * leave comes after it, when no thread of this process can still be
   * blocked in a call on the old system's rings. */
  xous__hosted_expect_end();
  if (t->broker != NULL)
    end_process(t->broker);
  xous__hosted_leave();
  xous__test_remove_tree(t->dir);
  for (p = t->procs; p != NULL; p = next) {
    next = p->next;
    free(p);
  }
  if (current == t) {
    current = NULL;
    unsetenv("XOUS_SOCKET");
    unsetenv("XOUS_SEED");
  }
  free(t);
}

const char *
xous_test_dir(const xous_test_t *t)
{
  return t != NULL ? t->dir : NULL;
}

const char *
xous_test_socket(const xous_test_t *t)
{
  return t != NULL ? t->sock : NULL;
}

/* ---- names and PIDs ------------------------------------------------------------ */

xous_error_t
xous_test_wait_name(xous_test_t *t, const char *name, uint32_t timeout_ms)
{
  uint64_t deadline = xous__test_now_ms() + timeout_ms;
  xous_error_t err;

  if (t == NULL || name == NULL)
    return XOUS_INVALID_ARGUMENT;
  /* The names client would wait for xous-names forever: see it first. */
  err = await_server(t, XOUS_NAMES_SERVER_NAME, NULL, deadline);
  if (err != XOUS_OK)
    return err == XOUS_TIMEOUT && t->opt.no_names ? XOUS_UNAVAILABLE : err;
  for (;;) {
    xous_names_token_t token;
    xous_cid_t cid;

    err = xous_names_try_connect_token(name, &cid, &token);
    if (err == XOUS_OK) {
      /* Give the place back: the test's own connections are its own. */
      (void)xous_names_disconnect(name, token);
      return XOUS_OK;
    }
    if (err != XOUS_SERVER_NOT_FOUND)
      return err;
    if (xous__test_now_ms() >= deadline)
      return XOUS_TIMEOUT;
    xous__test_pause_ms(2);
  }
}

/* The Xous PID of the process whose host PID is os_pid in the broker's
 * process list, or 0. */
static xous_pid_t
pid_of(struct xous_test *t, pid_t os_pid)
{
  char *json, *s;
  xous_pid_t found = 0;

  if (xous__test_ctl(t, XOUS_CTL_PS, NULL, &json) != XOUS_OK)
    return 0;
  /* SAFETY: the broker's JSON, one object per process, each starting
   * with "pid" and holding "os_pid"; anything else is skipped. */
  for (s = json; found == 0 && (s = strstr(s, "{\"pid\":")) != NULL; s++) {
    unsigned pid;
    char *os = strstr(s, "\"os_pid\":"), *end = strchr(s, '}');
    int osp;

    if (os == NULL || end == NULL || os > end)
      continue;
    if (sscanf(s, "{\"pid\":%u", &pid) == 1 &&
        sscanf(os, "\"os_pid\":%d", &osp) == 1 && osp == (int)os_pid &&
        pid > 0 && pid <= 255)
      found = (xous_pid_t)pid;
  }
  free(json);
  return found;
}

xous_error_t
xous_test_pid(xous_test_proc_t *p, uint32_t timeout_ms, xous_pid_t *pid)
{
  uint64_t deadline = xous__test_now_ms() + timeout_ms;

  if (p == NULL || pid == NULL)
    return XOUS_INVALID_ARGUMENT;
  for (;;) {
    xous_pid_t found = pid_of(p->t, p->pid);

    if (found != 0) {
      *pid = found;
      return XOUS_OK;
    }
    if (!xous_test_running(p))
      return XOUS_PROCESS_TERMINATED;
    if (xous__test_now_ms() >= deadline)
      return XOUS_TIMEOUT;
    xous__test_pause_ms(2);
  }
}

/* ---- time ---------------------------------------------------------------------- */

static xous_error_t
ticktimer(struct xous_test *t, xous_cid_t *cid)
{
  xous_error_t err;

  if (t == NULL)
    return XOUS_INVALID_ARGUMENT;
  if (t->opt.no_ticktimer)
    return XOUS_UNAVAILABLE;
  if (t->ticktimer == 0) {
    err = xous_try_connect(xous_sid_from_name(XOUS_TICKTIMER_NAME),
                           &t->ticktimer);
    if (err != XOUS_OK) {
      t->ticktimer = 0;
      return err == XOUS_SERVER_NOT_FOUND ? XOUS_UNAVAILABLE : err;
    }
  }
  *cid = t->ticktimer;
  return XOUS_OK;
}

xous_error_t
xous_test_advance_ms(xous_test_t *t, uint64_t ms)
{
  xous_word_t ret[5];
  xous_cid_t cid;
  xous_error_t err = ticktimer(t, &cid);

  if (err != XOUS_OK)
    return err;
  if (!t->opt.virtual_time)
    return XOUS_UNAVAILABLE;
  err = xous_blocking_scalar(cid, XOUS_TICKTIMER_ADVANCE_VIRTUAL,
                             (xous_word_t)(ms & 0xffffffffu),
                             (xous_word_t)(ms >> 32), 0, 0, ret);
  if (err != XOUS_OK)
    return err;
  return (xous_error_t)ret[0];
}

xous_error_t
xous_test_elapsed_ms(xous_test_t *t, uint64_t *ms)
{
  xous_word_t ret[5];
  xous_cid_t cid;
  xous_error_t err;

  if (ms == NULL)
    return XOUS_INVALID_ARGUMENT;
  err = ticktimer(t, &cid);
  if (err != XOUS_OK)
    return err;
  err = xous_blocking_scalar(cid, XOUS_TICKTIMER_ELAPSED_MS, 0, 0, 0, 0, ret);
  if (err == XOUS_OK)
    *ms = (uint64_t)(ret[0] & 0xffffffffu) | (uint64_t)ret[1] << 32;
  return err;
}

xous_error_t
xous_test_wait_sleepers(xous_test_t *t, unsigned n, uint32_t timeout_ms)
{
  uint64_t deadline = xous__test_now_ms() + timeout_ms;
  xous_word_t ret[5];
  xous_cid_t cid;
  xous_error_t err = ticktimer(t, &cid);

  if (err != XOUS_OK)
    return err;
  for (;;) {
    err = xous_blocking_scalar(cid, XOUS_TICKTIMER_VIRTUAL_STATE, 0, 0, 0, 0,
                               ret);
    if (err != XOUS_OK)
      return err;
    if (ret[3] >= n)
      return XOUS_OK;
    if (xous__test_now_ms() >= deadline)
      return XOUS_TIMEOUT;
    xous__test_pause_ms(1);
  }
}

/* ---- faults -------------------------------------------------------------------- */

static xous_error_t
ctl_ok(struct xous_test *t, unsigned cmd, const uint64_t args[7])
{
  char *json;
  xous_error_t err;

  if (t == NULL)
    return XOUS_INVALID_ARGUMENT;
  err = xous__test_ctl(t, cmd, args, &json);
  if (err != XOUS_OK)
    return err;
  err = strstr(json, "\"ok\":true") != NULL ? XOUS_OK : XOUS_INVALID_ARGUMENT;
  free(json);
  return err;
}

xous_error_t
xous_test_fail_call(xous_test_t *t, xous_pid_t pid, unsigned syscall,
                    uint32_t nth, xous_error_t err)
{
  const uint64_t args[7] = { pid, syscall, nth, (uint64_t)err };

  return ctl_ok(t, XOUS_CTL_FAIL, args);
}

xous_error_t
xous_test_clear_faults(xous_test_t *t)
{
  return ctl_ok(t, XOUS_CTL_FAULTS_CLEAR, NULL);
}

xous_error_t
xous_test_delay_answers(xous_test_t *t, xous_pid_t server_pid, uint32_t ms)
{
  const uint64_t args[7] = { server_pid, ms == 0 ? 0 : 1, ms };

  return ctl_ok(t, XOUS_CTL_ANSWERS, args);
}

xous_error_t
xous_test_drop_answers(xous_test_t *t, xous_pid_t server_pid)
{
  const uint64_t args[7] = { server_pid, 2 };

  return ctl_ok(t, XOUS_CTL_ANSWERS, args);
}
