/*
 * Integration tests of the runtime core: a real xousd, real peer processes
 * (tests/helpers/xtest-peer) and the test process itself as a Xous
 * process, through <xous.h> only, plus raw frames on the broker's socket.
 *
 * Every test runs in its own forked process (Check's fork mode) with its
 * own broker in its own temporary directory (support/harness.h). Every
 * wait is bounded: a call that should return at once runs in a Xous thread
 * and the test waits for it with a timeout, so a hang is reported as a
 * failure of that very check, not as a test timeout.
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
#include "support/harness.h"

/* A generous bound for anything that should happen at once. */
#define BOUND_MS 2000
/* How long a call must stay blocked to count as blocked. */
#define BLOCKED_MS 300
/* The target for waking a client whose server died (DESIGN.md):
 * reported when missed, while the test fails only after BOUND_MS. */
#define DEATH_TARGET_MS 100
#define STACK_SIZE (128 * 1024)

/* ==== helpers =============================================================== */

/* A 16-byte server name: an 11-byte stem and five digits. */
static const char *
name16(const char *stem, unsigned n)
{
  static char names[32][32];
  static unsigned next;
  char *s = names[next++ % 32];

  snprintf(s, sizeof names[0], "%-11.11s%05u", stem, n % 100000);
  ck_assert_uint_eq(strlen(s), 16);
  return s;
}

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

/* Waits for pid to print line; fails with what it printed and how it ended
 * when it does not. */
static void
expect_line(pid_t pid, const char *line, int timeout_ms)
{
  char *out;
  int st;

  if (harness_wait_line(pid, line, timeout_ms))
    return;
  out = harness_output(pid);
  if (harness_wait(pid, 0, &st))
    ck_abort_msg("peer %d ended (%s) without printing '%s'; it printed '%s'",
                 (int)pid, status_text(st), line, out);
  ck_abort_msg("peer %d did not print '%s' within %d ms; it printed '%s'",
               (int)pid, line, timeout_ms, out);
}

static void
expect_ready(pid_t pid)
{
  expect_line(pid, "ready", HARNESS_START_TIMEOUT_MS);
}

/* Waits for pid to print its line number index and returns it. */
static const char *
nth_line(pid_t pid, size_t index)
{
  static char buf[256];

  if (!harness_wait_nth_line(pid, index, buf, sizeof buf, BOUND_MS)) {
    char *out = harness_output(pid);

    ck_abort_msg("peer %d did not print line %zu within %d ms; it printed "
                 "'%s'",
                 (int)pid, index, BOUND_MS, out);
  }
  return buf;
}

/* Waits for pid to end and asserts that it exited with status code. */
static void
expect_exit(pid_t pid, int code, int timeout_ms)
{
  int st;

  ck_assert_msg(harness_wait(pid, timeout_ms, &st),
                "peer %d still running after %d ms", (int)pid, timeout_ms);
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == code,
                "peer %d ended with %s, not exit status %d", (int)pid,
                status_text(st), code);
}

static pid_t
start_server(const char *role, const char *name)
{
  pid_t pid = harness_peer(role, name, NULL);

  expect_ready(pid);
  return pid;
}

static xous_cid_t
connect_to(const char *name)
{
  xous_cid_t cid = 0;
  xous_error_t err = xous_try_connect(xous_sid_from_name(name), &cid);

  ck_assert_msg(err == XOUS_OK, "try_connect %s: %s", name,
                xous_error_name(err));
  return cid;
}

/* Asserts that a fresh server and a fresh client, both separate processes,
 * still get a BlockingScalar through: the broker keeps serving. */
static void
assert_broker_serves(void)
{
  static unsigned seq;
  const char *name = name16("xtest-alive", ++seq);
  pid_t client;
  char *out;

  harness_assert_broker_alive();
  start_server("echo-server", name);
  client = harness_peer("client", name, "call", "1", "1", "2", "3", "4", NULL);
  expect_exit(client, 0, BOUND_MS);
  out = harness_output(client);
  ck_assert_str_eq(out, "NoError 10 0 0 0 0\n");
  free(out);
  harness_assert_broker_alive();
}

/* Asserts that the output of pid holds exactly the lines "scalar first" to
 * "scalar first+n-1", in order, after skip other lines. */
static void
expect_scalar_lines(pid_t pid, size_t skip, unsigned long first, size_t n)
{
  char *out = harness_output(pid);
  char *line = out, *nl;
  size_t i = 0, got = 0;

  for (; (nl = strchr(line, '\n')) != NULL; line = nl + 1, i++) {
    char want[64];

    *nl = '\0';
    if (i < skip)
      continue;
    snprintf(want, sizeof want, "scalar %lu", first + got);
    ck_assert_msg(strcmp(line, want) == 0,
                  "line %zu is '%s', expected '%s' (messages out of order, "
                  "lost or repeated)",
                  i, line, want);
    got++;
  }
  ck_assert_msg(got == n, "%zu scalars arrived, expected %zu", got, n);
  free(out);
}

/* ---- calls that may block, in a Xous thread -------------------------------- */

struct async {
  void (*fn)(struct async *);
  xous_sid_t sid;
  xous_cid_t cid;
  xous_message_t msg;
  xous_word_t id, a[4];
  xous_error_t err;
  xous_word_t ret[5];
  xous_result_t res;
  xous_tid_t tid;
  atomic_bool done;
  atomic_llong done_at;
};

/* Static, so that a call still blocked when the test ends writes nowhere
 * it should not. */
static struct async calls[8];

static void *
async_entry(void *p)
{
  struct async *a = p;

  a->fn(a);
  atomic_store(&a->done_at, harness_now_ms());
  atomic_store(&a->done, true);
  return NULL;
}

static void
async_start(struct async *a, void (*fn)(struct async *))
{
  xous_error_t err;

  a->fn = fn;
  atomic_store(&a->done, false);
  err = xous_create_thread(async_entry, a, STACK_SIZE, &a->tid);
  ck_assert_msg(err == XOUS_OK, "create_thread: %s", xous_error_name(err));
}

static bool
async_wait(struct async *a, int timeout_ms)
{
  long long deadline = harness_now_ms() + timeout_ms;

  while (!atomic_load(&a->done)) {
    if (harness_now_ms() >= deadline)
      return false;
    harness_sleep_ms(1);
  }
  return true;
}

static void
do_connect(struct async *a)
{
  a->err = xous_connect(a->sid, &a->cid);
}

static void
do_try_connect(struct async *a)
{
  a->err = xous_try_connect(a->sid, &a->cid);
}

static void
do_receive(struct async *a)
{
  xous_envelope_t env;

  a->err = xous_receive_message(a->sid, &env);
}

static void
do_blocking_scalar(struct async *a)
{
  a->err = xous_blocking_scalar(a->cid, a->id, a->a[0], a->a[1], a->a[2],
                                a->a[3], a->ret);
}

static void
do_send_message(struct async *a)
{
  a->err = xous_send_message(a->cid, &a->msg, &a->res);
}

static void
do_try_send_message(struct async *a)
{
  a->err = xous_try_send_message(a->cid, &a->msg, &a->res);
}

/* Runs fn in a Xous thread and asserts that it returns within BOUND_MS. */
static struct async *
call_bounded(struct async *a, void (*fn)(struct async *), const char *what)
{
  async_start(a, fn);
  ck_assert_msg(async_wait(a, BOUND_MS), "%s did not return within %d ms",
                what, BOUND_MS);
  return a;
}

static xous_message_t
scalar_msg(xous_msg_kind_t kind, xous_word_t id, xous_word_t a1,
           xous_word_t a2, xous_word_t a3, xous_word_t a4)
{
  xous_message_t m;

  memset(&m, 0, sizeof m);
  m.kind = kind;
  m.scalar.id = id;
  m.scalar.arg1 = a1;
  m.scalar.arg2 = a2;
  m.scalar.arg3 = a3;
  m.scalar.arg4 = a4;
  return m;
}

/* ---- fixtures --------------------------------------------------------------- */

static void
setup_broker(void)
{
  harness_start_broker();
}

static void
teardown_broker(void)
{
  harness_assert_broker_alive();
  harness_cleanup();
}

