/*
 * Scalar messages through <xous.h> between the test process and real peer
 * processes: BlockingScalar answers of every width, order, TryReceive,
 * ReplyAndReceiveNext, a pool of server threads, the queue's limit.
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

/* A generous bound for anything that should happen at once. */
#define BOUND_MS 2000
/* How long a call must stay blocked to count as blocked. */
#define BLOCKED_MS 300

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

/* Asserts that the server of cid (an xtest-peer echo-server or rr-server)
 * answers id 2 with a Scalar2 of w1 and w2 and id 5 with a Scalar5 of the
 * four words and 5, and that xous_blocking_scalar gives them as sent,
 * zeros past the reply's own words. */
static void
expect_scalar2_and_scalar5(xous_cid_t cid, xous_word_t w1, xous_word_t w2,
                           xous_word_t w3, xous_word_t w4)
{
  xous_word_t ret[5] = { 9, 9, 9, 9, 9 };
  xous_error_t err;

  err = xous_blocking_scalar(cid, 2, w1, w2, w3, w4, ret);
  ck_assert_msg(err == XOUS_OK, "id 2: %s", xous_error_name(err));
  ck_assert_uint_eq(ret[0], w1);
  ck_assert_uint_eq(ret[1], w2);
  ck_assert_uint_eq(ret[2], 0);
  ck_assert_uint_eq(ret[4], 0);
  err = xous_blocking_scalar(cid, 5, w1, w2, w3, w4, ret);
  ck_assert_msg(err == XOUS_OK, "id 5: %s", xous_error_name(err));
  ck_assert_uint_eq(ret[0], w1);
  ck_assert_uint_eq(ret[1], w2);
  ck_assert_uint_eq(ret[2], w3);
  ck_assert_uint_eq(ret[3], w4);
  ck_assert_uint_eq(ret[4], 5);
}

/* ==== scalar messages ====================================================== */

START_TEST(messages_blocking_scalar_returns_the_sum_from_a_server_process)
{
  const char *name = "xtest-echo-srv01";
  const xous_word_t big = (xous_word_t)1 << (sizeof(xous_word_t) * 8 - 4);
  xous_word_t ret[5] = { 9, 9, 9, 9, 9 };
  xous_error_t err;
  xous_cid_t cid;

  start_peer_server("echo-server", name);
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

/* A connection's last user keeps nothing of it past Disconnect: the next
 * call on the CID fails as on a CID never connected, and a new connection
 * to the same server is answered. */
START_TEST(messages_a_call_after_disconnect_fails_and_a_new_connection_works)
{
  const char *name = "xtest-echo-srv10";
  xous_word_t ret[5];
  xous_error_t err;
  xous_cid_t cid;

  start_peer_server("echo-server", name);
  cid = connect_to(name);
  err = xous_blocking_scalar(cid, 1, 1, 2, 3, 4, ret);
  ck_assert_msg(err == XOUS_OK, "before: %s", xous_error_name(err));
  ck_assert_int_eq(xous_disconnect(cid), XOUS_OK);
  err = xous_blocking_scalar(cid, 1, 1, 2, 3, 4, ret);
  ck_assert_msg(err == XOUS_SERVER_NOT_FOUND, "after Disconnect: %s",
                xous_error_name(err));
  err = xous_scalar(cid, 1, 0, 0, 0, 0);
  ck_assert_msg(err == XOUS_SERVER_NOT_FOUND, "a Scalar after: %s",
                xous_error_name(err));
  cid = connect_to(name);
  err = xous_blocking_scalar(cid, 1, 1, 2, 3, 4, ret);
  ck_assert_msg(err == XOUS_OK, "reconnected: %s", xous_error_name(err));
  ck_assert_uint_eq(ret[0], 10);
}
END_TEST

/* A process forked after its parent's first call is a process of its own
 * that calls servers as any other: the locks its runtime held across the
 * fork are free in it (before, the child's first call on a connection
 * waited forever for the table of connections). */
START_TEST(messages_a_process_forked_after_its_parents_calls_reaches_a_server)
{
  const char *name = "xtest-echo-srv09";
  xous_word_t ret[5] = { 0 };
  xous_error_t err;
  xous_cid_t cid;
  pid_t child;
  int st;

  start_peer_server("echo-server", name);
  cid = connect_to(name);
  err = xous_blocking_scalar(cid, 1, 1, 2, 3, 4, ret);
  ck_assert_msg(err == XOUS_OK, "parent: %s", xous_error_name(err));
#ifdef __SANITIZE_THREAD__
  /* ThreadSanitizer does not let a child of a multi-threaded process start
   * threads (die_after_fork); the plain and ASan builds run the rest. */
  return;
#endif
  child = fork();
  ck_assert_int_ge(child, 0);
  if (child == 0) {
    /* A child that hangs is not left behind; the case timeout says so. */
    alarm(60);
    if (xous_try_connect(sid16(name), &cid) != XOUS_OK)
      _exit(2);
    if (xous_blocking_scalar(cid, 1, 5, 6, 7, 8, ret) != XOUS_OK)
      _exit(3);
    _exit(ret[0] == 26 ? 0 : 4);
  }
  ck_assert_int_eq(waitpid(child, &st, 0), child);
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
                "the forked child ended with %#x (signal 14: its call never "
                "came back)",
                (unsigned)st);
  /* The parent's own connection is as it was. */
  err = xous_blocking_scalar(cid, 1, 1, 1, 1, 1, ret);
  ck_assert_msg(err == XOUS_OK, "parent after the fork: %s",
                xous_error_name(err));
  ck_assert_uint_eq(ret[0], 4);
}
END_TEST

