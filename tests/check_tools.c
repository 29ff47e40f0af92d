/*
 * Integration tests of the host tools: xous-run starting real brokers and
 * real programs, and xousctl against a real xousd with the hello server.
 *
 * xous-run is started in a process group of its own with TMPDIR pointing
 * into the test's directory, so that "nothing is left" can be checked
 * exactly: no process of the group, no entry in that TMPDIR, nothing new
 * in /dev/shm. Every wait is bounded.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>

#include <xous.h>
#include <xous/ticktimer.h>

#include "support/harness.h"
#include "support/tool.h"
#include "support/json.h"

#define BOUND_MS 10000
#define HELLO_SID_NAME "hello-example-sv"

/* A fresh, empty TMPDIR for xous-run inside the test's directory. */
static const char *
run_tmpdir(void)
{
  static char path[4096];

  snprintf(path, sizeof path, "%s/tmp", harness_dir());
  mkdir(path, 0700);
  return path;
}

/* The names of entries in dir, joined by spaces ("" when empty). */
static char *
dir_entries(const char *dir, const char *containing)
{
  DIR *d = opendir(dir);
  struct dirent *e;
  char *out = calloc(1, 1);
  size_t len = 0;

  ck_assert_ptr_nonnull(out);
  if (d == NULL)
    return out;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    if (containing != NULL && strstr(e->d_name, containing) == NULL)
      continue;
    out = realloc(out, len + strlen(e->d_name) + 2);
    ck_assert_ptr_nonnull(out);
    len += (size_t)sprintf(out + len, "%s ", e->d_name);
  }
  closedir(d);
  return out;
}

/* The file at path, as tool_slurp() reads it, */
static char *
slurp(const char *path)
{
  char *buf = tool_slurp(path);
  size_t len = strlen(buf);

  /* but with the padding of xous-run's names ("name   | line") folded, so
   * that checks read "name | line" whatever the other names are. */
  {
    size_t r = 0, w = 0;

    while (r < len) {
      if (buf[r] == ' ') {
        size_t e = r;

        while (e < len && buf[e] == ' ')
          e++;
        if (e < len && buf[e] == '|') {
          buf[w++] = ' ';
          r = e;
          continue;
        }
      }
      buf[w++] = buf[r++];
    }
    buf[w] = '\0';
  }
  return buf;
}

/* A process of the group that still runs: one that is not a zombie. A
 * zombie whose parent is gone waits only for init to reap it (the libtool
 * wrappers of the build tree leave their shell's children so, when they
 * exec the real program). Returns its PID, or 0. */
static pid_t
live_member_of(pid_t group)
{
  DIR *d = opendir("/proc");
  struct dirent *de;
  pid_t found = 0;

  ck_assert(d != NULL);
  while (found == 0 && (de = readdir(d)) != NULL) {
    char path[300], buf[512], *end;
    int pid, ppid, pgrp;
    char state;
    FILE *f;

    if (de->d_name[0] < '0' || de->d_name[0] > '9')
      continue;
    snprintf(path, sizeof path, "/proc/%s/stat", de->d_name);
    f = fopen(path, "r");
    if (f == NULL)
      continue;
    /* pid (comm) state ppid pgrp: comm may hold anything, so read from
     * its closing parenthesis. */
    if (fgets(buf, sizeof buf, f) != NULL &&
        (end = strrchr(buf, ')')) != NULL && sscanf(buf, "%d", &pid) == 1 &&
        sscanf(end + 1, " %c %d %d", &state, &ppid, &pgrp) == 3 &&
        pgrp == (int)group && state != 'Z')
      found = pid;
    fclose(f);
  }
  closedir(d);
  return found;
}

/* No process of the group, nothing in TMPDIR, nothing new in /dev/shm. */
static void
assert_nothing_left(pid_t group, const char *tmpdir, const char *shm_before)
{
  char *left = dir_entries(tmpdir, NULL);
  char *shm = dir_entries("/dev/shm", "xous");
  long long end = harness_now_ms() + BOUND_MS;
  pid_t live;

  /* A process of the group that is not xous-run's child (a program's
   * own child, stopped with it) may still be on its way out, not yet a
   * zombie, when xous-run has gone: it has a bound to go in. */
  while ((live = live_member_of(group)) != 0 && harness_now_ms() < end)
    harness_sleep_ms(20);
  ck_assert_msg(live == 0, "process %d of xous-run's group is still there",
                (int)live);
  ck_assert_msg(left[0] == '\0', "xous-run left in TMPDIR: %s", left);
  ck_assert_msg(strcmp(shm, shm_before) == 0,
                "/dev/shm changed: before '%s', after '%s'", shm_before, shm);
  free(left);
  free(shm);
}

/* Fails unless text holds every one of the strings after what, saying
 * what, the string it lacks and the whole text. */
#define expect_all(text, what, ...)                                           \
  expect_all_of((text), (what), (const char *const[]){ __VA_ARGS__, NULL })

static void
expect_all_of(const char *text, const char *what, const char *const want[])
{
  for (size_t i = 0; want[i] != NULL; i++)
    ck_assert_msg(strstr(text, want[i]) != NULL, "%s: no \"%s\" in:\n%s", what,
                  want[i], text);
}

/* One run of xous-run in a test: its own TMPDIR, what /dev/shm held
 * before, the program, the hello server most runs start, the file its
 * output goes to, its process (group) and, once it ended, its output;
 * and the paths the test made for it, freed with it. */
struct xrun {
  const char *tmp;
  char *shm, *prog, *hello, *out, *text;
  pid_t pid;
  char *kept[4];
  int nkept;
};

static struct xrun
xrun_prepare(void)
{
  struct xrun r = { .tmp = run_tmpdir(),
                    .shm = dir_entries("/dev/shm", "xous"),
                    .prog = tool_build_path("xous-run"),
                    .hello = tool_build_path("examples/hello/hello-server"),
                    .out = tool_out_path("run.out") };

  return r;
}

/* p, a malloc()ed path of the test's, kept to be freed by xrun_done(). */
static char *
xrun_keep(struct xrun *r, char *p)
{
  ck_assert_int_lt(r->nkept, 4);
  r->kept[r->nkept++] = p;
  return p;
}

/* Starts xous-run with argv (argv[0] is r->prog) in r's TMPDIR. */
static void
xrun_start(struct xrun *r, const char *const argv[])
{
  r->pid = tool_start(r->out, r->tmp, argv);
}

/* Waits for the run to end (what names it in a failure) and reads what
 * it printed into r->text. Returns its wait status. */
static int
xrun_finish(struct xrun *r, const char *what)
{
  int st = tool_finish(r->pid, what, BOUND_MS);

  free(r->text);
  r->text = slurp(r->out);
  return st;
}

/* Asserts that the run that ended with wait status st exited with
 * status code. */
static void
xrun_expect_exit(const struct xrun *r, int st, int code)
{
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == code,
                "xous-run ended with %#x, not status %d:\n%s", (unsigned)st,
                code, r->text);
}

/* Runs argv (argv[0] is r->prog) to its end; it must exit with status
 * code. */
static void
xrun_run(struct xrun *r, const char *const argv[], const char *what, int code)
{
  xrun_start(r, argv);
  xrun_expect_exit(r, xrun_finish(r, what), code);
}

/* Runs xous-run --no-servers /bin/sh -c script -- <the hello server>:
 * the shell first, whose end ends the run; it must exit with status
 * code. */
static void
xrun_shell_first(struct xrun *r, const char *script, int code)
{
  const char *argv[] = { r->prog, "--no-servers", "/bin/sh", "-c",
                         script,  "--",           r->hello,  NULL };

  xrun_run(r, argv, "xous-run", code);
}

/* Waits until the running xous-run printed text; fails saying what. */
static void
xrun_wait_text(const struct xrun *r, const char *text, const char *what)
{
  ck_assert_msg(tool_wait_text(r->out, text, BOUND_MS), "%s", what);
}

