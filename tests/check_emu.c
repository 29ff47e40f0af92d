/*
 * xous-emu: rv32 builds (scripts/cross-build) run as ordinary Xous
 * processes beside native ones, against a real broker. Skipped (77) when
 * the cross compiler or xous-emu is missing.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/expect.h"
#include "support/harness.h"

#define WAIT_MS 10000

static char rv32_dir[2048];
static char emu[4096];

static const char *
rv32(const char *name)
{
  static char path[3][4096];
  static int next;
  char *p = path[next++ % 3];

  snprintf(p, sizeof(path[0]), "%s/%s", rv32_dir, name);
  return p;
}

/* Runs prog under xous-emu and returns its wait status (bounded). */
static int
run_guest(pid_t pid)
{
  int status = -1;

  ck_assert_msg(harness_wait(pid, WAIT_MS, &status), "guest did not end");
  return status;
}

/* Runs tests/rv32/conformance.elf with args (NULL terminated) under
 * xous-emu and asserts that it exits with code. */
static void
conformance(const char *const args[], int code)
{
  const char *argv[8] = { rv32("tests/rv32/conformance.elf") };
  int n = 1, status;

  while (args[n - 1] != NULL && n < 7) {
    argv[n] = args[n - 1];
    n++;
  }
  argv[n] = NULL;
  status = run_guest(harness_spawn_argv(emu, argv));
  ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == code,
                "conformance.elf %s: status %#x, not exit %d",
                args[0] != NULL ? args[0] : "", (unsigned)status, code);
}

/* Runs the native client of an example against its rv32 server under
 * xous-emu: the client must print said and both must exit 0. */
