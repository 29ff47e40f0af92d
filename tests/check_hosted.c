/*
 * Integration tests of the hosted-mode listener: programs that speak the
 * Xous hosted-mode TCP protocol (as Rust programs built with the xous
 * crate do) join a real xousd started with --hosted, and talk to C
 * servers and C clients, and to each other.
 *
 * The hosted side is tests/helpers/hosted-peer, which speaks the client
 * side of the protocol from the specification (XOUS-WIRE.md section 7);
 * the C side is xtest-peer, mem-peer and the examples. Every wait is
 * bounded and nothing here asserts how long anything took.
 */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>

#include <xous.h>

#include "support/expect.h"
#include "support/harness.h"
#include "support/json.h"

#define BOUND_MS 10000
#define HOSTED "tests/helpers/hosted-peer"
#define MEM "tests/helpers/mem-peer"
#define C_SERVER "c-echo-server-01"
#define H_SERVER "hosted-server-01"

/* ==== helpers =============================================================== */

/* Starts xousd with the hosted listener on a free loopback port. */
static void
start_broker(void)
{
  static const char *const args[] = { "--hosted", "127.0.0.1:0", NULL };

  setenv("XOUS_SOCKET", harness_socket_path(), 1);
  harness_start_broker_with(harness_socket_path(), args);
}

/* Runs xousctl with args (NULL terminated) and returns its output. */
static char *
xousctl(const char *const args[])
{
  const char *argv[8] = { "--socket", harness_socket_path() };
  pid_t pid;
  int st, n = 2;
  char *out;

  for (int i = 0; args[i] != NULL && n < 7; i++)
    argv[n++] = args[i];
  argv[n] = NULL;
  pid = harness_spawn_argv("xousctl", argv);
  ck_assert_msg(harness_wait(pid, BOUND_MS, &st), "xousctl did not end");
  out = harness_output(pid);
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "xousctl %s failed: %s",
                args[0], out);
  return out;
}

/* The value of VAR= in text, copied into buf. */
static void
var_of(const char *text, const char *var, char *buf, size_t size)
{
  const char *p = strstr(text, var);
  size_t n;

  ck_assert_msg(p != NULL, "no %s in: %s", var, text);
  p += strlen(var);
  n = strcspn(p, "\n");
  ck_assert(n < size);
  memcpy(buf, p, n);
  buf[n] = '\0';
}

/* Reserves a PID and key with `xousctl hosted-env` and puts the three
 * variables in our environment, for the next peer we start. Returns the
 * PID. */
static unsigned
reserve(const char *name)
{
  const char *args[] = { "hosted-env", "--name", name, NULL };
  char *out = xousctl(args);
  char v[128];
  unsigned pid;

  var_of(out, "XOUS_SERVER=", v, sizeof v);
  ck_assert_msg(strncmp(v, "127.0.0.1:", 10) == 0 && atoi(v + 10) > 0,
                "XOUS_SERVER=%s", v);
  setenv("XOUS_SERVER", v, 1);
  var_of(out, "XOUS_PID=", v, sizeof v);
  pid = (unsigned)atoi(v);
  ck_assert_uint_ge(pid, 2);
  setenv("XOUS_PID", v, 1);
  var_of(out, "XOUS_PROCESS_KEY=", v, sizeof v);
  ck_assert_uint_eq(strlen(v), 32);
  setenv("XOUS_PROCESS_KEY", v, 1);
  free(out);
  return pid;
}

/* Starts a hosted peer with a fresh reservation. */
static pid_t
hosted(const char *name, const char *const args[])
{
  const char *argv[12];
  int n = 0;

  reserve(name);
  while (args[n] != NULL && n < 11) {
    argv[n] = args[n];
    n++;
  }
  argv[n] = NULL;
  return harness_spawn_argv(HOSTED, argv);
}

static pid_t
c_echo_server(const char *name)
{
  pid_t pid = harness_peer("echo-server", name, NULL);

  expect_line(pid, "ready", BOUND_MS);
  return pid;
}

/* Starts a hosted peer as hosted() does and waits until it prints line. */
static pid_t
hosted_saying(const char *name, const char *const args[], const char *line)
{
  pid_t pid = hosted(name, args);

  expect_line(pid, line, BOUND_MS);
  return pid;
}

static pid_t
hosted_echo_server(const char *name, bool rarn)
{
  const char *args[] = { "echo-server", name, rarn ? "rarn" : NULL, NULL };
  pid_t pid = hosted("hosted-server", args);

  expect_line(pid, "ready", BOUND_MS);
  return pid;
}

/* Starts the example server prog and waits for its first line: it has
 * registered its name. */