/* Sends SIGINT to target (the run's group, -r->pid, as Ctrl-C does, or
 * xous-run alone, r->pid); the run must end with 128 + SIGINT. */
static void
xrun_interrupt(struct xrun *r, pid_t target)
{
  kill(target, SIGINT);
  xrun_expect_exit(r, xrun_finish(r, "xous-run after SIGINT"), 128 + SIGINT);
}

/* Asserts that the run left nothing, and frees r. */
static void
xrun_done(struct xrun *r)
{
  assert_nothing_left(r->pid, r->tmp, r->shm);
  free(r->shm);
  free(r->prog);
  free(r->hello);
  free(r->out);
  free(r->text);
  for (int i = 0; i < r->nkept; i++)
    free(r->kept[i]);
}

/* Runs a tool to its end; returns its wait status and its output. */
static int
run_tool(char **output, const char *const argv[])
{
  char *out = tool_out_path("tool.out");
  pid_t pid = tool_start(out, NULL, argv);
  int st = tool_finish(pid, argv[0], BOUND_MS);

  *output = slurp(out);
  free(out);
  return st;
}

/* Runs xousctl --socket <the test's broker> with first and the
 * arguments in ap (NULL terminated); returns its wait status, *output
 * what it printed. */
static int
xousctl_v(char **output, const char *first, va_list ap)
{
  const char *argv[16];
  char *prog = tool_build_path("xousctl");
  int n = 0, st;

  argv[n++] = prog;
  argv[n++] = "--socket";
  argv[n++] = harness_socket_path();
  argv[n] = first;
  while (n < 15 && argv[n] != NULL)
    argv[++n] = va_arg(ap, const char *);
  argv[n] = NULL;
  st = run_tool(output, argv);
  free(prog);
  return st;
}

static int
xousctl(char **output, const char *first, ...)
{
  va_list ap;
  int st;

  va_start(ap, first);
  st = xousctl_v(output, first, ap);
  va_end(ap);
  return st;
}

/* xousctl() for a command that must succeed: returns what it printed. */
static char *
xousctl_ok(const char *first, ...)
{
  char *output;
  va_list ap;
  int st;

  va_start(ap, first);
  st = xousctl_v(&output, first, ap);
  va_end(ap);
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "xousctl %s: %#x: %s",
                first, (unsigned)st, output);
  return output;
}

/* A broker with the hello server running; returns the server's OS pid. */
static pid_t
hello_system(void)
{
  char line[256];
  pid_t server;

  harness_start_broker();
  server = harness_spawn("examples/hello/hello-server", NULL);
  ck_assert_msg(harness_wait_nth_line(server, 0, line, sizeof line, BOUND_MS),
                "the hello server did not start");
  ck_assert_msg(strstr(line, "serving") != NULL, "hello-server said: %s",
                line);
  return server;
}

/* The text value of "key" in the first object of json that has it. */
static bool
json_string_field(const char *json, const char *key, char *out, size_t size)
{
  char pat[64];
  const char *p, *e;

  snprintf(pat, sizeof pat, "\"%s\":\"", key);
  p = strstr(json, pat);
  if (p == NULL)
    return false;
  p += strlen(pat);
  e = strchr(p, '"');
  if (e == NULL || (size_t)(e - p) >= size)
    return false;
  memcpy(out, p, (size_t)(e - p));
  out[e - p] = '\0';
  return true;
}

/* ---- a tiny JSON validator (RFC 8259 grammar, no semantics) --------------- */

/* Whether text is one well-formed JSON document (tests/support/json.c). */
static bool
json_valid(const char *text)
{
  struct jval root;
  bool ok = jvalid(text, &root);

  jfree(&root);
  return ok;
}

/* ==== the validator itself ================================================= */

START_TEST(tools_json_checker_tells_valid_from_invalid)
{
  ck_assert(json_valid("{\"a\":[1,2.5,-3e2,true,false,null,\"x\\n\"]}"));
  ck_assert(json_valid(" [ ] "));
  ck_assert(!json_valid("{\"a\":1,}"));
  ck_assert(!json_valid("[1,2"));
  ck_assert(!json_valid("{\"a\" 1}"));
  ck_assert(!json_valid("[01]"));
  ck_assert(!json_valid("{} {}"));
}
END_TEST

/* ==== bench_table =========================================================== */

static void
put_text(const char *dir, const char *name, const char *text)
{
  char path[4096];
  FILE *f;

  snprintf(path, sizeof path, "%s/%s", dir, name);
  f = fopen(path, "w");
  ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
  fputs(text, f);
  ck_assert_int_eq(fclose(f), 0);
}

/* The table row of figure whose floor is floor, or NULL. */
static const struct jval *
table_row(const struct jval *table, const char *figure, const char *floor)
{
  for (size_t i = 0; table != NULL && i < table->count; i++)
    if (jis(jget(&table->items[i], "figure"), figure) &&
        jis(jget(&table->items[i], "floor"), floor))
      return &table->items[i];
  return NULL;
}

START_TEST(tools_bench_table_gathers_every_benchmark_file_into_one_table)
{
  const char *dir = harness_dir();
  char *table_bin = tool_build_path("bench/bench_table");
  char *out = tool_out_path("table.out"), *text, path[4096];
  const char *argv[] = { table_bin, dir, NULL };
  static const struct {
    const char *figure, *floor;
    double ratio; /* 0: none */
    const char *result;
  } want[] = {
    { "MutableLend 4 KiB round trip", "2 mprotect_pair_4k + round trip", 1.5,
      "met" },
    { "Lend 4 KiB round trip", "mprotect_pair_4k + round trip", 3.0,
      "missed" },
    { "Ticktimer sleep 1ms, overshoot", "nanosleep 1ms, overshoot", 0.5,
      "met" },
    { "PDDB through the server, 4 KiB read", "the engine in-process", 5.5,
      "missed" },
    { "BlockingScalar, a CPU hog per CPU", "futex_block_same, same load", 0,
      "not measured" },
    { "Emulated client round trip", "native client", 0, "not measured" },
  };
  struct jval root;
  const struct jval *table, *row;

  put_text(dir, "results.json",
           "{\"quick\": true, \"targets\": ["
           "{\"figure\": \"MutableLend 4 KiB RTT\", \"ours\": 6000, "
           "\"compared_with\": \"2 mprotect_pair_4k + RTT\", \"limit\": 4000},"
           "{\"figure\": \"Lend 4 KiB RTT\", \"ours\": 9000, "
           "\"compared_with\": \"mprotect_pair_4k + RTT\", \"limit\": 3000}],"
           " \"servers\": {\"sleep_1ms_overshoot\": {\"median_us\": 40},"
           " \"nanosleep_1ms_overshoot\": {\"median_us\": 80}},"
           " \"table\": [\"of an earlier run\"]}");
  /* A benchmark that died half way leaves a file that is not JSON. */
  put_text(dir, "results-contended.json", "{\"targets\": [{\"figure\"");
  put_text(dir, "results-pddb.txt",
           "4 KiB read        engine    0.010 ms  server    0.055 ms  "
           "ratio 5.50 (target <= 1.5)\n");
  ck_assert_int_eq(WEXITSTATUS(tool_finish(tool_start(out, NULL, argv),
                                           "bench_table", 10000)),
                   0);

  snprintf(path, sizeof path, "%s/results.json", dir);
  text = tool_slurp(path);
  ck_assert_msg(jvalid(text, &root), "results.json is not JSON: %s", text);
  /* What the benchmarks wrote is kept; the table replaces the old one. */
  ck_assert_ptr_nonnull(jget(&root, "quick"));
  ck_assert_int_eq(jget(&root, "quick")->type, J_BOOL);
  ck_assert_ptr_nonnull(jget(&root, "targets"));
  table = jget(&root, "table");
  ck_assert_ptr_nonnull(table);
  ck_assert_int_eq(table->type, J_ARR);
  ck_assert_uint_eq(table->count, 13);

  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    row = table_row(table, want[i].figure, want[i].floor);
    ck_assert_msg(row != NULL, "no row %s", want[i].figure);
    ck_assert_msg(jis(jget(row, "result"), want[i].result), "%s: not %s",
                  want[i].figure, want[i].result);
    if (want[i].ratio > 0)
      ck_assert_double_eq_tol(jget(row, "ratio")->num, want[i].ratio, 1e-9);
  }
  jfree(&root);
  free(text);
  free(out);
  free(table_bin);
}
END_TEST

