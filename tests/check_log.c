/*
 * Tests of the log server and its client: the formatter on its own, then
 * a real xousd and a real xous-log process whose standard output (a file,
 * so no colour) the tests read. This program is also started again with a
 * role argument as a second logging process.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>

#define XOUS_LOG_MODULE "check"
#include <xous.h>
#include <xous/log.h>

#include "support/harness.h"

#define SELF "tests/check_log"
#define SERVER "xous-log"
#define BOUND_MS 5000

/* ==== helper process ======================================================== */

/* "log-one": logs one info record from its own process and prints its
 * Xous PID. */
static int
run_role(int argc, char **argv)
{
  if (argc == 2 && strcmp(argv[1], "log-one") == 0) {
    xous_error_t err = xous_log(XOUS_LOG_INFO, "helper", "hello from %u",
                                (unsigned)xous_get_process_id());

    printf("pid %u\n", (unsigned)xous_get_process_id());
    return err == XOUS_OK ? 0 : 1;
  }
  fprintf(stderr, "check_log: unknown role %s\n", argv[1]);
  return 2;
}

/* ==== the formatter ========================================================= */

static const char *fmt(const char *f, ...)
    __attribute__((format(printf, 1, 2)));

static const char *
fmt(const char *f, ...)
{
  static char buf[256];
  va_list ap;

  va_start(ap, f);
  xous_log_format(buf, sizeof buf, f, ap);
  va_end(ap);
  return buf;
}

START_TEST(log_format_handles_the_common_conversions)
{
  const char *volatile nul = NULL; /* hidden from the compiler's check */
  int x = 0;

  ck_assert_str_eq(fmt("%d %i %u", -42, 7, 3000000000u), "-42 7 3000000000");
  ck_assert_str_eq(fmt("%x %X %#x %o", 0xbeefu, 0xbeefu, 255u, 8u),
                   "beef BEEF 0xff 10");
  ck_assert_str_eq(fmt("%s|%c|%%", "str", 'q'), "str|q|%");
  ck_assert_str_eq(fmt("%ld %lu %lld", -1L, 4000000000UL, -9000000000LL),
                   "-1 4000000000 -9000000000");
  ck_assert_str_eq(fmt("%zu %zx", (size_t)12345, (size_t)255), "12345 ff");
  ck_assert_str_eq(fmt("%5d|%-5d|%05d|%+d", 42, 42, -42, 3),
                   "   42|42   |-0042|+3");
  ck_assert_str_eq(fmt("%.3s|%8s|%-4s|%*d", "abcdef", "hi", "x", 4, 7),
                   "abc|      hi|x   |   7");
  ck_assert_str_eq(fmt("%s", nul), "(null)");
  ck_assert_str_eq(fmt("%d %d", (int)0x80000000, 0), "-2147483648 0");
  ck_assert_str_eq(fmt("%hhu %hd", 257, 65537), "1 1");
  {
    char want[64];

    snprintf(want, sizeof want, "%p", (void *)&x);
    ck_assert_str_eq(fmt("%p", (void *)&x), want);
  }
}
END_TEST

static size_t
format_into(char *buf, size_t size, const char *f, ...)
{
  va_list ap;
  size_t n;

  va_start(ap, f);
  n = xous_log_format(buf, size, f, ap);
  va_end(ap);
  return n;
}

START_TEST(log_format_never_writes_past_the_buffer)
{
  char buf[16];

  memset(buf, '#', sizeof buf);
  ck_assert_uint_eq(format_into(buf, 8, "%s", "0123456789"), 10);
  ck_assert_str_eq(buf, "0123456");
  ck_assert_int_eq(buf[8], '#');
  ck_assert_uint_eq(format_into(buf, 0, "%d", 5), 1);
  ck_assert_uint_eq(format_into(buf, sizeof buf, "%s-%d", "ab", -12345), 9);
  ck_assert_str_eq(buf, "ab--12345");
}
END_TEST

/* ==== the server ============================================================ */

static pid_t server;

static void
start(const char *level)
{
  harness_start_broker();
  server = harness_spawn(SERVER, "--log-level", level, NULL);
}

static void
expect_line(const char *line)
{
  char *out;

  if (harness_wait_line(server, line, BOUND_MS))
    return;
  out = harness_output(server);
  ck_abort_msg("the log server did not print '%s'; it printed '%s'", line,
               out);
}

static const char *
line_of(const char *level, const char *module, const char *text)
{
  static char buf[512];

  snprintf(buf, sizeof buf, "[%s %u %s] %s", level,
           (unsigned)xous_get_process_id(), module, text);
  return buf;
}