static void
teardown_only(void)
{
  harness_cleanup();
}

/* ==== processes and threads ================================================ */

START_TEST(get_process_id_gives_each_process_its_own_pid_from_2_up)
{
  xous_pid_t self = xous_get_process_id();
  unsigned pids[2];
  pid_t peers[2];
  int i;

  ck_assert_uint_ge(self, 2);
  /* Both stay alive, so that neither PID can be handed out again. */
  for (i = 0; i < 2; i++)
    peers[i] = harness_peer("pid", "stay", NULL);
  for (i = 0; i < 2; i++) {
    expect_line(peers[i], "tid 2", HARNESS_START_TIMEOUT_MS);
    ck_assert_int_eq(sscanf(nth_line(peers[i], 0), "pid %u", &pids[i]), 1);
    ck_assert_uint_ge(pids[i], 2);
    ck_assert_uint_le(pids[i], 255);
    ck_assert_uint_ne(pids[i], self);
  }
  ck_assert_uint_ne(pids[0], pids[1]);
  /* A process asking again gets the same answer. */
  ck_assert_uint_eq(xous_get_process_id(), self);
}
END_TEST

static xous_tid_t seen_tid[4];

static void *
thread_value(void *arg)
{
  uintptr_t i = (uintptr_t)arg;

  seen_tid[i] = xous_get_thread_id();
  return (void *)(1000 + i);
}

static atomic_int threads_ended;

static void *
thread_ends_unjoined(void *arg)
{
  atomic_fetch_add(&threads_ended, 1);
  return arg;
}

START_TEST(threads_nobody_joins_do_not_use_the_tids_up)
{
  xous_tid_t tid;
  int i;

  /* Far more threads than there are TIDs, one after the other, none
   * joined: each must still get a TID, as the kernel frees it at exit. */
  for (i = 0; i < 3 * XOUS_MAX_THREADS; i++) {
    int before = atomic_load(&threads_ended);
    xous_error_t err = xous_create_thread(thread_ends_unjoined, NULL,
                                          STACK_SIZE, &tid);

    ck_assert_msg(err == XOUS_OK, "thread %d: %s", i, xous_error_name(err));
    for (int w = 0; w < 2000 && atomic_load(&threads_ended) == before; w++)
      usleep(1000);
    ck_assert_int_gt(atomic_load(&threads_ended), before);
  }
}
END_TEST

START_TEST(create_thread_and_join_thread_return_each_threads_value)
{
  xous_tid_t main_tid = xous_get_thread_id(), tids[4];
  uintptr_t i, j;
  pid_t peer;

  /* The first thread of a process is TID 2, as on the device. */
  ck_assert_uint_eq(main_tid, 2);
  peer = harness_peer("pid", NULL);
  expect_exit(peer, 0, HARNESS_START_TIMEOUT_MS);
  ck_assert_str_eq(nth_line(peer, 1), "tid 2");

  for (i = 0; i < 4; i++) {
    xous_error_t err = xous_create_thread(thread_value, (void *)i, STACK_SIZE,
                                          &tids[i]);

    ck_assert_msg(err == XOUS_OK, "create_thread: %s", xous_error_name(err));
  }
  for (i = 0; i < 4; i++) {
    void *ret = NULL;
    xous_error_t err = xous_join_thread(tids[i], &ret);

    ck_assert_msg(err == XOUS_OK, "join_thread: %s", xous_error_name(err));
    ck_assert_ptr_eq(ret, (void *)(1000 + i));
    /* The TID create_thread gave is the one the thread sees. */
    ck_assert_uint_eq(seen_tid[i], tids[i]);
    ck_assert_uint_ne(tids[i], main_tid);
    for (j = 0; j < i; j++)
      ck_assert_uint_ne(tids[i], tids[j]);
  }
}
END_TEST

START_TEST(join_thread_on_the_calling_thread_gives_thread_not_available)
{
  xous_error_t err = xous_join_thread(xous_get_thread_id(), NULL);

  ck_assert_msg(err == XOUS_THREAD_NOT_AVAILABLE, "join_thread(self): %s",
                xous_error_name(err));
}
END_TEST

/* ==== servers and connections ============================================== */

START_TEST(create_server_with_address_twice_gives_server_exists)
{
  xous_sid_t sid = xous_sid_from_name("xtest-dup-srv-01");
  xous_cid_t cid = 0;
  xous_error_t err;

  err = xous_create_server_with_address(sid, &cid);
  ck_assert_msg(err == XOUS_OK, "first create: %s", xous_error_name(err));
  /* The creator is connected to its own server. */
  ck_assert_uint_ge(cid, XOUS_FIRST_CID);
  ck_assert_uint_lt(cid, XOUS_FIRST_CID + XOUS_MAX_CONNECTIONS);
  err = xous_create_server_with_address(sid, NULL);
  ck_assert_msg(err == XOUS_SERVER_EXISTS, "second create: %s",
                xous_error_name(err));
}
END_TEST

START_TEST(a_name_held_by_another_process_gives_server_exists)
{
  const char *name = "xtest-dup-srv-02";
  xous_error_t err;

  start_server("echo-server", name);
  err = xous_create_server_with_address(xous_sid_from_name(name), NULL);
  ck_assert_msg(err == XOUS_SERVER_EXISTS, "create: %s", xous_error_name(err));
}
END_TEST

START_TEST(try_connect_to_a_missing_server_gives_server_not_found_at_once)
{
  struct async *a = &calls[0];

  a->sid = xous_sid_from_name("xtest-nobody-000");
  call_bounded(a, do_try_connect, "try_connect to a missing server");
  ck_assert_msg(a->err == XOUS_SERVER_NOT_FOUND, "try_connect: %s",
                xous_error_name(a->err));
}
END_TEST

START_TEST(connect_waits_until_the_server_appears)
{
  const char *name = "xtest-late-srv01";
  struct async *a = &calls[0];
  xous_word_t ret[5];
  xous_error_t err;

  a->sid = xous_sid_from_name(name);
  async_start(a, do_connect);
  ck_assert_msg(!async_wait(a, BLOCKED_MS),
                "connect returned (%s) before the server existed",
                xous_error_name(a->err));
  start_server("echo-server", name);
  ck_assert_msg(async_wait(a, BOUND_MS),
                "connect still waiting %d ms after the server appeared",
                BOUND_MS);
  ck_assert_msg(a->err == XOUS_OK, "connect: %s", xous_error_name(a->err));
  err = xous_blocking_scalar(a->cid, 1, 1, 2, 3, 4, ret);
  ck_assert_msg(err == XOUS_OK, "blocking_scalar: %s", xous_error_name(err));
  ck_assert_uint_eq(ret[0], 10);
}
END_TEST

START_TEST(the_first_connection_of_a_process_gets_cid_2)
{
  const char *name = "xtest-cid-srv-01";

  start_server("echo-server", name);
  ck_assert_uint_eq(connect_to(name), XOUS_FIRST_CID);
}
END_TEST

START_TEST(connecting_again_returns_the_same_cid)
{
  const char *name = "xtest-again-srv1";
  xous_cid_t first, again = 0;
  xous_error_t err;

  start_server("echo-server", name);
  first = connect_to(name);
  err = xous_connect(xous_sid_from_name(name), &again);
  ck_assert_msg(err == XOUS_OK, "connect: %s", xous_error_name(err));
  ck_assert_uint_eq(again, first);
  ck_assert_uint_eq(connect_to(name), first);
}
END_TEST