/* ==== xous-run ============================================================== */

START_TEST(tools_xous_run_demo_exits_zero_and_prefixes_lines_with_names)
{
  struct xrun r = xrun_prepare();
  const char *argv[] = { r.prog, NULL };

  xrun_run(&r, argv, "xous-run", 0);
  expect_all(r.text, "no prefixed server line",
             "hello-server | hello-server: pid ");
  expect_all(r.text, "no prefixed client line",
             "hello-client | hello-client: 1 + 2 + 3 + 4 = "
             "10\n");
  xrun_done(&r);
}
END_TEST

START_TEST(tools_xous_run_with_a_tmpdir_too_long_for_a_socket_still_runs)
{
  struct xrun r = xrun_prepare();
  const char *argv[] = { r.prog, NULL };
  static char tmp[4096];
  size_t len;

  /* Past 80 bytes a socket path in TMPDIR/xous-run.XXXXXX no longer fits
   * sun_path's 108: xous-run makes its directory in /tmp instead. */
  len = (size_t)snprintf(tmp, sizeof tmp, "%s/", r.tmp);
  while (len < 120)
    tmp[len++] = 'd';
  tmp[len] = '\0';
  ck_assert_int_eq(mkdir(tmp, 0700), 0);
  r.tmp = tmp;
  xrun_run(&r, argv, "xous-run", 0);
  expect_all(r.text, "no prefixed client line",
             "hello-client | hello-client: 1 + 2 + 3 + 4 = "
             "10\n");
  xrun_done(&r);
}
END_TEST

START_TEST(tools_xous_run_exits_with_the_first_programs_status)
{
  struct xrun r = xrun_prepare();

  /* The first program fails once the server (second) has started. */
  xrun_shell_first(&r, "sleep 0.3; echo failing; exit 7", 7);
  {
    const char *line = strstr(r.text, " | failing\n");

    while (line != NULL && line > r.text && line[-1] != '\n')
      line--;
    ck_assert_msg(line != NULL && strncmp(line, "sh ", 3) == 0,
                  "no prefixed line in:\n%s", r.text);
  }
  xrun_done(&r);
}
END_TEST

START_TEST(
    tools_xous_run_on_ctrl_c_stops_its_children_quietly_and_removes_its_directory)
{
  struct xrun r = xrun_prepare();
  const char *argv[] = { r.prog, r.hello, NULL };
  char *inside;

  xrun_start(&r, argv);
  xrun_wait_text(&r, "serving", "the server did not start");
  inside = dir_entries(r.tmp, NULL);
  ck_assert_msg(inside[0] != '\0', "xous-run made no directory in TMPDIR");
  free(inside);
  /* As Ctrl-C does: to the whole foreground group. */
  xrun_interrupt(&r, -r.pid);
  ck_assert_msg(strstr(r.text, "killed by signal") == NULL,
                "Ctrl-C reported as a crash:\n%s", r.text);
  xrun_done(&r);
}
END_TEST

START_TEST(tools_xous_run_cleans_up_when_a_process_crashes)
{
  struct xrun r = xrun_prepare();
  /* The server runs on; the other program dies of SIGKILL, which leaves
   * only a server: the run ends with the crash's status. */
  const char *argv[] = { r.prog,    "--no-servers", r.hello,         ":",
                         "/bin/sh", "-c",           "kill -KILL $$", NULL };

  xrun_run(&r, argv, "xous-run", 128 + SIGKILL);
  expect_all(r.text, "the crash was not reported",
             "sh was killed by signal 9");
  xrun_done(&r);
}
END_TEST

START_TEST(tools_xous_run_reports_a_first_program_killed_by_a_signal)
{
  struct xrun r = xrun_prepare();

  xrun_shell_first(&r, "sleep 0.2; kill -KILL $$", 128 + SIGKILL);
  xrun_done(&r);
}
END_TEST

START_TEST(tools_xous_run_runs_an_image_with_paths_relative_to_it)
{
  struct xrun r = xrun_prepare();
  char *image = xrun_keep(&r, tool_out_path("demo.image"));
  char *hello = xrun_keep(&r, tool_build_path("examples/hello"));
  char *link = xrun_keep(&r, tool_out_path("hello"));
  FILE *f;
  const char *argv[] = { r.prog, "--no-servers", "--image", image, NULL };

  ck_assert_int_eq(symlink(hello, link), 0);
  f = fopen(image, "w");
  ck_assert_ptr_nonnull(f);
  fputs("# the hello demo\n"
        "wait /bin/sh -c \"echo setting up\"\n"
        "hello/hello-server   # serves until told to quit\n"
        "\n"
        "hello/hello-client\n",
        f);
  fclose(f);
  xrun_run(&r, argv, "xous-run --image", 0);
  expect_all(r.text, "unexpected output", "| setting up\n",
             "hello-client | hello-client: done\n");
  xrun_done(&r);
}
END_TEST

START_TEST(tools_xous_run_ends_when_the_client_ends_and_stops_the_server)
{
  struct xrun r = xrun_prepare();
  char *server = xrun_keep(&r,
                           tool_build_path("examples/counter/counter-server"));
  char *client = xrun_keep(&r,
                           tool_build_path("examples/counter/counter-client"));
  /* The counter server serves until told to quit; this client does not
   * tell it. */
  const char *argv[] = { r.prog, server, "--", client, NULL };

  xrun_run(&r, argv, "xous-run server -- client", 0);
  expect_all(r.text, "the client did not run to its end",
             "counter-client | counter-client: added 10");
  ck_assert_msg(strstr(r.text, "killed by signal") == NULL &&
                    strstr(r.text, "exited with status") == NULL,
                "a stopped server was reported:\n%s", r.text);
  xrun_done(&r);
}
END_TEST

START_TEST(tools_xous_run_until_ends_the_run_when_that_program_ends)
{
  struct xrun r = xrun_prepare();
  /* sleep is no server: without --until the run would last its 600 s,
   * longer than tool_finish() waits; it ends with false's 1. */
  const char *argv[] = { r.prog,  "--no-servers", "--until",
                         "false", "/bin/sleep",   "600",
                         "--",    "/bin/false",   NULL };

  xrun_run(&r, argv, "xous-run --until", 1);
  xrun_done(&r);
}
END_TEST

START_TEST(tools_xous_run_after_starts_a_program_once_its_name_is_registered)
{
  struct xrun r = xrun_prepare();
  char *peer = xrun_keep(&r, tool_build_path("tests/helpers/names-peer")),
       *script;

  /* The server registers late; the client looks the name up without
   * waiting, and the name allows one connection only, so the client gets
   * it only if xous-run gave back the place its own look-up took. */
  ck_assert(asprintf(&script, "sleep 0.5; exec %s server late-name 1", peer) >
            0);
  {
    const char *argv[] = { r.prog,  "--after",   "late-name", "/bin/sh",
                           "-c",    script,      "--",        peer,
                           "token", "late-name", NULL };

    xrun_run(&r, argv, "xous-run --after", 0);
  }
  expect_all(r.text,
             "the client started before the name was there, or found "
             "its place taken",
             "names-peer | NoError ");
  xrun_done(&r);
  free(script);
}
END_TEST

