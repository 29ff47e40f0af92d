/*
 * Tests of the name server: a real xousd, a real xous-names process and
 * real client and server processes (tests/helpers/names-peer), with the
 * test process itself as one more Xous process that uses <xous/names.h>
 * and, for malformed requests, lends pages to the name server by hand.
 *
 * Every test runs in its own forked process with its own broker (Check's
 * fork mode, support/harness.h). Every wait is bounded.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/wait.h>

#include <check.h>

#include <xous.h>
#include <xous/names.h>

#include "../servers/names/server.h"
#include "support/harness.h"

#define PEER "tests/helpers/names-peer"
#define NAMES "xous-names"
/* A generous bound for anything that should happen at once. */
#define BOUND_MS 5000
/* How long a lookup must stay unanswered to count as waiting. */
#define BLOCKED_MS 300

/* ==== helpers =============================================================== */

static const char *
status_text(int st)
{
  static char buf[64];

  if (WIFEXITED(st))
    snprintf(buf, sizeof buf, "exit status %d", WEXITSTATUS(st));
  else if (WIFSIGNALED(st))
    snprintf(buf, sizeof buf, "signal %d", WTERMSIG(st));
  else
    snprintf(buf, sizeof buf, "wait status %#x", (unsigned)st);
  return buf;
}

/* Waits for pid to print line; fails with what it printed otherwise. */
static void
expect_line(pid_t pid, const char *line)
{
  char *out;
  int st;

  if (harness_wait_line(pid, line, BOUND_MS))
    return;
  out = harness_output(pid);
  if (harness_wait(pid, 0, &st))
    ck_abort_msg("process %d ended (%s) without printing '%s'; it printed "
                 "'%s'", (int)pid, status_text(st), line, out);
  ck_abort_msg("process %d did not print '%s' within %d ms; it printed '%s'",
               (int)pid, line, BOUND_MS, out);
}

static xous_sid_t
names_sid(void)
{
  return xous_sid_from_name(XOUS_NAMES_SERVER_NAME);
}

/* The test process's connection to the name server. */
static xous_cid_t
names_cid(void)
{
  xous_cid_t cid = 0;

  ck_assert_int_eq(xous_try_connect(names_sid(), &cid), XOUS_OK);
  return cid;
}

/* Starts xous-names with args (NULL terminated, may be NULL) and waits
 * until its SID exists. */
static pid_t
start_names(const char *const args[])
{
  long long deadline = harness_now_ms() + BOUND_MS;
  pid_t pid = harness_spawn_argv(NAMES, args);
  xous_cid_t cid;

  while (xous_try_connect(names_sid(), &cid) != XOUS_OK) {
    int st;

    if (harness_wait(pid, 0, &st))
      ck_abort_msg("xous-names ended (%s) at start", status_text(st));
    ck_assert_msg(harness_now_ms() < deadline,
                  "xous-names did not start within %d ms", BOUND_MS);
    harness_sleep_ms(2);
  }
  return pid;
}

/* Starts a names-peer that registers name with limit and serves it. */
static pid_t
start_server(const char *name, const char *limit)
{
  pid_t pid = harness_spawn(PEER, "server", name, limit, NULL);

  expect_line(pid, "ready");
  return pid;
}

/* Runs a names-peer to its end and returns what it printed (free it). */
static char *
run_peer(const char *role, const char *name, ...)
{
  const char *argv[8] = { role, name };
  va_list ap;
  pid_t pid;
  int n = 2, st;

  va_start(ap, name);
  while (n < 7 && (argv[n] = va_arg(ap, const char *)) != NULL)
    n++;
  va_end(ap);
  argv[n] = NULL;
  pid = harness_spawn_argv(PEER, argv);
  ck_assert_msg(harness_wait(pid, BOUND_MS, &st),
                "names-peer %s %s still running after %d ms", role, name,
                BOUND_MS);
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
                "names-peer %s %s ended with %s", role, name,
                status_text(st));
  return harness_output(pid);
}

static void
expect_peer(const char *want, const char *role, const char *name)
{
  char *out = run_peer(role, name, NULL);

  ck_assert_str_eq(out, want);
  free(out);
}

/* Asserts that the name server is still running and still serving: a
 * fresh server registers and a fresh client reaches it by name. */