START_TEST(
    messages_blocking_scalar_answered_with_scalar1_scalar2_and_scalar5_keeps_every_word)
{
  const char *name = "xtest-echo-srv02";
  const xous_word_t w1 = (xous_word_t)0x1122334455667788ull;
  const xous_word_t w2 = (xous_word_t)0x99aabbccddeeff00ull;
  xous_message_t m;
  xous_result_t res;
  xous_error_t err;
  xous_cid_t cid;

  start_peer_server("echo-server", name);
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

  expect_scalar2_and_scalar5(cid, w1, w2, 3, 4);
}
END_TEST

START_TEST(messages_a_server_sees_the_pid_of_the_calling_process)
{
  const char *name = "xtest-echo-srv03";
  xous_word_t ret[5];
  xous_error_t err;

  start_peer_server("echo-server", name);
  err = xous_blocking_scalar(connect_to(name), 8, 0, 0, 0, 0, ret);
  ck_assert_msg(err == XOUS_OK, "blocking_scalar: %s", xous_error_name(err));
  ck_assert_uint_eq(ret[0], xous_get_process_id());
}
END_TEST

START_TEST(messages_scalars_arrive_in_the_order_they_were_sent)
{
  const char *name = "xtest-order-srv1";
  const unsigned n = 1000;
  xous_word_t ret[5];
  xous_error_t err;
  xous_cid_t cid;
  unsigned i;
  pid_t srv;

  srv = start_peer_server("echo-server", name);
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

START_TEST(messages_try_receive_message_gives_nothing_then_the_message)
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

START_TEST(messages_reply_and_receive_next_serves_a_sequence_of_calls)
{
  const char *name = "xtest-rr-srv-001";
  xous_word_t ret[5];
  xous_error_t err;
  xous_cid_t cid;
  unsigned i;
  pid_t srv;

  srv = start_peer_server("rr-server", name);
  cid = connect_to(name);
  for (i = 0; i < 50; i++) {
    err = xous_blocking_scalar(cid, 1, i, 1, 1, 1, ret);
    ck_assert_msg(err == XOUS_OK, "call %u: %s", i, xous_error_name(err));
    ck_assert_uint_eq(ret[0], i + 3);
    err = xous_scalar(cid, 7, i, 0, 0, 0);
    ck_assert_msg(err == XOUS_OK, "scalar %u: %s", i, xous_error_name(err));
  }
  expect_scalar2_and_scalar5(cid, 11, 22, 33, 44);
  expect_scalar_lines(srv, 1, 0, 50);
}
END_TEST

START_TEST(messages_a_pool_of_server_threads_all_serve_one_sid)
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
    async_calls[i].cid = cid;
    async_calls[i].id = 3;
    async_calls[i].a[0] = 100 + (xous_word_t)i;
    async_start(&async_calls[i], async_blocking_scalar);
  }
  for (i = 0; i < N; i++) {
    ck_assert_msg(async_wait(&async_calls[i], BOUND_MS),
                  "call %d to a pool of %d threads did not return within "
                  "%d ms: the pool does not serve in parallel",
                  i, N, BOUND_MS);
    ck_assert_msg(async_calls[i].err == XOUS_OK, "call %d: %s", i,
                  xous_error_name(async_calls[i].err));
    ck_assert_uint_eq(async_calls[i].ret[0], 100 + (xous_word_t)i);
    for (j = 0; j < i; j++)
      ck_assert_msg(async_calls[i].ret[1] != async_calls[j].ret[1],
                    "calls %d and %d were both served by thread %llu", j, i,
                    (unsigned long long)async_calls[i].ret[1]);
  }
  /* And a plain call is still answered, by one of those threads. */
  err = xous_blocking_scalar(cid, 1, 1, 2, 3, 4, ret);
  ck_assert_msg(err == XOUS_OK, "blocking_scalar: %s", xous_error_name(err));
  ck_assert_uint_eq(ret[0], 10);
  for (j = 0; j < N && ret[1] != async_calls[j].ret[1]; j++)
    continue;
  ck_assert_msg(j < N, "answered by thread %llu, not one of the pool",
                (unsigned long long)ret[1]);
}
END_TEST