static pid_t
example_server(const char *prog)
{
  pid_t pid = harness_spawn(prog, NULL);

  expect_nth_line(pid, 0, BOUND_MS);
  return pid;
}

/* The ps entry of PID pid, summed up as "NAME STATE hosted|native CONNS",
 * or NULL when there is none. */
static char *
ps_entry(unsigned pid)
{
  const char *args[] = { "--json", "ps", NULL };
  char *out = xousctl(args), *found = NULL;
  struct jval root;

  ck_assert_msg(jvalid(out, &root) && root.type == J_ARR, "%s", out);
  for (size_t i = 0; i < root.count; i++) {
    const struct jval *e = &root.items[i], *name = jget(e, "name"),
                      *state = jget(e, "state"), *h = jget(e, "hosted");

    if (jnum(jget(e, "pid")) != (long)pid || name == NULL || state == NULL)
      continue;
    ck_assert(asprintf(&found, "%.*s %.*s %s %ld", (int)name->len, name->s,
                       (int)state->len, state->s,
                       h != NULL && h->type == J_BOOL && h->num != 0
                           ? "hosted"
                           : "native",
                       jnum(jget(e, "connections"))) > 0);
  }
  jfree(&root);
  free(out);
  return found;
}

/* Waits until PID pid is gone from ps. */
static void
expect_gone(unsigned pid)
{
  long long end = harness_now_ms() + BOUND_MS;
  char *e;

  while ((e = ps_entry(pid)) != NULL && harness_now_ms() < end) {
    free(e);
    harness_sleep_ms(20);
  }
  ck_assert_msg(e == NULL, "process %u is still there: %s", pid, e);
}

/* ==== Rust client, C server ================================================= */

START_TEST(hosted_a_hosted_client_calls_a_c_server_with_every_scalar_kind)
{
  pid_t a, b, c;

  c_echo_server(C_SERVER);
  a = hosted_saying("scalars",
                    (const char *[]){ "client", C_SERVER, "call", "1", "2",
                                      "3", "4", "5", NULL },
                    "NoError 14 0 0 0 0");
  b = hosted_saying("scalar5",
                    (const char *[]){ "client", C_SERVER, "call", "5", "1",
                                      "2", "3", "4", NULL },
                    "NoError 1 2 3 4 5");
  c = hosted_saying("many",
                    (const char *[]){ "client", C_SERVER, "scalars", "300",
                                      NULL },
                    "sum 10");
  expect_exit(a, 0, BOUND_MS);
  expect_exit(b, 0, BOUND_MS);
  expect_exit(c, 0, BOUND_MS);
}
END_TEST

START_TEST(hosted_a_c_server_sees_the_hosted_clients_reserved_pid)
{
  unsigned pid;
  pid_t p;
  char line[64];

  c_echo_server(C_SERVER);
  pid = reserve("sender");
  p = harness_spawn(HOSTED, "client", C_SERVER, "call", "8", NULL);
  snprintf(line, sizeof line, "NoError %u 0 0 0 0", pid);
  expect_line(p, line, BOUND_MS);
}
END_TEST

START_TEST(hosted_a_hosted_mutable_lend_comes_back_changed_by_the_c_server)
{
  pid_t p;

  example_server("examples/upper/upper-server");
  /* Not a page multiple: the server sees whole pages, the client its own
   * bytes. */
  p = hosted_saying("upper", (const char *[]){ "upper", "hello, rust", NULL },
                    "upper HELLO, RUST");
  expect_exit(p, 0, BOUND_MS);
}
END_TEST

START_TEST(hosted_a_hosted_borrow_comes_back_with_its_original_bytes)
{
  pid_t p, q;

  c_echo_server(C_SERVER);
  p = hosted_saying("lend",
                    (const char *[]){ "client", C_SERVER, "lend", "read only",
                                      NULL },
                    "NoError 0 0 same");
  q = hosted_saying("move",
                    (const char *[]){ "client", C_SERVER, "move", "10000",
                                      NULL },
                    "NoError");
  expect_exit(p, 0, BOUND_MS);
  expect_exit(q, 0, BOUND_MS);
}
END_TEST

START_TEST(hosted_a_hosted_peer_drives_the_hello_example)
{
  pid_t server, p;
  char line[64];
  unsigned pid;

  server = example_server("examples/hello/hello-server");
  pid = reserve("hello-rs");
  p = harness_spawn(HOSTED, "hello", NULL);
  expect_line(p, "sum 14", BOUND_MS);
  snprintf(line, sizeof line, "hello-server: hello, process %u (greeting #7)",
           pid);
  expect_line(server, line, BOUND_MS);
  snprintf(line, sizeof line, "uptime 3 from %u", pid);
  expect_line(p, line, BOUND_MS);
}
END_TEST