static void
assert_names_serves(pid_t names)
{
  static unsigned seq;
  char name[32];
  char *out;

  ck_assert_msg(harness_running(names), "xous-names has ended");
  snprintf(name, sizeof name, "still-serving-%u", ++seq);
  start_server(name, "0");
  out = run_peer("connect", name, NULL);
  ck_assert_str_eq(out, "connect NoError\nreply 42\n");
  free(out);
  ck_assert_msg(harness_running(names), "xous-names has ended");
}

/* Sends opcode 1 with 41 on cid and asserts the server's 42. */
static void
assert_call_answers(xous_cid_t cid)
{
  xous_word_t ret[5];

  ck_assert_int_eq(xous_blocking_scalar(cid, 1, 41, 0, 0, 0, ret), XOUS_OK);
  ck_assert_uint_eq(ret[0], 42);
}

static void
set_name(struct xous_names_msg *m, const void *bytes, size_t len)
{
  memset(m->name, 0, sizeof m->name);
  memcpy(m->name, bytes, len < sizeof m->name ? len : sizeof m->name);
  m->name_len = (uint32_t)len;
}

/* Lends pages pages holding *m to the name server with opcode op (mutably
 * when mut) and returns its answer: the error in the offset word. *out
 * (may be NULL) receives the page's first bytes afterwards. */
static xous_error_t
raw_lend(xous_word_t op, bool mut, size_t pages,
         const struct xous_names_msg *m, void *out, size_t out_len)
{
  size_t ret_offset = 0, ret_valid = 0;
  xous_range_t r;
  xous_error_t err;

  ck_assert_int_eq(xous_map_memory(0, 0, pages * XOUS_PAGE_SIZE,
                                   XOUS_MEM_R | XOUS_MEM_W, &r),
                   XOUS_OK);
  memcpy(r.addr, m, sizeof *m);
  if (mut)
    err = xous_lend_mut(names_cid(), op, r.addr, r.len, 0, sizeof *m,
                        &ret_offset, &ret_valid);
  else
    err = xous_lend(names_cid(), op, r.addr, r.len, 0, sizeof *m, &ret_offset,
                    &ret_valid);
  ck_assert_msg(err == XOUS_OK, "the lend itself failed: %s",
                xous_error_name(err));
  if (out != NULL)
    memcpy(out, r.addr, out_len);
  ck_assert_int_eq(xous_unmap_memory(r), XOUS_OK);
  return (xous_error_t)ret_offset;
}

/* Parses "<prefix> W0 W1 W2 W3" (hex words). */
static void
parse_words(const char *line, const char *prefix, uint32_t w[4])
{
  unsigned v[4];
  char fmt[64];

  snprintf(fmt, sizeof fmt, "%s %%x %%x %%x %%x", prefix);
  ck_assert_msg(sscanf(line, fmt, &v[0], &v[1], &v[2], &v[3]) == 4,
                "cannot parse '%s'", line);
  for (int i = 0; i < 4; i++)
    w[i] = v[i];
}

/* ==== registration and lookup ================================================ */

START_TEST(names_register_then_connect_by_name_and_call)
{
  xous_cid_t cid = 0;
  char *out;

  start_names(NULL);
  start_server("calc", "0");
  ck_assert_int_eq(xous_names_try_connect("calc", &cid), XOUS_OK);
  ck_assert_uint_ge(cid, XOUS_FIRST_CID);
  assert_call_answers(cid);
  /* A blocking lookup of a registered name answers at once. */
  ck_assert_int_eq(xous_names_connect("calc", &cid), XOUS_OK);
  assert_call_answers(cid);
  /* And another process gets a CID valid in its own table. */
  out = run_peer("connect", "calc", NULL);
  ck_assert_str_eq(out, "connect NoError\nreply 42\n");
  free(out);
}
END_TEST

START_TEST(names_utf8_names_beyond_ascii_register_and_connect)
{
  /* 64 bytes: sixteen 4-byte characters, the longest name there is. */
  char name[65] = "";
  xous_cid_t cid;

  for (int i = 0; i < 16; i++)
    strcat(name, "\xf0\x9f\x90\x88");
  ck_assert_uint_eq(strlen(name), XOUS_NAMES_MAX_NAME);
  start_names(NULL);
  start_server(name, "0");
  ck_assert_int_eq(xous_names_try_connect(name, &cid), XOUS_OK);
  assert_call_answers(cid);
  ck_assert_int_eq(xous_names_try_connect("gr\xc3\xbc\xc3\x9f" "e", &cid),
                   XOUS_SERVER_NOT_FOUND);
}
END_TEST