START_TEST(disconnect_invalidates_the_cid_and_frees_its_slot)
{
  const char *a_name = "xtest-disc-srv-a", *b_name = "xtest-disc-srv-b";
  pid_t a_pid, b_pid;
  xous_cid_t a_cid, b_cid;
  xous_word_t ret[5];
  xous_error_t err;
  char *out;

  a_pid = start_server("echo-server", a_name);
  b_pid = start_server("echo-server", b_name);
  a_cid = connect_to(a_name);
  err = xous_blocking_scalar(a_cid, 1, 1, 1, 1, 1, ret);
  ck_assert_msg(err == XOUS_OK, "blocking_scalar: %s", xous_error_name(err));

  err = xous_disconnect(a_cid);
  ck_assert_msg(err == XOUS_OK, "disconnect: %s", xous_error_name(err));
  err = xous_scalar(a_cid, 7, 1, 0, 0, 0);
  ck_assert_msg(err == XOUS_SERVER_NOT_FOUND, "scalar on a closed CID: %s",
                xous_error_name(err));
  err = xous_blocking_scalar(a_cid, 1, 1, 1, 1, 1, ret);
  ck_assert_msg(err == XOUS_SERVER_NOT_FOUND,
                "blocking_scalar on a closed CID: %s", xous_error_name(err));
  err = xous_disconnect(a_cid);
  ck_assert_msg(err == XOUS_SERVER_NOT_FOUND, "second disconnect: %s",
                xous_error_name(err));

  /* The slot is free again, and now leads to the other server. */
  b_cid = connect_to(b_name);
  ck_assert_uint_eq(b_cid, a_cid);
  err = xous_scalar(b_cid, 7, 4242, 0, 0, 0);
  ck_assert_msg(err == XOUS_OK, "scalar: %s", xous_error_name(err));
  err = xous_blocking_scalar(b_cid, 1, 1, 1, 1, 1, ret);
  ck_assert_msg(err == XOUS_OK, "blocking_scalar: %s", xous_error_name(err));
  expect_line(b_pid, "scalar 4242", BOUND_MS);
  out = harness_output(a_pid);
  ck_assert_str_eq(out, "ready\n");
  free(out);
}
END_TEST

START_TEST(the_33rd_connection_gives_out_of_memory)
{
  const char *stem = "xtest-many-";
  xous_cid_t cids[XOUS_MAX_CONNECTIONS + 1], cid;
  struct async *a = &calls[0];
  xous_error_t err;
  pid_t p1, p2;
  int i, j;

  /* 40 servers in two processes, so that neither server process runs
   * out of connections of its own. */
  p1 = harness_peer("many-servers", stem, "0", "20", NULL);
  p2 = harness_peer("many-servers", stem, "20", "20", NULL);
  expect_ready(p1);
  expect_ready(p2);

  for (i = 0; i < XOUS_MAX_CONNECTIONS; i++) {
    cids[i] = connect_to(name16(stem, (unsigned)i));
    ck_assert_uint_ge(cids[i], XOUS_FIRST_CID);
    ck_assert_uint_lt(cids[i], XOUS_FIRST_CID + XOUS_MAX_CONNECTIONS);
    for (j = 0; j < i; j++)
      ck_assert_uint_ne(cids[i], cids[j]);
  }
  err = xous_try_connect(xous_sid_from_name(name16(stem, 32)), &cid);
  ck_assert_msg(err == XOUS_OUT_OF_MEMORY, "33rd try_connect: %s",
                xous_error_name(err));
  a->sid = xous_sid_from_name(name16(stem, 33));
  call_bounded(a, do_connect, "33rd connect");
  ck_assert_msg(a->err == XOUS_OUT_OF_MEMORY, "33rd connect: %s",
                xous_error_name(a->err));

  /* A connection that exists is still found when the table is full. */
  ck_assert_uint_eq(connect_to(name16(stem, 5)), cids[5]);

  /* Freeing one slot makes room for exactly one more. */
  err = xous_disconnect(cids[0]);
  ck_assert_msg(err == XOUS_OK, "disconnect: %s", xous_error_name(err));
  ck_assert_uint_eq(connect_to(name16(stem, 32)), cids[0]);
  err = xous_try_connect(xous_sid_from_name(name16(stem, 34)), &cid);
  ck_assert_msg(err == XOUS_OUT_OF_MEMORY, "try_connect: %s",
                xous_error_name(err));
}
END_TEST

START_TEST(receive_message_on_another_process_server_gives_server_not_found)
{
  const char *name = "xtest-other-srv1";
  struct async *a = &calls[0];
  pid_t srv;

  srv = start_server("echo-server", name);
  a->sid = xous_sid_from_name(name);
  call_bounded(a, do_receive, "receive_message on a foreign SID");
  ck_assert_msg(a->err == XOUS_SERVER_NOT_FOUND, "receive_message: %s",
                xous_error_name(a->err));
  /* Nor may it destroy that server. */
  ck_assert_int_ne(xous_destroy_server(xous_sid_from_name(name)), XOUS_OK);
  ck_assert(harness_running(srv));
  assert_broker_serves();
}
END_TEST

START_TEST(destroy_server_wakes_blocked_clients_with_server_not_found)
{
  const char *name = "xtest-destroy-01";
  xous_sid_t sid = xous_sid_from_name(name);
  xous_envelope_t env;
  xous_cid_t cid;
  xous_error_t err;
  pid_t c1, c2;

  err = xous_create_server_with_address(sid, NULL);
  ck_assert_msg(err == XOUS_OK, "create: %s", xous_error_name(err));
  c1 = harness_peer("blocked-client", name, NULL);
  c2 = harness_peer("blocked-client", name, NULL);
  expect_line(c1, "connected", HARNESS_START_TIMEOUT_MS);
  expect_line(c2, "connected", HARNESS_START_TIMEOUT_MS);

  /* One call is received and left unanswered; the other is queued, or
   * about to be sent: either way its client must wake. */
  err = xous_receive_message(sid, &env);
  ck_assert_msg(err == XOUS_OK, "receive_message: %s", xous_error_name(err));
  ck_assert_int_eq(env.body.kind, XOUS_MSG_BLOCKING_SCALAR);
  err = xous_destroy_server(sid);
  ck_assert_msg(err == XOUS_OK, "destroy_server: %s", xous_error_name(err));

  expect_line(c1, "ServerNotFound", BOUND_MS);
  expect_line(c2, "ServerNotFound", BOUND_MS);
  expect_exit(c1, 0, BOUND_MS);
  expect_exit(c2, 0, BOUND_MS);

  /* The server is gone, and its name is free again. */
  err = xous_try_connect(sid, &cid);
  ck_assert_msg(err == XOUS_SERVER_NOT_FOUND, "try_connect: %s",
                xous_error_name(err));
  err = xous_destroy_server(sid);
  ck_assert_msg(err == XOUS_SERVER_NOT_FOUND, "second destroy: %s",
                xous_error_name(err));
  err = xous_create_server_with_address(sid, NULL);
  ck_assert_msg(err == XOUS_OK, "create again: %s", xous_error_name(err));
}
END_TEST

/* ==== scalar messages ====================================================== */

START_TEST(blocking_scalar_returns_the_sum_from_a_server_process)
{
  const char *name = "xtest-echo-srv01";
  const xous_word_t big = (xous_word_t)1 << (sizeof(xous_word_t) * 8 - 4);
  xous_word_t ret[5] = { 9, 9, 9, 9, 9 };
  xous_error_t err;
  xous_cid_t cid;

  start_server("echo-server", name);
  cid = connect_to(name);
  err = xous_blocking_scalar(cid, 1, 1, 2, 3, 4, ret);
  ck_assert_msg(err == XOUS_OK, "blocking_scalar: %s", xous_error_name(err));
  ck_assert_uint_eq(ret[0], 10);
  ck_assert_uint_eq(ret[1], 0);
  ck_assert_uint_eq(ret[4], 0);
  /* Whole machine words travel, not 32-bit halves. */
  err = xous_blocking_scalar(cid, 1, big, big, 1, 2, ret);
  ck_assert_msg(err == XOUS_OK, "blocking_scalar: %s", xous_error_name(err));
  ck_assert_uint_eq(ret[0], big + big + 3);
}
END_TEST