START_TEST(hosted_a_hosted_peer_finds_the_counter_example_through_xous_names)
{
  harness_spawn("xous-names", NULL);
  example_server("examples/counter/counter-server");
  hosted_saying("counter-rs", (const char *[]){ "counter", "5", NULL },
                "counter 5");
  hosted_saying("counter-rs", (const char *[]){ "counter", "7", NULL },
                "counter 12");
}
END_TEST

/* ==== C client, Rust server ================================================= */

START_TEST(hosted_a_c_client_calls_a_hosted_server)
{
  pid_t a, b, c;
  char line[64];

  hosted_echo_server(H_SERVER, false);
  a = harness_peer("client", H_SERVER, "call", "1", "2", "3", "4", "5", NULL);
  expect_line(a, "NoError 14 0 0 0 0", BOUND_MS);
  b = harness_peer("client", H_SERVER, "call", "5", "1", "2", "3", "4", NULL);
  expect_line(b, "NoError 1 2 3 4 5", BOUND_MS);
  c = harness_peer("pid", NULL);
  ck_assert(harness_wait_nth_line(c, 0, line, sizeof line, BOUND_MS));
  c = harness_peer("client", H_SERVER, "scalars", "200", NULL);
  expect_line(c, "sum 10", BOUND_MS);
}
END_TEST

START_TEST(hosted_c_lends_to_a_hosted_server_come_back_as_it_wrote_them)
{
  pid_t server, p;

  server = hosted_echo_server("upper-example-sv", false);
  p = harness_spawn("examples/upper/upper-client", "make me loud", NULL);
  expect_line(p, "upper-client: MAKE ME LOUD", BOUND_MS);
  p = harness_spawn(MEM, "lend", "upper-example-sv", "lend-mut", "1", "2",
                    NULL);
  expect_line(p, "lend-mut NoError 0 8192", BOUND_MS);
  /* A Borrow: the offset the server answers is the sum of the bytes
   * ('a' x 4096, & 0xffff). */
  p = harness_spawn(MEM, "lend", "upper-example-sv", "lend", "1", "1", NULL);
  expect_line(p, "lend NoError 4096 4096", BOUND_MS);
  p = harness_spawn(MEM, "lend", "upper-example-sv", "send", "1", "3", NULL);
  expect_line(p, "send NoError 0 0", BOUND_MS);
  expect_line(server, "moved 12288 1191936", BOUND_MS);
}
END_TEST

START_TEST(hosted_a_hosted_server_answers_with_reply_and_receive_next)
{
  pid_t a, b, c;

  hosted_echo_server(H_SERVER, true);
  a = harness_peer("client", H_SERVER, "call", "1", "2", "3", "4", "5", NULL);
  expect_line(a, "NoError 14 0 0 0 0", BOUND_MS);
  b = harness_peer("client", H_SERVER, "call", "2", "7", "8", NULL);
  expect_line(b, "NoError 7 8 0 0 0", BOUND_MS);
  c = harness_peer("client", H_SERVER, "call", "5", "1", "2", "3", "4", NULL);
  expect_line(c, "NoError 1 2 3 4 5", BOUND_MS);
  c = harness_spawn(MEM, "lend", H_SERVER, "lend-mut", "1", "1", NULL);
  expect_line(c, "lend-mut NoError 0 4096", BOUND_MS);
  c = harness_spawn(MEM, "lend", H_SERVER, "lend", "1", "1", NULL);
  expect_line(c, "lend NoError 4096 4096", BOUND_MS);
}
END_TEST

/* ==== Rust and Rust ======================================================= */

START_TEST(hosted_two_hosted_programs_talk_through_the_broker)
{
  pid_t server;

  server = hosted_echo_server(H_SERVER, false);
  hosted_saying("c1",
                (const char *[]){ "client", H_SERVER, "call", "1", "10", "20",
                                  "30", "40", NULL },
                "NoError 100 0 0 0 0");
  hosted_saying("c2",
                (const char *[]){ "client", H_SERVER, "lend-mut",
                                  "quiet words", NULL },
                "NoError QUIET WORDS 0 11");
  hosted_saying("c3",
                (const char *[]){ "client", H_SERVER, "lend", "abc", NULL },
                "NoError 294 3 same");
  hosted_saying("c4", (const char *[]){ "threads", H_SERVER, "4", NULL },
                "threads ok");
  /* A hosted server sees a hosted client's own length, not whole pages
   * ('m' x 100 sums to 10900; 4093 leaves no room for the mark in its
   * page). */
  hosted_saying("c5",
                (const char *[]){ "client", H_SERVER, "move", "100", NULL },
                "NoError");
  expect_line(server, "moved 100 10900", BOUND_MS);
  hosted_saying("c6",
                (const char *[]){ "client", H_SERVER, "move", "4093", NULL },
                "NoError");
  expect_line(server, "moved 4093 446137", BOUND_MS);
}
END_TEST