START_TEST(names_blocking_lookup_completes_when_the_server_registers_later)
{
  pid_t names, client;
  char *out;

  names = start_names(NULL);
  client = harness_spawn(PEER, "connect", "late-server", NULL);
  ck_assert_msg(!harness_wait(client, BLOCKED_MS, NULL),
                "the lookup of a missing name did not wait");
  out = harness_output(client);
  ck_assert_str_eq(out, "");
  free(out);
  /* Meanwhile the name server serves everybody else. */
  ck_assert_int_eq(xous_names_try_connect("late-server", NULL),
                   XOUS_SERVER_NOT_FOUND);
  start_server("late-server", "0");
  expect_line(client, "reply 42");
  ck_assert(harness_wait(client, BOUND_MS, NULL));
  ck_assert(harness_running(names));
}
END_TEST

START_TEST(names_try_lookup_of_a_missing_name_gives_server_not_found)
{
  xous_cid_t cid = 77;

  start_names(NULL);
  ck_assert_int_eq(xous_names_try_connect("nobody-here", &cid),
                   XOUS_SERVER_NOT_FOUND);
  ck_assert_uint_eq(cid, 77);
  expect_peer("ServerNotFound\n", "try", "nobody-here");
}
END_TEST

START_TEST(names_a_taken_name_gives_server_exists)
{
  pid_t pid;

  start_names(NULL);
  start_server("taken", "0");
  pid = harness_spawn(PEER, "server", "taken", "0", NULL);
  expect_line(pid, "register ServerExists");
}
END_TEST

START_TEST(names_a_name_whose_server_ended_is_freed)
{
  pid_t server;
  xous_cid_t cid;

  start_names(NULL);
  server = start_server("phoenix", "0");
  harness_kill(server, SIGKILL);
  ck_assert(harness_wait(server, BOUND_MS, NULL));
  ck_assert_int_eq(xous_names_try_connect("phoenix", &cid),
                   XOUS_SERVER_NOT_FOUND);
  start_server("phoenix", "0");
  ck_assert_int_eq(xous_names_try_connect("phoenix", &cid), XOUS_OK);
  assert_call_answers(cid);
}
END_TEST

/* ==== SID secrecy ============================================================= */

START_TEST(names_sid_secrecy_no_answer_holds_the_sid_and_guesses_fail)
{
  struct xous_names_msg m;
  uint8_t page[XOUS_PAGE_SIZE];
  xous_sid_t sid, guess;
  xous_cid_t cid;
  pid_t server;
  char line[128];

  start_names(NULL);
  server = start_server("vault", "0");
  /* The server's own SID, which it prints for this test only. */
  ck_assert(harness_wait_nth_line(server, 0, line, sizeof line, BOUND_MS));
  parse_words(line, "sid", sid.w);

  /* The whole page a lookup answers with holds no SID, not even one word
   * of it: the client learns a CID and a token, nothing else. */
  memset(&m, 0, sizeof m);
  set_name(&m, "vault", 5);
  ck_assert_int_eq(raw_lend(XOUS_NAMES_OP_TRY_CONNECT, true, 1, &m, page,
                            sizeof page),
                   XOUS_OK);
  for (int i = 0; i < 4; i++)
    ck_assert_ptr_null(memmem(page, sizeof page, &sid.w[i], 4));
  memcpy(&m, page, sizeof m);
  assert_call_answers(m.cid);

  /* Guessing fails: 2000 random SIDs reach nothing... */
  for (int i = 0; i < 2000; i++) {
    ck_assert_int_eq(getrandom(guess.w, sizeof guess.w, 0),
                     (ssize_t)sizeof guess.w);
    ck_assert_int_eq(xous_try_connect(guess, &cid), XOUS_SERVER_NOT_FOUND);
  }
  /* ...while the real SID would have: the check above can fail. */
  ck_assert_int_eq(xous_try_connect(sid, &cid), XOUS_OK);
}
END_TEST

