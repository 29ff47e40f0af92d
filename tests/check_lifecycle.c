/*
 * The broker's own life: how it starts (its socket and the directory it
 * lives in), and how it stops (SIGTERM, Shutdown), leaving nothing.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>

#include <xous.h>

#include "hosted/wire.h"
#include "support/async.h"
#include "support/expect.h"
#include "support/harness.h"
#include "support/procfs.h"
#include "support/raw.h"
#include "xousd/ctl.h"

/* A generous bound for anything that should happen at once. */
#define BOUND_MS 2000

/* ==== broker lifecycle ====================================================== */

/* Starts xousd on the socket path and expects it to refuse to start: to
 * exit with a failure status. which says what it was in a failure. */
static void
expect_refused_at_start(const char *path, const char *which)
{
  pid_t broker = harness_spawn("xousd", "--foreground", "--socket", path,
                               NULL);
  int st;

  ck_assert_msg(harness_wait(broker, HARNESS_STOP_TIMEOUT_MS, &st),
                "%s still runs after %d ms", which, HARNESS_STOP_TIMEOUT_MS);
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) != 0,
                "%s ended with %s, not a failure status", which,
                status_text(st));
}

START_TEST(lifecycle_sigterm_stops_the_broker_and_removes_its_socket)
{
  pid_t srv;

  harness_start_broker();
  srv = start_peer_server("echo-server", "xtest-echo-srv05");
  harness_stop_broker();
  /* Its processes are told: a server waiting in receive_message ends. */
  ck_assert_msg(harness_wait(srv, HARNESS_STOP_TIMEOUT_MS, NULL),
                "a server process outlived its broker by %d ms",
                HARNESS_STOP_TIMEOUT_MS);
}
END_TEST

START_TEST(lifecycle_shutdown_makes_the_broker_exit_and_remove_its_socket)
{
  pid_t broker, srv;
  int st;

  broker = harness_start_broker();
  srv = start_peer_server("echo-server", "xtest-echo-srv06");
  harness_peer("shutdown", NULL);
  ck_assert_msg(harness_wait(broker, HARNESS_STOP_TIMEOUT_MS, &st),
                "xousd still running %d ms after Shutdown",
                HARNESS_STOP_TIMEOUT_MS);
  harness_forget_broker();
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
                "xousd ended with %s after Shutdown", status_text(st));
  ck_assert_msg(access(harness_socket_path(), F_OK) < 0 && errno == ENOENT,
                "xousd left its socket behind after Shutdown");
  ck_assert_msg(harness_wait(srv, HARNESS_STOP_TIMEOUT_MS, NULL),
                "a server process outlived Shutdown by %d ms",
                HARNESS_STOP_TIMEOUT_MS);
}
END_TEST

START_TEST(lifecycle_the_default_socket_lives_in_a_private_directory)
{
  char xdg_dir[256], path[320];
  struct stat st;
  pid_t client;

  /* No $XOUS_SOCKET: $XDG_RUNTIME_DIR/xous/xousd.sock, for the broker
   * and for every process. */
  snprintf(xdg_dir, sizeof xdg_dir, "%s/run", harness_dir());
  ck_assert_int_eq(mkdir(xdg_dir, 0755), 0);
  snprintf(path, sizeof path, "%s/xous/xousd.sock", xdg_dir);
  unsetenv("XOUS_SOCKET");
  setenv("XDG_RUNTIME_DIR", xdg_dir, 1);
  harness_start_broker_with(path, NULL);

  ck_assert_int_eq(lstat(path, &st), 0);
  ck_assert(S_ISSOCK(st.st_mode));
  snprintf(path, sizeof path, "%s/xous", xdg_dir);
  ck_assert_int_eq(lstat(path, &st), 0);
  ck_assert(S_ISDIR(st.st_mode));
  ck_assert_msg((st.st_mode & 07777) == 0700,
                "the socket directory has mode %04o, not 0700",
                (unsigned)(st.st_mode & 07777));
  ck_assert_uint_eq(st.st_uid, getuid());

  start_peer_server("echo-server", "xtest-echo-srv07");
  client = harness_peer("client", "xtest-echo-srv07", "call", "1", "1", "1",
                        "1", "1", NULL);
  expect_exit(client, 0, BOUND_MS);
  expect_line(client, "NoError 4 0 0 0 0", 0);
}
END_TEST

START_TEST(lifecycle_an_open_xous_socket_directory_is_made_private)
{
  char sock_dir[256], path[320];
  struct stat st;
  const char *args[] = { "--socket", path, NULL };

  /* A directory named as the broker names its own (xous/) is its own. */
  snprintf(sock_dir, sizeof sock_dir, "%s/xous", harness_dir());
  ck_assert_int_eq(mkdir(sock_dir, 0700), 0);
  ck_assert_int_eq(chmod(sock_dir, 0755), 0);
  snprintf(path, sizeof path, "%s/xousd.sock", sock_dir);
  setenv("XOUS_SOCKET", path, 1);
  harness_start_broker_with(path, args);
  ck_assert_int_eq(stat(sock_dir, &st), 0);
  ck_assert_msg((st.st_mode & 07777) == 0700,
                "the socket directory has mode %04o, not 0700",
                (unsigned)(st.st_mode & 07777));
  expect_broker_serves();
}
END_TEST