START_TEST(
    blocking_scalar_answered_with_scalar1_scalar2_and_scalar5_keeps_every_word)
{
  const char *name = "xtest-echo-srv02";
  const xous_word_t w1 = (xous_word_t)0x1122334455667788ull;
  const xous_word_t w2 = (xous_word_t)0x99aabbccddeeff00ull;
  xous_message_t m;
  xous_result_t res;
  xous_word_t ret[5];
  xous_error_t err;
  xous_cid_t cid;

  start_server("echo-server", name);
  cid = connect_to(name);

  m = scalar_msg(XOUS_MSG_BLOCKING_SCALAR, 1, 5, 6, 7, 8);
  err = xous_send_message(cid, &m, &res);
  ck_assert_msg(err == XOUS_OK, "send_message: %s", xous_error_name(err));
  ck_assert_uint_eq(res.kind, XOUS_RESULT_SCALAR1);
  ck_assert_uint_eq(res.w[0], 26);

  m = scalar_msg(XOUS_MSG_BLOCKING_SCALAR, 2, w1, w2, 3, 4);
  err = xous_send_message(cid, &m, &res);
  ck_assert_msg(err == XOUS_OK, "send_message: %s", xous_error_name(err));
  ck_assert_uint_eq(res.kind, XOUS_RESULT_SCALAR2);
  ck_assert_uint_eq(res.w[0], w1);
  ck_assert_uint_eq(res.w[1], w2);

  m = scalar_msg(XOUS_MSG_BLOCKING_SCALAR, 5, w1, w2, 33, 44);
  err = xous_send_message(cid, &m, &res);
  ck_assert_msg(err == XOUS_OK, "send_message: %s", xous_error_name(err));
  ck_assert_uint_eq(res.kind, XOUS_RESULT_SCALAR5);
  ck_assert_uint_eq(res.w[0], w1);
  ck_assert_uint_eq(res.w[1], w2);
  ck_assert_uint_eq(res.w[2], 33);
  ck_assert_uint_eq(res.w[3], 44);
  ck_assert_uint_eq(res.w[4], 5);

  /* The helper gives the same words, zeros past the reply's own. */
  err = xous_blocking_scalar(cid, 2, w1, w2, 3, 4, ret);
  ck_assert_msg(err == XOUS_OK, "blocking_scalar: %s", xous_error_name(err));
  ck_assert_uint_eq(ret[0], w1);
  ck_assert_uint_eq(ret[1], w2);
  ck_assert_uint_eq(ret[2], 0);
  err = xous_blocking_scalar(cid, 5, 1, 2, 3, 4, ret);
  ck_assert_msg(err == XOUS_OK, "blocking_scalar: %s", xous_error_name(err));
  ck_assert_uint_eq(ret[0], 1);
  ck_assert_uint_eq(ret[3], 4);
  ck_assert_uint_eq(ret[4], 5);
}
END_TEST

START_TEST(a_server_sees_the_pid_of_the_calling_process)
{
  const char *name = "xtest-echo-srv03";
  xous_word_t ret[5];
  xous_error_t err;

  start_server("echo-server", name);
  err = xous_blocking_scalar(connect_to(name), 8, 0, 0, 0, 0, ret);
  ck_assert_msg(err == XOUS_OK, "blocking_scalar: %s", xous_error_name(err));
  ck_assert_uint_eq(ret[0], xous_get_process_id());
}
END_TEST

START_TEST(scalars_arrive_in_the_order_they_were_sent)
{
  const char *name = "xtest-order-srv1";
  const unsigned n = 1000;
  xous_word_t ret[5];
  xous_error_t err;
  xous_cid_t cid;
  unsigned i;
  pid_t srv;

  srv = start_server("echo-server", name);
  cid = connect_to(name);
  /* More than a queue holds: send_message must wait, not drop. */
  for (i = 0; i < n; i++) {
    err = xous_scalar(cid, 7, i, 0, 0, 0);
    ck_assert_msg(err == XOUS_OK, "scalar %u: %s", i, xous_error_name(err));
  }
  /* A BlockingScalar on the same connection comes after all of them. */
  err = xous_blocking_scalar(cid, 1, 0, 0, 0, 0, ret);
  ck_assert_msg(err == XOUS_OK, "blocking_scalar: %s", xous_error_name(err));
  expect_scalar_lines(srv, 1, 0, n);
}
END_TEST

START_TEST(try_receive_message_gives_nothing_then_the_message)
{
  const char *name = "xtest-tryrecv-01";
  xous_sid_t sid = xous_sid_from_name(name);
  xous_envelope_t env;
  bool received = true;
  long long deadline;
  xous_error_t err;
  pid_t client;

  err = xous_create_server_with_address(sid, NULL);
  ck_assert_msg(err == XOUS_OK, "create: %s", xous_error_name(err));
  err = xous_try_receive_message(sid, &env, &received);
  ck_assert_msg(err == XOUS_OK, "try_receive_message: %s",
                xous_error_name(err));
  ck_assert(!received);

  /* The client sends Scalar(7, 0), then BlockingScalar(1, 1, 2, 3, 4). */
  client = harness_peer("client", name, "scalars", "1", NULL);
  deadline = harness_now_ms() + HARNESS_START_TIMEOUT_MS;
  do {
    err = xous_try_receive_message(sid, &env, &received);
    ck_assert_msg(err == XOUS_OK, "try_receive_message: %s",
                  xous_error_name(err));
    if (!received)
      harness_sleep_ms(1);
  } while (!received && harness_now_ms() < deadline);
  ck_assert_msg(received, "no message within %d ms", HARNESS_START_TIMEOUT_MS);
  ck_assert_int_eq(env.body.kind, XOUS_MSG_SCALAR);
  ck_assert_uint_eq(env.body.scalar.id, 7);
  ck_assert_uint_eq(env.body.scalar.arg1, 0);
  ck_assert_uint_ge(xous_sender_pid(env.sender), 2);
  ck_assert_uint_ne(xous_sender_pid(env.sender), xous_get_process_id());

  err = xous_receive_message(sid, &env);
  ck_assert_msg(err == XOUS_OK, "receive_message: %s", xous_error_name(err));
  ck_assert_int_eq(env.body.kind, XOUS_MSG_BLOCKING_SCALAR);
  ck_assert_uint_eq(env.body.scalar.id, 1);
  ck_assert_uint_eq(env.body.scalar.arg4, 4);
  err = xous_return_scalar1(env.sender, 77);
  ck_assert_msg(err == XOUS_OK, "return_scalar1: %s", xous_error_name(err));
  expect_exit(client, 0, BOUND_MS);
  expect_line(client, "sum 77", 0);
  /* A reply goes once: the same sender cannot be answered twice. */
  ck_assert_int_ne(xous_return_scalar1(env.sender, 78), XOUS_OK);
}
END_TEST

START_TEST(reply_and_receive_next_serves_a_sequence_of_calls)
{
  const char *name = "xtest-rr-srv-001";
  xous_word_t ret[5];
  xous_error_t err;
  xous_cid_t cid;
  unsigned i;
  pid_t srv;

  srv = start_server("rr-server", name);
  cid = connect_to(name);
  for (i = 0; i < 50; i++) {
    err = xous_blocking_scalar(cid, 1, i, 1, 1, 1, ret);
    ck_assert_msg(err == XOUS_OK, "call %u: %s", i, xous_error_name(err));
    ck_assert_uint_eq(ret[0], i + 3);
    err = xous_scalar(cid, 7, i, 0, 0, 0);
    ck_assert_msg(err == XOUS_OK, "scalar %u: %s", i, xous_error_name(err));
  }
  err = xous_blocking_scalar(cid, 2, 11, 22, 0, 0, ret);
  ck_assert_msg(err == XOUS_OK, "scalar2 call: %s", xous_error_name(err));
  ck_assert_uint_eq(ret[0], 11);
  ck_assert_uint_eq(ret[1], 22);
  ck_assert_uint_eq(ret[2], 0);
  err = xous_blocking_scalar(cid, 5, 11, 22, 33, 44, ret);
  ck_assert_msg(err == XOUS_OK, "scalar5 call: %s", xous_error_name(err));
  ck_assert_uint_eq(ret[0], 11);
  ck_assert_uint_eq(ret[3], 44);
  ck_assert_uint_eq(ret[4], 5);
  expect_scalar_lines(srv, 1, 0, 50);
}
END_TEST