START_TEST(tools_xous_run_image_keywords_after_and_until)
{
  struct xrun r = xrun_prepare();
  char *peer = xrun_keep(&r, tool_build_path("tests/helpers/names-peer"));
  char *image = xrun_keep(&r, tool_out_path("keywords.image"));
  const char *argv[] = { r.prog, "--image", image, NULL };
  FILE *f = fopen(image, "w");

  ck_assert_ptr_nonnull(f);
  fprintf(f,
          "/bin/sleep 600                          # no server, not awaited\n"
          "/bin/sh -c \"sleep 0.5; exec %s server img-name 0\"\n"
          "until after img-name %s try img-name\n",
          peer, peer);
  fclose(f);
  xrun_run(&r, argv, "xous-run --image", 0);
  expect_all(r.text, "the `after` line started too early",
             "names-peer | NoError\n");
  xrun_done(&r);
}
END_TEST

START_TEST(tools_xous_run_children_print_line_by_line)
{
  struct xrun r = xrun_prepare();
  char *peer = xrun_keep(&r, tool_build_path("tests/helpers/xtest-peer"));
  /* The peer leaves its stdout as libxous makes it: on a pipe, only
   * XOUS_LINE_BUFFERED brings "ready" out while it still runs. */
  const char *argv[] = { r.prog,        "--no-servers",
                         peer,          "--stdio-default",
                         "echo-server", "line-buffered-sv",
                         NULL };

  xrun_start(&r, argv);
  xrun_wait_text(&r, "| ready\n",
                 "the server's line did not come out while it ran");
  xrun_interrupt(&r, r.pid);
  xrun_done(&r);
}
END_TEST

START_TEST(tools_xous_run_socket_lets_xousctl_reach_the_run)
{
  struct xrun r = xrun_prepare();
  char *sock = xrun_keep(&r, tool_out_path("run.sock")), *ps;
  const char *argv[] = { r.prog, "--no-servers", "--socket",
                         sock,   r.hello,        NULL };
  const char *ctl[] = { NULL, "--socket", sock, "ps", NULL };
  int st;

  xrun_start(&r, argv);
  xrun_wait_text(&r, "serving", "the server did not start");
  ctl[0] = xrun_keep(&r, tool_build_path("xousctl"));
  st = run_tool(&ps, ctl);
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0 &&
                    strstr(ps, "hello-server") != NULL,
                "xousctl --socket %s ps:\n%s", sock, ps);
  xrun_interrupt(&r, r.pid);
  ck_assert_msg(access(sock, F_OK) != 0, "the socket is still there");
  xrun_done(&r);
  free(ps);
}
END_TEST

START_TEST(tools_xous_run_shell_runs_a_shell_inside_the_system)
{
  struct xrun r = xrun_prepare();
  char *ctl = xrun_keep(&r, tool_build_path("xousctl")),
       *shell = xrun_keep(&r, tool_out_path("shell.sh"));
  const char *argv[] = { r.prog, "--no-servers", "--shell", NULL };
  FILE *f = fopen(shell, "w");

  ck_assert_ptr_nonnull(f);
  /* A shell that asks the run's broker, through $XOUS_SOCKET, and ends
   * with a status of its own. */
  fprintf(f, "#!/bin/sh\n%s ps >/dev/null || exit 9\necho asked\nexit 3\n",
          ctl);
  fclose(f);
  ck_assert_int_eq(chmod(shell, 0700), 0);
  setenv("SHELL", shell, 1);
  xrun_start(&r, argv);
  unsetenv("SHELL");
  xrun_expect_exit(&r, xrun_finish(&r, "xous-run --shell"), 3);
  expect_all(r.text, "the shell said", "asked\n");
  xrun_done(&r);
}
END_TEST

/* Runs prog with the arguments argv (NULL terminated; argv[0] is prog's
 * name), stdout and stderr to files of their own. Returns the wait
 * status. */
static int
run_split_argv(const char *prog, const char *const argv[], char **out,
               char **err)
{
  char *out_file = tool_out_path("split.out"),
       *err_file = tool_out_path("split.err");
  pid_t pid;
  int st;

  /* No broker: a program that tried to reach one would say so. */
  setenv("XOUS_SOCKET", "/nonexistent/xousd.sock", 1);
  pid = tool_start_split(prog, argv, out_file, err_file);
  st = tool_finish(pid, prog, BOUND_MS);
  *out = slurp(out_file);
  *err = slurp(err_file);
  free(out_file);
  free(err_file);
  return st;
}

/* Runs prog with one argument, stdout and stderr to files of their own.
 * Returns the wait status. */
static int
run_split(const char *prog, const char *arg, char **out, char **err)
{
  const char *argv[] = { prog, arg, NULL };

  return run_split_argv(prog, argv, out, err);
}

START_TEST(
    tools_every_program_has_help_on_stdout_version_and_says_what_was_wrong)
{
  /* xous-pddb and pddb have tests of their own (check_pddb*). */
  static const char *const progs[] = { "xousd",      "xous-run",
                                       "xousctl",    "xous-emu",
                                       "xous-names", "xous-ticktimer",
                                       "xous-log" };

  for (size_t i = 0; i < sizeof progs / sizeof progs[0]; i++) {
    char *prog = tool_build_path(progs[i]), *out, *err, *want;
    int st;

    st = run_split(prog, "--help", &out, &err);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0 &&
                      strstr(out, "usage: ") != NULL && err[0] == '\0',
                  "%s --help: status %#x, stdout:\n%s\nstderr:\n%s", progs[i],
                  (unsigned)st, out, err);
    free(out);
    free(err);

    st = run_split(prog, "--version", &out, &err);
    ck_assert(asprintf(&want, "%s %s\n", progs[i], XOUS_VERSION_STRING) > 0);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0 &&
                      strcmp(out, want) == 0,
                  "%s --version: status %#x, stdout '%s'", progs[i],
                  (unsigned)st, out);
    free(want);
    free(out);
    free(err);

    st = run_split(prog, "--no-such-option", &out, &err);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 2 &&
                      strstr(err, "no-such-option") != NULL,
                  "%s --no-such-option: status %#x, stderr:\n%s", progs[i],
                  (unsigned)st, err);
    free(out);
    free(err);
    free(prog);
  }
}
END_TEST

START_TEST(tools_every_program_says_first_what_was_wrong_with_its_arguments)
{
  /* Each wrong use, and what the first line of stderr must say. */
  static const struct {
    const char *prog;
    const char *argv[7];
    const char *says;
  } cases[] = {
    { "xousd",
      { "xousd", "stray" },
      "takes no arguments, only options: 'stray'" },
    { "xousd", { "xousd", "--max-servers" }, "requires an argument" },
    { "xousd",
      { "xousd", "--max-servers", "999" },
      "--max-servers takes 1..256" },
    { "xous-run", { "xous-run", "--until" }, "--until needs a value" },
    { "xous-run",
      { "xous-run", "--seed", "x", "true" },
      "--seed takes a number" },
    { "xousctl", { "xousctl" }, "no command given" },
    { "xousctl", { "xousctl", "frob" }, "unknown command 'frob'" },
    { "xousctl", { "xousctl", "ps", "more" }, "unexpected argument 'more'" },
    { "xousctl", { "xousctl", "kill", "x" }, "kill takes a Xous PID" },
    { "xousctl",
      { "xousctl", "fail", "2" },
      "fail takes PID SYSCALL NTH ERROR" },
    { "xousctl",
      { "xousctl", "fail", "2", "Nope", "1", "ServerQueueFull" },
      "SYSCALL: a syscall's name" },
    { "xousctl",
      { "xousctl", "fail", "2", "SendMessage", "1", "NoError" },
      "ERROR: an error's name" },
    { "xousctl",
      { "xousctl", "time", "advance", "soon" },
      "advance takes milliseconds" },
    { "xous-emu", { "xous-emu" }, "no program given" },
    { "xous-pddb", { "xous-pddb" }, "no IMAGE given" },
    { "xous-pddb", { "xous-pddb", "a", "b" }, "one IMAGE only" },
    { "pddb/pddb", { "pddb" }, "no command given" },
    { "pddb/pddb", { "pddb", "frob" }, "unknown command 'frob'" },
    { "pddb/pddb", { "pddb", "--frob" }, "unknown option --frob" },
    { "pddb/pddb", { "pddb", "--image" }, "--image needs a value" },
    { "xous-names",
      { "xous-names", "stray" },
      "unknown argument (try --help): stray" },
    { "xous-names", { "xous-names", "--trusted" }, "--trusted needs a name" },
    { "xous-ticktimer",
      { "xous-ticktimer", "stray" },
      "takes no arguments (see xous-ticktimer --help), got: stray" },
    { "xous-log", { "xous-log", "stray" }, "bad argument: stray" },
  };

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *prog = tool_build_path(cases[i].prog), *out, *err, *nl;
    int st = run_split_argv(prog, cases[i].argv, &out, &err);

    if ((nl = strchr(err, '\n')) != NULL)
      *nl = '\0';
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 2 &&
                      strstr(err, cases[i].says) != NULL,
                  "%s (case %zu): status %#x, first line of stderr '%s', "
                  "wanted '%s'",
                  cases[i].prog, i, (unsigned)st, err, cases[i].says);
    free(out);
    free(err);
    free(prog);
  }
}
END_TEST