START_TEST(names_a_client_can_list_nothing)
{
  struct xous_names_msg m;
  xous_word_t ret[5];

  start_names(NULL);
  start_server("hidden", "0");
  /* No opcode beyond the documented ones answers anything but an error. */
  memset(&m, 0, sizeof m);
  set_name(&m, "hidden", 6);
  for (xous_word_t op = 0; op < 64; op++) {
    if (op >= XOUS_NAMES_OP_REGISTER && op <= XOUS_NAMES_OP_TRUSTED_INIT)
      continue;
    ck_assert_int_eq(raw_lend(op, true, 1, &m, NULL, 0),
                     XOUS_INVALID_ARGUMENT);
    ck_assert_int_eq(xous_blocking_scalar(names_cid(), op, 0, 0, 0, 0, ret),
                     XOUS_OK);
    ck_assert_uint_eq(ret[0], XOUS_INVALID_ARGUMENT);
  }
}
END_TEST

/* ==== connection limits and tokens ============================================ */

START_TEST(names_limit_of_two_denies_the_third_until_a_token_is_returned)
{
  xous_names_token_t mine, again;
  uint32_t theirs[4];
  char *out, arg[4][16];
  xous_cid_t cid;

  start_names(NULL);
  start_server("limited", "2");
  ck_assert_int_eq(xous_names_try_connect_token("limited", &cid, &mine),
                   XOUS_OK);
  assert_call_answers(cid);
  ck_assert(mine.w[0] | mine.w[1] | mine.w[2] | mine.w[3]);

  /* The second place goes to another process. */
  out = run_peer("token", "limited", NULL);
  parse_words(out, "NoError", theirs);
  free(out);

  /* The third lookup, from another process still, is denied. */
  out = run_peer("token", "limited", NULL);
  ck_assert_str_eq(out, "AccessDenied 00000000 00000000 00000000 00000000\n");
  free(out);
  ck_assert_int_eq(xous_names_connect("limited", &cid), XOUS_ACCESS_DENIED);

  /* A token of another process does not free a place here. */
  memcpy(again.w, theirs, sizeof again.w);
  ck_assert_int_eq(xous_names_disconnect("limited", again),
                   XOUS_ACCESS_DENIED);

  /* Our token gives our place back: a new lookup succeeds. */
  ck_assert_int_eq(xous_names_disconnect("limited", mine), XOUS_OK);
  expect_peer("NoError\n", "try", "limited");
  expect_peer("AccessDenied\n", "try", "limited");

  /* A spent token is refused. */
  ck_assert_int_eq(xous_names_disconnect("limited", mine), XOUS_ACCESS_DENIED);

  /* The other process's token was good: it frees a place for it. */
  for (int i = 0; i < 4; i++)
    snprintf(arg[i], sizeof arg[i], "%08x", (unsigned)theirs[i]);
  out = run_peer("disconnect", "limited", arg[0], arg[1], arg[2], arg[3],
                 NULL);
  ck_assert_str_eq(out, "NoError\n");
  free(out);
  ck_assert_int_eq(xous_names_try_connect_token("limited", &cid, &again),
                   XOUS_OK);
  assert_call_answers(cid);
}
END_TEST

START_TEST(names_a_made_up_token_frees_nothing)
{
  xous_names_token_t t = { { 1, 2, 3, 4 } };
  xous_names_token_t zero = { { 0, 0, 0, 0 } };

  start_names(NULL);
  start_server("one-only", "1");
  start_server("open", "0");
  ck_assert_int_eq(xous_names_try_connect("one-only", NULL), XOUS_OK);
  ck_assert_int_eq(xous_names_disconnect("one-only", t), XOUS_ACCESS_DENIED);
  ck_assert_int_eq(xous_names_disconnect("one-only", zero),
                   XOUS_ACCESS_DENIED);
  ck_assert_int_eq(xous_names_try_connect("one-only", NULL),
                   XOUS_ACCESS_DENIED);
  /* A name without a limit hands out zero tokens, which free nothing. */
  ck_assert_int_eq(xous_names_try_connect_token("open", NULL, &t), XOUS_OK);
  ck_assert(t.w[0] == 0 && t.w[1] == 0 && t.w[2] == 0 && t.w[3] == 0);
  ck_assert_int_eq(xous_names_disconnect("open", t), XOUS_ACCESS_DENIED);
  ck_assert_int_eq(xous_names_disconnect("nobody", t), XOUS_SERVER_NOT_FOUND);
}
END_TEST