static void
log_each_level(void)
{
  ck_assert_int_eq(xous_log(XOUS_LOG_ERROR, "check", "e %d", 1), XOUS_OK);
  ck_assert_int_eq(xous_log(XOUS_LOG_WARN, "check", "w %s", "two"), XOUS_OK);
  ck_assert_int_eq(xous_log_info("i %x", 0x3u), XOUS_OK);
  ck_assert_int_eq(xous_log_debug("d %c", '4'), XOUS_OK);
  ck_assert_int_eq(xous_log_trace("t %lu", 5UL), XOUS_OK);
  ck_assert_int_eq(xous_log(XOUS_LOG_ERROR, "check", "end"), XOUS_OK);
}

START_TEST(log_records_at_each_level_appear_with_the_sender_pid)
{
  start("trace");
  log_each_level();
  expect_line(line_of("ERROR", "check", "end"));
  expect_line(line_of("ERROR", "check", "e 1"));
  expect_line(line_of("WARN", "check", "w two"));
  expect_line(line_of("INFO", "check", "i 3"));
  expect_line(line_of("DEBUG", "check", "d 4"));
  expect_line(line_of("TRACE", "check", "t 5"));
  ck_assert_uint_eq(harness_line_count(server), 6);
}
END_TEST

START_TEST(log_level_warn_drops_info_debug_and_trace)
{
  char *out;

  start("warn");
  log_each_level();
  /* The server prints in order, so once "end" is out nothing more is. */
  expect_line(line_of("ERROR", "check", "end"));
  out = harness_output(server);
  ck_assert_msg(strstr(out, "] i 3") == NULL && strstr(out, "] d 4") == NULL &&
                    strstr(out, "] t 5") == NULL,
                "a record below warn was printed: '%s'", out);
  free(out);
  ck_assert_uint_eq(harness_line_count(server), 3);
}
END_TEST

START_TEST(log_the_pid_shown_is_the_senders_own)
{
  pid_t helper;
  char line[128], want[256];
  unsigned pid, mine;
  int st;

  start("info");
  /* Joined first, so that the helper cannot have a PID we reuse later. */
  mine = xous_get_process_id();
  ck_assert_uint_ne(mine, 0);
  helper = harness_spawn(SELF, "log-one", NULL);
  ck_assert_msg(harness_wait(helper, BOUND_MS, &st), "helper hangs");
  ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  ck_assert(harness_wait_nth_line(helper, 0, line, sizeof line, BOUND_MS));
  ck_assert_int_eq(sscanf(line, "pid %u", &pid), 1);
  ck_assert_uint_ne(pid, mine);
  snprintf(want, sizeof want, "[INFO %u helper] hello from %u", pid, pid);
  expect_line(want);
}
END_TEST

START_TEST(log_a_multiline_record_cannot_pass_for_another_process)
{
  start("info");
  ck_assert_int_eq(xous_log(XOUS_LOG_INFO, "m",
                            "first\n[ERROR 1 kernel] forged\x1b[2J"),
                   XOUS_OK);
  expect_line(line_of("INFO", "m", "first"));
  expect_line(line_of("INFO", "m", "[ERROR 1 kernel] forged?[2J"));
}
END_TEST

static void
expect_rejected(const xous_log_record_t *rec, xous_error_t want)
{
  xous_error_t err = xous_log_send_record(rec);

  ck_assert_msg(err == want, "got %s, expected %s", xous_error_name(err),
                xous_error_name(want));
}

