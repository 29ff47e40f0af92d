/*
 * libxous-test (<xous/test.h>): a private system of real processes, its
 * programs' output, virtual time and injected failures, tested through
 * the public API only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include <xous.h>
#include <xous/names.h>
#include <xous/test.h>

#define BOUND_MS 10000

/* examples/counter's protocol (examples/counter/counter.h). */
#define COUNTER_NAME "counter"
#define COUNTER_GET 2
#define COUNTER_ADD_AND_GET 3

static char server_path[4096], client_path[4096], sleeper_path[4096];
static char xousctl_path[4096];

static void
find_programs(void)
{
  const char *b = getenv("XOUS_BUILDDIR");

  if (b == NULL || b[0] == '\0')
    b = ".";
  snprintf(server_path, sizeof server_path,
           "%s/examples/counter/counter-server", b);
  snprintf(client_path, sizeof client_path,
           "%s/examples/counter/counter-client", b);
  snprintf(sleeper_path, sizeof sleeper_path, "%s/tests/helpers/xtest-sleeper",
           b);
  snprintf(xousctl_path, sizeof xousctl_path, "%s/xousctl", b);
}

static xous_test_t *
start(bool virtual_time)
{
  xous_test_options_t opt = { .virtual_time = virtual_time };
  xous_test_t *t = NULL;

  ck_assert_int_eq(xous_test_start(&opt, &t), XOUS_OK);
  ck_assert_ptr_nonnull(t);
  return t;
}

/* The system of a test of the "real clock" and "virtual time" cases: each
 * starts with one of its own and stops it at its end. */
static xous_test_t *sys;

static void
start_real_clock(void)
{
  sys = start(false);
}

static void
start_virtual_time(void)
{
  sys = start(true);
}

static void
stop_system(void)
{
  xous_test_stop(sys);
  sys = NULL;
}

static xous_test_proc_t *
counter_server(xous_test_t *t)
{
  const char *argv[] = { server_path, NULL };
  xous_test_proc_t *p = NULL;

  ck_assert_int_eq(xous_test_spawn(t, argv, &p), XOUS_OK);
  ck_assert_int_eq(xous_test_wait_name(t, COUNTER_NAME, BOUND_MS), XOUS_OK);
  return p;
}

/* ---- the system ------------------------------------------------------------ */

START_TEST(testkit_stop_leaves_no_process_socket_or_directory)
{
  xous_test_t *t = start(false);
  char dir[4096], sock[4096];
  struct stat st;
  int status;

  snprintf(dir, sizeof dir, "%s", xous_test_dir(t));
  snprintf(sock, sizeof sock, "%s", xous_test_socket(t));
  ck_assert_int_eq(stat(sock, &st), 0);
  ck_assert(S_ISSOCK(st.st_mode));
  ck_assert_str_eq(getenv("XOUS_SOCKET"), sock);
  counter_server(t);
  xous_test_stop(t);
  ck_assert_int_ne(stat(dir, &st), 0);
  ck_assert_int_eq(errno, ENOENT);
  /* Every child has ended and been reaped. */
  ck_assert_int_eq(waitpid(-1, &status, WNOHANG), -1);
  ck_assert_int_eq(errno, ECHILD);
  ck_assert_ptr_null(getenv("XOUS_SOCKET"));
}
END_TEST

START_TEST(testkit_a_second_system_follows_the_first_in_one_process)
{
  for (int round = 0; round < 2; round++) {
    xous_test_t *t = start(false);
    xous_word_t ret[5];
    xous_cid_t cid;

    counter_server(t);
    ck_assert_int_eq(xous_names_connect(COUNTER_NAME, &cid), XOUS_OK);
    ck_assert_int_eq(xous_blocking_scalar(cid, COUNTER_ADD_AND_GET, 7, 0, 0, 0,
                                          ret),
                     XOUS_OK);
    ck_assert_uint_eq(ret[0], 7);
    xous_test_stop(t);
  }
}
END_TEST