/* ==== unregister ================================================================ */

START_TEST(names_unregister_only_by_the_registering_process)
{
  xous_word_t ret[5];
  xous_cid_t cid;

  start_names(NULL);
  start_server("leaving", "0");
  ck_assert_int_eq(xous_names_try_connect("leaving", &cid), XOUS_OK);
  /* Nobody else may remove the name. */
  ck_assert_int_eq(xous_names_unregister("leaving"), XOUS_ACCESS_DENIED);
  expect_peer("AccessDenied\n", "unregister", "leaving");
  expect_peer("NoError\n", "try", "leaving");
  /* The registering process may (opcode 2 asks it to). */
  ck_assert_int_eq(xous_blocking_scalar(cid, 2, 0, 0, 0, 0, ret), XOUS_OK);
  ck_assert_uint_eq(ret[0], XOUS_OK);
  ck_assert_int_eq(xous_names_try_connect("leaving", NULL),
                   XOUS_SERVER_NOT_FOUND);
  /* Once; and the connection made before stays. */
  ck_assert_int_eq(xous_blocking_scalar(cid, 2, 0, 0, 0, 0, ret), XOUS_OK);
  ck_assert_uint_eq(ret[0], XOUS_SERVER_NOT_FOUND);
  ck_assert_int_eq(xous_names_unregister("never-was"), XOUS_SERVER_NOT_FOUND);
  /* The name is free for another server. */
  start_server("leaving", "0");
}
END_TEST

/* ==== trusted init done =========================================================== */

START_TEST(names_trusted_init_done_once_every_trusted_name_registered)
{
  const char *const args[] = { "--trusted", "alpha", "--trusted", "beta",
                               NULL };
  bool done = true;

  start_names(args);
  ck_assert_int_eq(xous_names_trusted_init_done(&done), XOUS_OK);
  ck_assert(!done);
  start_server("alpha", "1");
  start_server("gamma", "0"); /* not a trusted name: changes nothing */
  done = true;
  ck_assert_int_eq(xous_names_trusted_init_done(&done), XOUS_OK);
  ck_assert(!done);
  start_server("beta", "1");
  ck_assert_int_eq(xous_names_trusted_init_done(&done), XOUS_OK);
  ck_assert(done);
}
END_TEST

START_TEST(names_trusted_init_done_at_once_without_trusted_names)
{
  bool done = false;

  start_names(NULL);
  ck_assert_int_eq(xous_names_trusted_init_done(&done), XOUS_OK);
  ck_assert(done);
}
END_TEST

START_TEST(names_bad_command_lines_are_refused)
{
  const char *const bad[][3] = {
    { "--bogus", NULL, NULL },
    { "--trusted", NULL, NULL },
    { "--trusted", "", NULL },
    { "--trusted",
      "01234567890123456789012345678901234567890123456789012345678901234",
      NULL },
    { "--trusted", "\xc0\xaf", NULL },
  };
  int st;

  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    pid_t pid = harness_spawn_argv(NAMES, bad[i]);

    ck_assert(harness_wait(pid, BOUND_MS, &st));
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 2,
                  "case %zu ended with %s", i, status_text(st));
  }
}
END_TEST

/* ==== malformed requests ============================================================ */