START_TEST(lifecycle_a_socket_in_a_directory_others_can_enter_is_refused)
{
  char sock_dir[256], path[320];
  struct stat st;

  /* Any other directory belongs to the user: the broker neither opens it
   * up to others nor changes its mode; it refuses to start. */
  snprintf(sock_dir, sizeof sock_dir, "%s/open", harness_dir());
  ck_assert_int_eq(mkdir(sock_dir, 0700), 0);
  ck_assert_int_eq(chmod(sock_dir, 0755), 0);
  snprintf(path, sizeof path, "%s/xousd.sock", sock_dir);
  expect_refused_at_start(path, "xousd in an open directory");
  ck_assert_int_eq(stat(sock_dir, &st), 0);
  ck_assert_int_eq(st.st_mode & 07777, 0755);
  ck_assert_int_ne(access(path, F_OK), 0);
}
END_TEST

START_TEST(lifecycle_a_second_broker_on_the_same_socket_refuses_to_start)
{
  harness_start_broker();
  expect_refused_at_start(harness_socket_path(),
                          "a second xousd on a live socket");
  /* The first one still owns its socket and serves. */
  ck_assert_int_eq(access(harness_socket_path(), F_OK), 0);
  expect_broker_serves();
  harness_stop_broker();
}
END_TEST

START_TEST(lifecycle_a_stale_socket_file_is_cleaned_at_start)
{
  struct sockaddr_un sa;
  int fd;

  /* A socket file that nobody listens on, as a crashed broker leaves. */
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  snprintf(sa.sun_path, sizeof sa.sun_path, "%s", harness_socket_path());
  fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
  close(fd);
  ck_assert_int_lt(harness_raw_try_connect(sa.sun_path), 0);
  ck_assert_int_eq(errno, ECONNREFUSED);

  harness_start_broker();
  expect_broker_serves();
  harness_stop_broker();
}
END_TEST

/* ==== descriptors over a long life ========================================== */

/* The broker's descriptor count once it is down to at most target, or its
 * count when the bound ran out: closes reach it on its next turn. */
static int
broker_fds_down_to(pid_t broker, int target)
{
  long long t0 = harness_now_ms();
  int n;

  while ((n = procfs_fd_count(broker)) > target &&
         harness_now_ms() - t0 < harness_bound_ms(BOUND_MS))
    harness_sleep_ms(10);
  return n;
}

/* One of each way a connection comes and goes without a process behind
 * it: a connect that says nothing, a hello that goes, a control request,
 * a frame cut short. */
static void
connect_and_leave_raw(void)
{
  struct xous_wire_frame f = raw_frame(XOUS_WIRE_CTL);
  struct raw_session s;
  int fd;

  close(harness_raw_connect());

  s = raw_session("lc-fd-churn");
  raw_close(&s);

  fd = harness_raw_connect();
  f.w[0] = XOUS_CTL_PS;
  ck_assert_int_eq(raw_send(fd, &f, sizeof f), 0);
  ck_assert_int_eq(raw_recv(fd, &f, harness_bound_ms(RAW_BOUND_MS)), 1);
  close(fd);

  fd = harness_raw_connect();
  raw_send(fd, &f, sizeof f / 2);
  close(fd);
}

START_TEST(lifecycle_connects_and_disconnects_leave_the_broker_its_descriptors)
{
  pid_t broker = harness_start_broker(), client;
  int before, after, st;

  start_peer_server("echo-server", "xtest-lc-fds-srv");
  before = procfs_fd_count(broker);
  for (int round = 0; round < 200; round++) {
    connect_and_leave_raw();
    if (round % 10 != 0)
      continue;
    /* A real process: its hello, its threads, its direct ring. */
    client = harness_peer("client", "xtest-lc-fds-srv", "scalars", "3", NULL);
    ck_assert_msg(harness_wait(client, harness_bound_ms(BOUND_MS), &st),
                  "a client of the echo server still runs after %d ms",
                  harness_bound_ms(BOUND_MS));
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
                  "a client of the echo server ended with %s",
                  status_text(st));
  }
  after = broker_fds_down_to(broker, before);
  ck_assert_msg(after <= before,
                "xousd holds %d descriptors after 200 rounds of connects "
                "and disconnects, %d before them",
                after, before);
  harness_assert_broker_alive();
}
END_TEST

/* ==== the suite ============================================================= */

int
main(void)
{
  const struct harness_case cases[] = {
    { "lifecycle", 30, HARNESS_NOTHING,
      .tests = HARNESS_TESTS(
          lifecycle_sigterm_stops_the_broker_and_removes_its_socket,
          lifecycle_shutdown_makes_the_broker_exit_and_remove_its_socket,
          lifecycle_the_default_socket_lives_in_a_private_directory,
          lifecycle_an_open_xous_socket_directory_is_made_private,
          lifecycle_a_socket_in_a_directory_others_can_enter_is_refused,
          lifecycle_a_second_broker_on_the_same_socket_refuses_to_start,
          lifecycle_a_stale_socket_file_is_cleaned_at_start) },
    /* 200 rounds of connections and 20 processes: a case of its own, so
     * that a slow run does not take the time of the tests above. */
    { "descriptors", 60, HARNESS_NOTHING,
      .tests = HARNESS_TESTS(
          lifecycle_connects_and_disconnects_leave_the_broker_its_descriptors) },
  };

  return harness_run(harness_suite("lifecycle", cases));
}