START_TEST(testkit_a_test_that_exits_without_stop_leaves_nothing)
{
  char dir[256] = "";
  struct stat st;
  int fds[2], status;
  pid_t pid;

  ck_assert_int_eq(pipe(fds), 0);
  pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    xous_test_t *t = NULL;

    close(fds[0]);
    if (xous_test_start(NULL, &t) != XOUS_OK)
      _exit(2);
    counter_server(t);
    if (write(fds[1], xous_test_dir(t), strlen(xous_test_dir(t))) < 0)
      _exit(3);
    exit(1); /* as a failed assertion does */
  }
  close(fds[1]);
  ck_assert_int_gt(read(fds[0], dir, sizeof dir - 1), 0);
  close(fds[0]);
  ck_assert_int_eq(waitpid(pid, &status, 0), pid);
  ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1);
  ck_assert_int_ne(stat(dir, &st), 0);
  ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(testkit_start_twice_is_refused)
{
  xous_test_t *t = start(false), *u = NULL;

  ck_assert_int_eq(xous_test_start(NULL, &u), XOUS_SERVER_EXISTS);
  ck_assert_ptr_null(u);
  xous_test_stop(t);
}
END_TEST

START_TEST(testkit_no_names_starts_without_the_name_server)
{
  xous_test_options_t opt = { .no_names = true, .no_log = true };
  xous_test_t *t = NULL;

  ck_assert_int_eq(xous_test_start(&opt, &t), XOUS_OK);
  ck_assert_int_eq(xous_test_wait_name(t, COUNTER_NAME, 50), XOUS_UNAVAILABLE);
  xous_test_stop(t);
}
END_TEST

/* ---- processes ------------------------------------------------------------- */

START_TEST(testkit_spawned_server_answers_once_its_name_is_registered)
{
  xous_test_proc_t *p = counter_server(sys);
  xous_word_t ret[5];
  xous_cid_t cid;
  xous_pid_t pid = 0;
  char line[256];

  ck_assert_int_eq(xous_names_connect(COUNTER_NAME, &cid), XOUS_OK);
  ck_assert_int_eq(xous_blocking_scalar(cid, COUNTER_ADD_AND_GET, 5, 0, 0, 0,
                                        ret),
                   XOUS_OK);
  ck_assert_uint_eq(ret[0], 5);
  ck_assert_int_eq(xous_test_pid(p, BOUND_MS, &pid), XOUS_OK);
  ck_assert_int_eq(xous_test_line(p, 0, line, sizeof line, BOUND_MS), XOUS_OK);
  ck_assert_msg(strstr(line, "registered") != NULL, "line: %s", line);
  ck_assert_int_gt(xous_test_os_pid(p), 0);
}
END_TEST

START_TEST(testkit_wait_name_times_out_for_a_name_nobody_registers)
{
  ck_assert_int_eq(xous_test_wait_name(sys, "nobody-has-this", 20),
                   XOUS_TIMEOUT);
}
END_TEST

START_TEST(testkit_killed_server_gives_its_waiting_client_an_error)
{
  xous_test_proc_t *server = counter_server(sys), *client = NULL;
  const char *argv[] = { client_path, NULL };
  char line[256];
  int code = -1;

  /* A paused server cannot answer: the client is left in its call. */
  ck_assert_int_eq(xous_test_pause(server), XOUS_OK);
  ck_assert_int_eq(xous_test_spawn(sys, argv, &client), XOUS_OK);
  ck_assert_int_eq(xous_test_line(client, 0, line, sizeof line, BOUND_MS),
                   XOUS_OK);
  ck_assert_int_eq(xous_test_kill(server), XOUS_OK);
  ck_assert_int_eq(xous_test_wait(server, BOUND_MS, &code), XOUS_OK);
  ck_assert_int_eq(code, 128 + 9);
  ck_assert_int_eq(xous_test_wait(client, BOUND_MS, &code), XOUS_OK);
  ck_assert_int_eq(code, 1);
  ck_assert_int_eq(xous_test_line(client, 1, line, sizeof line, BOUND_MS),
                   XOUS_OK);
  ck_assert_msg(strstr(line, "did not answer") != NULL, "line: %s", line);
  ck_assert_int_eq(xous_test_kill(server), XOUS_PROCESS_TERMINATED);
}
END_TEST

