/*
 * Integration tests of the examples under the real standard servers: the
 * counter found through xous-names by two clients at once, the sleeper's
 * records on xous-log, the demo image run by xous-run, and a Chrome trace
 * of the counter example recorded by xousctl and read back as JSON.
 *
 * Every process is real (xousd, the servers, the examples, the tools) and
 * every wait is bounded; nothing here asserts how long anything took.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>

#include <xous.h>

#include "support/harness.h"
#include "support/tool.h"
#include "support/json.h"

#define BOUND_MS 10000
/* The demo image runs every example under xous-run at once: under ASan on
 * a loaded machine it took over 10 s. Half the case's timeout ends only a
 * hang. */
#define DEMO_BOUND_MS 30000
#define SERVER "examples/counter/counter-server"
#define CLIENT "examples/counter/counter-client"
#define SLEEPER "examples/sleeper/sleeper"

/* Waits for a peer started with harness_spawn() and asserts it exited 0. */
static void
expect_success(pid_t pid, const char *what)
{
  int st;
  char *out;

  if (!harness_wait(pid, BOUND_MS, &st))
    ck_abort_msg("%s did not end within %d ms", what, BOUND_MS);
  out = harness_output(pid);
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
                "%s ended with %#x; it printed:\n%s", what, (unsigned)st, out);
  free(out);
}

/* The number printed after prefix in pid's output; fails when absent. */
static unsigned long
number_after(pid_t pid, const char *prefix)
{
  char *out = harness_output(pid);
  const char *p = strstr(out, prefix);
  unsigned long v;

  ck_assert_msg(p != NULL, "no '%s' in:\n%s", prefix, out);
  ck_assert_msg(sscanf(p + strlen(prefix), "%lu", &v) == 1,
                "no number after '%s' in:\n%s", prefix, out);
  free(out);
  return v;
}

/* A broker and the name server; the counter server registered. */
static pid_t
counter_system(void)
{
  pid_t server;

  harness_start_broker();
  harness_spawn("xous-names", NULL);
  server = harness_spawn(SERVER, NULL);
  ck_assert_msg(harness_wait_nth_line(server, 0, (char[256]){ 0 }, 256,
                                      BOUND_MS),
                "the counter server did not start");
  return server;
}

/* ==== the counter =========================================================== */

START_TEST(examples_counter_counts_every_increment_of_two_clients)
{
  pid_t server = counter_system(), a, b, last;

  a = harness_spawn(CLIENT, "--increments", "300", "--add", "0", NULL);
  b = harness_spawn(CLIENT, "--increments", "200", "--add", "0", NULL);
  expect_success(a, "the first client");
  expect_success(b, "the second client");
  /* Each client's get comes after its own increments in the queue. */
  ck_assert_uint_ge(number_after(a, "sent 300 increments; the counter is "),
                    300);
  ck_assert_uint_ge(number_after(b, "sent 200 increments; the counter is "),
                    200);
  last = harness_spawn(CLIENT, "--increments", "0", "--add", "0", "--quit",
                       NULL);
  expect_success(last, "the last client");
  ck_assert_uint_eq(number_after(last, "sent 0 increments; the counter is "),
                    500);
  expect_success(server, "the counter server");
  ck_assert_uint_eq(number_after(server, "the counter is "), 500);
}
END_TEST

START_TEST(examples_counter_add_and_reset_answer_with_the_right_values)
{
  pid_t c;

  counter_system();
  c = harness_spawn(CLIENT, "--increments", "4", "--add", "0", NULL);
  expect_success(c, "the first client");
  c = harness_spawn(CLIENT, "--reset", "--increments", "2", "--add", "5",
                    NULL);
  expect_success(c, "the resetting client");
  ck_assert_uint_eq(number_after(c, "reset; the counter was "), 4);
  ck_assert_uint_eq(number_after(c, "sent 2 increments; the counter is "), 2);
  ck_assert_uint_eq(number_after(c, "added 5; the counter is "), 7);
}
END_TEST

START_TEST(examples_counter_client_waits_until_the_server_registers)
{
  pid_t client, server;
  char line[256];

  harness_start_broker();
  harness_spawn("xous-names", NULL);
  client = harness_spawn(CLIENT, "--increments", "1", "--add", "1", "--quit",
                         NULL);
  /* The client is blocked in the name server's lookup until the server
   * registers; nothing proves that but its still being there. */
  harness_sleep_ms(200);
  ck_assert_msg(harness_running(client), "the client did not wait");
  ck_assert_uint_eq(harness_line_count(client), 0);
  server = harness_spawn(SERVER, NULL);
  expect_success(client, "the client");
  expect_success(server, "the counter server");
  ck_assert(harness_wait_nth_line(client, 0, line, sizeof line, BOUND_MS));
  ck_assert_uint_eq(number_after(client, "added 1; the counter is "), 2);
}
END_TEST