START_TEST(a_pool_of_server_threads_all_serve_one_sid)
{
  enum { N = 4 };
  const char *name = "xtest-pool-srv01";
  xous_word_t ret[5];
  xous_error_t err;
  xous_cid_t cid;
  int i, j;

  /* Each pool thread holds an id 3 call until N are held at once, so the
   * calls complete only if N different threads receive one each. */
  expect_ready(harness_peer("pool-server", name, "4", NULL));
  cid = connect_to(name);
  for (i = 0; i < N; i++) {
    calls[i].cid = cid;
    calls[i].id = 3;
    calls[i].a[0] = 100 + (xous_word_t)i;
    async_start(&calls[i], do_blocking_scalar);
  }
  for (i = 0; i < N; i++) {
    ck_assert_msg(async_wait(&calls[i], BOUND_MS),
                  "call %d to a pool of %d threads did not return within "
                  "%d ms: the pool does not serve in parallel",
                  i, N, BOUND_MS);
    ck_assert_msg(calls[i].err == XOUS_OK, "call %d: %s", i,
                  xous_error_name(calls[i].err));
    ck_assert_uint_eq(calls[i].ret[0], 100 + (xous_word_t)i);
    for (j = 0; j < i; j++)
      ck_assert_msg(calls[i].ret[1] != calls[j].ret[1],
                    "calls %d and %d were both served by thread %llu", j, i,
                    (unsigned long long)calls[i].ret[1]);
  }
  /* And a plain call is still answered, by one of those threads. */
  err = xous_blocking_scalar(cid, 1, 1, 2, 3, 4, ret);
  ck_assert_msg(err == XOUS_OK, "blocking_scalar: %s", xous_error_name(err));
  ck_assert_uint_eq(ret[0], 10);
  for (j = 0; j < N && ret[1] != calls[j].ret[1]; j++)
    continue;
  ck_assert_msg(j < N, "answered by thread %llu, not one of the pool",
                (unsigned long long)ret[1]);
}
END_TEST

/* ==== queue limits =========================================================== */

START_TEST(try_send_message_gives_server_queue_full_after_128_queued_messages)
{
  const char *name = "xtest-slow-srv01", *ctl = "xtest-slow-ctl01";
  struct async *blocked = &calls[0], *trying = &calls[1];
  xous_message_t m;
  xous_word_t ret[5];
  xous_error_t err;
  xous_cid_t cid;
  unsigned i;
  pid_t srv;

  srv = harness_peer("slow-server", name, ctl, NULL);
  expect_ready(srv);
  cid = connect_to(name);
  for (i = 0; i < XOUS_QUEUE_DEPTH; i++) {
    m = scalar_msg(XOUS_MSG_SCALAR, 7, i, 0, 0, 0);
    err = xous_try_send_message(cid, &m, NULL);
    ck_assert_msg(err == XOUS_OK, "try_send_message %u: %s", i,
                  xous_error_name(err));
  }
  m = scalar_msg(XOUS_MSG_SCALAR, 7, 999, 0, 0, 0);
  err = xous_try_send_message(cid, &m, NULL);
  ck_assert_msg(err == XOUS_SERVER_QUEUE_FULL, "message %u: %s",
                XOUS_QUEUE_DEPTH + 1, xous_error_name(err));
  trying->cid = cid;
  trying->msg = scalar_msg(XOUS_MSG_BLOCKING_SCALAR, 1, 0, 0, 0, 0);
  call_bounded(trying, do_try_send_message, "try_send_message, queue full");
  ck_assert_msg(trying->err == XOUS_SERVER_QUEUE_FULL,
                "try_send_message of a BlockingScalar: %s",
                xous_error_name(trying->err));

  /* send_message waits for room instead. */
  blocked->cid = cid;
  blocked->msg = scalar_msg(XOUS_MSG_SCALAR, 7, XOUS_QUEUE_DEPTH, 0, 0, 0);
  async_start(blocked, do_send_message);
  ck_assert_msg(!async_wait(blocked, BLOCKED_MS),
                "send_message returned (%s) while the queue was full",
                xous_error_name(blocked->err));

  /* Once the server drains, the waiting send goes through, in order. */
  err = xous_scalar(connect_to(ctl), 1, 0, 0, 0, 0);
  ck_assert_msg(err == XOUS_OK, "scalar to control: %s", xous_error_name(err));
  expect_line(srv, "draining", BOUND_MS);
  ck_assert_msg(async_wait(blocked, BOUND_MS),
                "send_message still waiting %d ms after the server started "
                "to drain",
                BOUND_MS);
  ck_assert_msg(blocked->err == XOUS_OK, "send_message: %s",
                xous_error_name(blocked->err));
  err = xous_blocking_scalar(cid, 1, 0, 0, 0, 0, ret);
  ck_assert_msg(err == XOUS_OK, "blocking_scalar: %s", xous_error_name(err));
  expect_scalar_lines(srv, 2, 0, XOUS_QUEUE_DEPTH + 1);
}
END_TEST

/* ==== death ================================================================= */

START_TEST(a_server_killed_with_sigkill_fails_its_blocked_clients)
{
  const char *name = "xtest-sleeper-01";
  struct async *a = &calls[0];
  long long killed_at, elapsed;
  const char *line;
  pid_t srv, client;

  srv = start_server("sleeper-server", name);
  /* One client in this process, one in another process. */
  a->cid = connect_to(name);
  a->id = 1;
  async_start(a, do_blocking_scalar);
  expect_line(srv, "ready", 0);
  nth_line(srv, 1);
  client = harness_peer("blocked-client", name, NULL);
  nth_line(srv, 2);
  ck_assert(!atomic_load(&a->done));

  killed_at = harness_now_ms();
  harness_kill(srv, SIGKILL);
  ck_assert_msg(async_wait(a, BOUND_MS),
                "a client blocked on a killed server did not return within "
                "%d ms",
                BOUND_MS);
  elapsed = atomic_load(&a->done_at) - killed_at;
  if (elapsed > DEATH_TARGET_MS)
    fprintf(stderr,
            "note: blocked client woke %lld ms after its server "
            "was killed (target %d ms)\n",
            elapsed, DEATH_TARGET_MS);
  ck_assert_msg(a->err == XOUS_SERVER_NOT_FOUND ||
                    a->err == XOUS_PROCESS_TERMINATED,
                "blocked call returned %s, not ServerNotFound or "
                "ProcessTerminated",
                xous_error_name(a->err));
  expect_exit(client, 0, BOUND_MS);
  line = nth_line(client, 1);
  ck_assert_msg(strcmp(line, "ServerNotFound") == 0 ||
                    strcmp(line, "ProcessTerminated") == 0,
                "the other client's call returned %s", line);

  /* The dead process's server is gone and its name is free. */
  {
    long long deadline = harness_now_ms() + BOUND_MS;
    xous_error_t err;
    xous_cid_t cid;

    while ((err = xous_try_connect(xous_sid_from_name(name), &cid)) ==
               XOUS_OK &&
           harness_now_ms() < deadline)
      harness_sleep_ms(2);
    ck_assert_msg(err == XOUS_SERVER_NOT_FOUND,
                  "try_connect to a dead server: %s", xous_error_name(err));
  }
  assert_broker_serves();
  start_server("echo-server", name);
}
END_TEST

START_TEST(a_client_killed_mid_call_does_not_disturb_the_server)
{
  const char *name = "xtest-echo-srv04";
  xous_word_t ret[5];
  xous_error_t err;
  xous_cid_t cid;
  pid_t srv, victim, other;
  int st;

  srv = start_server("echo-server", name);
  victim = harness_peer("blocked-client", name, "3", "42", NULL);
  expect_line(srv, "held 42", HARNESS_START_TIMEOUT_MS);
  harness_kill(victim, SIGKILL);
  ck_assert(harness_wait(victim, BOUND_MS, &st));
  ck_assert(WIFSIGNALED(st));

  /* The server answers the dead client; the reply is dropped quietly. */
  cid = connect_to(name);
  err = xous_scalar(cid, 6, 5, 0, 0, 0);
  ck_assert_msg(err == XOUS_OK, "scalar: %s", xous_error_name(err));
  ck_assert_msg(strncmp(nth_line(srv, 2), "released ", 9) == 0,
                "server printed '%s'", nth_line(srv, 2));

  /* It goes on serving this process and others. */
  err = xous_blocking_scalar(cid, 1, 1, 2, 3, 4, ret);
  ck_assert_msg(err == XOUS_OK, "blocking_scalar: %s", xous_error_name(err));
  ck_assert_uint_eq(ret[0], 10);
  other = harness_peer("client", name, "call", "2", "7", "8", NULL);
  expect_exit(other, 0, BOUND_MS);
  expect_line(other, "NoError 7 8 0 0 0", 0);
  ck_assert(harness_running(srv));
}
END_TEST