/* ==== xousctl =============================================================== */

START_TEST(tools_xousctl_ps_lists_the_hello_server)
{
  char *text;

  hello_system();
  text = xousctl_ok("ps", "--json", NULL);
  ck_assert_msg(json_valid(text), "not JSON: %s", text);
  expect_all(text, "ps --json", "\"name\":\"hello-server\"",
             "\"threads\":", "\"state\":");
  free(text);
  text = xousctl_ok("ps", NULL);
  expect_all(text, "ps", "PID", "THREADS", "hello-server");
  free(text);
}
END_TEST

START_TEST(tools_xousctl_ps_shows_the_host_pid_and_an_idle_server_receiving)
{
  pid_t server = hello_system();
  char want[64], *text = NULL;
  long long end = harness_now_ms() + BOUND_MS;
  bool seen = false;

  /* hello-server | 12345  receiving: its host PID, for gdb -p, and what
   * it does while it waits for a message (not "running"). */
  snprintf(want, sizeof want, " %d  receiving ", (int)server);
  while (!seen && harness_now_ms() < end) {
    free(text);
    text = xousctl_ok("ps", NULL);
    seen = strstr(text, want) != NULL;
    if (!seen)
      harness_sleep_ms(20);
  }
  ck_assert_msg(seen && strstr(text, "HOST PID") != NULL, "no '%s' in:\n%s",
                want, text);
  free(text);
}
END_TEST

/* The thread_states entry of TID tid of the process named name in a
 * `xousctl ps --json` document, or NULL. */
static const struct jval *
thread_state(const struct jval *root, const char *name, long tid)
{
  for (size_t i = 0; i < root->count; i++) {
    const struct jval *p = &root->items[i], *ts = jget(p, "thread_states");

    if (!jis(jget(p, "name"), name) || ts == NULL || ts->type != J_ARR)
      continue;
    for (size_t j = 0; j < ts->count; j++)
      if (jnum(jget(&ts->items[j], "tid")) == tid)
        return &ts->items[j];
  }
  return NULL;
}

/* The server index of the first server of the process named name. */
static long
server_of(const char *servers_json, const char *name)
{
  struct jval root;
  long index = -1;

  ck_assert(jvalid(servers_json, &root));
  for (size_t i = 0; i < root.count && index < 0; i++)
    if (jis(jget(&root.items[i], "owner_name"), name))
      index = jnum(jget(&root.items[i], "index"));
  jfree(&root);
  return index;
}

/* Whether the ps document shows every wait the test set up. */
static bool
waits_shown(const char *ps_json, long echo, long ticktimer)
{
  const struct jval *t;
  struct jval root;
  bool ok;

  if (!jvalid(ps_json, &root))
    return false;
  /* The echo server receives, on its server. */
  ok = (t = thread_state(&root, "ws-echo", 2)) != NULL &&
       jis(jget(t, "state"), "receive") && jnum(jget(t, "server")) == echo;
  /* Its client waits for the answer to the message with id 3, which the
   * server holds. */
  ok = ok && (t = thread_state(&root, "ws-caller", 2)) != NULL &&
       jis(jget(t, "state"), "call") && jnum(jget(t, "server")) == echo &&
       jnum(jget(t, "opcode")) == 3;
  /* A client of a server that does not exist waits in Connect. */
  ok = ok && (t = thread_state(&root, "ws-connector", 2)) != NULL &&
       jis(jget(t, "state"), "connect");
  /* The pool's three threads (TIDs 3..5) receive; its main thread, in
   * JoinThread, is in no Xous wait. */
  for (long tid = 3; tid <= 5; tid++)
    ok = ok && (t = thread_state(&root, "ws-pool", tid)) != NULL &&
         jis(jget(t, "state"), "receive");
  ok = ok && (t = thread_state(&root, "ws-pool", 2)) != NULL &&
       jis(jget(t, "state"), "running");
  /* The sleeper's sleep is a call to the ticktimer, SleepMs. */
  ok = ok && (t = thread_state(&root, "ws-sleeper", 2)) != NULL &&
       jis(jget(t, "state"), "call") && jnum(jget(t, "server")) == ticktimer &&
       jnum(jget(t, "opcode")) == XOUS_TICKTIMER_SLEEP_MS;
  jfree(&root);
  return ok;
}

static pid_t
named_peer(const char *xous_name, const char *prog, const char *const argv[])
{
  pid_t pid;

  setenv("XOUS_NAME", xous_name, 1);
  pid = harness_spawn_argv(prog, argv);
  unsetenv("XOUS_NAME");
  return pid;
}

START_TEST(tools_xousctl_ps_tells_what_each_thread_waits_in)
{
  const char *const echo_argv[] = { "echo-server", "wait-states-srv!", NULL };
  const char *const call_argv[] = { "blocked-client", "wait-states-srv!", "3",
                                    "5", NULL };
  const char *const connect_argv[] = { "blocked-client", "wait-states-none",
                                       NULL };
  const char *const pool_argv[] = { "pool-server", "wait-states-pool", "3",
                                    NULL };
  const char *const sleeper_argv[] = { "--sleeps", "1", "--ms", "600000",
                                       NULL };
  const char *const none[] = { NULL };
  char line[256], *ps = NULL, *servers = NULL;
  long long end = harness_now_ms() + BOUND_MS;
  long echo = -1, ticktimer = -1;
  pid_t echo_pid, caller, pool, sleeper;
  bool shown = false;

  harness_start_broker();
  harness_spawn_argv("xous-names", none);
  harness_spawn_argv("xous-ticktimer", none);
  harness_spawn_argv("xous-log", none);
  echo_pid = named_peer("ws-echo", HARNESS_PEER, echo_argv);
  ck_assert(harness_wait_line(echo_pid, "ready", BOUND_MS));
  caller = named_peer("ws-caller", HARNESS_PEER, call_argv);
  ck_assert(harness_wait_line(caller, "connected", BOUND_MS));
  ck_assert(harness_wait_line(echo_pid, "held 5", BOUND_MS));
  named_peer("ws-connector", HARNESS_PEER, connect_argv);
  pool = named_peer("ws-pool", HARNESS_PEER, pool_argv);
  ck_assert(harness_wait_line(pool, "ready", BOUND_MS));
  sleeper = named_peer("ws-sleeper", "examples/sleeper/sleeper", sleeper_argv);
  ck_assert(harness_wait_nth_line(sleeper, 0, line, sizeof line, BOUND_MS));

  /* Threads reach their waits in their own time: look until all are
   * there. */
  while (!shown && harness_now_ms() < end) {
    free(ps);
    free(servers);
    servers = xousctl_ok("--json", "--sids", "servers", NULL);
    echo = server_of(servers, "ws-echo");
    ticktimer = server_of(servers, "xous-ticktimer");
    ps = xousctl_ok("--json", "ps", NULL);
    shown = echo >= 0 && ticktimer >= 0 && waits_shown(ps, echo, ticktimer);
    if (!shown)
      harness_sleep_ms(20);
  }
  ck_assert_msg(shown, "not every wait is in:\n%s\nservers:\n%s", ps, servers);
  free(ps);
  free(servers);

  /* The table says it in words, a line per thread under its process. */
  ps = xousctl_ok("ps", NULL);
  snprintf(line, sizeof line, "tid 2   receiving on ws-echo#%ld", echo);
  ck_assert_msg(strstr(ps, line) != NULL, "no '%s' in:\n%s", line, ps);
  snprintf(line, sizeof line,
           "tid 2   waiting for an answer from ws-echo#%ld (opcode 3)", echo);
  ck_assert_msg(strstr(ps, line) != NULL, "no '%s' in:\n%s", line, ps);
  snprintf(line, sizeof line, "tid 2   sleeping (xous-ticktimer#%ld, SleepMs)",
           ticktimer);
  ck_assert_msg(strstr(ps, line) != NULL, "no '%s' in:\n%s", line, ps);
  ck_assert_msg(strstr(ps, "tid 2   connecting") != NULL, "%s", ps);
  expect_all(ps, "the STATE column", " sleeping ", " calling ",
             " connecting ");
  free(ps);
}
END_TEST