static void
native_client_of_guest(const char *server_elf, const char *const client[],
                       const char *said)
{
  pid_t server = harness_spawn(emu, rv32(server_elf), NULL);
  pid_t c = harness_spawn_argv(client[0], client + 1);
  int status;

  expect_exit(c, 0, WAIT_MS);
  expect_text(c, said, WAIT_MS);
  /* The client told the server to quit: the guest ends cleanly. */
  status = run_guest(server);
  ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

START_TEST(emu_guest_client_gets_answers_from_native_server)
{
  pid_t server;

  harness_start_broker();
  server = harness_spawn("examples/hello/hello-server", NULL);
  conformance((const char *[]){ NULL }, 0);
  expect_exit(server, 0, WAIT_MS);
  harness_assert_broker_alive();
}
END_TEST

START_TEST(emu_guest_server_answers_native_client)
{
  harness_start_broker();
  native_client_of_guest("examples/hello/hello-server.elf",
                         (const char *[]){ "examples/hello/hello-client",
                                           NULL },
                         "1 + 2 + 3 + 4 = 10");
}
END_TEST

START_TEST(emu_guest_server_writes_into_mutable_lend_of_native_client)
{
  harness_start_broker();
  native_client_of_guest("examples/upper/upper-server.elf",
                         (const char *[]){ "examples/upper/upper-client",
                                           "--quit", "make me loud", NULL },
                         "MAKE ME LOUD");
}
END_TEST

START_TEST(emu_passes_arguments_in_argl_after_unpadded_blocks)
{
  harness_start_broker();
  conformance((const char *[]){ "args", "two words", "", "x", NULL }, 0);
}
END_TEST

START_TEST(emu_interrupt_handler_has_a_tls_block_of_its_own)
{
  harness_start_broker();
  conformance((const char *[]){ "irq-tls", NULL }, 0);
}
END_TEST

START_TEST(emu_blocking_scalar_gives_each_answer_kind_and_zeros_on_error)
{
  harness_start_broker();
  conformance((const char *[]){ "answers", NULL }, 0);
  harness_assert_broker_alive();
}
END_TEST

START_TEST(emu_guest_fault_ends_only_the_guest)
{
  harness_start_broker();
  conformance((const char *[]){ "crash", NULL }, 128 + SIGSEGV);
  harness_assert_broker_alive();
}
END_TEST

/* ==== ABI conformance: the words at every ecall against ABI.md =========== */

/*
 * The table of ../shared/ABI.md section 1, for the calls tests/rv32/abi.c
 * makes (in that order, with those values). Each word is a pattern:
 *   "0x61000000"  that value;       "*"  any value;
 *   "$name"       the same value wherever $name appears (bound the first
 *                 time it is met);
 *   "N0".."N3"    the words of the SID "abi-conformance!", the name's
 *                 four 4-byte groups read little-endian (ABI.md section 3);
 *   a leading "!" also asks for a nonzero word.
 * Argument words not listed must be 0 ("unused ones 0"); result words not
 * listed are not looked at. The result tag may list alternatives
 * ("19|1"); "-" is a call that does not return.
 */
struct abi_call {
  const char *name;
  unsigned nr;
  const char *in[7];
  const char *tag;
  const char *out[7];
};

#define N4 "N0", "N1", "N2", "N3"
static const struct abi_call abi_table[] = {
  { "GetProcessId", 33, { NULL }, "11", { "!$pid" } },
  { "GetThreadId", 32, { NULL }, "10", { "!*" } },
  { "MapMemory",
    2,
    { "0", "0x61000000", "0x2000", "6" },
    "3",
    { "0x61000000", "0x2000" } },
  { "UpdateMemoryFlags",
    12,
    { "0x61000000", "0x2000", "2", "0" },
    "0",
    { NULL } },
  { "UnmapMemory", 19, { "0x61000000", "0x2000" }, "0", { NULL } },
  { "IncreaseHeap", 10, { "0x2000", "6" }, "3", { "0x20000000", "0x2000" } },
  { "DecreaseHeap", 11, { "0x1000" }, "3", { "0x20000000", "0x1000" } },
  { "CreateServerWithAddress", 14, { N4 }, "8", { N4, "!$cid" } },
  { "CreateServer", 29, { NULL }, "8", { "$o0", "$o1", "$o2", "$o3", "!*" } },
  { "TryReceiveMessage", 28, { "$o0", "$o1", "$o2", "$o3" }, "17", { NULL } },
  { "DestroyServer", 34, { "$o0", "$o1", "$o2", "$o3" }, "0", { NULL } },
  { "CreateServerId", 31, { NULL }, "6", { "*", "*", "*", "*" } },
  { "TryConnect", 25, { N4 }, "7", { "$cid" } },
  { "Connect", 17, { N4 }, "7", { "$cid" } },
  { "ConnectForProcess", 30, { "$pid", N4 }, "7", { "!*" } },
  { "CreateThread",
    18,
    { "!*", "!*", "0x4000", "0x5eed", "*" },
    "10",
    { "!$tid" } },
  { "SendMessage Scalar",
    16,
    { "$cid", "4", "0x101", "1", "2", "3", "4" },
    "0",
    { NULL } },
  { "ReceiveMessage Scalar",
    15,
    { N4 },
    "9",
    { "!*", "3", "0x101", "1", "2", "3", "4" } },
  { "SendMessage BlockingScalar",
    16,
    { "$cid", "5", "0x102", "5", "6", "7", "8" },
    "14",
    { "26" } },
  { "ReceiveMessage BlockingScalar",
    15,
    { N4 },
    "9",
    { "!$s1", "4", "0x102", "5", "6", "7", "8" } },
  { "ReturnScalar1", 26, { "$s1", "26" }, "0", { NULL } },
  { "SendMessage BlockingScalar",
    16,
    { "$cid", "5", "0x103", "5", "6", "7", "8" },
    "15",
    { "11", "12" } },
  { "ReceiveMessage BlockingScalar",
    15,
    { N4 },
    "9",
    { "!$s2", "4", "0x103", "5", "6", "7", "8" } },
  { "ReturnScalar2", 27, { "$s2", "11", "12" }, "0", { NULL } },
  { "SendMessage BlockingScalar",
    16,
    { "$cid", "5", "0x104", "5", "6", "7", "8" },
    "20",
    { "1", "2", "3", "4", "5" } },
  { "ReceiveMessage BlockingScalar",
    15,
    { N4 },
    "9",
    { "!$s3", "4", "0x104", "5", "6", "7", "8" } },
  { "ReturnScalar5", 40, { "$s3", "1", "2", "3", "4", "5" }, "0", { NULL } },
  { "SendMessage Borrow",
    16,
    { "$cid", "2", "0x105", "!*", "0x1000", "7", "9" },
    "18",
    { "3", "4" } },
  { "ReceiveMessage Borrow",
    15,
    { N4 },
    "9",
    { "!$s4", "1", "0x105", "!$lent", "0x1000", "7", "9" } },
  { "ReturnMemory",
    20,
    { "$s4", "$lent", "0x1000", "3", "4" },
    "0",
    { NULL } },
  { "SendMessage MutableBorrow",
    16,
    { "$cid", "1", "0x106", "!*", "0x1000", "0", "5" },
    "18",
    { "5", "6" } },
  { "ReceiveMessage MutableBorrow",
    15,
    { N4 },
    "9",
    { "!$s5", "0", "0x106", "!$lent2", "0x1000", "0", "5" } },
  { "ReplyAndReceiveNext memory",
    41,
    { "$s5", "0x106", "$lent2", "0x1000", "5", "6", "0xffffffff" },
    "9",
    { "!$s6", "4", "0x107", "5", "6", "7", "8" } },
  { "SendMessage BlockingScalar",
    16,
    { "$cid", "5", "0x107", "5", "6", "7", "8" },
    "14",
    { "77" } },
  { "ReplyAndReceiveNext Scalar1",
    41,
    { "$s6", "*", "77", "*", "*", "*", "1" },
    "9",
    { "!*", "2", "0x108", "!$moved", "0x1000", "0", "0" } },
  { "SendMessage Move",
    16,
    { "$cid", "3", "0x108", "!*", "0x1000", "0", "0" },
    "0",
    { NULL } },
  { "UnmapMemory (moved pages)", 19, { "$moved", "0x1000" }, "0", { NULL } },
  { "TrySendMessage Scalar",
    24,
    { "$cid", "4", "0x109", "0", "0", "0", "0" },
    "0",
    { NULL } },
  { "ReceiveMessage Scalar",
    15,
    { N4 },
    "9",
    { "!*", "3", "0x109", "0", "0", "0", "0" } },
  { "JoinThread", 36, { "$tid" }, "14", { "0x77" } },
  { "Disconnect", 35, { "$cid" }, "0", { NULL } },
  /* No result written: a0..a7 keep the call's own words. */
  { "Yield", 3, { NULL }, "3", { "0", "0", "0", "0", "0", "0", "0" } },
  { "WaitEvent", 9, { NULL }, "9", { "0", "0", "0", "0", "0", "0", "0" } },
  { "ClaimInterrupt", 5, { "8", "!*", "0x1234" }, "0", { NULL } },
  { "FreeInterrupt", 6, { "8" }, "0", { NULL } },
  { "AdjustProcessLimit", 38, { "1", "0", "0" }, "15", { "1", "*" } },
  /* The system programs' calls: UnhandledSyscall on the desktop. */
  { "ReturnToParent", 4, { "1", "0" }, "1", { "17" } },
  { "SwitchTo", 7, { "$pid", "0x11" }, "1", { "17" } },
  { "ReadyThreads", 8, { "$pid" }, "1", { "17" } },
  { "SetMemRegion",
    13,
    { "$pid", "2", "0x40000000", "0x3000" },
    "1",
    { "17" } },
  { "CreateProcess",
    21,
    { "0x1000", "0x2000", "0x3000", "0x4000", "0x5000", "0x6000" },
    "1",
    { "17" } },
  { "SetExceptionHandler", 37, { "0x7000", "0x8000" }, "1", { "17" } },
  { "VirtToPhys", 39, { "0x61000000" }, "1", { "17" } },
  { "VirtToPhysPid", 42, { "$pid", "0x61000000" }, "1", { "17" } },
  { "PlatformSpecific", 46, { "2", "0x61000000" }, "1", { "17" } },
  { "TerminateProcess", 22, { "42" }, "-", { NULL } },
};

/* Every number of ABI.md's table; Shutdown (23) has a run of its own. */
static const unsigned abi_numbers[] = {
  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15,
  16, 17, 18, 19, 20, 21, 22, 24, 25, 26, 27, 28, 29, 30,
  31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 46,
};

struct trace_line {
  uint32_t in[8], out[8];
  bool returned, used;
};

struct binding {
  char name[16];
  uint32_t value;
};

struct bindings {
  struct binding b[32];
  int n;
};

static uint32_t
name_word(int i)
{
  const unsigned char *s = (const unsigned char *)"abi-conformance!" + 4 * i;

  return (uint32_t)s[0] | (uint32_t)s[1] << 8 | (uint32_t)s[2] << 16 |
         (uint32_t)s[3] << 24;
}

/* True when w fits pattern p; binds $names in *b. */
static bool
word_matches(const char *p, uint32_t w, struct bindings *b)
{
  if (p[0] == '!') {
    if (w == 0)
      return false;
    p++;
  }
  if (strcmp(p, "*") == 0)
    return true;
  if (p[0] == 'N' && p[1] >= '0' && p[1] <= '3' && p[2] == '\0')
    return w == name_word(p[1] - '0');
  if (p[0] == '$') {
    for (int i = 0; i < b->n; i++)
      if (strcmp(b->b[i].name, p + 1) == 0)
        return b->b[i].value == w;
    ck_assert_int_lt(b->n, 32);
    snprintf(b->b[b->n].name, sizeof b->b[0].name, "%s", p + 1);
    b->b[b->n++].value = w;
    return true;
  }
  return strtoul(p, NULL, 0) == w;
}

static bool
tag_matches(const char *tag, const struct trace_line *t)
{
  char buf[16], *save = NULL;

  if (strcmp(tag, "-") == 0)
    return !t->returned;
  if (!t->returned)
    return false;
  snprintf(buf, sizeof buf, "%s", tag);
  for (char *alt = strtok_r(buf, "|", &save); alt != NULL;
       alt = strtok_r(NULL, "|", &save))
    if (strtoul(alt, NULL, 0) == t->out[0])
      return true;
  return false;
}

static bool
call_matches(const struct abi_call *c, const struct trace_line *t,
             struct bindings *b)
{
  if (t->in[0] != c->nr || !tag_matches(c->tag, t))
    return false;
  for (int i = 0; i < 7; i++)
    if (!word_matches(c->in[i] != NULL ? c->in[i] : "0", t->in[1 + i], b))
      return false;
  for (int i = 0; i < 7 && c->out[i] != NULL; i++)
    if (!word_matches(c->out[i], t->out[1 + i], b))
      return false;
  return true;
}

/* Reads xous-emu's trace; returns the number of lines. */
static size_t
read_trace(const char *path, struct trace_line *lines, size_t max)
{
  FILE *f = fopen(path, "r");
  char buf[512];
  size_t n = 0;

  ck_assert_msg(f != NULL, "no trace at %s", path);
  while (n < max && fgets(buf, sizeof buf, f) != NULL) {
    struct trace_line *t = &lines[n];
    char *p = buf + 5;

    memset(t, 0, sizeof *t);
    ck_assert_msg(strncmp(buf, "ecall", 5) == 0, "bad trace line: %s", buf);
    for (int i = 0; i < 8; i++)
      t->in[i] = (uint32_t)strtoul(p, &p, 16);
    p = strstr(p, "->");
    ck_assert_msg(p != NULL, "bad trace line: %s", buf);
    p += 2;
    t->returned = strchr(p, '-') == NULL;
    for (int i = 0; t->returned && i < 8; i++)
      t->out[i] = (uint32_t)strtoul(p, &p, 16);
    n++;
  }
  fclose(f);
  return n;
}

static void
describe_line(char *buf, size_t size, const struct trace_line *t)
{
  int k = snprintf(buf, size, " in");

  for (int i = 0; i < 8 && k > 0 && (size_t)k < size; i++)
    k += snprintf(buf + k, size - (size_t)k, " %x", (unsigned)t->in[i]);
  for (int i = 0; t->returned && i < 8 && k > 0 && (size_t)k < size; i++)
    k += snprintf(buf + k, size - (size_t)k, "%s %x", i ? "" : " out",
                  (unsigned)t->out[i]);
}

/* Runs tests/rv32/abi.elf ARG under xous-emu with the trace on and
 * returns its wait status. */
static int
run_traced(const char *arg, char *trace, size_t size)
{
  pid_t guest;

  snprintf(trace, size, "%s/ecalls.trace", harness_dir());
  unlink(trace);
  setenv("XOUS_EMU_TRACE", trace, 1);
  guest = harness_spawn(emu, rv32("tests/rv32/abi.elf"), arg, NULL);
  unsetenv("XOUS_EMU_TRACE");
  return run_guest(guest);
}

START_TEST(emu_abi_every_syscall_puts_the_words_where_abi_md_says)
{
  static struct trace_line lines[512];
  struct bindings b = { .n = 0 };
  char trace[4096], what[512];
  size_t n, i, k;
  int status;

  /* The table covers every call of ABI.md's table. */
  for (i = 0; i < sizeof abi_numbers / sizeof abi_numbers[0]; i++) {
    bool found = false;

    for (k = 0; k < sizeof abi_table / sizeof abi_table[0]; k++)
      found = found || abi_table[k].nr == abi_numbers[i];
    ck_assert_msg(found, "syscall %u is not in the conformance table",
                  abi_numbers[i]);
  }

  harness_start_broker();
  status = run_traced(NULL, trace, sizeof trace);
  ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 42,
                "abi.elf ended with status %#x", (unsigned)status);
  n = read_trace(trace, lines, sizeof lines / sizeof lines[0]);

  /* Each row, in order, takes the first unused ecall that fits it. */
  for (k = 0; k < sizeof abi_table / sizeof abi_table[0]; k++) {
    const struct abi_call *c = &abi_table[k];
    bool found = false;

    for (i = 0; i < n && !found; i++) {
      struct bindings trial = b;

      if (!lines[i].used && call_matches(c, &lines[i], &trial)) {
        lines[i].used = true;
        b = trial;
        found = true;
      }
    }
    if (!found) {
      /* Show the ecalls of that number, to say which word is wrong. */
      what[0] = '\0';
      for (i = 0; i < n; i++)
        if (lines[i].in[0] == c->nr && !lines[i].used) {
          describe_line(what, sizeof what, &lines[i]);
          break;
        }
      ck_abort_msg("%s (%u): no ecall fits ABI.md's row; first candidate:%s",
                   c->name, c->nr, what[0] ? what : " none");
    }
  }
  harness_assert_broker_alive();
}
END_TEST