/* ==== malformed frames ====================================================== */

static struct xous_wire_frame
frame(unsigned type)
{
  struct xous_wire_frame f;

  memset(&f, 0, sizeof f);
  f.magic = XOUS_WIRE_MAGIC;
  f.version = XOUS_WIRE_VERSION;
  f.type = (uint16_t)type;
  return f;
}

/* Sends len bytes as one datagram. Returns 0, or -errno (EPIPE and
 * ECONNRESET mean the broker closed the socket). */
static int
raw_send(int fd, const void *buf, size_t len)
{
  ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

  if (n < 0)
    return -errno;
  ck_assert_int_eq(n, (ssize_t)len);
  return 0;
}

/* Waits up to timeout_ms for the broker's answer. Returns 1 with a frame in
 * *f, 0 when the socket was closed, -1 when nothing came. */
static int
raw_recv(int fd, struct xous_wire_frame *f, int timeout_ms)
{
  struct pollfd p = { .fd = fd, .events = POLLIN };
  ssize_t n;
  int r;

  do
    r = poll(&p, 1, timeout_ms);
  while (r < 0 && errno == EINTR);
  if (r == 0)
    return -1;
  memset(f, 0, sizeof *f);
  n = recv(fd, f, sizeof *f, 0);
  if (n == 0 || (n < 0 && errno == ECONNRESET))
    return 0;
  ck_assert_msg(n == (ssize_t)sizeof *f, "the broker sent %zd bytes", n);
  return 1;
}

static bool
is_error_frame(const struct xous_wire_frame *f)
{
  return f->type == XOUS_WIRE_ERROR ||
         (f->type == XOUS_WIRE_RESULT && f->w[0] == XOUS_RESULT_ERROR);
}

/* Sends len bytes of buf and asserts that the broker answers with an error
 * or closes the socket, within BOUND_MS. */
static void
expect_rejected(int fd, const void *buf, size_t len, const char *what)
{
  struct xous_wire_frame f;
  int r = raw_send(fd, buf, len);

  if (r == -EPIPE || r == -ECONNRESET)
    return;
  ck_assert_msg(r == 0, "%s: send: %s", what, strerror(-r));
  r = raw_recv(fd, &f, BOUND_MS);
  ck_assert_msg(r >= 0,
                "%s: the broker neither answered nor closed the "
                "socket within %d ms",
                what, BOUND_MS);
  ck_assert_msg(r == 0 || is_error_frame(&f),
                "%s: the broker answered with frame type %u, tag %llu, "
                "not an error",
                what, f.type, (unsigned long long)f.w[0]);
}

/* Says hello as a new process on a new socket; returns it and the PID. */
static int
raw_hello_process(xous_pid_t *pid)
{
  struct xous_wire_frame f = frame(XOUS_WIRE_HELLO_PROCESS);
  int fd = harness_raw_connect();

  snprintf(f.name, sizeof f.name, "xtest-raw");
  ck_assert_int_eq(raw_send(fd, &f, sizeof f), 0);
  ck_assert_msg(raw_recv(fd, &f, BOUND_MS) == 1,
                "no answer to HELLO_PROCESS within %d ms", BOUND_MS);
  ck_assert_msg(f.type == XOUS_WIRE_WELCOME,
                "HELLO_PROCESS answered with type %u, w[0] %llu", f.type,
                (unsigned long long)f.w[0]);
  *pid = (xous_pid_t)f.w[0];
  ck_assert_uint_ge(*pid, 2);
  return fd;
}

/* Opens the socket of thread tid of process pid, as libxous does. */
static int
raw_hello_thread(xous_pid_t pid, uint32_t tid)
{
  struct xous_wire_frame f = frame(XOUS_WIRE_HELLO_THREAD);
  int fd = harness_raw_connect();

  f.tid = tid;
  f.w[0] = pid;
  ck_assert_int_eq(raw_send(fd, &f, sizeof f), 0);
  ck_assert_msg(raw_recv(fd, &f, BOUND_MS) == 1,
                "no answer to HELLO_THREAD within %d ms", BOUND_MS);
  ck_assert_msg(f.type == XOUS_WIRE_WELCOME,
                "HELLO_THREAD answered with type %u, w[0] %llu", f.type,
                (unsigned long long)f.w[0]);
  return fd;
}

/* A raw process with one thread socket, for raw syscalls. */
struct raw_session {
  int proc;
  int thread;
  xous_pid_t pid;
};

static struct raw_session
raw_session(void)
{
  struct raw_session s;

  s.proc = raw_hello_process(&s.pid);
  s.thread = raw_hello_thread(s.pid, 2);
  return s;
}

/* Sends a syscall with words w on a thread socket and asserts that it is
 * refused: an Error result, or the socket closed. */
static void
expect_syscall_refused(int fd, const uint64_t w[8], const char *what)
{
  struct xous_wire_frame f = frame(XOUS_WIRE_SYSCALL);

  memcpy(f.w, w, sizeof f.w);
  expect_rejected(fd, &f, sizeof f, what);
}

START_TEST(a_truncated_frame_is_refused_and_the_broker_keeps_serving)
{
  struct xous_wire_frame f = frame(XOUS_WIRE_HELLO_PROCESS);
  struct raw_session s;
  int fd;

  fd = harness_raw_connect();
  expect_rejected(fd, &f, XOUS_WIRE_FRAME_SIZE / 2, "half a HELLO_PROCESS");
  close(fd);
  fd = harness_raw_connect();
  expect_rejected(fd, &f, 1, "a one-byte frame");
  close(fd);

  /* Cut short in the middle of a session, after a valid hello. */
  s = raw_session();
  f = frame(XOUS_WIRE_SYSCALL);
  f.w[0] = XOUS_SYSCALL_GET_PROCESS_ID;
  expect_rejected(s.thread, &f, offsetof(struct xous_wire_frame, w) + 8,
                  "a SYSCALL cut after w[0]");
  assert_broker_serves();
}
END_TEST

START_TEST(an_oversized_frame_is_refused_and_the_broker_keeps_serving)
{
  unsigned char big[2 * XOUS_WIRE_FRAME_SIZE];
  struct xous_wire_frame f = frame(XOUS_WIRE_HELLO_PROCESS);
  int fd = harness_raw_connect();

  memset(big, 0, sizeof big);
  memcpy(big, &f, sizeof f);
  expect_rejected(fd, big, sizeof big, "a 256-byte HELLO_PROCESS");
  close(fd);
  assert_broker_serves();
}
END_TEST

START_TEST(a_frame_with_a_wrong_magic_is_refused_and_the_broker_keeps_serving)
{
  struct xous_wire_frame f = frame(XOUS_WIRE_HELLO_PROCESS);
  int fd = harness_raw_connect();

  f.magic = 0x53554f58u;
  expect_rejected(fd, &f, sizeof f, "a byte-swapped magic");
  close(fd);
  assert_broker_serves();
}
END_TEST

START_TEST(
    a_frame_with_a_wrong_version_is_refused_and_the_broker_keeps_serving)
{
  struct xous_wire_frame f = frame(XOUS_WIRE_HELLO_PROCESS);
  int fd = harness_raw_connect();

  f.version = XOUS_WIRE_VERSION + 1;
  expect_rejected(fd, &f, sizeof f, "version + 1");
  close(fd);
  fd = harness_raw_connect();
  f.version = 0;
  expect_rejected(fd, &f, sizeof f, "version 0");
  close(fd);
  assert_broker_serves();
}
END_TEST

