/*
 * Integration-test harness: a real xousd and real peers per Check test.
 * See harness.h for the lifetimes.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "harness.h"
#include "testkit/files.h"
#include "tools/monotonic.h"

/* In libxous (runtime/hosted/broker.c): the broker's end that follows is
 * this process's own doing, not a lost connection to report. */
void xous__hosted_expect_end(void);

#define MAX_CHILDREN 128
#define MAX_ARGS 32

struct child {
  pid_t pid;
  bool reaped;
  int status;
  char out[256]; /* the file that holds its stdout */
};

/* One harness per process. A forked Check test starts from the runner's
 * copy, where only root is set. */
static char root[128];      /* from harness_global_init(), or "" */
static pid_t root_owner;    /* the process that made root */
static char dir[192];       /* the test's directory, or "" */
static char sock_path[256]; /* <dir>/xousd.sock */
static pid_t dir_owner;     /* the process that made dir */
static pid_t broker;        /* the broker's OS pid, or 0 */
static pid_t atexit_owner;  /* the process whose atexit is registered */
static struct child children[MAX_CHILDREN];
static int nchildren;
static unsigned out_seq;

/* ---- small helpers -------------------------------------------------------- */

long long
harness_now_ms(void)
{
  return now_ms();
}

void
harness_sleep_ms(int ms)
{
  sleep_for_ms(ms);
}

static const char *
build_dir(void)
{
  const char *b = getenv("XOUS_BUILDDIR");

  return (b != NULL && b[0] != '\0') ? b : ".";
}

static struct child *
find_child(pid_t pid)
{
  int i;

  for (i = 0; i < nchildren; i++)
    if (children[i].pid == pid)
      return &children[i];
  return NULL;
}

/* The file that holds pid's stdout, or NULL when pid is not a child. */
static const char *
output_path(pid_t pid)
{
  struct child *c = find_child(pid);

  return c != NULL ? c->out : NULL;
}

static void
atexit_cleanup(void)
{
  if (atexit_owner == getpid())
    harness_cleanup();
}

/* ---- process-wide set-up -------------------------------------------------- */

void
harness_global_init(void)
{
  if (root[0] != '\0')
    return;
  snprintf(root, sizeof root, "%s/xous-check-XXXXXX", xous__test_tmp_base(48));
  if (mkdtemp(root) == NULL) {
    perror("harness: mkdtemp");
    root[0] = '\0';
    return;
  }
  root_owner = getpid();
}

void
harness_global_cleanup(void)
{
  if (root[0] != '\0' && root_owner == getpid())
    xous__test_remove_tree(root);
  root[0] = '\0';
}

/* ---- the test's directory ------------------------------------------------- */

const char *
harness_dir(void)
{
  if (dir[0] != '\0' && dir_owner == getpid())
    return dir;
  if (root[0] != '\0')
    snprintf(dir, sizeof dir, "%s/t-XXXXXX", root);
  else
    snprintf(dir, sizeof dir, "%s/xtest-XXXXXX", xous__test_tmp_base(48));
  if (mkdtemp(dir) == NULL) {
    dir[0] = '\0';
    ck_abort_msg("harness: mkdtemp: %s", strerror(errno));
  }
  dir_owner = getpid();
  snprintf(sock_path, sizeof sock_path, "%s/xousd.sock", dir);
  nchildren = 0;
  broker = 0;
  if (atexit_owner != getpid()) {
    atexit_owner = getpid();
    atexit(atexit_cleanup);
  }
  return dir;
}

const char *
harness_socket_path(void)
{
  harness_dir();
  return sock_path;
}

/* ---- spawning ------------------------------------------------------------- */