START_TEST(hosted_threads_get_their_own_tids_and_answers)
{
  pid_t p;

  c_echo_server(C_SERVER);
  p = hosted_saying("threads",
                    (const char *[]){ "threads", C_SERVER, "8", NULL },
                    "threads ok");
  expect_exit(p, 0, BOUND_MS);
}
END_TEST

START_TEST(hosted_memory_calls_are_answered_as_a_hosted_client_expects)
{
  pid_t p;

  p = hosted_saying("mem", (const char *[]){ "memcalls", NULL }, "map ok");
  expect_line(p, "unmap Ok", BOUND_MS);
  expect_line(p, "flags Ok", BOUND_MS);
  expect_line(p, "tid ok", BOUND_MS);
  expect_line(p, "yield Ok", BOUND_MS);
  /* AdjustProcessLimit goes to the broker, as a native process's: the
   * connection limit (index XOUS_LIMIT_CONNECTIONS) is the device's. */
  expect_line(p, "limit 5 32", BOUND_MS);
  expect_exit(p, 0, BOUND_MS);
}
END_TEST

START_TEST(hosted_a_connect_to_a_missing_server_is_answered_once_it_exists)
{
  pid_t p;

  p = hosted("early", (const char *[]){ "client", C_SERVER, "call", "1", "3",
                                        "4", NULL });
  /* Held, as the native path holds it, instead of RetryCall. */
  c_echo_server(C_SERVER);
  expect_line(p, "NoError 7 0 0 0 0", BOUND_MS);
}
END_TEST

START_TEST(hosted_a_hosted_program_gets_28_tids_and_no_more)
{
  c_echo_server(C_SERVER);
  hosted_saying("tids", (const char *[]){ "tids", "40", NULL }, "tids 28");
  /* Sixteen of them at once, each with calls of its own. */
  hosted_saying("threads", (const char *[]){ "threads", C_SERVER, "16", NULL },
                "threads ok");
}
END_TEST

/* ==== the process ========================================================= */

START_TEST(hosted_a_hosted_program_is_a_process_in_ps_marked_hosted)
{
  unsigned pid;
  pid_t p;
  char *e, line[64];

  c_echo_server(C_SERVER);
  pid = reserve("rusty");
  e = ps_entry(pid);
  ck_assert_msg(e != NULL && strcmp(e, "rusty starting hosted 0") == 0, "%s",
                e);
  free(e);
  p = harness_spawn(HOSTED, "blocked-client", C_SERVER, "3", "1", NULL);
  expect_line(p, "connected", BOUND_MS);
  e = ps_entry(pid);
  ck_assert_msg(e != NULL && strncmp(e, "rusty ", 6) == 0 &&
                    strstr(e, " hosted 1") != NULL,
                "%s", e);
  free(e);
  {
    const char *args[] = { "ps", NULL };
    char *out = xousctl(args);

    snprintf(line, sizeof line, "%4u  %-20s", pid, "rusty");
    ck_assert_msg(strstr(out, line) != NULL && strstr(out, "hosted"), "%s",
                  out);
    free(out);
  }
  /* The end of its connection is its death. */
  harness_kill(p, SIGKILL);
  expect_gone(pid);
  harness_assert_broker_alive();
}
END_TEST

START_TEST(hosted_a_key_is_good_for_one_connection_and_a_wrong_one_for_none)
{
  pid_t p;

  reserve("once");
  p = harness_spawn(HOSTED, "pid", NULL);
  expect_exit(p, 0, BOUND_MS);
  /* The same key again. */
  p = harness_spawn(HOSTED, "pid", NULL);
  expect_line(p, "closed", BOUND_MS);
  expect_exit(p, 2, BOUND_MS);
  p = harness_spawn(HOSTED, "bad-key", NULL);
  expect_line(p, "closed", BOUND_MS);
  harness_assert_broker_alive();
}
END_TEST

START_TEST(
    hosted_killing_a_reserved_pid_before_it_connects_ends_the_reservation)
{
  unsigned pid;
  char num[16];
  pid_t p;

  pid = reserve("never");
  snprintf(num, sizeof num, "%u", pid);
  free(xousctl((const char *[]){ "kill", num, NULL }));
  expect_gone(pid);
  p = harness_spawn(HOSTED, "pid", NULL);
  expect_line(p, "closed", BOUND_MS);
  harness_assert_broker_alive();
}
END_TEST

/* ==== deaths ================================================================ */

