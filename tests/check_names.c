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

#include <xous/rkyv.h>

#include "../servers/names/wire.h"
#include "support/expect.h"
#include "support/harness.h"

#define PEER "tests/helpers/names-peer"
#define NAMES "xous-names"
/* A generous bound for anything that should happen at once. */
#define BOUND_MS 5000
/* How long a lookup must stay unanswered to count as waiting. */
#define BLOCKED_MS 300

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

  expect_line(pid, "ready", BOUND_MS);
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
                "names-peer %s %s ended with %s", role, name, status_text(st));
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

/* What the name server gave back for a page the test lent it. */
struct answer {
  size_t offset, valid;
  uint8_t page[XOUS_PAGE_SIZE];
};

/* Lends one page holding bytes[0..n] to the name server with opcode op
 * (mutably when mut), with the offset and valid words given, and records
 * the answer. */
static void
lend_page(xous_word_t op, bool mut, const void *bytes, size_t n, size_t offset,
          size_t valid, struct answer *a)
{
  xous_range_t r;
  xous_error_t err;

  ck_assert_int_eq(xous_map_memory(0, 0, XOUS_PAGE_SIZE,
                                   XOUS_MEM_R | XOUS_MEM_W, &r),
                   XOUS_OK);
  if (n != 0)
    memcpy(r.addr, bytes, n);
  if (mut)
    err = xous_lend_mut(names_cid(), op, r.addr, r.len, offset, valid,
                        &a->offset, &a->valid);
  else
    err = xous_lend(names_cid(), op, r.addr, r.len, offset, valid, &a->offset,
                    &a->valid);
  ck_assert_msg(err == XOUS_OK, "the lend itself failed: %s",
                xous_error_name(err));
  memcpy(a->page, r.addr, sizeof a->page);
  ck_assert_int_eq(xous_unmap_memory(r), XOUS_OK);
}

/* Lends an rkyv archive as Buffer::lend_mut() does (offset = used, valid
 * = the page) and checks that the answer is a Return archive: offset =
 * its length, valid unchanged. Returns the Return's tag. */
static uint8_t
lend_rkyv(xous_word_t op, const void *archive, size_t used, struct answer *a)
{
  lend_page(op, true, archive, used, used, XOUS_PAGE_SIZE, a);
  ck_assert_uint_eq(a->valid, XOUS_PAGE_SIZE);
  ck_assert_uint_ge(a->offset, XOUS_NAMES_RETURN_SIZE);
  ck_assert_uint_le(a->offset, XOUS_PAGE_SIZE);
  return a->page[a->offset - XOUS_NAMES_RETURN_SIZE];
}

/* The little-endian 32-bit word at p + at, as rkyv lays words out. */
static uint32_t
word_at(const uint8_t *p, size_t at)
{
  return (uint32_t)p[at] | (uint32_t)p[at + 1] << 8 |
         (uint32_t)p[at + 2] << 16 | (uint32_t)p[at + 3] << 24;
}

/* Writes w at p + at as word_at reads it: the bytes an archive must hold. */
static void
put_word_at(uint8_t *p, size_t at, uint32_t w)
{
  for (int b = 0; b < 4; b++)
    p[at + (size_t)b] = (uint8_t)(w >> (8 * b));
}

/* The raw connect page: name at 0, its length at 64. */
static size_t
raw_connect_page(uint8_t page[68], const char *name)
{
  size_t len = strlen(name);

  memset(page, 0, 68);
  memcpy(page, name, len);
  page[64] = (uint8_t)len;
  return len;
}

/* BlockingConnect or TryConnect of name, raw; the answer's words are
 * checked to come back with offset and valid 0. */
