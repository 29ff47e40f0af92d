/*
 * Socket activation of xousd: a listening socket handed over the way
 * systemd hands one (descriptor 3, LISTEN_FDS=1, LISTEN_PID the broker's
 * PID), with readiness told on $NOTIFY_SOCKET. No systemd is needed: the
 * test plays its part. Built without libsystemd, xousd must refuse such
 * a socket instead of binding another over it.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>

#include "config.h"
#include "support/harness.h"

#define WAIT_MS 10000

/* A socket of the given type bound to path and listening, as a socket
 * unit makes it. */
static int
unit_socket(const char *path, int type)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  int fd = socket(AF_UNIX, type, 0);

  ck_assert_int_ge(fd, 0);
  ck_assert_uint_lt(strlen(path), sizeof sa.sun_path);
  strcpy(sa.sun_path, path);
  ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
  ck_assert_int_eq(chmod(path, 0600), 0);
  ck_assert_int_eq(listen(fd, 16), 0);
  return fd;
}

/* Starts xousd with listen_fd as its descriptor 3 and the activation
 * variables naming its own PID, the way systemd execs a service; its
 * stderr goes to errfile. Our copy of the socket is closed, so that only
 * the broker holds it. */
static pid_t
start_activated(int listen_fd, const char *notify_path, const char *errfile,
                const char *extra_arg)
{
  char xousd[4096];
  const char *builddir = getenv("XOUS_BUILDDIR");
  pid_t pid;

  snprintf(xousd, sizeof xousd, "%s/xousd", builddir ? builddir : ".");
  pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    char pidbuf[32];
    int err = open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0600);

    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (err >= 0)
      dup2(err, 2);
    if (listen_fd != 3) {
      dup2(listen_fd, 3);
      close(listen_fd);
    }
    fcntl(3, F_SETFD, 0); /* inherited across exec, as systemd leaves it */
    snprintf(pidbuf, sizeof pidbuf, "%d", (int)getpid());
    setenv("LISTEN_FDS", "1", 1);
    setenv("LISTEN_PID", pidbuf, 1);
    unsetenv("LISTEN_FDNAMES");
    if (notify_path != NULL)
      setenv("NOTIFY_SOCKET", notify_path, 1);
    else
      unsetenv("NOTIFY_SOCKET");
    unsetenv("XOUS_SOCKET");
    if (extra_arg != NULL)
      execl(xousd, xousd, "--foreground", extra_arg, (char *)NULL);
    else
      execl(xousd, xousd, "--foreground", (char *)NULL);
    _exit(127);
  }
  close(listen_fd);
  return pid;
}

static char *
read_file(const char *path)
{
  static char buf[8192];
  FILE *f = fopen(path, "r");
  size_t n = 0;

  if (f != NULL) {
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
  }
  buf[n] = '\0';
  return buf;
}

/* Runs the hello example's server and client against the broker at path;
 * true when the client finished its whole conversation. */
static bool
hello_through(const char *path)
{
  pid_t server, client;
  int status;
  bool done;

  setenv("XOUS_SOCKET", path, 1);
  server = harness_spawn("examples/hello/hello-server", NULL);
  client = harness_spawn("examples/hello/hello-client", NULL);
  done = harness_wait_line(client, "hello-client: done", WAIT_MS) &&
         harness_wait(client, WAIT_MS, &status) && WIFEXITED(status) &&
         WEXITSTATUS(status) == 0;
  harness_wait(server, WAIT_MS, NULL);
  return done;
}

/* Hands xousd a socket of the given type at <dir>/name, with extra_arg
 * (may be NULL) on its command line, and expects it to refuse: to exit
 * with code, having said says on stderr. */
static void
expect_refused(const char *name, int type, const char *extra_arg, int code,
               const char *says)
{
  char path[4096], errfile[4096];
  int status;
  pid_t broker;

  snprintf(path, sizeof path, "%s/%s", harness_dir(), name);
  snprintf(errfile, sizeof errfile, "%s/xousd.err", harness_dir());
  broker = start_activated(unit_socket(path, type), NULL, errfile, extra_arg);
  ck_assert(harness_wait(broker, WAIT_MS, &status));
  ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == code,
                "xousd ended with %#x, not exit status %d: %s",
                (unsigned)status, code, read_file(errfile));
  ck_assert_msg(strstr(read_file(errfile), says) != NULL, "%s",
                read_file(errfile));
}

#ifdef XOUS_HAVE_SYSTEMD

/* A datagram socket at path, where xousd tells its state ($NOTIFY_SOCKET). */
static int
notify_socket(const char *path)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

  ck_assert_int_ge(fd, 0);
  strcpy(sa.sun_path, path);
  ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
  return fd;
}