/* ==== answers of the wrong kind =========================================== */

/* Receives the next message of sid, of the given kind. */
static xous_envelope_t
receive_kind(xous_sid_t sid, xous_msg_kind_t kind)
{
  xous_envelope_t env;

  ck_assert_int_eq(xous_receive_message(sid, &env), XOUS_OK);
  ck_assert_int_eq(env.body.kind, kind);
  return env;
}

START_TEST(
    messages_an_answer_of_the_wrong_kind_gives_double_free_and_the_right_one_lands)
{
  struct async *lender = &async_calls[0], *caller = &async_calls[1];
  xous_envelope_t env;
  xous_range_t page;
  xous_sid_t sid;
  xous_cid_t cid;

  ck_assert_int_eq(xous_create_server(&sid, &cid), XOUS_OK);
  ck_assert_int_eq(xous_map_memory(0, 0, XOUS_PAGE_SIZE,
                                   XOUS_MEM_R | XOUS_MEM_W, &page),
                   XOUS_OK);
  /* A lend answered with a scalar: the kernel's return_result says
   * DoubleFree; the lend still waits for its ReturnMemory. */
  lender->cid = cid;
  lender->msg.kind = XOUS_MSG_LEND_MUT;
  lender->msg.memory = (xous_memory_msg_t){ 7, page, 1, 2 };
  async_start(lender, async_send_message);
  env = receive_kind(sid, XOUS_MSG_LEND_MUT);
  ck_assert_int_eq(xous_return_scalar1(env.sender, 5), XOUS_DOUBLE_FREE);
  ck_assert_int_eq(xous_return_scalar2(env.sender, 5, 6), XOUS_DOUBLE_FREE);
  ck_assert_int_eq(xous_return_scalar5(env.sender, 1, 2, 3, 4, 5),
                   XOUS_DOUBLE_FREE);
  ck_assert_int_eq(xous_return_memory(env.sender, env.body.memory.buf, 3, 4),
                   XOUS_OK);
  ck_assert(async_wait(lender, BOUND_MS));
  ck_assert_int_eq(lender->err, XOUS_OK);
  ck_assert_uint_eq(lender->res.kind, XOUS_RESULT_MEMORY_RETURNED);
  ck_assert_uint_eq(lender->res.w[0], 3);
  ck_assert_uint_eq(lender->res.w[1], 4);
  /* Once answered, either kind of answer finds nothing waiting. */
  ck_assert_int_eq(xous_return_memory(env.sender, env.body.memory.buf, 3, 4),
                   XOUS_DOUBLE_FREE);
  ck_assert_int_eq(xous_return_scalar1(env.sender, 5), XOUS_DOUBLE_FREE);

  /* A BlockingScalar answered with ReturnMemory: DoubleFree as the
   * kernel's return_memory says; the scalar answer still lands. */
  caller->cid = cid;
  caller->id = 8;
  async_start(caller, async_blocking_scalar);
  env = receive_kind(sid, XOUS_MSG_BLOCKING_SCALAR);
  ck_assert_int_eq(xous_return_memory(env.sender, page, 0, 0),
                   XOUS_DOUBLE_FREE);
  ck_assert_int_eq(xous_return_scalar1(env.sender, 9), XOUS_OK);
  ck_assert(async_wait(caller, BOUND_MS));
  ck_assert_int_eq(caller->err, XOUS_OK);
  ck_assert_uint_eq(caller->ret[0], 9);
  ck_assert_int_eq(xous_return_scalar1(env.sender, 9), XOUS_DOUBLE_FREE);
}
END_TEST