static void
lend_connect(xous_word_t op, const char *name, struct answer *a)
{
  uint8_t page[68];
  size_t len = raw_connect_page(page, name);

  lend_page(op, true, page, sizeof page, 0, len, a);
  ck_assert_uint_eq(a->offset, 0);
  ck_assert_uint_eq(a->valid, 0);
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

/* start_server(), and *sid the server's SID, which names-peer prints
 * first for the tests that must know it. */
static pid_t
start_server_with_sid(const char *name, const char *limit, xous_sid_t *sid)
{
  pid_t pid = start_server(name, limit);
  char line[128];

  ck_assert(harness_wait_nth_line(pid, 0, line, sizeof line, BOUND_MS));
  parse_words(line, "sid", sid->w);
  return pid;
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
  /* 63 bytes, the longest name there is: fifteen 4-byte characters and
   * a 3-byte one. */
  char name[64] = "";
  xous_cid_t cid;

  for (int i = 0; i < 15; i++)
    strcat(name, "\xf0\x9f\x90\x88");
  strcat(name, "\xe2\x82\xac");
  ck_assert_uint_eq(strlen(name), XOUS_NAMES_MAX_NAME);
  start_names(NULL);
  start_server(name, "0");
  ck_assert_int_eq(xous_names_try_connect(name, &cid), XOUS_OK);
  assert_call_answers(cid);
  ck_assert_int_eq(xous_names_try_connect("gr\xc3\xbc\xc3\x9f"
                                          "e",
                                          &cid),
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
  expect_line(client, "reply 42", BOUND_MS);
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
  expect_line(pid, "register ServerExists", BOUND_MS);
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

START_TEST(names_a_registrant_that_ends_before_serving_frees_the_name)
{
  pid_t names, client;
  char *out;

  names = start_names(NULL);
  /* Registered, never served: the name is pending, a lookup finds
   * nothing and a BlockingConnect waits. */
  expect_peer("sid\n", "register-only", "ghost");
  ck_assert_int_eq(xous_names_try_connect("ghost", NULL),
                   XOUS_SERVER_NOT_FOUND);
  client = harness_spawn(PEER, "connect", "ghost", NULL);
  ck_assert_msg(!harness_wait(client, BLOCKED_MS, NULL),
                "the connect to a name nobody serves did not wait");
  /* Its registrant has ended, so the name may be registered again, and
   * the waiting connect is answered by the new server. */
  start_server("ghost", "0");
  expect_line(client, "reply 42", BOUND_MS);
  ck_assert(harness_wait(client, BOUND_MS, NULL));
  out = harness_output(client);
  ck_assert_str_eq(out, "connect NoError\nreply 42\n");
  free(out);
  ck_assert(harness_running(names));
}
END_TEST

/* ==== SID secrecy ============================================================= */

START_TEST(names_sid_secrecy_no_answer_holds_the_sid_and_guesses_fail)
{
  uint8_t lookup[XOUS_PAGE_SIZE];
  struct answer a;
  xous_sid_t sid, guess;
  xous_cid_t cid;
  size_t used;

  start_names(NULL);
  start_server_with_sid("vault", "0", &sid);

  /* The whole page a lookup answers with holds no SID, not even one word
   * of it: the client learns a CID, nothing else, by either form. */
  lend_connect(XOUS_NAMES_OP_TRY_CONNECT, "vault", &a);
  for (int i = 0; i < 4; i++)
    ck_assert_ptr_null(memmem(a.page, sizeof a.page, &sid.w[i], 4));
  ck_assert_uint_eq(word_at(a.page, 0), 0);
  assert_call_answers(word_at(a.page, 4));
  ck_assert_int_eq(xous__names_write_string(lookup, sizeof lookup,
                                            (const uint8_t *)"vault", 5,
                                            &used),
                   XOUS_OK);
  ck_assert_uint_eq(lend_rkyv(XOUS_NAMES_OP_LOOKUP, lookup, used, &a),
                    XOUS_NAMES_RETURN_CID);
  for (int i = 0; i < 4; i++)
    ck_assert_ptr_null(memmem(a.page, sizeof a.page, &sid.w[i], 4));

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
  uint8_t page[68];
  struct answer a;
  xous_word_t ret[5];

  start_names(NULL);
  start_server("hidden", "0");
  /* No opcode beyond the eight answers anything: the page comes back as
   * it went, with offset and valid 0, and a BlockingScalar gets 0. */
  raw_connect_page(page, "hidden");
  for (xous_word_t op = 8; op < 64; op++) {
    lend_page(op, true, page, sizeof page, 6, 6, &a);
    ck_assert_uint_eq(a.offset, 0);
    ck_assert_uint_eq(a.valid, 0);
    ck_assert_mem_eq(a.page, page, sizeof page);
    ck_assert_int_eq(xous_blocking_scalar(names_cid(), op, 0, 0, 0, 0, ret),
                     XOUS_OK);
    ck_assert_uint_eq(ret[0], 0);
  }
}
END_TEST

/* ==== connection limits and tokens ============================================ */

START_TEST(names_limit_of_two_denies_the_third_until_a_token_is_returned)
{
  xous_names_token_t mine, again;
  uint32_t theirs[4];
  char *out, line[128];
  xous_cid_t cid;
  pid_t holder, second;

  start_names(NULL);
  start_server("limited", "2");
  ck_assert_int_eq(xous_names_try_connect_token("limited", &cid, &mine),
                   XOUS_OK);
  assert_call_answers(cid);
  ck_assert(mine.w[0] | mine.w[1] | mine.w[2] | mine.w[3]);

  /* The second place goes to another process, which keeps running. */
  holder = harness_spawn(PEER, "hold", "limited", NULL);
  ck_assert(harness_wait_nth_line(holder, 0, line, sizeof line, BOUND_MS));
  parse_words(line, "NoError", theirs);

  /* The third lookup, from another process still, finds no place: the
   * real name server's TryConnect says ServerNotFound, its Lookup asks
   * to authenticate. */
  out = run_peer("token", "limited", NULL);
  ck_assert_str_eq(out,
                   "ServerNotFound 00000000 00000000 00000000 00000000\n");
  free(out);
  ck_assert_int_eq(xous_names_lookup("limited", &cid, NULL, NULL),
                   XOUS_SERVER_NOT_FOUND);

  /* A token of another process does not free a place here. */
  memcpy(again.w, theirs, sizeof again.w);
  ck_assert_int_eq(xous_names_disconnect("limited", again),
                   XOUS_ACCESS_DENIED);

  /* Our token gives our place back: a new lookup succeeds (and its
   * process keeps the place). */
  ck_assert_int_eq(xous_names_disconnect("limited", mine), XOUS_OK);
  second = harness_spawn(PEER, "hold", "limited", NULL);
  ck_assert(harness_wait_nth_line(second, 0, line, sizeof line, BOUND_MS));
  ck_assert_msg(strncmp(line, "NoError ", 8) == 0, "'%s'", line);
  expect_peer("ServerNotFound\n", "try", "limited");

  /* A spent token is refused. */
  ck_assert_int_eq(xous_names_disconnect("limited", mine), XOUS_ACCESS_DENIED);

  /* The other process ends without giving its token back: its place is
   * free once the name server needs it, even for a process that took the
   * holder's PID (a desktop extension: the device keeps it). */
  harness_kill(holder, SIGKILL);
  ck_assert(harness_wait(holder, BOUND_MS, NULL));
  expect_peer("NoError\n", "try", "limited");
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
                   XOUS_SERVER_NOT_FOUND);
  /* A name without a limit hands out zero tokens, which free nothing. */
  ck_assert_int_eq(xous_names_try_connect_token("open", NULL, &t), XOUS_OK);
  ck_assert(t.w[0] == 0 && t.w[1] == 0 && t.w[2] == 0 && t.w[3] == 0);
  ck_assert_int_eq(xous_names_disconnect("open", t), XOUS_ACCESS_DENIED);
  ck_assert_int_eq(xous_names_disconnect("nobody", t), XOUS_ACCESS_DENIED);
}
END_TEST

/* ==== unregister ================================================================ */

START_TEST(names_unregister_only_with_the_sid)
{
  xous_sid_t sid, guess = { { 1, 2, 3, 4 } };
  xous_word_t ret[5];
  xous_cid_t cid;

  start_names(NULL);
  start_server_with_sid("leaving", "0", &sid);
  ck_assert_int_eq(xous_names_try_connect("leaving", &cid), XOUS_OK);
  /* Nobody who does not know the SID may remove the name. */
  ck_assert_int_eq(xous_names_unregister(guess), XOUS_SERVER_NOT_FOUND);
  {
    char *out = run_peer("unregister", "1", "2", "3", "4", NULL);

    ck_assert_str_eq(out, "ServerNotFound\n");
    free(out);
  }
  expect_peer("NoError\n", "try", "leaving");
  /* The registering process may (opcode 2 asks it to). */
  ck_assert_int_eq(xous_blocking_scalar(cid, 2, 0, 0, 0, 0, ret), XOUS_OK);
  ck_assert_uint_eq(ret[0], XOUS_OK);
  ck_assert_int_eq(xous_names_try_connect("leaving", NULL),
                   XOUS_SERVER_NOT_FOUND);
  /* Once; and the connection made before stays. */
  ck_assert_int_eq(xous_blocking_scalar(cid, 2, 0, 0, 0, 0, ret), XOUS_OK);
  ck_assert_uint_eq(ret[0], XOUS_SERVER_NOT_FOUND);
  ck_assert_int_eq(xous_names_unregister(sid), XOUS_SERVER_NOT_FOUND);
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
      "0123456789012345678901234567890123456789012345678901234567890123",
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

/* ==== the wire, byte for byte (XOUS-WIRE.md 4.3, rkyv 0.8.8's rules) ====== */

/* Registration { name: "counter", conn_limit: None }: inline, 0xff-ended. */
static const uint8_t reg_counter[16] = {
  'c', 'o', 'u', 'n', 't', 'e', 'r', 0xff, 0, 0, 0, 0, 0, 0, 0, 0,
};
/* Registration { name: "hello-example-sv", conn_limit: Some(1) }: the 16
 * bytes first, then the root: length 0x90, offset -16, Some, 1. */
static const uint8_t reg_hello[32] = {
  'h',  'e',  'l', 'l', 'o', '-',  'e', 'x', 'a', 'm',  'p',
  'l',  'e',  '-', 's', 'v', 0x90, 0,   0,   0,   0xf0, 0xff,
  0xff, 0xff, 1,   0,   0,   0,    1,   0,   0,   0,
};
/* Lookup: the String "calc". */
static const uint8_t str_calc[8] = {
  'c', 'a', 'l', 'c', 0xff, 0xff, 0xff, 0xff
};
/* Lookup: "nobody-here" (11 bytes): text, one zero of padding, the root
 * at 12 with length 0x8b and offset -12. */
static const uint8_t str_nobody[20] = {
  'n', 'o', 'b',  'o', 'd', 'y', '-',  'h',  'e',  'r',
  'e', 0,   0x8b, 0,   0,   0,   0xf4, 0xff, 0xff, 0xff,
};
/* Disconnect { name: "one-only" (8 bytes: inline, no 0xff), token
 * [1, 2, 3, 4] }. */
static const uint8_t disc_one_only[24] = {
  'o', 'n', 'e', '-', 'o', 'n', 'l', 'y', 1, 0, 0, 0,
  2,   0,   0,   0,   3,   0,   0,   0,   4, 0, 0, 0,
};

START_TEST(names_rkyv_registrations_match_the_worked_examples)
{
  static const uint32_t tok[4] = { 1, 2, 3, 4 };
  uint8_t buf[XOUS_PAGE_SIZE];
  const uint8_t *name;
  size_t used, len;
  bool limited;
  uint32_t limit;

  memset(buf, 0xaa, sizeof buf);
  ck_assert_int_eq(xous__names_write_registration(buf, sizeof buf,
                                                  (const uint8_t *)"counter",
                                                  7, false, 0, &used),
                   XOUS_OK);
  ck_assert_uint_eq(used, sizeof reg_counter);
  ck_assert_mem_eq(buf, reg_counter, used);
  ck_assert_int_eq(xous__names_write_registration(buf, sizeof buf,
                                                  (const uint8_t
                                                       *)"hello-example-sv",
                                                  16, true, 1, &used),
                   XOUS_OK);
  ck_assert_uint_eq(used, sizeof reg_hello);
  ck_assert_mem_eq(buf, reg_hello, used);
  ck_assert_int_eq(xous__names_read_registration(reg_hello, sizeof reg_hello,
                                                 &name, &len, &limited,
                                                 &limit),
                   XOUS_OK);
  ck_assert_uint_eq(len, 16);
  ck_assert_mem_eq(name, "hello-example-sv", 16);
  ck_assert(limited);
  ck_assert_uint_eq(limit, 1);
  ck_assert_int_eq(xous__names_read_registration(reg_counter,
                                                 sizeof reg_counter, &name,
                                                 &len, &limited, &limit),
                   XOUS_OK);
  ck_assert_uint_eq(len, 7);
  ck_assert(!limited);

  ck_assert_int_eq(xous__names_write_string(buf, sizeof buf,
                                            (const uint8_t *)"calc", 4, &used),
                   XOUS_OK);
  ck_assert_uint_eq(used, 8);
  ck_assert_mem_eq(buf, str_calc, 8);
  ck_assert_int_eq(xous__names_write_string(buf, sizeof buf,
                                            (const uint8_t *)"nobody-here", 11,
                                            &used),
                   XOUS_OK);
  ck_assert_uint_eq(used, sizeof str_nobody);
  ck_assert_mem_eq(buf, str_nobody, used);
  ck_assert_int_eq(xous__names_write_disconnect(buf, sizeof buf,
                                                (const uint8_t *)"one-only", 8,
                                                tok, &used),
                   XOUS_OK);
  ck_assert_uint_eq(used, sizeof disc_one_only);
  ck_assert_mem_eq(buf, disc_one_only, used);
}
END_TEST

START_TEST(names_rkyv_strings_of_every_length_encode_as_rkyv_does)
{
  static const struct {
    size_t len;
    uint8_t enc[4]; /* the length word of an out-of-line String */
  } cases[] = {
    { 9, { 0x89, 0, 0, 0 } },       { 63, { 0xbf, 0, 0, 0 } },
    { 64, { 0x80, 1, 0, 0 } },      { 300, { 0xac, 4, 0, 0 } },
    { 4000, { 0xa0, 0x3e, 0, 0 } },
  };
  uint8_t text[4000], buf[XOUS_PAGE_SIZE];
  xous_rkyv_reader_t r;
  const uint8_t *s;
  size_t used, len, root;

  for (size_t i = 0; i < sizeof text; i++)
    text[i] = (uint8_t)('a' + i % 26);
  /* Up to 8 bytes inline: the text over 0xff. */
  for (size_t n = 0; n <= 8; n++) {
    ck_assert_int_eq(xous__names_write_string(buf, sizeof buf, text, n, &used),
                     XOUS_OK);
    ck_assert_uint_eq(used, 8);
    ck_assert_mem_eq(buf, text, n);
    for (size_t k = n; k < 8; k++)
      ck_assert_uint_eq(buf[k], 0xff);
  }
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    size_t n = cases[i].len, at = (n + 3) & ~(size_t)3;
    uint32_t back = (uint32_t)at;

    ck_assert_int_eq(xous__names_write_string(buf, sizeof buf, text, n, &used),
                     XOUS_OK);
    ck_assert_uint_eq(used, at + 8);
    ck_assert_mem_eq(buf, text, n);
    for (size_t k = n; k < at; k++)
      ck_assert_uint_eq(buf[k], 0); /* padding */
    ck_assert_mem_eq(buf + at, cases[i].enc, 4);
    ck_assert_uint_eq(word_at(buf, at + 4), ~back + 1u); /* -at */
    xous_rkyv_reader_init(&r, buf, used);
    ck_assert_int_eq(xous_rkyv_root(&r, 8, 4, &root), XOUS_OK);
    ck_assert_int_eq(xous_rkyv_get_str(&r, root, &s, &len), XOUS_OK);
    ck_assert_uint_eq(len, n);
    ck_assert_ptr_eq(s, buf);
  }
  /* One that does not fit the buffer fails, and writes nothing beyond. */
  memset(buf, 0, sizeof buf);
  ck_assert_int_eq(xous__names_write_string(buf, 100, text, 200, &used),
                   XOUS_OUT_OF_MEMORY);
  ck_assert_uint_eq(buf[100], 0);
}
END_TEST

START_TEST(names_rkyv_returns_are_48_bytes_with_the_variant_at_4)
{
  struct xous__names_return ret, back;
  uint8_t buf[XOUS_PAGE_SIZE], want[60];
  size_t used;

  memset(&ret, 0, sizeof ret);
  ret.tag = XOUS_NAMES_RETURN_SID;
  for (int i = 0; i < 4; i++)
    ret.words[i] = 0x01020304u * (uint32_t)(i + 1);
  ck_assert_int_eq(xous__names_write_return(buf, sizeof buf, &ret, &used),
                   XOUS_OK);
  ck_assert_uint_eq(used, 48);
  memset(want, 0, sizeof want);
  want[0] = 2;
  for (int i = 0; i < 4; i++)
    put_word_at(want, 4 + 4 * (size_t)i, ret.words[i]);
  ck_assert_mem_eq(buf, want, 48);

  /* CID((7, Some(token))): cid at 4, the Option's tag at 8, words at 12. */
  memset(&ret, 0, sizeof ret);
  ret.tag = XOUS_NAMES_RETURN_CID;
  ret.cid = 7;
  ret.has_token = true;
  ret.words[0] = 0xaabbccdd;
  ret.words[3] = 0x11223344;
  ck_assert_int_eq(xous__names_write_return(buf, sizeof buf, &ret, &used),
                   XOUS_OK);
  ck_assert_uint_eq(used, 48);
  memset(want, 0, sizeof want);
  want[0] = 3;
  want[4] = 7;
  want[8] = 1;
  put_word_at(want, 12, 0xaabbccdd);
  put_word_at(want, 24, 0x11223344);
  ck_assert_mem_eq(buf, want, 48);
  ck_assert_int_eq(xous__names_read_return(buf, used, &back), XOUS_OK);
  ck_assert_uint_eq(back.cid, 7);
  ck_assert(back.has_token);
  ck_assert_uint_eq(back.words[3], 0x11223344);

  /* CID((7, None)), Failure, Success: the tag and zeros. */
  ret.has_token = false;
  ck_assert_int_eq(xous__names_write_return(buf, sizeof buf, &ret, &used),
                   XOUS_OK);
  memset(want, 0, sizeof want);
  want[0] = 3;
  want[4] = 7;
  ck_assert_mem_eq(buf, want, 48);
  ret.tag = XOUS_NAMES_RETURN_FAILURE;
  ck_assert_int_eq(xous__names_write_return(buf, sizeof buf, &ret, &used),
                   XOUS_OK);
  memset(want, 0, sizeof want);
  want[0] = 1;
  ck_assert_mem_eq(buf, want, 48);
  ret.tag = XOUS_NAMES_RETURN_SUCCESS;
  ck_assert_int_eq(xous__names_write_return(buf, sizeof buf, &ret, &used),
                   XOUS_OK);
  want[0] = 4;
  ck_assert_mem_eq(buf, want, 48);

  /* AuthenticateRequest { "nobody-here", [0; 20], challenge }: the text,
   * a zero, the root at 12, its String at 16 (offset -16). */
  memset(&ret, 0, sizeof ret);
  ret.tag = XOUS_NAMES_RETURN_AUTHENTICATE_REQUEST;
  ret.name = (const uint8_t *)"nobody-here";
  ret.name_len = 11;
  ret.words[0] = 0x04030201;
  ck_assert_int_eq(xous__names_write_return(buf, sizeof buf, &ret, &used),
                   XOUS_OK);
  ck_assert_uint_eq(used, 60);
  memset(want, 0, sizeof want);
  memcpy(want, "nobody-here", 11);
  want[16] = 0x8b;
  put_word_at(want, 20, 0xfffffff0); /* -16 */
  put_word_at(want, 44, 0x04030201);
  ck_assert_mem_eq(buf, want, 60);
  ck_assert_int_eq(xous__names_read_return(buf, used, &back), XOUS_OK);
  ck_assert_uint_eq(back.tag, 0);
  ck_assert_uint_eq(back.name_len, 11);
  ck_assert_mem_eq(back.name, "nobody-here", 11);
}
END_TEST

/* Archives a hostile peer could write; each must be refused. */
static const struct {
  const char *what;
  uint8_t bytes[24];
  size_t used;
} hostile_strings[] = {
  { "too short for a root", { 'a' }, 4 },
  { "a root not aligned",
    { 0, 'a', 'b', 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
    10 },
  { "bytes before the archive", { 0x89, 0, 0, 0, 0xfc, 0xff, 0xff, 0xff }, 8 },
  { "bytes after the archive", { 0x89, 0, 0, 0, 8, 0, 0, 0 }, 8 },
  { "an offset of -2^31", { 0x89, 0, 0, 0, 0, 0, 0, 0x80 }, 8 },
  { "a length beyond the archive",
    { 'a', 'b', 'c',  'd', 'e', 'f', 'g',  'h',  'i',  'j',
      'k', 'l', 0xbf, 0,   0,   0,   0xf4, 0xff, 0xff, 0xff },
    20 },
  { "a huge length", { 0xbf, 0xff, 0xff, 0xff, 0xf8, 0xff, 0xff, 0xff }, 8 },
  { "out of line but short",
    { 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 0x88, 0, 0, 0, 0xf8, 0xff, 0xff,
      0xff },
    16 },
  { "not UTF-8", { 0xc3, 0x28, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, 8 },
  { "a surrogate", { 0xed, 0xa0, 0x80, 0xff, 0xff, 0xff, 0xff, 0xff }, 8 },
  { "a NUL in a name", { 'a', 0, 'b', 0xff, 0xff, 0xff, 0xff, 0xff }, 8 },
  { "an empty name", { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, 8 },
};

START_TEST(names_rkyv_reader_refuses_hostile_archives)
{
  uint8_t long_name[80], buf[XOUS_PAGE_SIZE];
  struct xous__names_return ret;
  const uint8_t *name;
  size_t used, len;
  bool limited;
  uint32_t limit, tok[4];

  for (size_t i = 0; i < sizeof hostile_strings / sizeof hostile_strings[0];
       i++)
    ck_assert_msg(xous__names_read_string(hostile_strings[i].bytes,
                                          hostile_strings[i].used, &name,
                                          &len) != XOUS_OK,
                  "%s accepted", hostile_strings[i].what);
  /* A 64-byte name is a String but not a name. */
  memset(long_name, 'n', sizeof long_name);
  ck_assert_int_eq(xous__names_write_string(buf, sizeof buf, long_name, 64,
                                            &used),
                   XOUS_OK);
  ck_assert_int_eq(xous__names_read_string(buf, used, &name, &len),
                   XOUS_INVALID_STRING);
  /* An Option tag of 2, an enum tag of 5. */
  memcpy(buf, reg_counter, sizeof reg_counter);
  buf[8] = 2;
  ck_assert_int_eq(xous__names_read_registration(buf, 16, &name, &len,
                                                 &limited, &limit),
                   XOUS_INVALID_ARGUMENT);
  memset(buf, 0, 48);
  buf[0] = 5;
  ck_assert_int_eq(xous__names_read_return(buf, 48, &ret),
                   XOUS_INVALID_ARGUMENT);
  buf[0] = 3;
  buf[8] = 7;
  ck_assert_int_eq(xous__names_read_return(buf, 48, &ret),
                   XOUS_INVALID_ARGUMENT);
  /* Roots that do not fit. */
  ck_assert_int_eq(xous__names_read_disconnect(disc_one_only, 20, &name, &len,
                                               tok),
                   XOUS_INVALID_ARGUMENT);
  ck_assert_int_eq(xous__names_read_return(buf, 47, &ret),
                   XOUS_INVALID_ARGUMENT);
  ck_assert_int_eq(xous__names_read_auth_lookup(buf, 59, &name, &len),
                   XOUS_INVALID_ARGUMENT);
}
END_TEST

/* ==== the name server, raw messages from XOUS-WIRE.md ======================= */

START_TEST(names_server_register_answers_a_fresh_sid_and_failure_when_taken)
{
  struct answer a;
  xous_sid_t sid;
  uint8_t zero[44] = { 0 };

  start_names(NULL);
  ck_assert_uint_eq(lend_rkyv(XOUS_NAMES_OP_REGISTER, reg_counter,
                              sizeof reg_counter, &a),
                    XOUS_NAMES_RETURN_SID);
  ck_assert_uint_eq(a.offset, XOUS_NAMES_RETURN_SIZE);
  ck_assert_mem_eq(a.page + 1, zero, 3);
  for (int i = 0; i < 4; i++)
    sid.w[i] = word_at(a.page, 4 + 4 * (size_t)i);
  ck_assert_mem_eq(a.page + 20, zero, 28);
  ck_assert(sid.w[0] | sid.w[1] | sid.w[2] | sid.w[3]);
  /* The registrant creates the server; then it can be found. */
  ck_assert_int_eq(xous_create_server_with_address(sid, NULL), XOUS_OK);
  expect_peer("NoError\n", "try", "counter");
  /* A name that is taken: Failure. */
  ck_assert_uint_eq(lend_rkyv(XOUS_NAMES_OP_REGISTER, reg_counter,
                              sizeof reg_counter, &a),
                    XOUS_NAMES_RETURN_FAILURE);
  ck_assert_uint_eq(a.offset, XOUS_NAMES_RETURN_SIZE);
  ck_assert_mem_eq(a.page + 1, zero, 44);
  /* An out-of-line name with a limit. */
  ck_assert_uint_eq(lend_rkyv(XOUS_NAMES_OP_REGISTER, reg_hello,
                              sizeof reg_hello, &a),
                    XOUS_NAMES_RETURN_SID);
}
END_TEST

START_TEST(names_server_lookup_answers_a_cid_or_an_authenticate_request)
{
  uint8_t zero[20] = { 0 };
  struct answer a;
  size_t used;
  uint8_t solo[8];

  start_names(NULL);
  start_server("calc", "0");
  ck_assert_uint_eq(lend_rkyv(XOUS_NAMES_OP_LOOKUP, str_calc, sizeof str_calc,
                              &a),
                    XOUS_NAMES_RETURN_CID);
  ck_assert_uint_eq(a.offset, XOUS_NAMES_RETURN_SIZE);
  ck_assert_uint_ge(word_at(a.page, 4), XOUS_FIRST_CID);
  ck_assert_uint_eq(a.page[8], 0); /* None: no limit, no token */
  ck_assert_mem_eq(a.page + 12, zero, 16);
  assert_call_answers(word_at(a.page, 4));

  /* An unknown name: AuthenticateRequest with the name and a challenge,
   * at once. */
  ck_assert_uint_eq(lend_rkyv(XOUS_NAMES_OP_LOOKUP, str_nobody,
                              sizeof str_nobody, &a),
                    XOUS_NAMES_RETURN_AUTHENTICATE_REQUEST);
  ck_assert_uint_eq(a.offset, 60);
  ck_assert_mem_eq(a.page, "nobody-here", 11);
  ck_assert_uint_eq(word_at(a.page, 16), 0x8b);
  ck_assert_uint_eq(word_at(a.page, 20), 0xfffffff0u);
  ck_assert_mem_eq(a.page + 24, zero, 20);
  ck_assert(word_at(a.page, 44) | word_at(a.page, 48) | word_at(a.page, 52) |
            word_at(a.page, 56));

  /* A name with a limit: Some(token), then no place. */
  start_server("solo", "1");
  ck_assert_int_eq(xous__names_write_string(solo, sizeof solo,
                                            (const uint8_t *)"solo", 4, &used),
                   XOUS_OK);
  ck_assert_uint_eq(lend_rkyv(XOUS_NAMES_OP_LOOKUP, solo, used, &a),
                    XOUS_NAMES_RETURN_CID);
  ck_assert_uint_eq(a.page[8], 1);
  ck_assert(word_at(a.page, 12) | word_at(a.page, 16) | word_at(a.page, 20) |
            word_at(a.page, 24));
  ck_assert_uint_eq(lend_rkyv(XOUS_NAMES_OP_LOOKUP, solo, used, &a),
                    XOUS_NAMES_RETURN_AUTHENTICATE_REQUEST);
}
END_TEST

START_TEST(names_server_raw_connects_answer_in_place)
{
  uint8_t page[68];
  struct answer a;
  pid_t names;

  names = start_names(NULL);
  lend_connect(XOUS_NAMES_OP_TRY_CONNECT, "later", &a);
  ck_assert_uint_eq(word_at(a.page, 0), 1);
  ck_assert_uint_eq(word_at(a.page, 4), XOUS_NAMES_CONNECT_SERVER_NOT_FOUND);
  start_server("later", "0");
  lend_connect(XOUS_NAMES_OP_TRY_CONNECT, "later", &a);
  ck_assert_uint_eq(word_at(a.page, 0), 0);
  assert_call_answers(word_at(a.page, 4));
  for (size_t i = 8; i < 24; i += 4)
    ck_assert_uint_eq(word_at(a.page, i), 0); /* no limit: no token */
  lend_connect(XOUS_NAMES_OP_BLOCKING_CONNECT, "later", &a);
  ck_assert_uint_eq(word_at(a.page, 0), 0);
  assert_call_answers(word_at(a.page, 4));

  /* valid = 0 (None) means the whole page, far beyond a name; a name
   * that is not UTF-8; a name of 64 bytes. */
  raw_connect_page(page, "later");
  lend_page(XOUS_NAMES_OP_TRY_CONNECT, true, page, sizeof page, 0, 0, &a);
  ck_assert_uint_eq(word_at(a.page, 0), 1);
  ck_assert_uint_eq(word_at(a.page, 4), XOUS_NAMES_CONNECT_INVALID_STRING);
  page[0] = 0xff;
  lend_page(XOUS_NAMES_OP_BLOCKING_CONNECT, true, page, sizeof page, 0, 5, &a);
  ck_assert_uint_eq(word_at(a.page, 0), 1);
  ck_assert_uint_eq(word_at(a.page, 4), XOUS_NAMES_CONNECT_INVALID_STRING);
  memset(page, 'x', 64);
  lend_page(XOUS_NAMES_OP_TRY_CONNECT, true, page, sizeof page, 0, 64, &a);
  ck_assert_uint_eq(word_at(a.page, 4), XOUS_NAMES_CONNECT_INVALID_STRING);
  assert_names_serves(names);
}
END_TEST

START_TEST(names_server_unregister_and_trusted_init_done_answer_scalar1)
{
  xous_word_t ret[5];
  struct answer a;
  xous_sid_t sid;

  start_names(NULL);
  ck_assert_uint_eq(lend_rkyv(XOUS_NAMES_OP_REGISTER, reg_counter,
                              sizeof reg_counter, &a),
                    XOUS_NAMES_RETURN_SID);
  for (int i = 0; i < 4; i++)
    sid.w[i] = word_at(a.page, 4 + 4 * (size_t)i);
  ck_assert_int_eq(xous_create_server_with_address(sid, NULL), XOUS_OK);
  ck_assert_int_eq(xous_blocking_scalar(names_cid(),
                                        XOUS_NAMES_OP_TRUSTED_INIT_DONE, 0, 0,
                                        0, 0, ret),
                   XOUS_OK);
  ck_assert_uint_eq(ret[0], 1);
  ck_assert_int_eq(xous_blocking_scalar(names_cid(), XOUS_NAMES_OP_UNREGISTER,
                                        sid.w[0], sid.w[1], sid.w[2], sid.w[3],
                                        ret),
                   XOUS_OK);
  ck_assert_uint_eq(ret[0], 1);
  ck_assert_int_eq(xous_blocking_scalar(names_cid(), XOUS_NAMES_OP_UNREGISTER,
                                        sid.w[0], sid.w[1], sid.w[2], sid.w[3],
                                        ret),
                   XOUS_OK);
  ck_assert_uint_eq(ret[0], 0);
  expect_peer("ServerNotFound\n", "try", "counter");
}
END_TEST

START_TEST(names_server_disconnect_gives_a_place_back_for_its_token)
{
  uint8_t disc[24];
  struct answer a;

  start_names(NULL);
  start_server("one-only", "1");
  lend_connect(XOUS_NAMES_OP_TRY_CONNECT, "one-only", &a);
  ck_assert_uint_eq(word_at(a.page, 0), 0);
  memcpy(disc, disc_one_only, 8);
  memcpy(disc + 8, a.page + 8, 16); /* the token */
  lend_connect(XOUS_NAMES_OP_TRY_CONNECT, "one-only", &a);
  ck_assert_uint_eq(word_at(a.page, 0), 1);
  ck_assert_uint_eq(word_at(a.page, 4), XOUS_NAMES_CONNECT_SERVER_NOT_FOUND);
  /* A made-up token: Failure; the right one: Success, once. */
  ck_assert_uint_eq(lend_rkyv(XOUS_NAMES_OP_DISCONNECT, disc_one_only,
                              sizeof disc_one_only, &a),
                    XOUS_NAMES_RETURN_FAILURE);
  ck_assert_uint_eq(lend_rkyv(XOUS_NAMES_OP_DISCONNECT, disc, sizeof disc, &a),
                    XOUS_NAMES_RETURN_SUCCESS);
  ck_assert_uint_eq(a.offset, XOUS_NAMES_RETURN_SIZE);
  ck_assert_uint_eq(lend_rkyv(XOUS_NAMES_OP_DISCONNECT, disc, sizeof disc, &a),
                    XOUS_NAMES_RETURN_FAILURE);
  lend_connect(XOUS_NAMES_OP_TRY_CONNECT, "one-only", &a);
  ck_assert_uint_eq(word_at(a.page, 0), 0);
}
END_TEST

START_TEST(names_server_authenticated_lookup_fails_and_the_server_serves_on)
{
  static const uint8_t pubkey[20] = { 1 };
  static const uint32_t response[8] = { 2 };
  uint8_t buf[XOUS_PAGE_SIZE];
  struct answer a;
  size_t used;
  pid_t names;

  names = start_names(NULL);
  start_server("calc", "0");
  ck_assert_int_eq(xous__names_write_auth_lookup(buf, sizeof buf,
                                                 (const uint8_t *)"calc", 4,
                                                 pubkey, response, &used),
                   XOUS_OK);
  ck_assert_uint_eq(used, 60);
  ck_assert_uint_eq(lend_rkyv(XOUS_NAMES_OP_AUTHENTICATED_LOOKUP, buf, used,
                              &a),
                    XOUS_NAMES_RETURN_FAILURE);
  ck_assert_uint_eq(a.offset, XOUS_NAMES_RETURN_SIZE);
  assert_names_serves(names);
}
END_TEST

START_TEST(names_malformed_requests_get_errors_and_the_server_keeps_serving)
{
  static const xous_word_t rkyv_ops[] = {
    XOUS_NAMES_OP_REGISTER,
    XOUS_NAMES_OP_LOOKUP,
    XOUS_NAMES_OP_AUTHENTICATED_LOOKUP,
    XOUS_NAMES_OP_DISCONNECT,
  };
  uint8_t junk[XOUS_PAGE_SIZE];
  xous_word_t ret[5];
  struct answer a;
  xous_range_t r;
  pid_t names;

  names = start_names(NULL);
  start_server("real", "0");
  /* Every hostile archive, to every rkyv opcode: Failure. */
  for (size_t i = 0; i < sizeof hostile_strings / sizeof hostile_strings[0];
       i++)
    for (size_t k = 0; k < sizeof rkyv_ops / sizeof rkyv_ops[0]; k++)
      ck_assert_msg(lend_rkyv(rkyv_ops[k], hostile_strings[i].bytes,
                              hostile_strings[i].used,
                              &a) == XOUS_NAMES_RETURN_FAILURE,
                    "%s, opcode %u not refused", hostile_strings[i].what,
                    (unsigned)rkyv_ops[k]);
  /* A whole page of 0xa5, and a length of 0. */
  memset(junk, 0xa5, sizeof junk);
  for (size_t k = 0; k < sizeof rkyv_ops / sizeof rkyv_ops[0]; k++) {
    ck_assert_uint_eq(lend_rkyv(rkyv_ops[k], junk, sizeof junk, &a),
                      XOUS_NAMES_RETURN_FAILURE);
    ck_assert_uint_eq(lend_rkyv(rkyv_ops[k], junk, 0, &a),
                      XOUS_NAMES_RETURN_FAILURE);
  }
  /* A page lent read-only comes back untouched, offset and valid 0. */
  lend_page(XOUS_NAMES_OP_LOOKUP, false, str_calc, sizeof str_calc, 8,
            XOUS_PAGE_SIZE, &a);
  ck_assert_uint_eq(a.offset, 0);
  ck_assert_uint_eq(a.valid, 0);
  /* A connect opcode as a BlockingScalar, without its page: 0. */
  ck_assert_int_eq(xous_blocking_scalar(names_cid(),
                                        XOUS_NAMES_OP_BLOCKING_CONNECT, 1, 2,
                                        3, 4, ret),
                   XOUS_OK);
  ck_assert_uint_eq(ret[0], 0);
  /* Messages that ask for no answer: a plain Scalar, and a page moved to
   * the name server with Send. */
  ck_assert_int_eq(xous_scalar(names_cid(), XOUS_NAMES_OP_UNREGISTER, 0, 0, 0,
                               0),
                   XOUS_OK);
  ck_assert_int_eq(xous_map_memory(0, 0, XOUS_PAGE_SIZE,
                                   XOUS_MEM_R | XOUS_MEM_W, &r),
                   XOUS_OK);
  memcpy(r.addr, reg_counter, sizeof reg_counter);
  ck_assert_int_eq(xous_send(names_cid(), XOUS_NAMES_OP_REGISTER, r.addr,
                             r.len, sizeof reg_counter, XOUS_PAGE_SIZE),
                   XOUS_OK);
  ck_assert_int_eq(xous_names_try_connect("counter", NULL),
                   XOUS_SERVER_NOT_FOUND);
  /* Through all of that, the real name still works, and so do new ones. */
  lend_connect(XOUS_NAMES_OP_TRY_CONNECT, "real", &a);
  ck_assert_uint_eq(word_at(a.page, 0), 0);
  assert_call_answers(word_at(a.page, 4));
  assert_names_serves(names);
}
END_TEST

/* ==== the client's requests, as a Rust client sends them =================== */

/* One message the stand-in name server received. */
struct captured {
  xous_msg_kind_t kind;
  xous_word_t id;
  size_t len, offset, valid;
  xous_word_t arg[4];
  uint8_t page[XOUS_PAGE_SIZE];
};

#define CAPTURES 8

static struct captured captured[CAPTURES];
static const uint32_t fake_sid[4] = { 0x51d00001, 0x51d00002, 0x51d00003,
                                      0x51d00004 };
static const uint32_t fake_token[4] = { 0x70c00001, 0x70c00002, 0x70c00003,
                                        0x70c00004 };

/* Answers the n-th request, as the real name server would for the test's
 * script below. */
static void
capture_answer(unsigned n, const xous_envelope_t *env)
{
  const xous_memory_msg_t *m = &env->body.memory;
  struct xous__names_return ret;
  uint32_t raw[6] = { 0 };
  size_t used = 0;

  memset(&ret, 0, sizeof ret);
  switch (n) {
  case 0: /* register "counter": SID */
    ret.tag = XOUS_NAMES_RETURN_SID;
    memcpy(ret.words, fake_sid, sizeof ret.words);
    break;
  case 1: /* register "hello-example-sv": Failure */
    ret.tag = XOUS_NAMES_RETURN_FAILURE;
    break;
  case 2: /* lookup "calc": CID((5, Some(token))) */
    ret.tag = XOUS_NAMES_RETURN_CID;
    ret.cid = 5;
    ret.has_token = true;
    memcpy(ret.words, fake_token, sizeof ret.words);
    break;
  case 3: /* disconnect: Success */
    ret.tag = XOUS_NAMES_RETURN_SUCCESS;
    break;
  case 4: /* BlockingConnect "calc": cid 7 and a token */
    raw[1] = 7;
    memcpy(raw + 2, fake_token, sizeof fake_token);
    memcpy(m->buf.addr, raw, sizeof raw);
    (void)xous_return_memory(env->sender, m->buf, 0, 0);
    return;
  case 5: /* TryConnect "calc": ServerNotFound */
    raw[0] = 1;
    raw[1] = XOUS_NAMES_CONNECT_SERVER_NOT_FOUND;
    memcpy(m->buf.addr, raw, sizeof raw);
    (void)xous_return_memory(env->sender, m->buf, 0, 0);
    return;
  case 6: /* Unregister: done */
    (void)xous_return_scalar1(env->sender, 1);
    return;
  default: /* TrustedInitDone: not yet */
    (void)xous_return_scalar1(env->sender, 0);
    return;
  }
  ck_assert_int_eq(xous__names_write_return(m->buf.addr, m->buf.len, &ret,
                                            &used),
                   XOUS_OK);
  (void)xous_return_memory(env->sender, m->buf, used, m->valid);
}

static void *
capture_server(void *arg)
{
  xous_sid_t sid = names_sid();

  (void)arg;
  for (unsigned n = 0; n < CAPTURES; n++) {
    xous_envelope_t env;
    struct captured *c = &captured[n];

    if (xous_receive_message(sid, &env) != XOUS_OK)
      return NULL;
    c->kind = env.body.kind;
    if (env.body.kind == XOUS_MSG_BLOCKING_SCALAR) {
      c->id = env.body.scalar.id;
      c->arg[0] = env.body.scalar.arg1;
      c->arg[1] = env.body.scalar.arg2;
      c->arg[2] = env.body.scalar.arg3;
      c->arg[3] = env.body.scalar.arg4;
    } else {
      c->id = env.body.memory.id;
      c->len = env.body.memory.buf.len;
      c->offset = env.body.memory.offset;
      c->valid = env.body.memory.valid;
      if (c->len >= XOUS_PAGE_SIZE)
        memcpy(c->page, env.body.memory.buf.addr, XOUS_PAGE_SIZE);
    }
    capture_answer(n, &env);
  }
  return NULL;
}

/* Asserts that request n was a MutableLend of one page with opcode op,
 * offset and valid as given, and page bytes want[0..n] then zeros. */
static void
assert_lent(unsigned n, xous_word_t op, size_t offset, size_t valid,
            const void *want, size_t want_len)
{
  static const uint8_t zeros[XOUS_PAGE_SIZE];
  const struct captured *c = &captured[n];

  ck_assert_int_eq(c->kind, XOUS_MSG_LEND_MUT);
  ck_assert_uint_eq(c->id, op);
  ck_assert_uint_eq(c->len, XOUS_PAGE_SIZE);
  ck_assert_uint_eq(c->offset, offset);
  ck_assert_uint_eq(c->valid, valid);
  ck_assert_mem_eq(c->page, want, want_len);
  ck_assert_mem_eq(c->page + want_len, zeros, XOUS_PAGE_SIZE - want_len);
}

START_TEST(names_client_requests_are_byte_identical_to_the_rust_clients)
{
  xous_names_token_t tok = { { 1, 2, 3, 4 } }, got;
  uint8_t connect_page[68];
  xous_sid_t sid, fake;
  xous_tid_t tid;
  xous_cid_t cid = 0;
  bool has = false, done = true;

  memcpy(fake.w, fake_sid, sizeof fake.w);
  ck_assert_int_eq(xous_create_server_with_address(names_sid(), NULL),
                   XOUS_OK);
  ck_assert_int_eq(xous_create_thread(capture_server, NULL, 256 * 1024, &tid),
                   XOUS_OK);

  /* register_name("counter", None), then create_server_with_sid. */
  ck_assert_int_eq(xous_names_register("counter", 0, &sid), XOUS_OK);
  ck_assert_mem_eq(sid.w, fake_sid, sizeof fake_sid);
  ck_assert_int_eq(xous_try_connect(fake, &cid), XOUS_OK);
  /* register_name("hello-example-sv", Some(1)), answered Failure. */
  ck_assert_int_eq(xous_names_register("hello-example-sv", 1, &sid),
                   XOUS_SERVER_EXISTS);
  ck_assert_int_eq(xous_names_lookup("calc", &cid, &got, &has), XOUS_OK);
  ck_assert_uint_eq(cid, 5);
  ck_assert(has);
  ck_assert_mem_eq(got.w, fake_token, sizeof fake_token);
  ck_assert_int_eq(xous_names_disconnect("one-only", tok), XOUS_OK);
  ck_assert_int_eq(xous_names_connect_token("calc", &cid, &got), XOUS_OK);
  ck_assert_uint_eq(cid, 7);
  ck_assert_mem_eq(got.w, fake_token, sizeof fake_token);
  ck_assert_int_eq(xous_names_try_connect("calc", &cid),
                   XOUS_SERVER_NOT_FOUND);
  ck_assert_int_eq(xous_names_unregister(fake), XOUS_OK);
  ck_assert_int_eq(xous_names_trusted_init_done(&done), XOUS_OK);
  ck_assert(!done);
  ck_assert_int_eq(xous_join_thread(tid, NULL), XOUS_OK);

  assert_lent(0, XOUS_NAMES_OP_REGISTER, 16, XOUS_PAGE_SIZE, reg_counter,
              sizeof reg_counter);
  assert_lent(1, XOUS_NAMES_OP_REGISTER, 32, XOUS_PAGE_SIZE, reg_hello,
              sizeof reg_hello);
  assert_lent(2, XOUS_NAMES_OP_LOOKUP, 8, XOUS_PAGE_SIZE, str_calc,
              sizeof str_calc);
  assert_lent(3, XOUS_NAMES_OP_DISCONNECT, 24, XOUS_PAGE_SIZE, disc_one_only,
              sizeof disc_one_only);
  raw_connect_page(connect_page, "calc");
  assert_lent(4, XOUS_NAMES_OP_BLOCKING_CONNECT, 0, 4, connect_page,
              sizeof connect_page);
  assert_lent(5, XOUS_NAMES_OP_TRY_CONNECT, 0, 4, connect_page,
              sizeof connect_page);
  ck_assert_int_eq(captured[6].kind, XOUS_MSG_BLOCKING_SCALAR);
  ck_assert_uint_eq(captured[6].id, XOUS_NAMES_OP_UNREGISTER);
  for (int i = 0; i < 4; i++)
    ck_assert_uint_eq(captured[6].arg[i], fake_sid[i]);
  ck_assert_int_eq(captured[7].kind, XOUS_MSG_BLOCKING_SCALAR);
  ck_assert_uint_eq(captured[7].id, XOUS_NAMES_OP_TRUSTED_INIT_DONE);
  for (int i = 0; i < 4; i++)
    ck_assert_uint_eq(captured[7].arg[i], 0);
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
  ck_assert_int_eq(xous_names_register(long_name, 0, NULL),
                   XOUS_INVALID_STRING);
  ck_assert_int_eq(xous_names_lookup("\xc0\xaf", NULL, NULL, NULL),
                   XOUS_INVALID_STRING);
  ck_assert_int_eq(xous_names_disconnect(long_name, (xous_names_token_t){ 0 }),
                   XOUS_INVALID_STRING);
}
END_TEST

START_TEST(names_utf8_check_accepts_utf8_and_refuses_the_rest)
{
  static const char *const good[] = {
    "a",
    "xous-name-server",
    "\xc2\x80",
    "\xdf\xbf",
    "\xe0\xa0\x80",
    "\xed\x9f\xbf",
    "\xee\x80\x80",
    "\xef\xbf\xbf",
    "\xf0\x90\x80\x80",
    "\xf4\x8f\xbf\xbf",
  };
  static const char *const bad[] = {
    "\x80",
    "\xc1\xbf",
    "\xc2",
    "\xc2\x7f",
    "\xe0\x9f\xbf",
    "\xed\xa0\x80",
    "\xed\xbf\xbf",
    "\xf0\x8f\xbf\xbf",
    "\xf4\x90\x80\x80",
    "\xf5\x80\x80\x80",
    "\xfe",
    "\xff",
    "\xe2\x82",
    "\xf0\x9f\x90",
  };

  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
    ck_assert_msg(xous__names_valid((const uint8_t *)good[i], strlen(good[i])),
                  "good %zu refused", i);
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    ck_assert_msg(!xous_rkyv_utf8_valid((const uint8_t *)bad[i],
                                        strlen(bad[i])),
                  "bad %zu accepted", i);
  /* NUL is UTF-8 (Rust's str allows it) but never part of a name. */
  ck_assert(xous_rkyv_utf8_valid((const uint8_t *)"a\0b", 3));
  ck_assert(!xous__names_valid((const uint8_t *)"a\0b", 3));
}
END_TEST

/* ==== the suite ======================================================================= */

int
main(void)
{
  const struct harness_case cases[] = {
    { "lookup", 60, HARNESS_BROKER,
      .tests = HARNESS_TESTS(
          names_register_then_connect_by_name_and_call,
          names_utf8_names_beyond_ascii_register_and_connect,
          names_blocking_lookup_completes_when_the_server_registers_later,
          names_try_lookup_of_a_missing_name_gives_server_not_found,
          names_a_taken_name_gives_server_exists,
          names_a_name_whose_server_ended_is_freed,
          names_a_registrant_that_ends_before_serving_frees_the_name) },
    { "secrecy", 60, HARNESS_BROKER,
      .tests = HARNESS_TESTS(
          names_sid_secrecy_no_answer_holds_the_sid_and_guesses_fail,
          names_a_client_can_list_nothing) },
    { "limits", 60, HARNESS_BROKER,
      .tests = HARNESS_TESTS(
          names_limit_of_two_denies_the_third_until_a_token_is_returned,
          names_a_made_up_token_frees_nothing,
          names_unregister_only_with_the_sid) },
    { "trusted", 60, HARNESS_BROKER,
      .tests = HARNESS_TESTS(
          names_trusted_init_done_once_every_trusted_name_registered,
          names_trusted_init_done_at_once_without_trusted_names,
          names_bad_command_lines_are_refused) },
    { "wire", 60, HARNESS_BROKER,
      .tests = HARNESS_TESTS(
          names_server_register_answers_a_fresh_sid_and_failure_when_taken,
          names_server_lookup_answers_a_cid_or_an_authenticate_request,
          names_server_raw_connects_answer_in_place,
          names_server_unregister_and_trusted_init_done_answer_scalar1,
          names_server_disconnect_gives_a_place_back_for_its_token,
          names_server_authenticated_lookup_fails_and_the_server_serves_on,
          names_client_requests_are_byte_identical_to_the_rust_clients) },
    { "malformed", 60, HARNESS_BROKER,
      .tests = HARNESS_TESTS(
          names_malformed_requests_get_errors_and_the_server_keeps_serving) },
    { "unit", 60, HARNESS_NOTHING,
      .tests =
          HARNESS_TESTS(names_rkyv_registrations_match_the_worked_examples,
                        names_rkyv_strings_of_every_length_encode_as_rkyv_does,
                        names_rkyv_returns_are_48_bytes_with_the_variant_at_4,
                        names_rkyv_reader_refuses_hostile_archives,
                        names_client_api_refuses_bad_names_before_sending,
                        names_utf8_check_accepts_utf8_and_refuses_the_rest) },
  };

  return harness_run(harness_suite("names", cases));
}