START_TEST(testkit_wait_reports_the_exit_status)
{
  const char *argv[] = { "sh", "-c", "echo one; echo two; exit 3", NULL };
  xous_test_proc_t *p = NULL;
  int code = -1;
  char *out;

  ck_assert_int_eq(xous_test_spawn(sys, argv, &p), XOUS_OK);
  ck_assert_int_eq(xous_test_wait(p, BOUND_MS, &code), XOUS_OK);
  ck_assert_int_eq(code, 3);
  ck_assert(!xous_test_running(p));
  ck_assert_int_eq(xous_test_wait_line(p, "two", BOUND_MS), XOUS_OK);
  ck_assert_uint_eq(xous_test_line_count(p), 2);
  out = xous_test_output(p);
  ck_assert_str_eq(out, "one\ntwo\n");
  free(out);
}
END_TEST

START_TEST(testkit_spawn_of_a_missing_program_is_not_found)
{
  const char *argv[] = { "/nonexistent/program", NULL };
  xous_test_proc_t *p = NULL;

  ck_assert_int_eq(xous_test_spawn(sys, argv, &p), XOUS_NOT_FOUND);
}
END_TEST

/* A child spawned without a handle is still the system's: it runs, and
 * joins the broker as any other. */
START_TEST(testkit_spawn_without_a_handle_still_starts_the_program)
{
  const char *argv[] = { server_path, NULL };

  ck_assert_int_eq(xous_test_spawn(sys, argv, NULL), XOUS_OK);
  ck_assert_int_eq(xous_test_wait_name(sys, COUNTER_NAME, BOUND_MS), XOUS_OK);
}
END_TEST

/* ---- virtual time ---------------------------------------------------------- */

START_TEST(testkit_virtual_hour_long_sleep_ends_on_advance)
{
  const char *argv[] = { sleeper_path, "3600000", NULL };
  xous_test_proc_t *p = NULL;
  uint64_t now = 1;
  int code = -1;

  ck_assert_int_eq(xous_test_elapsed_ms(sys, &now), XOUS_OK);
  ck_assert_uint_eq(now, 0);
  ck_assert_int_eq(xous_test_spawn(sys, argv, &p), XOUS_OK);
  ck_assert_int_eq(xous_test_wait_line(p, "start 0", BOUND_MS), XOUS_OK);
  ck_assert_int_eq(xous_test_wait_sleepers(sys, 1, BOUND_MS), XOUS_OK);
  /* One millisecond short: nothing falls due. */
  ck_assert_int_eq(xous_test_advance_ms(sys, 3599999), XOUS_OK);
  ck_assert_int_eq(xous_test_wait_sleepers(sys, 1, 0), XOUS_OK);
  ck_assert(xous_test_running(p));
  ck_assert_int_eq(xous_test_advance_ms(sys, 1), XOUS_OK);
  ck_assert_int_eq(xous_test_wait_line(p, "woke 3600000", BOUND_MS), XOUS_OK);
  ck_assert_int_eq(xous_test_wait(p, BOUND_MS, &code), XOUS_OK);
  ck_assert_int_eq(code, 0);
}
END_TEST