/* ==== queue limits =========================================================== */

START_TEST(
    messages_try_send_message_gives_server_queue_full_after_128_queued_messages)
{
  const char *name = "xtest-slow-srv01", *ctl = "xtest-slow-ctl01";
  struct async *blocked = &async_calls[0], *trying = &async_calls[1];
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
  async_bounded(trying, async_try_send_message, BOUND_MS,
                "try_send_message, queue full");
  ck_assert_msg(trying->err == XOUS_SERVER_QUEUE_FULL,
                "try_send_message of a BlockingScalar: %s",
                xous_error_name(trying->err));

  /* send_message waits for room instead. */
  blocked->cid = cid;
  blocked->msg = scalar_msg(XOUS_MSG_SCALAR, 7, XOUS_QUEUE_DEPTH, 0, 0, 0);
  async_start(blocked, async_send_message);
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

START_TEST(
    messages_a_received_blocking_message_keeps_its_queue_slot_until_answered)
{
  enum { HELD = 3 };
  xous_envelope_t env[HELD];
  xous_message_t m = scalar_msg(XOUS_MSG_SCALAR, 7, 0, 0, 0, 0);
  xous_sid_t sid;
  xous_cid_t cid;
  unsigned queued = 0;
  xous_error_t err;

  ck_assert_int_eq(xous_create_server(&sid, &cid), XOUS_OK);
  for (int i = 0; i < HELD; i++) {
    async_calls[i].cid = cid;
    async_calls[i].id = 8;
    async_start(&async_calls[i], async_blocking_scalar);
    ck_assert_int_eq(xous_receive_message(sid, &env[i]), XOUS_OK);
    ck_assert_int_eq(env[i].body.kind, XOUS_MSG_BLOCKING_SCALAR);
  }
  /* Received and unanswered, each still holds one of the 128 slots, as a
   * WaitingReturnScalar entry of the kernel's queue does. */
  while ((err = xous_try_send_message(cid, &m, NULL)) == XOUS_OK)
    queued++;
  ck_assert_int_eq(err, XOUS_SERVER_QUEUE_FULL);
  ck_assert_uint_eq(queued, XOUS_QUEUE_DEPTH - HELD);
  /* An answer gives its slot back. */
  ck_assert_int_eq(xous_return_scalar1(env[0].sender, 1), XOUS_OK);
  ck_assert(async_wait(&async_calls[0], BOUND_MS));
  ck_assert_int_eq(xous_try_send_message(cid, &m, NULL), XOUS_OK);
  ck_assert_int_eq(xous_try_send_message(cid, &m, NULL),
                   XOUS_SERVER_QUEUE_FULL);
  for (int i = 1; i < HELD; i++) {
    ck_assert_int_eq(xous_return_scalar1(env[i].sender, 1), XOUS_OK);
    ck_assert(async_wait(&async_calls[i], BOUND_MS));
  }
}
END_TEST

/* ==== the suite ============================================================= */

int
main(void)
{
  const struct harness_case cases[] = {
    { "messages", 30, HARNESS_BROKER,
      .tests = HARNESS_TESTS(
          messages_blocking_scalar_returns_the_sum_from_a_server_process,
          messages_a_call_after_disconnect_fails_and_a_new_connection_works,
          messages_a_process_forked_after_its_parents_calls_reaches_a_server,
          messages_blocking_scalar_answered_with_scalar1_scalar2_and_scalar5_keeps_every_word,
          messages_a_server_sees_the_pid_of_the_calling_process,
          messages_scalars_arrive_in_the_order_they_were_sent,
          messages_try_receive_message_gives_nothing_then_the_message,
          messages_reply_and_receive_next_serves_a_sequence_of_calls,
          messages_a_pool_of_server_threads_all_serve_one_sid,
          messages_an_answer_of_the_wrong_kind_gives_double_free_and_the_right_one_lands,
          messages_try_send_message_gives_server_queue_full_after_128_queued_messages,
          messages_a_received_blocking_message_keeps_its_queue_slot_until_answered) },
  };

  return harness_run(harness_suite("messages", cases));
}