START_TEST(hosted_terminate_process_is_never_answered_and_ends_the_process)
{
  unsigned pid;
  pid_t p;

  pid = reserve("ender");
  p = harness_spawn(HOSTED, "terminate", "3", NULL);
  expect_line(p, "connection ended", BOUND_MS);
  expect_exit(p, 2, BOUND_MS);
  expect_gone(pid);
  harness_assert_broker_alive();
}
END_TEST

START_TEST(hosted_c_callers_of_a_hosted_server_that_dies_get_server_not_found)
{
  pid_t server, c;

  server = hosted_echo_server(H_SERVER, false);
  c = harness_peer("blocked-client", H_SERVER, "3", "1", NULL);
  expect_line(c, "connected", BOUND_MS);
  expect_line(server, "held 1", BOUND_MS);
  harness_kill(server, SIGKILL);
  expect_line(c, "ServerNotFound", BOUND_MS);
  harness_assert_broker_alive();
}
END_TEST

START_TEST(hosted_a_hosted_caller_of_a_c_server_that_dies_wakes_with_an_error)
{
  pid_t server, c;

  server = c_echo_server(C_SERVER);
  c = hosted_saying("waiter",
                    (const char *[]){ "blocked-client", C_SERVER, "3", "1",
                                      NULL },
                    "connected");
  expect_line(server, "held 1", BOUND_MS);
  harness_kill(server, SIGKILL);
  expect_line(c, "ServerNotFound", BOUND_MS);
  expect_exit(c, 0, BOUND_MS);
}
END_TEST

/* ==== faults ================================================================ */

static void
expect_closed_and_others_fine(const char *kind)
{
  pid_t bad;
  unsigned pid;

  c_echo_server(C_SERVER);
  pid = reserve("vandal");
  bad = harness_spawn(HOSTED, "fault", kind, NULL);
  expect_line(bad, "connection ended", BOUND_MS);
  expect_exit(bad, 2, BOUND_MS);
  expect_gone(pid);
  hosted_saying("good",
                (const char *[]){ "client", C_SERVER, "call", "1", "1", "1",
                                  NULL },
                "NoError 2 0 0 0 0");
  harness_assert_broker_alive();
}

START_TEST(hosted_garbage_on_the_socket_closes_only_that_connection)
{
  expect_closed_and_others_fine("garbage");
}
END_TEST

START_TEST(hosted_a_frame_cut_short_closes_only_that_connection)
{
  expect_closed_and_others_fine("short");
}
END_TEST

START_TEST(hosted_a_payload_over_the_limit_closes_only_that_connection)
{
  expect_closed_and_others_fine("huge");
}
END_TEST

START_TEST(hosted_a_call_under_tid_0_closes_only_that_connection)
{
  expect_closed_and_others_fine("tid-zero");
}
END_TEST

START_TEST(hosted_a_call_under_a_tid_past_32_bits_closes_only_that_connection)
{
  expect_closed_and_others_fine("tid-wide");
}
END_TEST

START_TEST(
    hosted_a_made_up_tid_asking_for_more_than_a_tid_closes_only_that_connection)
{
  expect_closed_and_others_fine("made-up-tid");
}
END_TEST

START_TEST(
    hosted_frames_the_kernel_would_reject_get_an_error_and_the_stream_goes_on)
{
  pid_t p;

  c_echo_server(C_SERVER);
  p = hosted_saying("bad-tid", (const char *[]){ "fault", "bad-tid", NULL },
                    "bad-tid ThreadNotAvailable");
  expect_line(p, "after NoError", BOUND_MS);
  p = hosted_saying("zero", (const char *[]){ "fault", "zero-lend", NULL },
                    "zero-lend UnhandledSyscall");
  expect_line(p, "after NoError", BOUND_MS);
  p = hosted_saying("unknown",
                    (const char *[]){ "fault", "unknown-call", NULL },
                    "unknown UnhandledSyscall");
  expect_line(p, "after NoError", BOUND_MS);
}
END_TEST

START_TEST(
    hosted_frames_for_memory_nobody_holds_get_an_error_and_the_stream_goes_on)
{
  pid_t p;

  c_echo_server(C_SERVER);
  /* Nothing waits for a memory answer from that sender: DoubleFree, as
   * the kernel's return_memory answers when the slot holds no lend. */
  p = hosted_saying("stray-ret",
                    (const char *[]){ "fault", "stray-return", NULL },
                    "stray-return DoubleFree");
  expect_line(p, "after NoError", BOUND_MS);
  p = hosted_saying("stray-rep",
                    (const char *[]){ "fault", "stray-reply", NULL },
                    "stray-reply DoubleFree");
  expect_line(p, "after NoError", BOUND_MS);
  /* A CID never connected: ServerNotFound, a Borrow's bytes back whole. */
  p = hosted_saying("lend-no",
                    (const char *[]){ "fault", "lend-nowhere", NULL },
                    "lend-nowhere ServerNotFound bytes whole");
  expect_line(p, "after NoError", BOUND_MS);
  p = hosted_saying("move-no",
                    (const char *[]){ "fault", "move-nowhere", NULL },
                    "move-nowhere ServerNotFound bytes whole");
  expect_line(p, "after NoError", BOUND_MS);
  harness_assert_broker_alive();
}
END_TEST