START_TEST(testkit_advance_wakes_only_the_sleeps_that_fall_due)
{
  const char *a[] = { sleeper_path, "200", NULL };
  const char *b[] = { sleeper_path, "300", NULL };
  const char *c[] = { sleeper_path, "--cond", "250", NULL };
  xous_test_proc_t *pa = NULL, *pb = NULL, *pc = NULL;
  uint64_t now = 0;

  ck_assert_int_eq(xous_test_spawn(sys, a, &pa), XOUS_OK);
  ck_assert_int_eq(xous_test_wait_sleepers(sys, 1, BOUND_MS), XOUS_OK);
  ck_assert_int_eq(xous_test_spawn(sys, b, &pb), XOUS_OK);
  ck_assert_int_eq(xous_test_wait_sleepers(sys, 2, BOUND_MS), XOUS_OK);
  ck_assert_int_eq(xous_test_spawn(sys, c, &pc), XOUS_OK);
  ck_assert_int_eq(xous_test_wait_sleepers(sys, 3, BOUND_MS), XOUS_OK);

  ck_assert_int_eq(xous_test_advance_ms(sys, 220), XOUS_OK);
  ck_assert_int_eq(xous_test_wait_line(pa, "woke 220", BOUND_MS), XOUS_OK);
  ck_assert_int_eq(xous_test_wait(pa, BOUND_MS, NULL), XOUS_OK);
  ck_assert(xous_test_running(pb));
  ck_assert(xous_test_running(pc));
  ck_assert_int_eq(xous_test_advance_ms(sys, 30), XOUS_OK);
  ck_assert_int_eq(xous_test_wait_line(pc, "timed out 250", BOUND_MS),
                   XOUS_OK);
  ck_assert(xous_test_running(pb));
  ck_assert_int_eq(xous_test_advance_ms(sys, 50), XOUS_OK);
  ck_assert_int_eq(xous_test_wait_line(pb, "woke 300", BOUND_MS), XOUS_OK);
  ck_assert_int_eq(xous_test_elapsed_ms(sys, &now), XOUS_OK);
  ck_assert_uint_eq(now, 300);
}
END_TEST

START_TEST(testkit_advance_without_virtual_time_is_unavailable)
{
  ck_assert_int_eq(xous_test_advance_ms(sys, 10), XOUS_UNAVAILABLE);
}
END_TEST

/* ---- faults ---------------------------------------------------------------- */

START_TEST(testkit_fail_call_fails_the_nth_direct_send_only)
{
  xous_word_t ret[5];
  xous_cid_t cid;

  counter_server(sys);
  ck_assert_int_eq(xous_names_connect(COUNTER_NAME, &cid), XOUS_OK);
  ck_assert_int_eq(xous_test_fail_call(sys, xous_get_process_id(),
                                       XOUS_SYSCALL_SEND_MESSAGE, 2,
                                       XOUS_SERVER_QUEUE_FULL),
                   XOUS_OK);
  ck_assert_int_eq(xous_blocking_scalar(cid, COUNTER_ADD_AND_GET, 1, 0, 0, 0,
                                        ret),
                   XOUS_OK);
  ck_assert_int_eq(xous_blocking_scalar(cid, COUNTER_ADD_AND_GET, 1, 0, 0, 0,
                                        ret),
                   XOUS_SERVER_QUEUE_FULL);
  ck_assert_int_eq(xous_blocking_scalar(cid, COUNTER_ADD_AND_GET, 1, 0, 0, 0,
                                        ret),
                   XOUS_OK);
  /* The failed call never reached the server. */
  ck_assert_uint_eq(ret[0], 2);
}
END_TEST

START_TEST(testkit_fail_call_of_any_process_fails_every_connect)
{
  xous_cid_t cid;

  ck_assert_int_eq(xous_test_fail_call(sys, 0, XOUS_SYSCALL_TRY_CONNECT, 0,
                                       XOUS_ACCESS_DENIED),
                   XOUS_OK);
  for (int i = 0; i < 3; i++)
    ck_assert_int_eq(xous_try_connect(xous_sid_from_name("ticktimer-server"),
                                      &cid),
                     XOUS_ACCESS_DENIED);
  ck_assert_int_eq(xous_test_clear_faults(sys), XOUS_OK);
  ck_assert_int_eq(xous_try_connect(xous_sid_from_name("ticktimer-server"),
                                    &cid),
                   XOUS_OK);
}
END_TEST