START_TEST(emu_abi_shutdown_is_call_23_with_no_arguments)
{
  static struct trace_line lines[16];
  char trace[4096];
  size_t n, i;
  pid_t broker;
  int status;
  bool found = false;

  broker = harness_start_broker();
  status = run_traced("shutdown", trace, sizeof trace);
  ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                "abi.elf shutdown ended with status %#x", (unsigned)status);
  n = read_trace(trace, lines, sizeof lines / sizeof lines[0]);
  for (i = 0; i < n; i++)
    if (lines[i].in[0] == 23) {
      for (int w = 1; w < 8; w++)
        ck_assert_msg(lines[i].in[w] == 0, "Shutdown a%d = %#x", w,
                      (unsigned)lines[i].in[w]);
      ck_assert_msg(lines[i].returned && lines[i].out[0] == 0,
                    "Shutdown did not give Ok");
      found = true;
    }
  ck_assert_msg(found, "no Shutdown ecall in the trace");
  /* Shutdown ends the broker: reap it here. */
  harness_forget_broker();
  ck_assert(harness_wait(broker, WAIT_MS, &status));
}
END_TEST

/* ==== a mixed image under xous-run ======================================== */

/* The rv32 ticktimer serves the native sleeper; the native upper server
 * serves the rv32 upper client, whose MutableLend it writes into (the
 * client prints the answer through the log server). No native ticktimer
 * runs (-n), so the sleeper's answers can only come from the rv32 one. */