START_TEST(names_malformed_requests_get_errors_and_the_server_keeps_serving)
{
#define BAD(s, len) { s, sizeof(s) - 1, len }
  static const struct {
    const char *bytes;
    size_t n;     /* bytes to copy into the request */
    uint32_t len; /* the length the request claims */
  } bad_names[] = {
    BAD("", 0),
    BAD("0123456789012345678901234567890123456789012345678901234567890123",
        65),
    BAD("x", 0xffffffffu),
    BAD("\xff", 1),             /* never in UTF-8 */
    BAD("ab\xc3", 3),           /* cut short */
    BAD("\xc0\xaf", 2),         /* overlong '/' */
    BAD("\xe0\x80\xaf", 3),     /* overlong '/' */
    BAD("\xed\xa0\x80", 3),     /* a surrogate */
    BAD("\xf4\x90\x80\x80", 4), /* above U+10FFFF */
    BAD("a\0b", 3),             /* a NUL inside */
    BAD("\x80x", 2),            /* a lone continuation byte */
  };
#undef BAD
  struct xous_names_msg m;
  xous_word_t ret[5];
  xous_range_t r;
  pid_t names;

  names = start_names(NULL);
  start_server("real", "0");
  for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
    memset(&m, 0, sizeof m);
    memcpy(m.name, bad_names[i].bytes, bad_names[i].n);
    m.name_len = bad_names[i].len;
    for (xous_word_t op = XOUS_NAMES_OP_REGISTER;
         op <= XOUS_NAMES_OP_UNREGISTER; op++)
      ck_assert_msg(raw_lend(op, true, 1, &m, NULL, 0) == XOUS_INVALID_STRING,
                    "bad name %zu, opcode %u not refused", i, (unsigned)op);
  }

  memset(&m, 0, sizeof m);
  set_name(&m, "real", 4);
  /* An unknown opcode, as a lend and as a BlockingScalar. */
  ck_assert_int_eq(raw_lend(0xdead, true, 1, &m, NULL, 0),
                   XOUS_INVALID_ARGUMENT);
  ck_assert_int_eq(xous_blocking_scalar(names_cid(), 0xdead, 1, 2, 3, 4, ret),
                   XOUS_OK);
  ck_assert_uint_eq(ret[0], XOUS_INVALID_ARGUMENT);
  /* A lend of the wrong size. */
  ck_assert_int_eq(raw_lend(XOUS_NAMES_OP_TRY_CONNECT, true, 2, &m, NULL, 0),
                   XOUS_INVALID_ARGUMENT);
  /* A lookup in a page the name server could not write its answer to. */
  ck_assert_int_eq(raw_lend(XOUS_NAMES_OP_TRY_CONNECT, false, 1, &m, NULL, 0),
                   XOUS_INVALID_ARGUMENT);
  /* A limit beyond the largest, and a SID that nobody serves. */
  set_name(&m, "fresh", 5);
  m.max_conns = XOUS_NAMES_MAX_LIMIT + 1;
  ck_assert_int_eq(raw_lend(XOUS_NAMES_OP_REGISTER, false, 1, &m, NULL, 0),
                   XOUS_INVALID_ARGUMENT);
  m.max_conns = 0;
  m.sid[0] = 0x12345678;
  m.sid[3] = 0x9abcdef0;
  ck_assert_int_eq(raw_lend(XOUS_NAMES_OP_REGISTER, false, 1, &m, NULL, 0),
                   XOUS_SERVER_NOT_FOUND);
  /* The trusted-init opcode in a lend. */
  ck_assert_int_eq(raw_lend(XOUS_NAMES_OP_TRUSTED_INIT, true, 1, &m, NULL, 0),
                   XOUS_INVALID_ARGUMENT);
  /* Messages that ask for no answer: a plain Scalar, and a page moved to
   * the name server with Send. */
  ck_assert_int_eq(xous_scalar(names_cid(), XOUS_NAMES_OP_CONNECT, 0, 0, 0, 0),
                   XOUS_OK);
  ck_assert_int_eq(xous_map_memory(0, 0, XOUS_PAGE_SIZE,
                                   XOUS_MEM_R | XOUS_MEM_W, &r),
                   XOUS_OK);
  memcpy(r.addr, &m, sizeof m);
  ck_assert_int_eq(xous_send(names_cid(), XOUS_NAMES_OP_REGISTER, r.addr,
                             r.len, 0, sizeof m),
                   XOUS_OK);
  ck_assert_int_eq(xous_names_try_connect("fresh", NULL),
                   XOUS_SERVER_NOT_FOUND);

  /* Through all of that, the real name still works, and so do new ones. */
  set_name(&m, "real", 4);
  ck_assert_int_eq(raw_lend(XOUS_NAMES_OP_TRY_CONNECT, true, 1, &m, &m,
                            sizeof m),
                   XOUS_OK);
  assert_call_answers(m.cid);
  assert_names_serves(names);
}
END_TEST