START_TEST(examples_counter_server_refuses_a_name_that_is_taken)
{
  pid_t second;
  int st;

  counter_system();
  second = harness_spawn(SERVER, NULL);
  ck_assert_msg(harness_wait(second, BOUND_MS, &st),
                "the second server did not end");
  ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 1);
  {
    char *out = harness_output(second);

    ck_assert_msg(strstr(out, "cannot register \"counter\"") != NULL, "%s",
                  out);
    free(out);
  }
}
END_TEST

/* ==== the sleeper =========================================================== */

START_TEST(examples_sleeper_logs_each_level_with_its_pid_on_the_log_server)
{
  static const char *const lines[] = {
    "[ERROR %u sleeper] an error record: 1 of 5 levels",
    "[WARN %u sleeper] a warning record: 2 of 5 levels",
    "[INFO %u sleeper] an info record: 3 of 5 levels",
    "[DEBUG %u sleeper] a debug record: 4 of 5 levels",
    "[TRACE %u sleeper] a trace record: 5 of 5 levels",
    "[INFO %u sleeper] 2 sleeps, 5 ms apart",
  };
  pid_t log, sleeper;
  unsigned pid;
  char *out;

  harness_start_broker();
  harness_spawn("xous-ticktimer", NULL);
  log = harness_spawn("xous-log", "--log-level", "trace", NULL);
  sleeper = harness_spawn(SLEEPER, "--sleeps", "2", "--ms", "5", NULL);
  expect_success(sleeper, "the sleeper");
  pid = (unsigned)number_after(sleeper, "sleeper: pid ");
  /* The sleeper's own account: each sleep at least as long as asked, by
   * the ticktimer's clock (its promise, not a measure of speed). */
  ck_assert_uint_ge(number_after(sleeper, "asked for 5 ms, slept "), 5);
  ck_assert_uint_ge(number_after(sleeper, "asked for 10 ms, slept "), 10);
  for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
    char line[256];

    snprintf(line, sizeof line, lines[i], pid);
    if (!harness_wait_line(log, line, BOUND_MS)) {
      out = harness_output(log);
      ck_abort_msg("xous-log did not print '%s'; it printed:\n%s", line, out);
    }
  }
  out = harness_output(log);
  ck_assert_msg(strstr(out, "sleep 2 of 2: asked for 10 ms") != NULL &&
                    strstr(out, "the ticktimer is version ") != NULL,
                "%s", out);
  ck_assert_msg(strstr(out, "came back early") == NULL, "%s", out);
  free(out);
}
END_TEST

/* ==== the demo image under xous-run ========================================= */

/* The source tree's demo.image beside links to the built examples, so
 * that its relative paths find the programs of this build. */
static char *
demo_image(void)
{
  static const char *const dirs[] = { "counter", "hello", "sleeper" };
  char *src = tool_path("XOUS_SRCDIR", "examples/demo.image");
  char *dst = tool_out_path("demo.image"), *text = tool_slurp(src);
  FILE *f;

  ck_assert_msg(text[0] != '\0', "cannot read %s", src);
  f = fopen(dst, "w");
  ck_assert_ptr_nonnull(f);
  fputs(text, f);
  ck_assert_int_eq(fclose(f), 0);
  for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
    char rel[64], *from, *to;

    snprintf(rel, sizeof rel, "examples/%s", dirs[i]);
    from = tool_path("XOUS_BUILDDIR", rel);
    to = tool_out_path(dirs[i]);
    ck_assert_int_eq(symlink(from, to), 0);
    free(from);
    free(to);
  }
  free(text);
  free(src);
  return dst;
}

/* True when text has a line that starts with name, padding, "| ", and
 * then line. */
static bool
has_line(const char *text, const char *name, const char *line)
{
  size_t nlen = strlen(name), llen = strlen(line);

  for (const char *p = text; *p != '\0';) {
    const char *eol = strchr(p, '\n'), *q = p + nlen;

    if (eol == NULL)
      eol = p + strlen(p);
    if (strncmp(p, name, nlen) == 0 && q < eol) {
      while (*q == ' ')
        q++;
      if (strncmp(q, "| ", 2) == 0 && (size_t)(eol - q - 2) == llen &&
          strncmp(q + 2, line, llen) == 0)
        return true;
    }
    p = *eol == '\0' ? eol : eol + 1;
  }
  return false;
}