/* messages_sent of this process in `xousctl ps --json`, or -1. */
static long
messages_sent_by_us(void)
{
  long pid = (long)xous_get_process_id(), sent = -1;
  struct jval root;
  char *text;

  text = xousctl_ok("ps", "--json", NULL);
  ck_assert_msg(jvalid(text, &root) && root.type == J_ARR, "not JSON: %s",
                text);
  for (size_t i = 0; i < root.count; i++)
    if (jnum(jget(&root.items[i], "pid")) == pid)
      sent = jnum(jget(&root.items[i], "messages_sent"));
  jfree(&root);
  free(text);
  return sent;
}

START_TEST(tools_xousctl_ps_keeps_utf8_process_names)
{
  char *text, line[256];
  pid_t good, bad;

  harness_start_broker();
  /* A name in UTF-8 stays as it is; bytes that are no character, and a
   * quote, become '?'. */
  setenv("XOUS_NAME", "z\xc3\xa4hler-\xe2\x82\xac", 1);
  good = harness_peer("echo-server", "utf8-name-one-sv", NULL);
  setenv("XOUS_NAME", "bad\xff\xc3\"name", 1);
  bad = harness_peer("echo-server", "utf8-name-two-sv", NULL);
  unsetenv("XOUS_NAME");
  ck_assert(harness_wait_nth_line(good, 0, line, sizeof line, BOUND_MS));
  ck_assert(harness_wait_nth_line(bad, 0, line, sizeof line, BOUND_MS));
  text = xousctl_ok("ps", "--json", NULL);
  ck_assert_msg(json_valid(text), "not JSON: %s", text);
  ck_assert_msg(strstr(text, "\"name\":\"z\xc3\xa4hler-\xe2\x82\xac\"") !=
                    NULL,
                "the UTF-8 name is not kept: %s", text);
  ck_assert_msg(strstr(text, "\"name\":\"bad???name\"") != NULL,
                "bad bytes are not replaced: %s", text);
  free(text);
}
END_TEST

START_TEST(tools_xousctl_ps_counts_each_message_a_process_sent_once)
{
  xous_sid_t sid = xous_sid_from_name("ctl-count-srv-01");
  xous_envelope_t env;
  xous_cid_t cid;

  harness_start_broker();
  ck_assert_int_eq(xous_create_server_with_address(sid, &cid), XOUS_OK);
  for (unsigned i = 0; i < 7; i++) {
    ck_assert_int_eq(xous_scalar(cid, 1, i, 0, 0, 0), XOUS_OK);
    ck_assert_int_eq(xous_receive_message(sid, &env), XOUS_OK);
  }
  ck_assert_int_eq(messages_sent_by_us(), 7);
  /* The count outlives the server and its ring. */
  ck_assert_int_eq(xous_destroy_server(sid), XOUS_OK);
  ck_assert_int_eq(messages_sent_by_us(), 7);
}
END_TEST

START_TEST(tools_xousctl_servers_hides_sids_unless_asked)
{
  char *text, sid[64], owner[64];

  hello_system();
  text = xousctl_ok("servers", "--json", NULL);
  ck_assert_msg(json_valid(text), "not JSON: %s", text);
  ck_assert(json_string_field(text, "owner_name", owner, sizeof owner));
  ck_assert_str_eq(owner, "hello-server");
  ck_assert(json_string_field(text, "sid", sid, sizeof sid));
  ck_assert_msg(strlen(sid) == 8, "the SID is shown whole: %s", sid);
  ck_assert_msg(strstr(text, "\"served\":") && strstr(text, "\"queued\":"),
                "%s", text);
  free(text);
  text = xousctl_ok("servers", "--json", "--sids", NULL);
  ck_assert(json_string_field(text, "sid", sid, sizeof sid));
  ck_assert_msg(strlen(sid) == 32, "not a whole SID: %s", sid);
  free(text);
  text = xousctl_ok("servers", NULL);
  ck_assert_msg(strstr(text, "hello-server") != NULL &&
                    strstr(text, sid) == NULL,
                "%s", text);
  free(text);
}
END_TEST

START_TEST(tools_xousctl_conns_shows_a_connection_to_the_server)
{
  xous_cid_t cid;
  char *text, pat[64];

  hello_system();
  ck_assert_int_eq(xous_connect(xous_sid_from_name(HELLO_SID_NAME), &cid),
                   XOUS_OK);
  text = xousctl_ok("conns", "--json", NULL);
  ck_assert_msg(json_valid(text), "not JSON: %s", text);
  snprintf(pat, sizeof pat, "{\"pid\":%u,\"cid\":%u,",
           (unsigned)xous_get_process_id(), (unsigned)cid);
  ck_assert_msg(strstr(text, pat) != NULL, "no %s in %s", pat, text);
  free(text);
  text = xousctl_ok("conns", NULL);
  ck_assert_msg(strstr(text, "hello-server") != NULL, "%s", text);
  free(text);
}
END_TEST

START_TEST(tools_xousctl_kill_kills_a_process)
{
  pid_t server = hello_system();
  char *text, *p, num[16];
  int st;

  text = xousctl_ok("ps", "--json", NULL);
  p = strstr(text, "\"name\":\"hello-server\"");
  ck_assert_ptr_nonnull(p);
  /* The object starts with its PID: {"pid":N,"name":... */
  while (p > text && *p != '{')
    p--;
  ck_assert_int_eq(sscanf(p, "{\"pid\":%15[0-9]", num), 1);
  free(text);
  text = xousctl_ok("kill", num, NULL);
  free(text);
  ck_assert_msg(harness_wait(server, BOUND_MS, &st), "the server lives");
  ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
  /* A PID that is not there is an error. */
  st = xousctl(&text, "kill", num, NULL);
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 1, "%s", text);
  free(text);
  harness_assert_broker_alive();
}
END_TEST

START_TEST(tools_xousctl_shutdown_stops_the_broker)
{
  pid_t broker;
  char *text;
  int st;

  hello_system();
  broker = harness_broker_pid();
  harness_forget_broker();
  text = xousctl_ok("shutdown", NULL);
  free(text);
  ck_assert_msg(harness_wait(broker, BOUND_MS, &st), "xousd still runs");
  ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  ck_assert(access(harness_socket_path(), F_OK) != 0);
}
END_TEST

/* Waits until `xousctl ps` lists no process whose name starts with
 * prefix: the broker has then read each one's sockets to their end. */