START_TEST(names_client_api_refuses_bad_names_before_sending)
{
  char long_name[XOUS_NAMES_MAX_NAME + 2];

  memset(long_name, 'a', sizeof long_name - 1);
  long_name[sizeof long_name - 1] = '\0';
  /* No name server runs: these must not wait for one. */
  ck_assert_int_eq(xous_names_try_connect("", NULL), XOUS_INVALID_STRING);
  ck_assert_int_eq(xous_names_try_connect(NULL, NULL), XOUS_INVALID_STRING);
  ck_assert_int_eq(xous_names_connect(long_name, NULL), XOUS_INVALID_STRING);
  ck_assert_int_eq(xous_names_register("ok", XOUS_NAMES_MAX_LIMIT + 1, NULL),
                   XOUS_INVALID_ARGUMENT);
  ck_assert_int_eq(xous_names_unregister(long_name), XOUS_INVALID_STRING);
}
END_TEST

START_TEST(names_utf8_check_accepts_utf8_and_refuses_the_rest)
{
  static const char *const good[] = {
    "a", "xous-name-server", "\xc2\x80", "\xdf\xbf", "\xe0\xa0\x80",
    "\xed\x9f\xbf", "\xee\x80\x80", "\xef\xbf\xbf", "\xf0\x90\x80\x80",
    "\xf4\x8f\xbf\xbf",
  };
  static const char *const bad[] = {
    "\x80", "\xc1\xbf", "\xc2", "\xc2\x7f", "\xe0\x9f\xbf", "\xed\xa0\x80",
    "\xed\xbf\xbf", "\xf0\x8f\xbf\xbf", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80",
    "\xfe", "\xff", "\xe2\x82", "\xf0\x9f\x90",
  };

  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
    ck_assert_msg(names__utf8_valid((const uint8_t *)good[i],
                                    strlen(good[i])),
                  "good %zu refused", i);
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    ck_assert_msg(!names__utf8_valid((const uint8_t *)bad[i], strlen(bad[i])),
                  "bad %zu accepted", i);
  ck_assert(!names__utf8_valid((const uint8_t *)"a\0b", 3));
}
END_TEST

/* ==== the suite ======================================================================= */

static void
setup_broker(void)
{
  harness_start_broker();
}

static void
teardown(void)
{
  harness_cleanup();
}

static TCase *
tcase(Suite *s, const char *name, bool with_broker)
{
  TCase *tc = tcase_create(name);

  tcase_add_checked_fixture(tc, with_broker ? setup_broker : NULL, teardown);
  tcase_set_timeout(tc, 60);
  suite_add_tcase(s, tc);
  return tc;
}

static Suite *
names_suite(void)
{
  Suite *s = suite_create("names");
  TCase *tc;

  tc = tcase(s, "lookup", true);
  tcase_add_test(tc, names_register_then_connect_by_name_and_call);
  tcase_add_test(tc, names_utf8_names_beyond_ascii_register_and_connect);
  tcase_add_test(tc,
                 names_blocking_lookup_completes_when_the_server_registers_later);
  tcase_add_test(tc, names_try_lookup_of_a_missing_name_gives_server_not_found);
  tcase_add_test(tc, names_a_taken_name_gives_server_exists);
  tcase_add_test(tc, names_a_name_whose_server_ended_is_freed);

  tc = tcase(s, "secrecy", true);
  tcase_add_test(tc,
                 names_sid_secrecy_no_answer_holds_the_sid_and_guesses_fail);
  tcase_add_test(tc, names_a_client_can_list_nothing);

  tc = tcase(s, "limits", true);
  tcase_add_test(tc,
                 names_limit_of_two_denies_the_third_until_a_token_is_returned);
  tcase_add_test(tc, names_a_made_up_token_frees_nothing);
  tcase_add_test(tc, names_unregister_only_by_the_registering_process);

  tc = tcase(s, "trusted", true);
  tcase_add_test(tc, names_trusted_init_done_once_every_trusted_name_registered);
  tcase_add_test(tc, names_trusted_init_done_at_once_without_trusted_names);
  tcase_add_test(tc, names_bad_command_lines_are_refused);

  tc = tcase(s, "malformed", true);
  tcase_add_test(
      tc, names_malformed_requests_get_errors_and_the_server_keeps_serving);

  tc = tcase(s, "unit", false);
  tcase_add_test(tc, names_client_api_refuses_bad_names_before_sending);
  tcase_add_test(tc, names_utf8_check_accepts_utf8_and_refuses_the_rest);
  return s;
}

int
main(void)
{
  return harness_run(names_suite());
}