START_TEST(log_bad_records_get_an_error_and_the_server_keeps_serving)
{
  static xous_log_record_t rec;
  xous_cid_t cid;
  xous_word_t ret[5];
  size_t i;

  start("trace");
  memset(&rec, 0, sizeof rec);
  rec.level = 9;
  expect_rejected(&rec, XOUS_INVALID_ARGUMENT);
  rec.level = XOUS_LOG_INFO;
  rec.args_length = XOUS_LOG_TEXT_MAX + 1;
  expect_rejected(&rec, XOUS_INVALID_ARGUMENT);
  rec.args_length = 0;
  rec.module_length = 0xffffffffu;
  expect_rejected(&rec, XOUS_INVALID_ARGUMENT);
  rec.module_length = 0;
  rec.file_length = 129;
  expect_rejected(&rec, XOUS_INVALID_ARGUMENT);
  rec.file_length = 0;
  memcpy(rec.args, "a\0b", 3);
  rec.args_length = 3;
  expect_rejected(&rec, XOUS_INVALID_STRING);
  /* Garbage: every byte set. */
  for (i = 0; i < sizeof rec; i++)
    ((unsigned char *)&rec)[i] = (unsigned char)(i * 37 + 11);
  ck_assert_int_ne(xous_log_send_record(&rec), XOUS_OK);

  /* A scalar, and a lend with an unknown opcode. */
  ck_assert_int_eq(xous_connect(xous_sid_from_name(XOUS_LOG_NAME), &cid),
                   XOUS_OK);
  ck_assert_int_eq(xous_blocking_scalar(cid, 0, 1, 2, 3, 4, ret), XOUS_OK);
  ck_assert_uint_eq(ret[0], XOUS_INVALID_ARGUMENT);
  {
    size_t off = 0, valid = 0;

    ck_assert_int_eq(xous_lend(cid, 77, &rec, sizeof rec, 0, 0, &off, &valid),
                     XOUS_OK);
    ck_assert_uint_eq(off, XOUS_INVALID_ARGUMENT);
  }

  ck_assert_int_eq(xous_log(XOUS_LOG_WARN, "check", "still here"), XOUS_OK);
  expect_line(line_of("WARN", "check", "still here"));
  ck_assert_uint_eq(harness_line_count(server), 1);
  ck_assert_msg(harness_running(server), "xous-log died");
}
END_TEST

START_TEST(log_long_text_is_cut_to_one_record)
{
  static char big[5000];
  char *out;

  start("info");
  memset(big, 'z', sizeof big - 1);
  ck_assert_int_eq(xous_log(XOUS_LOG_INFO, "big", "%s", big), XOUS_OK);
  ck_assert_int_eq(xous_log(XOUS_LOG_INFO, "big", "after"), XOUS_OK);
  expect_line(line_of("INFO", "big", "after"));
  out = harness_output(server);
  ck_assert_ptr_nonnull(strstr(out, "zzzz\n"));
  ck_assert_uint_eq(harness_line_count(server), 2);
  free(out);
}
END_TEST

/* Sends text as Rust std's panic handler does: PanicStarted, the bytes
 * in pieces of up to four words (opcode 1100 + count), PanicFinished. */
static void
send_panic(xous_cid_t cid, const char *text)
{
  const size_t piece = 4 * sizeof(xous_word_t);
  size_t len = strlen(text);

  ck_assert_int_eq(xous_scalar(cid, XOUS_LOG_OP_PANIC_STARTED, 0, 0, 0, 0),
                   XOUS_OK);
  for (size_t at = 0; at < len; at += piece) {
    xous_word_t w[4] = { 0 };
    size_t n = len - at < piece ? len - at : piece;

    for (size_t i = 0; i < n; i++)
      w[i / sizeof(xous_word_t)] |= (xous_word_t)(uint8_t)text[at + i]
                                    << (8 * (i % sizeof(xous_word_t)));
    ck_assert_int_eq(xous_scalar(cid, XOUS_LOG_OP_PANIC_MESSAGE0 + n, w[0],
                                 w[1], w[2], w[3]),
                     XOUS_OK);
  }
  ck_assert_int_eq(xous_scalar(cid, XOUS_LOG_OP_PANIC_FINISHED, 0, 0, 0, 0),
                   XOUS_OK);
}