static void
await_broker_forgets(const char *prefix)
{
  long long end = harness_now_ms() + BOUND_MS;
  char *text = NULL;
  bool listed = true;

  while (listed && harness_now_ms() < end) {
    int st;

    free(text);
    st = xousctl(&text, "ps", NULL);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s", text);
    listed = strstr(text, prefix) != NULL;
    if (listed)
      harness_sleep_ms(20);
  }
  ck_assert_msg(!listed, "the broker still lists %s...:\n%s", prefix, text);
  free(text);
}

START_TEST(tools_xousctl_trace_chrome_records_valid_json_with_messages)
{
  char *prog = tool_build_path("xousctl"), *out = tool_out_path("trace.out");
  char *file = tool_out_path("trace.json"), *text;
  const char *argv[] = { prog,         "--socket", harness_socket_path(),
                         "trace",      "--chrome", file,
                         "--duration", "60",       NULL };
  pid_t tracer, server, client;
  int st;

  harness_start_broker();
  tracer = tool_start(out, NULL, argv);
  ck_assert_msg(tool_wait_text(out, "recording to", BOUND_MS),
                "xousctl did not start");
  server = harness_spawn("examples/hello/hello-server", NULL);
  client = harness_spawn("examples/hello/hello-client", NULL);
  ck_assert(harness_wait(client, BOUND_MS, &st));
  ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  ck_assert(harness_wait(server, BOUND_MS, &st));
  ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  /* The trace holds what the broker had taken from the programs when it
   * stopped: stop it once the broker has read both to their end. */
  await_broker_forgets("hello-");
  kill(tracer, SIGINT);
  st = tool_finish(tracer, "xousctl trace", BOUND_MS);
  text = slurp(out);
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%#x: %s", (unsigned)st,
                text);
  ck_assert_msg(strstr(text, "went away") == NULL, "%s", text);
  free(text);
  text = slurp(file);
  ck_assert_msg(json_valid(text), "not valid JSON:\n%s", text);
  /* Tracks named after the processes; a blocking call on the client, its
   * handling on the server, and the flow from send to receive to reply. */
  expect_all(text, "the Chrome trace", "\"traceEvents\":[",
             "\"name\":\"process_name\",\"args\":{\"name\":\"hello-client\"}",
             "\"cat\":\"call\",\"name\":\"BlockingScalar",
             "\"cat\":\"serve\",\"name\":\"BlockingScalar");
  expect_all(text, "no flow events", "{\"ph\":\"s\"", "{\"ph\":\"t\"",
             "{\"ph\":\"f\"");
  free(text);
  free(file);
  free(out);
  free(prog);
}
END_TEST

/* ---- the nesting check of a Chrome trace ------------------------------------ */

struct track_slice {
  long pid, tid;
  long long start, end; /* ns */
};

static long long
ns_of(const struct jval *v)
{
  return v != NULL && v->type == J_NUM ? llround(v->num * 1000) : -1;
}

static int
by_track_then_start(const void *a, const void *b)
{
  const struct track_slice *x = a, *y = b;

  if (x->pid != y->pid)
    return x->pid < y->pid ? -1 : 1;
  if (x->tid != y->tid)
    return x->tid < y->tid ? -1 : 1;
  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  /* The longer of two that start together is the parent. */
  return x->end > y->end ? -1 : x->end < y->end;
}

/* Slices of one thread nest: each one ends before the next starts, or
 * lies inside it. Returns a description of the first that does not, or
 * NULL. */
static char *
crossing_slices(struct track_slice *sl, size_t n)
{
  long long stack[64];
  size_t depth = 0;
  char *why = NULL;

  qsort(sl, n, sizeof *sl, by_track_then_start);
  for (size_t i = 0; i < n && why == NULL; i++) {
    if (i > 0 && (sl[i].pid != sl[i - 1].pid || sl[i].tid != sl[i - 1].tid))
      depth = 0;
    while (depth > 0 && stack[depth - 1] <= sl[i].start)
      depth--;
    if (depth > 0 && sl[i].end > stack[depth - 1])
      ck_assert(asprintf(&why,
                         "pid %ld tid %ld: a slice [%lld, %lld] ns "
                         "crosses the end of its parent at %lld ns",
                         sl[i].pid, sl[i].tid, sl[i].start, sl[i].end,
                         stack[depth - 1]) > 0);
    else if (depth < sizeof stack / sizeof stack[0])
      stack[depth++] = sl[i].end;
  }
  return why;
}

/* Whether a slice of the thread encloses t. */
static bool
inside_a_slice(const struct track_slice *sl, size_t n, long pid, long tid,
               long long t)
{
  for (size_t i = 0; i < n; i++)
    if (sl[i].pid == pid && sl[i].tid == tid && sl[i].start <= t &&
        t <= sl[i].end)
      return true;
  return false;
}

START_TEST(tools_xousctl_trace_of_four_clients_nests_and_flows)
{
  enum { CLIENTS = 4, CALLS = 100 };
  char *prog = tool_build_path("xousctl"), *out = tool_out_path("trace.out");
  char *file = tool_out_path("trace.json"), *text;
  const char *argv[] = { prog,         "--socket", harness_socket_path(),
                         "trace",      "--chrome", file,
                         "--duration", "120",      NULL };
  pid_t tracer, server, clients[CLIENTS];
  struct track_slice *slices;
  const struct jval *events;
  struct jval root;
  size_t n = 0, calls = 0, serves = 0, flows = 0, answers = 0, counters = 0;
  size_t thread_names = 0;
  char line[64], *why;
  int st;

  harness_start_broker();
  tracer = tool_start(out, NULL, argv);
  ck_assert_msg(tool_wait_text(out, "recording to", BOUND_MS),
                "xousctl did not start");
  server = harness_peer("echo-server", "trace-nesting-sv", NULL);
  ck_assert(harness_wait_nth_line(server, 0, line, sizeof line, BOUND_MS));
  for (int i = 0; i < CLIENTS; i++)
    clients[i] = harness_peer("client", "trace-nesting-sv", "calls", "100",
                              NULL);
  for (int i = 0; i < CLIENTS; i++) {
    ck_assert(harness_wait(clients[i], 4 * BOUND_MS, &st));
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "client %d: %#x: %s",
                  i, (unsigned)st, harness_output(clients[i]));
  }
  harness_kill(server, SIGTERM);
  harness_wait(server, BOUND_MS, NULL);
  kill(tracer, SIGINT);
  st = tool_finish(tracer, "xousctl trace", BOUND_MS);
  text = slurp(out);
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%#x: %s", (unsigned)st,
                text);
  free(text);

  text = slurp(file);
  ck_assert_msg(jvalid(text, &root), "%s is not valid JSON", file);
  events = jget(&root, "traceEvents");
  ck_assert(events != NULL && events->type == J_ARR);
  slices = calloc(events->count + 1, sizeof *slices);
  ck_assert_ptr_nonnull(slices);
  for (size_t i = 0; i < events->count; i++) {
    const struct jval *e = &events->items[i];
    const struct jval *ph = jget(e, "ph"), *cat = jget(e, "cat");

    if (jis(ph, "X")) {
      slices[n].pid = jnum(jget(e, "pid"));
      slices[n].tid = jnum(jget(e, "tid"));
      slices[n].start = ns_of(jget(e, "ts"));
      slices[n].end = slices[n].start + ns_of(jget(e, "dur"));
      ck_assert_msg(slices[n].start >= 0 && slices[n].end >= slices[n].start,
                    "slice %zu has no time or a negative length", i);
      n++;
      calls += jis(cat, "call") &&
               jstarts(jget(e, "name"), "BlockingScalar 1");
      serves += jis(cat, "serve") &&
                jstarts(jget(e, "name"), "BlockingScalar 1");
    }
    counters += jis(ph, "C");
    thread_names += jis(ph, "M") && jis(jget(e, "name"), "thread_name");
  }
  why = crossing_slices(slices, n);
  ck_assert_msg(why == NULL, "%s", why);
  /* Every flow point lies on a slice of its thread. */
  for (size_t i = 0; i < events->count; i++) {
    const struct jval *e = &events->items[i];
    const struct jval *ph = jget(e, "ph");

    if (!jis(ph, "s") && !jis(ph, "t") && !jis(ph, "f"))
      continue;
    ck_assert_msg(inside_a_slice(slices, n, jnum(jget(e, "pid")),
                                 jnum(jget(e, "tid")), ns_of(jget(e, "ts"))),
                  "flow event %zu (pid %ld tid %ld) is on no slice", i,
                  jnum(jget(e, "pid")), jnum(jget(e, "tid")));
    flows++;
    answers += jis(ph, "f") && jis(jget(e, "cat"), "answer");
  }
  /* A trace reader that falls behind loses events rather than slow the
   * system (xousd(8)), so on a loaded machine any share of the calls may
   * be missing (under a load of 20 on two CPUs, more than half were): what
   * was recorded must still nest and flow, and hold no call twice. */
  ck_assert_msg(calls > 0 && calls <= CLIENTS * CALLS && serves > 0 &&
                    serves <= CLIENTS * CALLS,
                "%zu calls and %zu serves traced of %d", calls, serves,
                CLIENTS * CALLS);
  ck_assert_msg(answers > 0 && answers <= CLIENTS * CALLS,
                "%zu flows back to a caller's wake-up of %d calls", answers,
                CLIENTS * CALLS);
  ck_assert_msg(thread_names >= CLIENTS + 1, "%zu thread names", thread_names);
  ck_assert_msg(counters > 0 && flows > 0, "no counter tracks");
  free(slices);
  jfree(&root);
  free(text);
  free(file);
  free(out);
  free(prog);
}
END_TEST