static void
stop(pid_t pid)
{
  int status;

  kill(pid, SIGTERM);
  ck_assert_msg(harness_wait(pid, WAIT_MS, &status), "xousd did not stop");
  ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

START_TEST(activation_clients_reach_xousd_through_the_socket_handed_over)
{
  char path[4096], notify[4096], errfile[4096], state[256];
  struct stat before, after;
  int nfd;
  ssize_t n;
  pid_t broker;

  snprintf(path, sizeof path, "%s/unit.sock", harness_dir());
  snprintf(notify, sizeof notify, "%s/notify", harness_dir());
  snprintf(errfile, sizeof errfile, "%s/xousd.err", harness_dir());
  nfd = notify_socket(notify);
  broker = start_activated(unit_socket(path, SOCK_SEQPACKET), notify, errfile,
                           NULL);
  ck_assert_int_eq(stat(path, &before), 0);

  /* READY=1 comes once the broker serves the socket. */
  struct timeval tv = { .tv_sec = WAIT_MS / 1000 };

  setsockopt(nfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  n = recv(nfd, state, sizeof state - 1, 0);
  ck_assert_msg(n > 0, "xousd told no state on NOTIFY_SOCKET: %s",
                read_file(errfile));
  state[n] = '\0';
  ck_assert_msg(strstr(state, "READY=1") != NULL, "told: %s", state);

  ck_assert_msg(hello_through(path), "the hello example failed: %s",
                read_file(errfile));

  /* The socket is the unit's: it stays, the same file, after the broker
   * stops (STOPPING=1 said first). */
  stop(broker);
  n = recv(nfd, state, sizeof state - 1, 0);
  ck_assert_int_gt(n, 0);
  state[n] = '\0';
  ck_assert_msg(strstr(state, "STOPPING=1") != NULL, "told: %s", state);
  ck_assert_int_eq(stat(path, &after), 0);
  ck_assert(S_ISSOCK(after.st_mode) && after.st_ino == before.st_ino);
  close(nfd);
}
END_TEST

START_TEST(activation_a_restarted_xousd_serves_the_same_socket_again)
{
  char path[4096], errfile[4096];
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  int keep, fd;
  pid_t broker;

  /* The unit keeps the socket between two runs of its service: here a
   * duplicate of it stands for the unit's copy. */
  snprintf(path, sizeof path, "%s/unit.sock", harness_dir());
  snprintf(errfile, sizeof errfile, "%s/xousd.err", harness_dir());
  fd = unit_socket(path, SOCK_SEQPACKET);
  keep = dup(fd);
  broker = start_activated(fd, NULL, errfile, NULL);
  ck_assert_msg(hello_through(path), "first run: %s", read_file(errfile));
  stop(broker);

  /* A client that calls while no broker runs waits in the backlog, as
   * under systemd, and is served by the next one. */
  fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
  strcpy(sa.sun_path, path);
  ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
  close(fd);

  broker = start_activated(dup(keep), NULL, errfile, NULL);
  ck_assert_msg(hello_through(path), "second run: %s", read_file(errfile));
  stop(broker);
  close(keep);
}
END_TEST

START_TEST(activation_a_socket_of_the_wrong_kind_is_refused_with_the_fix)
{
  expect_refused("stream.sock", SOCK_STREAM, NULL, 1,
                 "ListenSequentialPacket=");
}
END_TEST

START_TEST(activation_another_socket_path_on_the_command_line_is_refused)
{
  char other[4200];

  snprintf(other, sizeof other, "--socket=%s/other.sock", harness_dir());
  expect_refused("unit.sock", SOCK_SEQPACKET, other, 2, "handed over");
}
END_TEST

#else /* !XOUS_HAVE_SYSTEMD */

START_TEST(activation_without_libsystemd_a_socket_handed_over_is_refused)
{
  expect_refused("unit.sock", SOCK_SEQPACKET, NULL, 1, "without libsystemd");
}
END_TEST

#endif

/* Either way, without LISTEN_FDS nothing changes: xousd binds its own
 * socket, and a LISTEN_PID that names another process is not ours. */
START_TEST(activation_variables_for_another_process_are_not_taken)
{
  const char *const args[] = { "--socket", harness_socket_path(), NULL };
  pid_t broker;

  setenv("LISTEN_FDS", "1", 1);
  setenv("LISTEN_PID", "1", 1);
  broker = harness_start_broker_with(harness_socket_path(), args);
  unsetenv("LISTEN_FDS");
  unsetenv("LISTEN_PID");
  ck_assert_int_gt(broker, 0);
  ck_assert(hello_through(harness_socket_path()));
}
END_TEST

int
main(void)
{
  const TTest *const tests[] = {
#ifdef XOUS_HAVE_SYSTEMD
    activation_clients_reach_xousd_through_the_socket_handed_over,
    activation_a_restarted_xousd_serves_the_same_socket_again,
    activation_a_socket_of_the_wrong_kind_is_refused_with_the_fix,
    activation_another_socket_path_on_the_command_line_is_refused,
#else
    activation_without_libsystemd_a_socket_handed_over_is_refused,
#endif
    activation_variables_for_another_process_are_not_taken,
    NULL,
  };
  const struct harness_case cases[] = {
    { "activation", 60, HARNESS_NOTHING, .tests = tests },
  };

  return harness_run(harness_suite("activation", cases));
}