START_TEST(testkit_fail_call_refuses_no_error_and_unlisted_calls_or_errors)
{
  ck_assert_int_eq(xous_test_fail_call(sys, 0, XOUS_SYSCALL_CONNECT, 1,
                                       XOUS_OK),
                   XOUS_INVALID_ARGUMENT);
  /* 1 and 47 are no call of the ABI's; 40 is past its last error. */
  ck_assert_int_eq(xous_test_fail_call(sys, 0, 1, 1, XOUS_ACCESS_DENIED),
                   XOUS_INVALID_ARGUMENT);
  ck_assert_int_eq(xous_test_fail_call(sys, 0, 47, 1, XOUS_ACCESS_DENIED),
                   XOUS_INVALID_ARGUMENT);
  ck_assert_int_eq(xous_test_fail_call(sys, 0, XOUS_SYSCALL_CONNECT, 1,
                                       XOUS_ERROR_COUNT),
                   XOUS_INVALID_ARGUMENT);
  /* The last of each is a rule. */
  ck_assert_int_eq(xous_test_fail_call(sys, 0, XOUS_SYSCALL_PLATFORM_SPECIFIC,
                                       1, XOUS_SECURITY_ERROR),
                   XOUS_OK);
  ck_assert_int_eq(xous_test_clear_faults(sys), XOUS_OK);
}
END_TEST

START_TEST(testkit_terminate_is_an_orderly_exit)
{
  const char *argv[] = { sleeper_path, "3600000", NULL };
  xous_test_proc_t *p = NULL;
  int code = -1;

  ck_assert_int_eq(xous_test_spawn(sys, argv, &p), XOUS_OK);
  ck_assert_int_eq(xous_test_wait_sleepers(sys, 1, BOUND_MS), XOUS_OK);
  ck_assert_int_eq(xous_test_terminate(p), XOUS_OK);
  ck_assert_int_eq(xous_test_wait(p, BOUND_MS, &code), XOUS_OK);
  ck_assert_int_eq(code, 128 + 15);
  /* Its atexit handler ran: libxous turned SIGTERM into exit(). */
  ck_assert_int_eq(xous_test_wait_line(p, "exit", BOUND_MS), XOUS_OK);
}
END_TEST

/* ---- xousctl on a test system --------------------------------------------- */

static xous_test_proc_t *
xousctl(xous_test_t *t, const char *a, const char *b, const char *c,
        const char *d, const char *e)
{
  const char *argv[] = {
    xousctl_path, "--socket", xous_test_socket(t), a, b, c, d, e, NULL
  };
  xous_test_proc_t *p = NULL;

  ck_assert_int_eq(xous_test_spawn(t, argv, &p), XOUS_OK);
  return p;
}

START_TEST(testkit_xousctl_time_advance_moves_the_virtual_clock)
{
  const char *argv[] = { sleeper_path, "1500", NULL };
  xous_test_proc_t *p = NULL, *ctl;
  int code = -1;

  ck_assert_int_eq(xous_test_spawn(sys, argv, &p), XOUS_OK);
  ck_assert_int_eq(xous_test_wait_sleepers(sys, 1, BOUND_MS), XOUS_OK);
  ctl = xousctl(sys, "time", "advance", "1500", NULL, NULL);
  ck_assert_int_eq(xous_test_wait(ctl, BOUND_MS, &code), XOUS_OK);
  ck_assert_int_eq(code, 0);
  ck_assert_int_eq(xous_test_wait_line(ctl, "1500", 0), XOUS_OK);
  ck_assert_int_eq(xous_test_wait_line(p, "woke 1500", BOUND_MS), XOUS_OK);
  ctl = xousctl(sys, "time", NULL, NULL, NULL, NULL);
  ck_assert_int_eq(xous_test_wait(ctl, BOUND_MS, &code), XOUS_OK);
  ck_assert_int_eq(xous_test_wait_line(ctl, "1500", 0), XOUS_OK);
}
END_TEST

START_TEST(testkit_xousctl_time_advance_refuses_a_real_clock)
{
  xous_test_proc_t *ctl = xousctl(sys, "time", "advance", "10", NULL, NULL);
  int code = -1;

  ck_assert_int_eq(xous_test_wait(ctl, BOUND_MS, &code), XOUS_OK);
  ck_assert_int_eq(code, 1);
}
END_TEST