START_TEST(log_panic_output_prints_as_the_real_log_server_does)
{
  xous_word_t all_b = (xous_word_t)0x4242424242424242ull;
  char head[64], tail[128];
  xous_word_t ret[5];
  xous_cid_t cid;
  char *out;

  start("info");
  ck_assert_int_eq(xous_connect(xous_sid_from_name(XOUS_LOG_NAME), &cid),
                   XOUS_OK);
  send_panic(cid, "thread 'main' panicked at src/main.rs:12:5:\n"
                  "a message longer than one piece of the panic output\n");
  /* Bytes beyond the count print nothing, nor does PanicMessage0; the
   * largest count prints the four words (16 bytes on rv32, 32 here). */
  ck_assert_int_eq(xous_scalar(cid, XOUS_LOG_OP_PANIC_MESSAGE0 + 2,
                               (xous_word_t)0x2121217861, 0, 0, 0),
                   XOUS_OK);
  ck_assert_int_eq(xous_scalar(cid, XOUS_LOG_OP_PANIC_MESSAGE0, 0x21, 0, 0, 0),
                   XOUS_OK);
  ck_assert_int_eq(xous_scalar(cid, XOUS_LOG_OP_PANIC_MESSAGE_LAST, all_b,
                               all_b, all_b, all_b),
                   XOUS_OK);
  ck_assert_int_eq(xous_blocking_scalar(cid, XOUS_LOG_OP_PANIC_MESSAGE0 + 4,
                                        0x0a595959, 0, 0, 0, ret),
                   XOUS_OK);
  ck_assert_uint_eq(ret[0], 0);
  snprintf(head, sizeof head,
           "PANIC in PID %u:", (unsigned)xous_get_process_id());
  expect_line(head);
  expect_line("thread 'main' panicked at src/main.rs:12:5:");
  expect_line("a message longer than one piece of the panic output");
  expect_line("Terminating process");
  memset(tail, 0, sizeof tail);
  strcpy(tail, "Terminating process\nax");
  memset(tail + strlen(tail), 'B', 4 * sizeof(xous_word_t));
  strcat(tail, "YYY");
  expect_line(tail + strlen("Terminating process\n"));
  strcat(tail, "\n");
  out = harness_output(server);
  ck_assert_msg(strstr(out, tail) != NULL && strstr(out, "!") == NULL,
                "the pieces after the panic are not as sent: '%s'", out);
  free(out);
  /* Any other scalar is still refused. */
  ck_assert_int_eq(xous_blocking_scalar(cid, 1101 + 200, 0, 0, 0, 0, ret),
                   XOUS_OK);
  ck_assert_uint_eq(ret[0], XOUS_INVALID_ARGUMENT);
}
END_TEST

START_TEST(log_an_unknown_log_level_is_a_usage_error)
{
  pid_t p;
  int st;

  harness_dir();
  p = harness_spawn(SERVER, "--log-level", "loud", NULL);
  ck_assert_msg(harness_wait(p, BOUND_MS, &st), "xous-log did not exit");
  ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 2);
}
END_TEST

START_TEST(log_served_lends_come_back_with_offset_and_valid_as_sent)
{
  static const char text[] = "raw one\nXXXX";
  xous_range_t page;
  xous_cid_t cid;
  size_t off = 1, valid = 0;
  char *out;

  start("info");
  ck_assert_int_eq(xous_connect(xous_sid_from_name(XOUS_LOG_NAME), &cid),
                   XOUS_OK);
  ck_assert_int_eq(xous_map_memory(0, 0, XOUS_PAGE_SIZE,
                                   XOUS_MEM_R | XOUS_MEM_W, &page),
                   XOUS_OK);
  memcpy(page.addr, text, sizeof text - 1);
  /* StandardOutput prints valid bytes from offset 0 and answers, as the
   * real server, with offset and valid unchanged. */
  ck_assert_int_eq(xous_lend(cid, XOUS_LOG_OP_STDOUT, page.addr, page.len, 0,
                             8, &off, &valid),
                   XOUS_OK);
  ck_assert_uint_eq(off, 0);
  ck_assert_uint_eq(valid, 8);
  expect_line("raw one");
  /* So does a LogRecord, sent with offset and valid None as Rust's log
   * crate sends it. */
  ck_assert_int_eq(xous_log(XOUS_LOG_WARN, "check", "after"), XOUS_OK);
  expect_line(line_of("WARN", "check", "after"));
  out = harness_output(server);
  ck_assert_ptr_null(strstr(out, "XXXX"));
  free(out);
  ck_assert_int_eq(xous_unmap_memory(page), XOUS_OK);
}
END_TEST

/* ==== the suite ============================================================= */

int
main(int argc, char **argv)
{
  const struct harness_case cases[] = {
    { "format", 0, HARNESS_UNIT,
      .tests = HARNESS_TESTS(log_format_handles_the_common_conversions,
                             log_format_never_writes_past_the_buffer) },
    /* The broker each test starts must outlive whatever the test sent. */
    { "server", 30, HARNESS_NOTHING,
      .tests = HARNESS_TESTS(
          log_records_at_each_level_appear_with_the_sender_pid,
          log_level_warn_drops_info_debug_and_trace,
          log_the_pid_shown_is_the_senders_own,
          log_a_multiline_record_cannot_pass_for_another_process,
          log_bad_records_get_an_error_and_the_server_keeps_serving,
          log_long_text_is_cut_to_one_record,
          log_an_unknown_log_level_is_a_usage_error,
          log_panic_output_prints_as_the_real_log_server_does,
          log_served_lends_come_back_with_offset_and_valid_as_sent),
      .teardown = harness_assert_broker_alive },
  };

  if (argc > 1)
    return run_role(argc, argv);
  return harness_run(harness_suite("log", cases));
}