START_TEST(examples_demo_image_runs_every_example_and_exits_zero)
{
  char *prog = tool_path("XOUS_BUILDDIR", "xous-run"), *image = demo_image();
  char *out = tool_out_path("run.out"), *text;
  const char *argv[] = { prog, "--image", image, NULL };
  pid_t pid = tool_start(out, NULL, argv);

  text = tool_finish_ok(pid, "xous-run --image demo.image", out,
                        DEMO_BOUND_MS);
  ck_assert_msg(has_line(text, "hello-client", "hello-client: done"), "%s",
                text);
  ck_assert_msg(has_line(text, "sleeper", "sleeper: done"), "%s", text);
  ck_assert_msg(has_line(text, "counter-client",
                         "counter-client: added 10; the counter is 13") &&
                    has_line(text, "counter-client",
                             "counter-client: added 10; the counter is 26"),
                "%s", text);
  ck_assert_msg(has_line(text, "counter-server",
                         "counter-server: asked to quit; the counter is 26 "
                         "after 11 messages"),
                "%s", text);
  /* xous-log's default level shows info and above, drops debug and trace. */
  ck_assert_msg(strstr(text, "sleeper] an info record: 3 of 5 levels\n") &&
                    strstr(text, "sleeper] an error record") &&
                    !strstr(text, "a debug record") &&
                    !strstr(text, "a trace record"),
                "%s", text);
  ck_assert_msg(kill(-pid, 0) != 0 && errno == ESRCH,
                "a process of xous-run's group is still there");
  free(text);
  free(out);
  free(image);
  free(prog);
}
END_TEST

/* ==== the Chrome trace of the counter example ================================ */

START_TEST(examples_json_reader_tells_valid_from_invalid)
{
  static const char *const good[] = {
    "{\"a\":[1,2.5,-3e2,true,false,null,\"x\\n\\u00e9\"],\"b\":{}}",
    " [ ] ",
  };
  static const char *const bad[] = {
    "{\"a\":1,}", "[1,2",      "{\"a\" 1}", "[01]",  "{} {}",
    "[\"\x01\"]", "[\"\\x\"]", "[1.]",      "{1:2}", "",
  };
  struct jval v;

  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    ck_assert_msg(jvalid(good[i], &v), "rejected %s", good[i]);
    jfree(&v);
  }
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    ck_assert_msg(!jvalid(bad[i], &v), "accepted %s", bad[i]);
    jfree(&v);
  }
  ck_assert(jvalid("{\"k\":{\"n\":\"v\"},\"x\":7}", &v));
  ck_assert(jis(jget(jget(&v, "k"), "n"), "v"));
  ck_assert_int_eq(jnum(jget(&v, "x")), 7);
  jfree(&v);
}
END_TEST

#define MAX_PIDS 256