START_TEST(emu_xous_run_mixes_native_and_rv32_processes_in_one_image)
{
  const char *build = getenv("XOUS_BUILDDIR");
  char image[4096];
  FILE *f;
  pid_t run;
  int status;
  char *out;

  if (build == NULL)
    build = ".";
  snprintf(image, sizeof image, "%s/mixed.image", harness_dir());
  f = fopen(image, "w");
  ck_assert(f != NULL);
  fprintf(f,
          "# the run ends when the upper server is told to quit\n"
          "%s/examples/upper/upper-server\n"
          "%s/xous-names\n"
          "%s/xous-log\n"
          "%s\n"
          "wait %s/examples/sleeper/sleeper --sleeps 2 --ms 20\n"
          "wait %s --quit \"make me loud\"\n",
          build, build, build, rv32("xous-ticktimer.elf"), build,
          rv32("examples/upper/upper-client.elf"));
  ck_assert(fclose(f) == 0);
  run = harness_spawn("xous-run", "-n", "--image", image, NULL);
  ck_assert_msg(harness_wait(run, WAIT_MS, &status), "xous-run did not end");
  out = harness_output(run);
  ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                "xous-run ended with %#x:\n%s", (unsigned)status, out);
  ck_assert_msg(strstr(out, "sleeper: asked for 40 ms, slept ") != NULL,
                "the rv32 ticktimer did not answer the sleeper:\n%s", out);
  ck_assert_msg(strstr(out, "upper-client: MAKE ME LOUD") != NULL,
                "the native server's answer did not reach the rv32 "
                "client:\n%s",
                out);
  free(out);
}
END_TEST