START_TEST(a_frame_of_an_unknown_type_is_refused_and_the_broker_keeps_serving)
{
  static const unsigned types[] = { 0, XOUS_WIRE_TYPE_MAX + 1, 200, 0xffff };
  struct xous_wire_frame f;
  struct raw_session s;
  size_t i;

  for (i = 0; i < sizeof types / sizeof types[0]; i++) {
    char what[64];
    int fd = harness_raw_connect();

    snprintf(what, sizeof what, "frame type %u first", types[i]);
    f = frame(types[i]);
    expect_rejected(fd, &f, sizeof f, what);
    close(fd);
  }
  /* A broker-to-process type, and unknown flags, in a session. */
  s = raw_session();
  f = frame(XOUS_WIRE_RESULT);
  expect_rejected(s.thread, &f, sizeof f, "a RESULT sent to the broker");
  s = raw_session();
  f = frame(XOUS_WIRE_SYSCALL);
  f.w[0] = XOUS_SYSCALL_GET_PROCESS_ID;
  f.flags = 0x80;
  expect_rejected(s.thread, &f, sizeof f, "unknown flag 0x80");
  s = raw_session();
  f = frame(XOUS_WIRE_SYSCALL);
  f.w[0] = XOUS_SYSCALL_GET_PROCESS_ID;
  f.flags = XOUS_WIRE_F_FD;
  expect_rejected(s.thread, &f, sizeof f, "F_FD with no descriptor");
  assert_broker_serves();
}
END_TEST

START_TEST(a_syscall_before_hello_is_refused)
{
  struct xous_wire_frame f = frame(XOUS_WIRE_SYSCALL);
  int fd = harness_raw_connect();

  f.w[0] = XOUS_SYSCALL_GET_PROCESS_ID;
  expect_rejected(fd, &f, sizeof f, "a SYSCALL before any hello");
  close(fd);
  assert_broker_serves();
}
END_TEST

START_TEST(a_thread_hello_for_a_process_that_is_not_the_caller_is_refused)
{
  struct xous_wire_frame f;
  static const unsigned pids[] = { 0, 1, 250 };
  size_t i;

  for (i = 0; i < sizeof pids / sizeof pids[0]; i++) {
    char what[64];
    int fd = harness_raw_connect();

    snprintf(what, sizeof what, "HELLO_THREAD for PID %u", pids[i]);
    f = frame(XOUS_WIRE_HELLO_THREAD);
    f.tid = 2;
    f.w[0] = pids[i];
    expect_rejected(fd, &f, sizeof f, what);
    close(fd);
  }
  assert_broker_serves();
}
END_TEST

START_TEST(
    an_unknown_syscall_number_gets_an_error_and_the_broker_keeps_serving)
{
  struct raw_session s = raw_session();
  uint64_t w[8] = { 200, 1, 2, 3, 4, 5, 6, 7 };

  expect_syscall_refused(s.thread, w, "syscall 200");
  s = raw_session();
  w[0] = XOUS_SYSCALL_INVALID;
  expect_syscall_refused(s.thread, w, "syscall 0 (Invalid)");
  s = raw_session();
  w[0] = XOUS_SYSCALL_PLATFORM_SPECIFIC;
  expect_syscall_refused(s.thread, w, "syscall 46 (PlatformSpecific)");
  s = raw_session();
  w[0] = UINT64_MAX;
  expect_syscall_refused(s.thread, w, "syscall 2^64-1");
  assert_broker_serves();
}
END_TEST

START_TEST(a_garbage_cid_or_pid_gets_an_error_and_the_broker_keeps_serving)
{
  struct raw_session s = raw_session();
  uint64_t send[8] = {
    XOUS_SYSCALL_SEND_MESSAGE, 9999, XOUS_MSG_SCALAR, 7, 1, 2, 3, 4
  };
  uint64_t disc[8] = { XOUS_SYSCALL_DISCONNECT, 9999 };
  uint64_t kind[8] = { XOUS_SYSCALL_SEND_MESSAGE, 2, 77, 7, 1, 2, 3, 4 };
  uint64_t cfp[8] = { XOUS_SYSCALL_CONNECT_FOR_PROCESS, 200, 1, 2, 3, 4 };
  uint64_t big[8] = {
    XOUS_SYSCALL_CONNECT_FOR_PROCESS, 0x10000000001ull, 1, 2, 3, 4
  };

  expect_syscall_refused(s.thread, send, "SendMessage on CID 9999");
  s = raw_session();
  expect_syscall_refused(s.thread, disc, "Disconnect of CID 9999");
  s = raw_session();
  expect_syscall_refused(s.thread, kind, "SendMessage of kind 77");
  s = raw_session();
  expect_syscall_refused(s.thread, cfp, "ConnectForProcess for PID 200");
  s = raw_session();
  expect_syscall_refused(s.thread, big, "ConnectForProcess for PID 2^40+1");
  assert_broker_serves();
}
END_TEST

START_TEST(
    a_forged_reply_from_a_process_that_does_not_own_the_server_is_refused)
{
  const char *name = "xtest-sleeper-02";
  unsigned long long sender;
  struct raw_session s;
  uint64_t w[8] = { XOUS_SYSCALL_RETURN_SCALAR1, 0, 12345 };
  pid_t srv, client;
  char *out;

  srv = start_server("sleeper-server", name);
  client = harness_peer("blocked-client", name, NULL);
  ck_assert_int_eq(sscanf(nth_line(srv, 1), "received %llu", &sender), 1);

  /* The exact sender word the server got, from another process. */
  s = raw_session();
  w[1] = sender;
  expect_syscall_refused(s.thread, w, "ReturnScalar1 with a stolen sender");
  s = raw_session();
  w[0] = XOUS_SYSCALL_RETURN_SCALAR5;
  expect_syscall_refused(s.thread, w, "ReturnScalar5 with a stolen sender");

  /* The client is still waiting for its real server. */
  ck_assert(!harness_wait(client, BLOCKED_MS, NULL));
  out = harness_output(client);
  ck_assert_str_eq(out, "connected\n");
  free(out);
  harness_kill(srv, SIGKILL);
  expect_exit(client, 0, BOUND_MS);
  ck_assert_str_ne(nth_line(client, 1), "NoError");
  assert_broker_serves();
}
END_TEST

/* ==== broker lifecycle ====================================================== */

START_TEST(sigterm_stops_the_broker_and_removes_its_socket)
{
  pid_t srv;

  harness_start_broker();
  srv = start_server("echo-server", "xtest-echo-srv05");
  harness_stop_broker();
  /* Its processes are told: a server waiting in receive_message ends. */
  ck_assert_msg(harness_wait(srv, HARNESS_STOP_TIMEOUT_MS, NULL),
                "a server process outlived its broker by %d ms",
                HARNESS_STOP_TIMEOUT_MS);
}
END_TEST

START_TEST(shutdown_makes_the_broker_exit_and_remove_its_socket)
{
  pid_t broker, srv;
  int st;

  broker = harness_start_broker();
  srv = start_server("echo-server", "xtest-echo-srv06");
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

START_TEST(the_default_socket_lives_in_a_private_directory)
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

  start_server("echo-server", "xtest-echo-srv07");
  client = harness_peer("client", "xtest-echo-srv07", "call", "1", "1", "1",
                        "1", "1", NULL);
  expect_exit(client, 0, BOUND_MS);
  expect_line(client, "NoError 4 0 0 0 0", 0);
}
END_TEST

START_TEST(an_open_xous_socket_directory_is_made_private)
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
  assert_broker_serves();
}
END_TEST

START_TEST(a_socket_in_a_directory_others_can_enter_is_refused)
{
  char sock_dir[256], path[320];
  struct stat st;
  pid_t broker;
  int status;

  /* Any other directory belongs to the user: the broker neither opens it
   * up to others nor changes its mode; it refuses to start. */
  snprintf(sock_dir, sizeof sock_dir, "%s/open", harness_dir());
  ck_assert_int_eq(mkdir(sock_dir, 0700), 0);
  ck_assert_int_eq(chmod(sock_dir, 0755), 0);
  snprintf(path, sizeof path, "%s/xousd.sock", sock_dir);
  broker = harness_spawn("xousd", "--foreground", "--socket", path, NULL);
  ck_assert_msg(harness_wait(broker, HARNESS_STOP_TIMEOUT_MS, &status),
                "xousd in an open directory still runs after %d ms",
                HARNESS_STOP_TIMEOUT_MS);
  ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) != 0,
                "xousd in an open directory ended with %s, not a failure",
                status_text(status));
  ck_assert_int_eq(stat(sock_dir, &st), 0);
  ck_assert_int_eq(st.st_mode & 07777, 0755);
  ck_assert_int_ne(access(path, F_OK), 0);
}
END_TEST