/* Opens a TCP connection to the listener and returns it. */
static int
tcp_dial(void)
{
  const char *args[] = { "hosted-env", NULL };
  char *out = xousctl(args), v[64];
  struct sockaddr_in sa = { .sin_family = AF_INET };
  int fd;

  var_of(out, "XOUS_SERVER=127.0.0.1:", v, sizeof v);
  free(out);
  sa.sin_port = htons((uint16_t)atoi(v));
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  fd = socket(AF_INET, SOCK_STREAM, 0);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
  return fd;
}

/* Whether the peer closes fd within the bound. */
static bool
closed_by_peer(int fd, int bound_ms)
{
  struct timeval tv = { bound_ms / 1000, (bound_ms % 1000) * 1000 };
  char c;

  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return recv(fd, &c, 1, 0) == 0;
}

START_TEST(hosted_a_silent_connection_is_closed_and_unshown_keys_are_bounded)
{
  int fds[20];

  fds[0] = tcp_dial();
  /* The handshake has a deadline. */
  ck_assert_msg(closed_by_peer(fds[0], BOUND_MS),
                "a connection that never showed a key stayed open");
  close(fds[0]);
  /* At most 16 at a time: the 17th is closed at once, the others wait. */
  for (int i = 0; i < 17; i++)
    fds[i] = tcp_dial();
  ck_assert(closed_by_peer(fds[16], BOUND_MS));
  for (int i = 0; i < 17; i++)
    close(fds[i]);
  {
    pid_t p;

    c_echo_server(C_SERVER);
    p = hosted("after",
               (const char *[]){ "client", C_SERVER, "call", "1", "1", NULL });
    expect_line(p, "NoError 1 0 0 0 0", BOUND_MS);
  }
  harness_assert_broker_alive();
}
END_TEST

/* ---- raw bytes ---------------------------------------------------------- */

/* Connects to the listener of the reservation reserve() put in our
 * environment. */