START_TEST(testkit_xousctl_fail_sets_and_lists_rules)
{
  xous_test_proc_t *ctl;
  xous_cid_t cid;
  char *out;
  int code = -1;

  ctl = xousctl(sys, "fail", "0", "TryConnect", "1", "AccessDenied");
  ck_assert_int_eq(xous_test_wait(ctl, BOUND_MS, &code), XOUS_OK);
  ck_assert_int_eq(code, 0);
  ck_assert_int_eq(xous_try_connect(xous_sid_from_name("ticktimer-server"),
                                    &cid),
                   XOUS_ACCESS_DENIED);
  ck_assert_int_eq(xous_try_connect(xous_sid_from_name("ticktimer-server"),
                                    &cid),
                   XOUS_OK);
  ctl = xousctl(sys, "--json", "fail", NULL, NULL, NULL);
  ck_assert_int_eq(xous_test_wait(ctl, BOUND_MS, &code), XOUS_OK);
  ck_assert_int_eq(code, 0);
  out = xous_test_output(ctl);
  ck_assert_msg(strstr(out, "\"syscall\":25,\"nth\":1,\"error\":23") != NULL &&
                    strstr(out, "\"fired\":1") != NULL,
                "%s", out);
  free(out);
  ctl = xousctl(sys, "fail", "0", "NoSuchCall", "1", "AccessDenied");
  ck_assert_int_eq(xous_test_wait(ctl, BOUND_MS, &code), XOUS_OK);
  ck_assert_int_eq(code, 2);
}
END_TEST

START_TEST(testkit_injected_failures_are_in_the_trace)
{
  xous_test_proc_t *trace = xousctl(sys, "--json", "trace", NULL, NULL, NULL);
  bool seen = false;
  xous_cid_t cid;

  ck_assert_int_eq(xous_test_fail_call(sys, 0, XOUS_SYSCALL_TRY_CONNECT, 0,
                                       XOUS_ACCESS_DENIED),
                   XOUS_OK);
  /* Until the trace has subscribed, failures go unrecorded: keep failing. */
  for (time_t end = time(NULL) + BOUND_MS / 1000; !seen && time(NULL) < end;) {
    char *out;

    ck_assert_int_eq(xous_try_connect(xous_sid_from_name("ticktimer-server"),
                                      &cid),
                     XOUS_ACCESS_DENIED);
    out = xous_test_output(trace);
    seen = strstr(out, "\"ev\":\"fault\"") != NULL &&
           strstr(out, "\"error_name\":\"AccessDenied\"") != NULL;
    free(out);
  }
  ck_assert(seen);
}
END_TEST

START_TEST(testkit_trace_shows_what_a_server_received_from_whom)
{
  xous_test_proc_t *server = counter_server(sys);
  const char *fault[] = { "\"ev\":\"fault\"", "\"syscall\":25,", NULL };
  xous_pid_t server_pid = 0, me = xous_get_process_id();
  xous_word_t ret[5];
  xous_cid_t cid;
  char *text;

  ck_assert_int_eq(xous_test_pid(server, BOUND_MS, &server_pid), XOUS_OK);
  ck_assert_int_eq(xous_names_connect(COUNTER_NAME, &cid), XOUS_OK);
  ck_assert_int_eq(xous_test_trace_start(sys), XOUS_OK);
  ck_assert_int_eq(xous_blocking_scalar(cid, COUNTER_ADD_AND_GET, 3, 0, 0, 0,
                                        ret),
                   XOUS_OK);
  ck_assert_int_eq(xous_test_wait_received(sys, server_pid,
                                           COUNTER_ADD_AND_GET, me, BOUND_MS),
                   XOUS_OK);
  /* Nobody sent opcode 77. */
  ck_assert_int_eq(xous_test_wait_received(sys, server_pid, 77, 0, 0),
                   XOUS_TIMEOUT);
  ck_assert_int_eq(xous_test_fail_call(sys, me, XOUS_SYSCALL_TRY_CONNECT, 1,
                                       XOUS_ACCESS_DENIED),
                   XOUS_OK);
  ck_assert_int_eq(xous_try_connect(xous_sid_from_name("ticktimer-server"),
                                    &cid),
                   XOUS_ACCESS_DENIED);
  ck_assert_int_eq(xous_test_wait_trace(sys, fault, BOUND_MS), XOUS_OK);
  text = xous_test_trace(sys);
  ck_assert_ptr_nonnull(strstr(text, "\"ev\":\"reply\""));
  free(text);
}
END_TEST