/* An echo server of the SID named sid_name whose process is named
 * "named-echo", started and serving. */
static void
named_echo_server(const char *sid_name)
{
  char line[64];
  pid_t server;

  setenv("XOUS_NAME", "named-echo", 1);
  server = harness_peer("echo-server", sid_name, NULL);
  unsetenv("XOUS_NAME");
  ck_assert(harness_wait_nth_line(server, 0, line, sizeof line, BOUND_MS));
}

START_TEST(tools_xousctl_trace_text_names_processes_servers_and_kinds)
{
  char *prog = tool_build_path("xousctl"), *out = tool_out_path("trace.out"),
       *text;
  const char *argv[] = { prog, "--socket", harness_socket_path(), "trace",
                         NULL };
  pid_t tracer;
  long long end;
  bool seen = false;
  int st;

  harness_start_broker();
  named_echo_server("trace-text-echo1");
  tracer = tool_start(out, NULL, argv);
  /* The tracer subscribes at its own pace: call until a call shows. */
  end = harness_now_ms() + BOUND_MS;
  while (!seen && harness_now_ms() < end) {
    pid_t client = harness_peer("client", "trace-text-echo1", "call", "1", "2",
                                NULL);

    ck_assert(harness_wait(client, BOUND_MS, &st));
    text = slurp(out);
    seen = strstr(text, "kind=BlockingScalar") != NULL;
    free(text);
  }
  kill(tracer, SIGINT);
  st = tool_finish(tracer, "xousctl trace", BOUND_MS);
  text = slurp(out);
  ck_assert_msg(seen, "no BlockingScalar in the text trace:\n%s", text);
  expect_all(text, "numbers without names", "server=named-echo#",
             "pid=named-echo(", "pid=xtest-peer(");
  free(text);
  free(out);
  free(prog);
}
END_TEST

START_TEST(tools_xousctl_trace_begins_with_the_processes_and_servers_there)
{
  char *prog = tool_build_path("xousctl"), *out = tool_out_path("trace.out"),
       *text;
  const char *argv[] = { prog,     "--socket", harness_socket_path(),
                         "--json", "trace",    NULL };
  pid_t tracer;
  int st;

  harness_start_broker();
  named_echo_server("trace-existing-1");
  tracer = tool_start(out, NULL, argv);
  /* A process that was there before the trace, and may end before it
   * could be asked for, is named by the trace itself. */
  ck_assert_msg(tool_wait_text(out, "\"ev\":\"server\"", BOUND_MS),
                "no server in the trace");
  kill(tracer, SIGINT);
  st = tool_finish(tracer, "xousctl trace", BOUND_MS);
  text = slurp(out);
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s", text);
  expect_all(text, "the processes and servers there before the trace",
             "\"ev\":\"process\"", "\"name\":\"named-echo\",\"existing\":true",
             "\"server\":0,\"existing\":true");
  free(text);
  free(out);
  free(prog);
}
END_TEST

START_TEST(tools_xousctl_without_a_broker_says_how_to_start_one)
{
  char *prog = tool_build_path("xousctl"), *text, *sock;
  int st;

  ck_assert(asprintf(&sock, "%s/nobody.sock", harness_dir()) > 0);
  {
    const char *argv[] = { prog, "--socket", sock, "ps", NULL };

    st = run_tool(&text, argv);
  }
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 1, "%#x", (unsigned)st);
  expect_all(text, "xousctl without a broker", "cannot reach xousd at ", sock,
             "is it running?", "xous-run");
  free(text);
  {
    const char *argv[] = { prog, "--socket", sock, "frobnicate", NULL };

    st = run_tool(&text, argv);
  }
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 2, "usage: %#x",
                (unsigned)st);
  free(text);
  free(sock);
  free(prog);
}
END_TEST

/* ==== main ================================================================== */

int
main(void)
{
  const struct harness_case cases[] = {
    { "xous-run", 60, HARNESS_NOTHING,
      .tests = HARNESS_TESTS(
          tools_json_checker_tells_valid_from_invalid,
          tools_bench_table_gathers_every_benchmark_file_into_one_table,
          tools_xous_run_demo_exits_zero_and_prefixes_lines_with_names,
          tools_xous_run_with_a_tmpdir_too_long_for_a_socket_still_runs,
          tools_xous_run_exits_with_the_first_programs_status,
          tools_xous_run_on_ctrl_c_stops_its_children_quietly_and_removes_its_directory,
          tools_xous_run_cleans_up_when_a_process_crashes,
          tools_xous_run_reports_a_first_program_killed_by_a_signal,
          tools_xous_run_runs_an_image_with_paths_relative_to_it,
          tools_xous_run_ends_when_the_client_ends_and_stops_the_server,
          tools_xous_run_until_ends_the_run_when_that_program_ends,
          tools_xous_run_after_starts_a_program_once_its_name_is_registered,
          tools_xous_run_image_keywords_after_and_until,
          tools_xous_run_children_print_line_by_line,
          tools_xous_run_socket_lets_xousctl_reach_the_run,
          tools_xous_run_shell_runs_a_shell_inside_the_system) },
    { "xousctl", 60, HARNESS_NOTHING,
      .tests = HARNESS_TESTS(
          tools_every_program_has_help_on_stdout_version_and_says_what_was_wrong,
          tools_every_program_says_first_what_was_wrong_with_its_arguments,
          tools_xousctl_ps_tells_what_each_thread_waits_in,
          tools_xousctl_ps_lists_the_hello_server,
          tools_xousctl_ps_keeps_utf8_process_names,
          tools_xousctl_ps_shows_the_host_pid_and_an_idle_server_receiving,
          tools_xousctl_ps_counts_each_message_a_process_sent_once,
          tools_xousctl_servers_hides_sids_unless_asked,
          tools_xousctl_conns_shows_a_connection_to_the_server,
          tools_xousctl_kill_kills_a_process,
          tools_xousctl_shutdown_stops_the_broker,
          tools_xousctl_trace_chrome_records_valid_json_with_messages,
          tools_xousctl_trace_of_four_clients_nests_and_flows,
          tools_xousctl_trace_text_names_processes_servers_and_kinds,
          tools_xousctl_trace_begins_with_the_processes_and_servers_there,
          tools_xousctl_without_a_broker_says_how_to_start_one) },
  };

  return harness_run(harness_suite("tools", cases));
}