static int
dial_reserved(void)
{
  const char *server = getenv("XOUS_SERVER");
  struct sockaddr_in sa = { .sin_family = AF_INET };
  struct timeval tv = { harness_bound_ms(BOUND_MS) / 1000 + 1, 0 };
  int fd;

  ck_assert_ptr_nonnull(server);
  sa.sin_port = htons((uint16_t)atoi(strchr(server, ':') + 1));
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  fd = socket(AF_INET, SOCK_STREAM, 0);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
  /* Every read below is bounded: a listener that says nothing fails. */
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

/* Sends n bytes, or fails. */
static void
send_all(int fd, const void *buf, size_t n)
{
  ck_assert_int_eq(send(fd, buf, n, MSG_NOSIGNAL), (ssize_t)n);
}

/* Reads exactly n bytes, or fails. */
static void
recv_all(int fd, void *buf, size_t n)
{
  uint8_t *p = buf;

  while (n > 0) {
    ssize_t got = recv(fd, p, n, 0);

    ck_assert_msg(got > 0, "the listener sent %zu bytes fewer than due", n);
    p += got;
    n -= (size_t)got;
  }
}

/* Sends a frame of nine words, each as 8 little-endian bytes. */
static void
send_words(int fd, const uint64_t w[9])
{
  uint8_t raw[72];

  for (int i = 0; i < 72; i++)
    raw[i] = (uint8_t)(w[i / 8] >> (8 * (i % 8)));
  send_all(fd, raw, sizeof raw);
}

/* Reads a frame of nine words. */
static void
recv_words(int fd, uint64_t w[9])
{
  uint8_t raw[72];

  recv_all(fd, raw, sizeof raw);
  for (int i = 0; i < 9; i++) {
    w[i] = 0;
    for (int b = 7; b >= 0; b--)
      w[i] = w[i] << 8 | raw[8 * i + b];
  }
}

/* The answer frame is tid, tag, w1, then zeros. */
static void
expect_words(const uint64_t got[9], uint64_t tid, uint64_t tag, uint64_t w1)
{
  ck_assert_uint_eq(got[0], tid);
  ck_assert_uint_eq(got[1], tag);
  ck_assert_uint_eq(got[2], w1);
  for (int i = 3; i < 9; i++)
    ck_assert_msg(got[i] == 0, "word %d of the answer is %llu", i,
                  (unsigned long long)got[i]);
}

START_TEST(hosted_the_handshake_and_first_calls_are_the_bytes_of_the_protocol)
{
  unsigned pid = reserve("raw-bytes");
  const char *hex = getenv("XOUS_PROCESS_KEY");
  uint8_t key[16], pid_byte = 0;
  uint64_t w[9], tid;
  int fd;

  for (int i = 0; i < 16; i++) {
    unsigned v;

    ck_assert_int_eq(sscanf(hex + 2 * i, "%2x", &v), 1);
    key[i] = (uint8_t)v;
  }
  fd = dial_reserved();
  /* The 16 raw key bytes in, one byte out: the PID. */
  send_all(fd, key, sizeof key);
  recv_all(fd, &pid_byte, 1);
  ck_assert_uint_eq(pid_byte, pid);
  /* CreateThread under a made-up TID: ThreadID(n), tagged with it. */
  memset(w, 0, sizeof w);
  w[0] = 65536;
  w[1] = XOUS_SYSCALL_CREATE_THREAD;
  send_words(fd, w);
  recv_words(fd, w);
  tid = w[2];
  ck_assert_uint_ge(tid, 2);
  ck_assert_uint_le(tid, 29);
  expect_words(w, 65536, XOUS_RESULT_THREAD_ID, tid);
  /* Calls under that TID: ProcessID(pid), ThreadID(tid). */
  memset(w, 0, sizeof w);
  w[0] = tid;
  w[1] = XOUS_SYSCALL_GET_PROCESS_ID;
  send_words(fd, w);
  recv_words(fd, w);
  expect_words(w, tid, XOUS_RESULT_PROCESS_ID, pid);
  memset(w, 0, sizeof w);
  w[0] = tid;
  w[1] = XOUS_SYSCALL_GET_THREAD_ID;
  send_words(fd, w);
  recv_words(fd, w);
  expect_words(w, tid, XOUS_RESULT_THREAD_ID, tid);
  /* The end of the stream is the end of the process. */
  close(fd);
  expect_gone(pid);
  harness_assert_broker_alive();
}
END_TEST

/* ==== the system ======================================================== */

START_TEST(hosted_shutdown_from_a_hosted_program_ends_the_system)
{
  pid_t server;
  int st;

  server = hosted_echo_server(H_SERVER, false);
  hosted_saying("stopper", (const char *[]){ "shutdown", NULL },
                "shutdown NoError");
  ck_assert(harness_wait(harness_broker_pid(), BOUND_MS, &st));
  harness_forget_broker();
  /* Every hosted program sees its connection end. */
  expect_line(server, "connection ended", BOUND_MS);
}
END_TEST

START_TEST(hosted_the_listener_takes_loopback_addresses_only)
{
  const char *argv[] = { "--foreground", "--socket",    harness_socket_path(),
                         "--hosted",     "192.0.2.1:0", NULL };
  pid_t p = harness_spawn_argv("xousd", argv);
  int st;

  ck_assert(harness_wait(p, BOUND_MS, &st));
  ck_assert(WIFEXITED(st) && WEXITSTATUS(st) != 0);
}
END_TEST

START_TEST(hosted_a_broker_without_the_listener_says_how_to_start_it)
{
  const char *args[] = { "--socket", harness_socket_path(), "hosted-env",
                         NULL };
  pid_t p;
  int st;

  harness_start_broker();
  p = harness_spawn_argv("xousctl", args);
  ck_assert(harness_wait(p, BOUND_MS, &st));
  ck_assert(WIFEXITED(st) && WEXITSTATUS(st) != 0);
}
END_TEST

/* ==== xous-run ============================================================ */

START_TEST(hosted_xous_run_starts_a_hosted_program_beside_c_programs)
{
  const char *argv[] = { "--no-servers",
                         "--hosted",
                         HOSTED,
                         "hello",
                         "--",
                         "examples/hello/hello-server",
                         NULL };
  pid_t p = harness_spawn_argv("xous-run", argv);

  expect_text(p, "| sum 14\n", BOUND_MS);
  expect_exit(p, 0, BOUND_MS);
}
END_TEST

START_TEST(hosted_xous_run_ends_when_only_a_hosted_server_is_left)
{
  const char *argv[] = { "--no-servers", "--hosted", HOSTED,
                         "echo-server",  H_SERVER,   "--",
                         HARNESS_PEER,   "client",   H_SERVER,
                         "call",         "1",        "20",
                         "22",           NULL };
  pid_t p = harness_spawn_argv("xous-run", argv);

  expect_text(p, "| NoError 42 0 0 0 0\n", BOUND_MS);
  /* The hosted program is known as a server: the run ends with it. */
  expect_exit(p, 0, BOUND_MS);
}
END_TEST

START_TEST(hosted_an_image_line_hosted_starts_a_hosted_program)
{
  char *image;
  FILE *f;
  const char *argv[] = { "--no-servers", "--image", NULL, NULL };
  const char *top = getenv("XOUS_BUILDDIR");
  pid_t p;

  ck_assert(asprintf(&image, "%s/hosted.image", harness_dir()) > 0);
  f = fopen(image, "w");
  ck_assert_ptr_nonnull(f);
  fprintf(f,
          "%s/examples/upper/upper-server\n"
          "hosted %s/%s upper \"from an image\"\n",
          top != NULL ? top : ".", top != NULL ? top : ".", HOSTED);
  fclose(f);
  argv[2] = image;
  p = harness_spawn_argv("xous-run", argv);
  expect_text(p, "| upper FROM AN IMAGE\n", BOUND_MS);
  expect_exit(p, 0, BOUND_MS);
  free(image);
}
END_TEST

/* ==== the suite =========================================================== */

int
main(void)
{
  /* The cases but "starting" start on a broker with the hosted listener;
   * the tests of "starting" start their broker (or xous-run) themselves. */
  const struct harness_case cases[] = {
    { "pairings", 60, HARNESS_NOTHING,
      .tests = HARNESS_TESTS(
          hosted_a_hosted_client_calls_a_c_server_with_every_scalar_kind,
          hosted_a_c_server_sees_the_hosted_clients_reserved_pid,
          hosted_a_hosted_mutable_lend_comes_back_changed_by_the_c_server,
          hosted_a_hosted_borrow_comes_back_with_its_original_bytes,
          hosted_a_hosted_peer_drives_the_hello_example,
          hosted_a_hosted_peer_finds_the_counter_example_through_xous_names,
          hosted_a_c_client_calls_a_hosted_server,
          hosted_c_lends_to_a_hosted_server_come_back_as_it_wrote_them,
          hosted_a_hosted_server_answers_with_reply_and_receive_next,
          hosted_two_hosted_programs_talk_through_the_broker,
          hosted_threads_get_their_own_tids_and_answers,
          hosted_a_hosted_program_gets_28_tids_and_no_more,
          hosted_memory_calls_are_answered_as_a_hosted_client_expects,
          hosted_a_connect_to_a_missing_server_is_answered_once_it_exists),
      .setup = start_broker },
    { "processes", 60, HARNESS_NOTHING,
      .tests = HARNESS_TESTS(
          hosted_a_hosted_program_is_a_process_in_ps_marked_hosted,
          hosted_a_key_is_good_for_one_connection_and_a_wrong_one_for_none,
          hosted_killing_a_reserved_pid_before_it_connects_ends_the_reservation,
          hosted_terminate_process_is_never_answered_and_ends_the_process,
          hosted_c_callers_of_a_hosted_server_that_dies_get_server_not_found,
          hosted_a_hosted_caller_of_a_c_server_that_dies_wakes_with_an_error,
          hosted_shutdown_from_a_hosted_program_ends_the_system),
      .setup = start_broker },
    { "starting", 60, HARNESS_NOTHING,
      .tests = HARNESS_TESTS(
          hosted_the_listener_takes_loopback_addresses_only,
          hosted_a_broker_without_the_listener_says_how_to_start_it,
          hosted_xous_run_starts_a_hosted_program_beside_c_programs,
          hosted_an_image_line_hosted_starts_a_hosted_program,
          hosted_xous_run_ends_when_only_a_hosted_server_is_left) },
    { "faults", 60, HARNESS_NOTHING,
      .tests = HARNESS_TESTS(
          hosted_garbage_on_the_socket_closes_only_that_connection,
          hosted_a_frame_cut_short_closes_only_that_connection,
          hosted_a_payload_over_the_limit_closes_only_that_connection,
          hosted_a_call_under_tid_0_closes_only_that_connection,
          hosted_a_call_under_a_tid_past_32_bits_closes_only_that_connection,
          hosted_a_made_up_tid_asking_for_more_than_a_tid_closes_only_that_connection,
          hosted_frames_the_kernel_would_reject_get_an_error_and_the_stream_goes_on,
          hosted_frames_for_memory_nobody_holds_get_an_error_and_the_stream_goes_on,
          hosted_the_handshake_and_first_calls_are_the_bytes_of_the_protocol,
          hosted_a_silent_connection_is_closed_and_unshown_keys_are_bounded),
      .setup = start_broker },
  };

  return harness_run(harness_suite("hosted", cases));
}