START_TEST(
    testkit_dropped_answers_leave_the_client_waiting_until_the_server_dies)
{
  xous_test_proc_t *server = counter_server(sys), *client = NULL;
  const char *argv[] = { client_path, NULL };
  const char *dropped[] = { "\"ev\":\"drop\"", NULL };
  xous_pid_t server_pid = 0;
  char line[256];
  int code = -1;

  ck_assert_int_eq(xous_test_pid(server, BOUND_MS, &server_pid), XOUS_OK);
  ck_assert_int_eq(xous_test_trace_start(sys), XOUS_OK);
  ck_assert_int_eq(xous_test_drop_answers(sys, server_pid), XOUS_OK);
  ck_assert_int_eq(xous_test_spawn(sys, argv, &client), XOUS_OK);
  /* The server answered the client's get; the answer went nowhere. */
  ck_assert_int_eq(xous_test_wait_trace(sys, dropped, BOUND_MS), XOUS_OK);
  ck_assert(xous_test_running(client));
  ck_assert_int_eq(xous_test_kill(server), XOUS_OK);
  ck_assert_int_eq(xous_test_wait(client, BOUND_MS, &code), XOUS_OK);
  ck_assert_int_eq(code, 1);
  ck_assert_int_eq(xous_test_line(client, 1, line, sizeof line, BOUND_MS),
                   XOUS_OK);
  ck_assert_msg(strstr(line, "did not answer") != NULL, "line: %s", line);
}
END_TEST

START_TEST(testkit_delayed_answers_still_arrive)
{
  xous_test_proc_t *server = counter_server(sys);
  const char *delayed[] = { "\"ev\":\"delay\"", "\"ms\":50", NULL };
  xous_pid_t server_pid = 0;
  xous_word_t ret[5];
  xous_cid_t cid;

  ck_assert_int_eq(xous_test_pid(server, BOUND_MS, &server_pid), XOUS_OK);
  ck_assert_int_eq(xous_names_connect(COUNTER_NAME, &cid), XOUS_OK);
  ck_assert_int_eq(xous_test_trace_start(sys), XOUS_OK);
  ck_assert_int_eq(xous_test_delay_answers(sys, server_pid, 50), XOUS_OK);
  ck_assert_int_eq(xous_blocking_scalar(cid, COUNTER_ADD_AND_GET, 4, 0, 0, 0,
                                        ret),
                   XOUS_OK);
  ck_assert_uint_eq(ret[0], 4);
  /* The broker traced the delay before the answer; the trace reader
   * may take a moment to read it. */
  ck_assert_int_eq(xous_test_wait_trace(sys, delayed, BOUND_MS), XOUS_OK);
  ck_assert_int_eq(xous_test_delay_answers(sys, server_pid, 0), XOUS_OK);
  ck_assert_int_eq(xous_blocking_scalar(cid, COUNTER_ADD_AND_GET, 1, 0, 0, 0,
                                        ret),
                   XOUS_OK);
  ck_assert_uint_eq(ret[0], 5);
}
END_TEST

/* ---- seeded runs ----------------------------------------------------------- */

struct draws {
  xous_sid_t sid;           /* made by the broker for this process */
  xous_names_token_t token; /* made by xous-names */
};

static struct draws
one_seeded_run(uint64_t seed)
{
  xous_test_options_t opt = { .seed = seed };
  xous_test_t *t = NULL;
  struct draws d;
  xous_cid_t cid;

  memset(&d, 0, sizeof d);
  ck_assert_int_eq(xous_test_start(&opt, &t), XOUS_OK);
  ck_assert_int_eq(xous_names_register("seeded", 2, &d.sid), XOUS_OK);
  ck_assert_int_eq(xous_names_try_connect_token("seeded", &cid, &d.token),
                   XOUS_OK);
  xous_test_stop(t);
  return d;
}