START_TEST(
    examples_chrome_trace_of_the_counter_example_has_its_processes_and_flows)
{
  char *ctl = tool_path("XOUS_BUILDDIR", "xousctl"),
       *file = tool_out_path("t.json");
  char *out = tool_out_path("trace.out"), *text;
  const char *argv[] = { ctl,  "--socket",   NULL, "trace", "--chrome",
                         NULL, "--duration", "4",  NULL };
  char names[MAX_PIDS][32] = { { 0 } };
  pid_t tracer, server, client;
  const struct jval *events;
  struct jval root;
  size_t increments = 0, gets_called = 0, gets_served = 0;
  size_t client_starts = 0, server_steps = 0, server_ends = 0;

  harness_start_broker();
  harness_spawn("xous-names", NULL);
  argv[2] = harness_socket_path();
  argv[5] = file;
  tracer = tool_start(out, NULL, argv);
  ck_assert_msg(tool_wait_text(out, "recording to", BOUND_MS),
                "xousctl did not start");
  server = harness_spawn(SERVER, NULL);
  client = harness_spawn(CLIENT, "--increments", "5", "--quit", NULL);
  expect_success(client, "the counter client");
  expect_success(server, "the counter server");
  ck_assert_msg(harness_running(tracer),
                "the recording ended before the example did; the machine "
                "is too slow for --duration 4");
  /* --duration ends the recording on its own. */
  free(tool_finish_ok(tracer, "xousctl trace --duration", out, BOUND_MS));

  text = tool_slurp(file);
  ck_assert_msg(jvalid(text, &root), "%s is not valid JSON", file);
  events = jget(&root, "traceEvents");
  ck_assert_msg(events != NULL && events->type == J_ARR,
                "%s has no traceEvents array", file);

  /* The tracks: process_name metadata gives each Xous PID its name. */
  for (size_t i = 0; i < events->count; i++) {
    const struct jval *e = &events->items[i];
    long pid = jnum(jget(e, "pid"));
    const struct jval *name = jget(jget(e, "args"), "name");

    ck_assert_msg(e->type == J_OBJ && jget(e, "ph") != NULL && pid >= 0,
                  "event %zu lacks ph or pid", i);
    if (jis(jget(e, "ph"), "M") && jis(jget(e, "name"), "process_name") &&
        name != NULL && name->type == J_STR && pid < MAX_PIDS &&
        name->len < sizeof names[0])
      memcpy(names[pid], name->s, name->len);
  }

  /* The calls: increments (Scalar 1) and gets (BlockingScalar 2) as
   * slices on the client, their handling on the server, and flows that
   * start on the client and step or end on the server. */
  for (size_t i = 0; i < events->count; i++) {
    const struct jval *e = &events->items[i];
    const struct jval *ph = jget(e, "ph"), *name = jget(e, "name");
    const struct jval *cat = jget(e, "cat");
    long pid = jnum(jget(e, "pid"));
    const char *who = pid < MAX_PIDS ? names[pid] : "";

    if (jis(ph, "X") && jis(cat, "call") && jis(name, "Scalar 1") &&
        strcmp(who, "counter-client") == 0)
      increments++;
    if (jis(ph, "X") && jis(cat, "call") &&
        jstarts(name, "BlockingScalar 2") &&
        strcmp(who, "counter-client") == 0)
      gets_called++;
    if (jis(ph, "X") && jis(cat, "serve") &&
        jstarts(name, "BlockingScalar 2") &&
        strcmp(who, "counter-server") == 0)
      gets_served++;
    if (jis(cat, "message") && jget(e, "id") != NULL) {
      if (jis(ph, "s") && strcmp(who, "counter-client") == 0)
        client_starts++;
      if (jis(ph, "t") && strcmp(who, "counter-server") == 0)
        server_steps++;
      if (jis(ph, "f") && strcmp(who, "counter-server") == 0)
        server_ends++;
    }
  }
  {
    bool has_server = false, has_client = false;

    for (size_t pid = 0; pid < MAX_PIDS; pid++) {
      has_server |= strcmp(names[pid], "counter-server") == 0;
      has_client |= strcmp(names[pid], "counter-client") == 0;
    }
    ck_assert_msg(strcmp(names[1], "xousd") == 0 && has_server && has_client,
                  "the tracks are not named after the processes");
  }
  ck_assert_msg(increments == 5, "%zu increments traced, not 5", increments);
  ck_assert_msg(gets_called >= 1 && gets_served >= 1,
                "no get traced on both sides");
  /* 5 increments, a get, an add-and-get and the quit, at least, start on
   * the client (its lookups go to the name server and start there too). */
  ck_assert_msg(client_starts >= 8 && server_steps >= 2 && server_ends >= 8,
                "flows: %zu starts on the client, %zu steps and %zu ends "
                "on the server",
                client_starts, server_steps, server_ends);
  jfree(&root);
  free(text);
  free(out);
  free(file);
  free(ctl);
}
END_TEST

/* ==== the suite ============================================================= */

int
main(void)
{
  const struct harness_case cases[] = {
    { "counter", 60, HARNESS_NOTHING,
      .tests = HARNESS_TESTS(
          examples_counter_counts_every_increment_of_two_clients,
          examples_counter_add_and_reset_answer_with_the_right_values,
          examples_counter_client_waits_until_the_server_registers,
          examples_counter_server_refuses_a_name_that_is_taken) },
    { "sleeper", 60, HARNESS_NOTHING,
      .tests = HARNESS_TESTS(
          examples_sleeper_logs_each_level_with_its_pid_on_the_log_server) },
    { "xous-run and xousctl", 60, HARNESS_NOTHING,
      .tests = HARNESS_TESTS(
          examples_json_reader_tells_valid_from_invalid,
          examples_demo_image_runs_every_example_and_exits_zero,
          examples_chrome_trace_of_the_counter_example_has_its_processes_and_flows) },
  };

  return harness_run(harness_suite("examples", cases));
}