pid_t
harness_spawn_argv(const char *prog, const char *const argv[])
{
  char path[512];
  const char *args[MAX_ARGS + 2];
  struct child *c;
  pid_t parent, pid;
  int out, n = 0;

  harness_dir();
  ck_assert_msg(nchildren < MAX_CHILDREN, "harness: too many children");
  if (prog[0] == '/')
    snprintf(path, sizeof path, "%s", prog);
  else
    snprintf(path, sizeof path, "%s/%s", build_dir(), prog);
  args[n++] = path;
  for (; argv != NULL && argv[n - 1] != NULL; n++) {
    ck_assert_msg(n <= MAX_ARGS, "harness: too many arguments");
    args[n] = argv[n - 1];
  }
  args[n] = NULL;

  c = &children[nchildren];
  memset(c, 0, sizeof *c);
  snprintf(c->out, sizeof c->out, "%s/out-%u.txt", dir, out_seq++);
  out = open(c->out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (out < 0)
    ck_abort_msg("harness: open %s: %s", c->out, strerror(errno));

  fflush(stdout);
  fflush(stderr);
  parent = getpid();
  pid = fork();
  if (pid < 0) {
    close(out);
    ck_abort_msg("harness: fork: %s", strerror(errno));
  }
  if (pid == 0) {
    /* Only async-signal-safe calls here: the parent may have threads. */
    if (xous__test_child_setup(parent, out) != 0)
      _exit(127);
    execv(path, (char *const *)args);
    _exit(127);
  }
  close(out);
  c->pid = pid;
  nchildren++;
  return pid;
}

pid_t
harness_spawn(const char *prog, ...)
{
  const char *argv[MAX_ARGS + 1];
  va_list ap;
  int n = 0;

  va_start(ap, prog);
  while (n < MAX_ARGS && (argv[n] = va_arg(ap, const char *)) != NULL)
    n++;
  va_end(ap);
  argv[n] = NULL;
  return harness_spawn_argv(prog, argv);
}

int
harness_bound_ms(int ms)
{
  const char *env = getenv("CK_TIMEOUT_MULTIPLIER");
  double k = env != NULL ? strtod(env, NULL) : 1.0;

  if (!(k > 1.0) || ms <= 0)
    return ms;
  if (k > 100.0)
    k = 100.0;
  return (double)ms * k > 2e9 ? 2000000000 : (int)((double)ms * k);
}

bool
harness_wait(pid_t pid, int timeout_ms, int *status)
{
  long long deadline = harness_now_ms() + harness_bound_ms(timeout_ms);
  struct child *c = find_child(pid);

  for (;;) {
    int st;
    pid_t r;

    if (c != NULL && c->reaped) {
      if (status != NULL)
        *status = c->status;
      return true;
    }
    r = waitpid(pid, &st, WNOHANG);
    if (r == pid) {
      if (c != NULL) {
        c->reaped = true;
        c->status = st;
      }
      if (status != NULL)
        *status = st;
      return true;
    }
    if (r < 0 && errno != EINTR)
      ck_abort_msg("harness: waitpid(%d): %s", (int)pid, strerror(errno));
    if (harness_now_ms() >= deadline)
      return false;
    harness_sleep_ms(1);
  }
}

bool
harness_running(pid_t pid)
{
  return !harness_wait(pid, 0, NULL);
}

void
harness_kill(pid_t pid, int sig)
{
  struct child *c = find_child(pid);

  if (pid > 0 && (c == NULL || !c->reaped))
    kill(pid, sig);
}

/* ---- output --------------------------------------------------------------- */

char *
harness_output(pid_t pid)
{
  char *text = xous__test_file_text(output_path(pid));

  ck_assert_ptr_nonnull(text);
  return text;
}

size_t
harness_line_count(pid_t pid)
{
  char *text = harness_output(pid);
  size_t n = xous__test_line_count(text);

  free(text);
  return n;
}

bool
harness_wait_line(pid_t pid, const char *line, int timeout_ms)
{
  xous_error_t err = xous__test_wait_file_line(output_path(pid), line,
                                               (uint32_t)harness_bound_ms(
                                                   timeout_ms));

  ck_assert_int_ne(err, XOUS_OUT_OF_MEMORY);
  return err == XOUS_OK;
}

bool
harness_wait_nth_line(pid_t pid, size_t index, char *buf, size_t size,
                      int timeout_ms)
{
  xous_error_t err =
      xous__test_wait_file_nth_line(output_path(pid), index, buf, size,
                                    (uint32_t)harness_bound_ms(timeout_ms));

  ck_assert_int_ne(err, XOUS_OUT_OF_MEMORY);
  return err == XOUS_OK;
}

/* ---- raw sockets ---------------------------------------------------------- */

int
harness_raw_try_connect(const char *path)
{
  struct sockaddr_un sa;
  int fd;

  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  if (strlen(path) >= sizeof sa.sun_path) {
    errno = ENAMETOOLONG;
    return -1;
  }
  strcpy(sa.sun_path, path);
  fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
    int e = errno;

    close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

int
harness_raw_connect(void)
{
  int fd = harness_raw_try_connect(harness_socket_path());

  if (fd < 0)
    ck_abort_msg("harness: connect %s: %s", sock_path, strerror(errno));
  return fd;
}

/* ---- the broker ----------------------------------------------------------- */

/* The words of $XOUS_XOUSD_WRAPPER (for instance "valgrind -q
 * --leak-check=full"), split at spaces into words[], and the first one
 * found on $PATH into prog; the number of words, 0 when it is unset. */
static int
xousd_wrapper(char *prog, size_t size, const char *words[], int max)
{
  static char copy[1024];
  const char *env = getenv("XOUS_XOUSD_WRAPPER");
  const char *pathenv = getenv("PATH");
  char *save = NULL, *w;
  int n = 0;

  if (env == NULL || env[0] == '\0')
    return 0;
  snprintf(copy, sizeof copy, "%s", env);
  for (w = strtok_r(copy, " ", &save); w != NULL && n < max;
       w = strtok_r(NULL, " ", &save))
    words[n++] = w;
  if (n == 0)
    return 0;
  snprintf(prog, size, "%s", words[0]);
  if (strchr(words[0], '/') == NULL && pathenv != NULL) {
    char dirs[4096];

    snprintf(dirs, sizeof dirs, "%s", pathenv);
    for (char *d = strtok_r(dirs, ":", &save); d != NULL;
         d = strtok_r(NULL, ":", &save)) {
      snprintf(prog, size, "%s/%s", d, words[0]);
      if (access(prog, X_OK) == 0)
        break;
    }
  }
  ck_assert_msg(access(prog, X_OK) == 0,
                "harness: XOUS_XOUSD_WRAPPER: cannot run %s", words[0]);
  return n;
}

pid_t
harness_start_broker_with(const char *socket_path, const char *const args[])
{
  const char *argv[MAX_ARGS + 1];
  const char *words[MAX_ARGS / 2];
  char wrapper[512], xousd[512];
  const char *prog = "xousd";
  long long deadline;
  const char *v = getenv("XTEST_VERBOSE");
  pid_t pid;
  int n = 0, nw, limit;

  /* With a wrapper (a memory checker), xousd runs under it: the wrapper
   * execs xousd in the same process, so the pid is still the broker's. */
  nw = xousd_wrapper(wrapper, sizeof wrapper, words, MAX_ARGS / 2);
  if (nw > 0) {
    prog = wrapper;
    for (int i = 1; i < nw; i++)
      argv[n++] = words[i];
    snprintf(xousd, sizeof xousd, "%s/xousd", build_dir());
    argv[n++] = xousd;
  }
  argv[n++] = "--foreground";
  if (v != NULL && v[0] != '\0' && strcmp(v, "0") != 0)
    argv[n++] = "--verbose";
  for (; args != NULL && *args != NULL && n < MAX_ARGS; args++)
    argv[n++] = *args;
  argv[n] = NULL;

  pid = harness_spawn_argv(prog, argv);
  broker = pid;
  /* A memory checker starts xousd many times slower. */
  limit = HARNESS_START_TIMEOUT_MS * (nw > 0 ? 6 : 1);
  deadline = harness_now_ms() + limit;
  for (;;) {
    int st, fd;

    if (harness_wait(pid, 0, &st)) {
      broker = 0;
      ck_abort_msg("harness: xousd exited before %s was ready (%s %d)",
                   socket_path, WIFEXITED(st) ? "status" : "signal",
                   WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
    }
    fd = harness_raw_try_connect(socket_path);
    if (fd >= 0) {
      close(fd);
      return pid;
    }
    if (harness_now_ms() >= deadline)
      break;
    harness_sleep_ms(5);
  }
  ck_abort_msg("harness: xousd did not accept connections on %s within "
               "%d ms",
               socket_path, limit);
  return -1;
}

pid_t
harness_start_broker(void)
{
  const char *args[] = { "--socket", NULL, NULL };

  args[1] = harness_socket_path();
  if (setenv("XOUS_SOCKET", sock_path, 1) < 0)
    ck_abort_msg("harness: setenv: %s", strerror(errno));
  return harness_start_broker_with(sock_path, args);
}

pid_t
harness_broker_pid(void)
{
  return broker;
}

void
harness_forget_broker(void)
{
  broker = 0;
}

void
harness_stop_broker(void)
{
  pid_t pid = broker;
  int st;

  ck_assert_msg(pid > 0, "harness: no broker to stop");
  broker = 0;
  ck_assert_msg(harness_running(pid), "xousd had already exited");
  kill(pid, SIGTERM);
  if (!harness_wait(pid, HARNESS_STOP_TIMEOUT_MS, &st)) {
    kill(pid, SIGKILL);
    harness_wait(pid, HARNESS_STOP_TIMEOUT_MS, NULL);
    ck_abort_msg("xousd did not exit within %d ms of SIGTERM",
                 HARNESS_STOP_TIMEOUT_MS);
  }
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
                "xousd ended with %s %d after SIGTERM, not status 0",
                WIFEXITED(st) ? "status" : "signal",
                WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
  ck_assert_msg(access(sock_path, F_OK) < 0 && errno == ENOENT,
                "xousd left its socket %s behind", sock_path);
}

void
harness_assert_broker_alive(void)
{
  int st;

  if (broker <= 0)
    return;
  if (harness_wait(broker, 0, &st)) {
    broker = 0;
    ck_abort_msg("xousd died during the test (%s %d)",
                 WIFEXITED(st) ? "status" : "signal",
                 WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
  }
}

/* ---- cleanup -------------------------------------------------------------- */

void
harness_cleanup(void)
{
  int i;

  if (dir[0] == '\0' || dir_owner != getpid())
    return;
  for (i = 0; i < nchildren; i++) {
    struct child *c = &children[i];

    if (c->reaped || c->pid == broker)
      continue;
    kill(c->pid, SIGKILL);
    harness_wait(c->pid, HARNESS_STOP_TIMEOUT_MS, NULL);
  }
  /* The broker's end is expected: the test's runtime does not report it
   * as a lost connection. Not a leave: a thread of the test may still be
   * blocked in a call (a sleep, a receive), and gets InternalError. */
  xous__hosted_expect_end();
  if (broker > 0) {
    kill(broker, SIGTERM);
    if (!harness_wait(broker, HARNESS_STOP_TIMEOUT_MS, NULL)) {
      kill(broker, SIGKILL);
      harness_wait(broker, HARNESS_STOP_TIMEOUT_MS, NULL);
    }
    broker = 0;
  }
  xous__test_remove_tree(dir);
  dir[0] = '\0';
  sock_path[0] = '\0';
  nchildren = 0;
  unsetenv("XOUS_SOCKET");
}

int
harness_run(Suite *s)
{
  SRunner *sr;
  int failed;

  harness_global_init();
  sr = srunner_create(s);
  srunner_set_fork_status(sr, CK_FORK);
  srunner_run_all(sr, CK_ENV);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  harness_global_cleanup();
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

static void
case_setup_broker(void)
{
  harness_start_broker();
}

static void
case_teardown_broker(void)
{
  harness_assert_broker_alive();
  harness_cleanup();
}

static void
case_teardown(void)
{
  harness_cleanup();
}

static void
add_case(Suite *s, const struct harness_case *c)
{
  TCase *tc = tcase_create(c->name);
  const TTest *const *t;
  const struct harness_loop *l;

  /* Check runs set-ups in the order they were added, teardowns in the
   * reverse: the harness's fixture goes first, so that it wraps the
   * case's own. */
  if (c->start == HARNESS_BROKER)
    tcase_add_checked_fixture(tc, case_setup_broker, case_teardown_broker);
  else if (c->start == HARNESS_NOTHING)
    tcase_add_checked_fixture(tc, NULL, case_teardown);
  if (c->setup != NULL || c->teardown != NULL)
    tcase_add_checked_fixture(tc, c->setup, c->teardown);
  if (c->timeout > 0)
    tcase_set_timeout(tc, c->timeout);
  for (t = c->tests; t != NULL && *t != NULL; t++)
    tcase_add_test(tc, *t);
  for (l = c->loops; l != NULL && l->test != NULL; l++)
    tcase_add_loop_test(tc, l->test, 0, l->end);
  suite_add_tcase(s, tc);
}

Suite *
harness_suite_of(const char *name, const struct harness_case *cases, size_t n)
{
  Suite *s = suite_create(name);
  size_t i;

  for (i = 0; i < n; i++)
    add_case(s, &cases[i]);
  return s;
}