START_TEST(testkit_same_seed_makes_the_same_sids_and_tokens)
{
  struct draws a = one_seeded_run(42), b = one_seeded_run(42);
  struct draws c = one_seeded_run(43);

  ck_assert_mem_eq(&a.sid, &b.sid, sizeof a.sid);
  ck_assert_mem_eq(&a.token, &b.token, sizeof a.token);
  ck_assert_mem_ne(&a.sid, &c.sid, sizeof a.sid);
  ck_assert_mem_ne(&a.token, &c.token, sizeof a.token);
}
END_TEST

static Suite *
testkit_suite(void)
{
  Suite *s = suite_create("testkit");
  TCase *tc = tcase_create("testkit");
  TCase *real = tcase_create("real clock");
  TCase *virt = tcase_create("virtual time");

  /* Tests that start and stop their systems themselves. */
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, testkit_stop_leaves_no_process_socket_or_directory);
  tcase_add_test(tc, testkit_a_second_system_follows_the_first_in_one_process);
  tcase_add_test(tc, testkit_start_twice_is_refused);
  tcase_add_test(tc, testkit_a_test_that_exits_without_stop_leaves_nothing);
  tcase_add_test(tc, testkit_no_names_starts_without_the_name_server);
  tcase_add_test(tc, testkit_same_seed_makes_the_same_sids_and_tokens);
  suite_add_tcase(s, tc);

  tcase_set_timeout(real, 60);
  tcase_add_checked_fixture(real, start_real_clock, stop_system);
  tcase_add_test(real,
                 testkit_spawned_server_answers_once_its_name_is_registered);
  tcase_add_test(real,
                 testkit_wait_name_times_out_for_a_name_nobody_registers);
  tcase_add_test(real,
                 testkit_killed_server_gives_its_waiting_client_an_error);
  tcase_add_test(real, testkit_wait_reports_the_exit_status);
  tcase_add_test(real, testkit_spawn_of_a_missing_program_is_not_found);
  tcase_add_test(real,
                 testkit_spawn_without_a_handle_still_starts_the_program);
  tcase_add_test(real, testkit_advance_without_virtual_time_is_unavailable);
  tcase_add_test(real, testkit_fail_call_fails_the_nth_direct_send_only);
  tcase_add_test(real, testkit_fail_call_of_any_process_fails_every_connect);
  tcase_add_test(
      real, testkit_fail_call_refuses_no_error_and_unlisted_calls_or_errors);
  tcase_add_test(real, testkit_xousctl_time_advance_refuses_a_real_clock);
  tcase_add_test(real, testkit_xousctl_fail_sets_and_lists_rules);
  tcase_add_test(real, testkit_injected_failures_are_in_the_trace);
  tcase_add_test(real, testkit_trace_shows_what_a_server_received_from_whom);
  tcase_add_test(
      real,
      testkit_dropped_answers_leave_the_client_waiting_until_the_server_dies);
  tcase_add_test(real, testkit_delayed_answers_still_arrive);
  suite_add_tcase(s, real);

  tcase_set_timeout(virt, 60);
  tcase_add_checked_fixture(virt, start_virtual_time, stop_system);
  tcase_add_test(virt, testkit_virtual_hour_long_sleep_ends_on_advance);
  tcase_add_test(virt, testkit_advance_wakes_only_the_sleeps_that_fall_due);
  tcase_add_test(virt, testkit_terminate_is_an_orderly_exit);
  tcase_add_test(virt, testkit_xousctl_time_advance_moves_the_virtual_clock);
  suite_add_tcase(s, virt);
  return s;
}

int
main(void)
{
  SRunner *sr;
  int failed;

  find_programs();
  sr = srunner_create(testkit_suite());
  srunner_set_fork_status(sr, CK_FORK);
  srunner_run_all(sr, CK_ENV);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