START_TEST(a_second_broker_on_the_same_socket_refuses_to_start)
{
  pid_t second;
  int st;

  harness_start_broker();
  second = harness_spawn("xousd", "--foreground", "--socket",
                         harness_socket_path(), NULL);
  ck_assert_msg(harness_wait(second, HARNESS_STOP_TIMEOUT_MS, &st),
                "a second xousd on a live socket still runs after %d ms",
                HARNESS_STOP_TIMEOUT_MS);
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) != 0,
                "the second xousd ended with %s, not a failure status",
                status_text(st));
  /* The first one still owns its socket and serves. */
  ck_assert_int_eq(access(harness_socket_path(), F_OK), 0);
  assert_broker_serves();
  harness_stop_broker();
}
END_TEST

START_TEST(a_stale_socket_file_is_cleaned_at_start)
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
  assert_broker_serves();
  harness_stop_broker();
}
END_TEST

/* ==== the device's system calls ============================================ */

START_TEST(system_calls_of_the_device_answer_unhandled_syscall_on_the_desktop)
{
  const xous_process_init_t init = { 0x10000, 0x20000, 0x30000,
                                     0x1000,  0x10000, 0x10000 };
  const xous_word_t op[7] = { 2, 0, 0, 0, 0, 0, 0 };
  xous_pid_t self = xous_get_process_id(), pid = 0;
  xous_cid_t cid = 0;
  xous_word_t phys = 0x1234;
  xous_result_t res;
  xous_sid_t sid;

  /* No scheduler, loader or physical memory here: each gives the
   * kernel's answer for a call it does not handle, at once. */
  ck_assert_int_eq(xous_return_to_parent(1, 0), XOUS_UNHANDLED_SYSCALL);
  ck_assert_int_eq(xous_switch_to(self, 0), XOUS_UNHANDLED_SYSCALL);
  ck_assert_int_eq(xous_ready_threads(self), XOUS_UNHANDLED_SYSCALL);
  ck_assert_int_eq(xous_set_mem_region(self, 1, 0x40000000, 0x1000),
                   XOUS_UNHANDLED_SYSCALL);
  ck_assert_int_eq(xous_create_process(&init, &pid, &cid),
                   XOUS_UNHANDLED_SYSCALL);
  ck_assert_uint_eq(pid, 0);
  ck_assert_int_eq(xous_set_exception_handler(0x10000, 0x7fff0000),
                   XOUS_UNHANDLED_SYSCALL);
  ck_assert_int_eq(xous_virt_to_phys(0x60000000, &phys),
                   XOUS_UNHANDLED_SYSCALL);
  ck_assert_int_eq(xous_virt_to_phys_pid(self, 0x60000000, &phys),
                   XOUS_UNHANDLED_SYSCALL);
  ck_assert_uint_eq(phys, 0x1234);
  ck_assert_int_eq(xous_platform_specific(op, &res), XOUS_UNHANDLED_SYSCALL);
  ck_assert_uint_eq(res.kind, XOUS_RESULT_ERROR);
  /* And the process goes on as before. */
  ck_assert_int_eq(xous_create_server(&sid, &cid), XOUS_OK);
  ck_assert_uint_eq(xous_get_process_id(), self);
}
END_TEST

/* ==== the suite ============================================================= */

static TCase *
tcase(Suite *s, const char *name, bool with_broker)
{
  TCase *tc = tcase_create(name);

  if (with_broker)
    tcase_add_checked_fixture(tc, setup_broker, teardown_broker);
  else
    tcase_add_checked_fixture(tc, NULL, teardown_only);
  tcase_set_timeout(tc, 30);
  suite_add_tcase(s, tc);
  return tc;
}

static Suite *
broker_suite(void)
{
  Suite *s = suite_create("broker");
  TCase *tc;

  tc = tcase(s, "processes", true);
  tcase_add_test(tc, get_process_id_gives_each_process_its_own_pid_from_2_up);
  tcase_add_test(tc, create_thread_and_join_thread_return_each_threads_value);
  tcase_add_test(tc, threads_nobody_joins_do_not_use_the_tids_up);
  tcase_add_test(tc,
                 join_thread_on_the_calling_thread_gives_thread_not_available);
  tcase_add_test(
      tc, system_calls_of_the_device_answer_unhandled_syscall_on_the_desktop);

  tc = tcase(s, "servers", true);
  tcase_add_test(tc, create_server_with_address_twice_gives_server_exists);
  tcase_add_test(tc, a_name_held_by_another_process_gives_server_exists);
  tcase_add_test(
      tc, try_connect_to_a_missing_server_gives_server_not_found_at_once);
  tcase_add_test(tc, connect_waits_until_the_server_appears);
  tcase_add_test(tc, the_first_connection_of_a_process_gets_cid_2);
  tcase_add_test(tc, connecting_again_returns_the_same_cid);
  tcase_add_test(tc, disconnect_invalidates_the_cid_and_frees_its_slot);
  tcase_add_test(tc, the_33rd_connection_gives_out_of_memory);
  tcase_add_test(
      tc, receive_message_on_another_process_server_gives_server_not_found);
  tcase_add_test(tc,
                 destroy_server_wakes_blocked_clients_with_server_not_found);

  tc = tcase(s, "messages", true);
  tcase_add_test(tc, blocking_scalar_returns_the_sum_from_a_server_process);
  tcase_add_test(
      tc,
      blocking_scalar_answered_with_scalar1_scalar2_and_scalar5_keeps_every_word);
  tcase_add_test(tc, a_server_sees_the_pid_of_the_calling_process);
  tcase_add_test(tc, scalars_arrive_in_the_order_they_were_sent);
  tcase_add_test(tc, try_receive_message_gives_nothing_then_the_message);
  tcase_add_test(tc, reply_and_receive_next_serves_a_sequence_of_calls);
  tcase_add_test(tc, a_pool_of_server_threads_all_serve_one_sid);
  tcase_add_test(
      tc, try_send_message_gives_server_queue_full_after_128_queued_messages);

  tc = tcase(s, "death", true);
  tcase_add_test(tc, a_server_killed_with_sigkill_fails_its_blocked_clients);
  tcase_add_test(tc, a_client_killed_mid_call_does_not_disturb_the_server);

  tc = tcase(s, "frames", true);
  tcase_add_test(tc,
                 a_truncated_frame_is_refused_and_the_broker_keeps_serving);
  tcase_add_test(tc,
                 an_oversized_frame_is_refused_and_the_broker_keeps_serving);
  tcase_add_test(
      tc, a_frame_with_a_wrong_magic_is_refused_and_the_broker_keeps_serving);
  tcase_add_test(
      tc,
      a_frame_with_a_wrong_version_is_refused_and_the_broker_keeps_serving);
  tcase_add_test(
      tc, a_frame_of_an_unknown_type_is_refused_and_the_broker_keeps_serving);
  tcase_add_test(tc, a_syscall_before_hello_is_refused);
  tcase_add_test(
      tc, a_thread_hello_for_a_process_that_is_not_the_caller_is_refused);
  tcase_add_test(
      tc,
      an_unknown_syscall_number_gets_an_error_and_the_broker_keeps_serving);
  tcase_add_test(
      tc, a_garbage_cid_or_pid_gets_an_error_and_the_broker_keeps_serving);
  tcase_add_test(
      tc,
      a_forged_reply_from_a_process_that_does_not_own_the_server_is_refused);

  tc = tcase(s, "lifecycle", false);
  tcase_add_test(tc, sigterm_stops_the_broker_and_removes_its_socket);
  tcase_add_test(tc, shutdown_makes_the_broker_exit_and_remove_its_socket);
  tcase_add_test(tc, the_default_socket_lives_in_a_private_directory);
  tcase_add_test(tc, an_open_xous_socket_directory_is_made_private);
  tcase_add_test(tc, a_socket_in_a_directory_others_can_enter_is_refused);
  tcase_add_test(tc, a_second_broker_on_the_same_socket_refuses_to_start);
  tcase_add_test(tc, a_stale_socket_file_is_cleaned_at_start);
  return s;
}

int
main(void)
{
  return harness_run(broker_suite());
}