/* Builds the rv32 programs; false when there is no cross toolchain. */
static bool
build_rv32(void)
{
  const char *src = getenv("XOUS_SRCDIR"), *build = getenv("XOUS_BUILDDIR");
  char cmd[8192];
  int rc;

  if (src == NULL)
    src = ".";
  if (build == NULL)
    build = ".";
  snprintf(rv32_dir, sizeof(rv32_dir), "%s/rv32", build);
  snprintf(emu, sizeof(emu), "%s/xous-emu", build);
  if (access(emu, X_OK) != 0) {
    fprintf(stderr, "check_emu: %s not built: skipped\n", emu);
    return false;
  }
  snprintf(cmd, sizeof(cmd), "'%s/scripts/cross-build' '%s' -s tests >&2", src,
           rv32_dir);
  rc = system(cmd);
  if (rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) == 77)
    return false;
  if (rc != 0) {
    fprintf(stderr, "check_emu: the rv32 build failed\n");
    exit(1);
  }
  return true;
}

int
main(void)
{
  const struct harness_case cases[] = {
    { "mixed", 60, HARNESS_NOTHING,
      .tests = HARNESS_TESTS(
          emu_guest_client_gets_answers_from_native_server,
          emu_guest_server_answers_native_client,
          emu_guest_server_writes_into_mutable_lend_of_native_client,
          emu_guest_fault_ends_only_the_guest,
          emu_passes_arguments_in_argl_after_unpadded_blocks,
          emu_interrupt_handler_has_a_tls_block_of_its_own,
          emu_blocking_scalar_gives_each_answer_kind_and_zeros_on_error,
          emu_abi_every_syscall_puts_the_words_where_abi_md_says,
          emu_abi_shutdown_is_call_23_with_no_arguments,
          emu_xous_run_mixes_native_and_rv32_processes_in_one_image) },
  };

  if (!build_rv32())
    return 77;
  return harness_run(harness_suite("emu", cases));
}
