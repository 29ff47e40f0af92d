/*
 * Servers and connections through <xous.h> against a real xousd and real
 * peer processes: CreateServerWithAddress, Connect and TryConnect,
 * Disconnect, the connection table, DestroyServer.
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

/* A handler that is never called: the desktop has no interrupts. */
static void
irq_handler(unsigned irq, void *arg)
{
  (void)irq;
  (void)arg;
}

/* ==== servers and connections ============================================== */

START_TEST(servers_create_server_with_address_twice_gives_server_exists)
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

START_TEST(servers_a_name_held_by_another_process_gives_server_exists)
{
  const char *name = "xtest-dup-srv-02";
  xous_error_t err;

  start_peer_server("echo-server", name);
  err = xous_create_server_with_address(xous_sid_from_name(name), NULL);
  ck_assert_msg(err == XOUS_SERVER_EXISTS, "create: %s", xous_error_name(err));
}
END_TEST

START_TEST(
    servers_try_connect_to_a_missing_server_gives_server_not_found_at_once)
{
  struct async *a = &async_calls[0];

  a->sid = xous_sid_from_name("xtest-nobody-000");
  async_bounded(a, async_try_connect, BOUND_MS,
                "try_connect to a missing server");
  ck_assert_msg(a->err == XOUS_SERVER_NOT_FOUND, "try_connect: %s",
                xous_error_name(a->err));
}
END_TEST

START_TEST(servers_connect_waits_until_the_server_appears)
{
  const char *name = "xtest-late-srv01";
  struct async *a = &async_calls[0];
  xous_word_t ret[5];
  xous_error_t err;

  a->sid = xous_sid_from_name(name);
  async_start(a, async_connect);
  ck_assert_msg(!async_wait(a, BLOCKED_MS),
                "connect returned (%s) before the server existed",
                xous_error_name(a->err));
  start_peer_server("echo-server", name);
  ck_assert_msg(async_wait(a, BOUND_MS),
                "connect still waiting %d ms after the server appeared",
                BOUND_MS);
  ck_assert_msg(a->err == XOUS_OK, "connect: %s", xous_error_name(a->err));
  err = xous_blocking_scalar(a->cid, 1, 1, 2, 3, 4, ret);
  ck_assert_msg(err == XOUS_OK, "blocking_scalar: %s", xous_error_name(err));
  ck_assert_uint_eq(ret[0], 10);
}
END_TEST

START_TEST(servers_the_first_connection_of_a_process_gets_cid_2)
{
  const char *name = "xtest-cid-srv-01";

  start_peer_server("echo-server", name);
  ck_assert_uint_eq(connect_to(name), XOUS_FIRST_CID);
}
END_TEST

START_TEST(servers_connecting_again_returns_the_same_cid)
{
  const char *name = "xtest-again-srv1";
  xous_cid_t first, again = 0;
  xous_error_t err;

  start_peer_server("echo-server", name);
  first = connect_to(name);
  err = xous_connect(xous_sid_from_name(name), &again);
  ck_assert_msg(err == XOUS_OK, "connect: %s", xous_error_name(err));
  ck_assert_uint_eq(again, first);
  ck_assert_uint_eq(connect_to(name), first);
}
END_TEST

START_TEST(servers_disconnect_invalidates_the_cid_and_frees_its_slot)
{
  const char *a_name = "xtest-disc-srv-a", *b_name = "xtest-disc-srv-b";
  pid_t a_pid, b_pid;
  xous_cid_t a_cid, b_cid;
  xous_word_t ret[5];
  xous_error_t err;
  char *out;

  a_pid = start_peer_server("echo-server", a_name);
  b_pid = start_peer_server("echo-server", b_name);
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

START_TEST(servers_the_33rd_connection_gives_out_of_memory)
{
  const char *stem = "xtest-many-";
  xous_cid_t cids[XOUS_MAX_CONNECTIONS + 1], cid;
  struct async *a = &async_calls[0];
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
  async_bounded(a, async_connect, BOUND_MS, "33rd connect");
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

START_TEST(
    servers_receive_message_on_another_process_server_gives_server_not_found)
{
  const char *name = "xtest-other-srv1";
  struct async *a = &async_calls[0];
  pid_t srv;

  srv = start_peer_server("echo-server", name);
  a->sid = xous_sid_from_name(name);
  async_bounded(a, async_receive, BOUND_MS,
                "receive_message on a foreign SID");
  ck_assert_msg(a->err == XOUS_SERVER_NOT_FOUND, "receive_message: %s",
                xous_error_name(a->err));
  /* Nor may it destroy that server. */
  ck_assert_int_ne(xous_destroy_server(xous_sid_from_name(name)), XOUS_OK);
  ck_assert(harness_running(srv));
  expect_broker_serves();
}
END_TEST

START_TEST(servers_destroy_server_wakes_blocked_clients_with_server_not_found)
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

START_TEST(
    servers_destroy_server_with_memory_lent_out_gives_server_queue_full_until_it_returns)
{
  struct async *lender = &async_calls[0];
  xous_envelope_t env;
  xous_range_t page;
  xous_sid_t sid;
  xous_cid_t cid;

  ck_assert_int_eq(xous_create_server(&sid, &cid), XOUS_OK);
  ck_assert_int_eq(xous_map_memory(0, 0, XOUS_PAGE_SIZE,
                                   XOUS_MEM_R | XOUS_MEM_W, &page),
                   XOUS_OK);
  lender->cid = cid;
  lender->msg.kind = XOUS_MSG_LEND_MUT;
  lender->msg.memory = (xous_memory_msg_t){ 1, page, 0, 0 };
  async_start(lender, async_send_message);
  ck_assert_int_eq(xous_receive_message(sid, &env), XOUS_OK);
  ck_assert_int_eq(env.body.kind, XOUS_MSG_LEND_MUT);
  /* The kernel's Server::destroy refuses while a lend is out, and the
   * server stays as it was. */
  ck_assert_int_eq(xous_destroy_server(sid), XOUS_SERVER_QUEUE_FULL);
  ck_assert_int_eq(xous_return_memory(env.sender, env.body.memory.buf, 0, 0),
                   XOUS_OK);
  ck_assert(async_wait(lender, BOUND_MS));
  ck_assert_int_eq(lender->err, XOUS_OK);
  ck_assert_int_eq(xous_destroy_server(sid), XOUS_OK);
  ck_assert_int_eq(xous_try_connect(sid, &cid), XOUS_SERVER_NOT_FOUND);
}
END_TEST

START_TEST(servers_words_that_do_not_decode_give_unhandled_syscall)
{
  xous_sid_t sid;
  xous_cid_t cid = 99;

  ck_assert_int_eq(xous_create_server(&sid, NULL), XOUS_OK);
  /* PID::new(0) is None: ConnectForProcess to PID 0 does not decode. */
  ck_assert_int_eq(xous_connect_for_process(0, sid, &cid),
                   XOUS_UNHANDLED_SYSCALL);
  ck_assert_uint_eq(cid, 99);
  /* Nor does ClaimInterrupt without a handler; with one, the desktop has
   * no interrupt to give. */
  ck_assert_int_eq(xous_claim_interrupt(3, NULL, NULL),
                   XOUS_UNHANDLED_SYSCALL);
  ck_assert_int_eq(xous_claim_interrupt(3, irq_handler, NULL),
                   XOUS_INTERRUPT_NOT_FOUND);
}
END_TEST

/* ==== the suite ============================================================= */

int
main(void)
{
  const struct harness_case cases[] = {
    { "servers", 30, HARNESS_BROKER,
      .tests = HARNESS_TESTS(
          servers_create_server_with_address_twice_gives_server_exists,
          servers_a_name_held_by_another_process_gives_server_exists,
          servers_try_connect_to_a_missing_server_gives_server_not_found_at_once,
          servers_connect_waits_until_the_server_appears,
          servers_the_first_connection_of_a_process_gets_cid_2,
          servers_connecting_again_returns_the_same_cid,
          servers_disconnect_invalidates_the_cid_and_frees_its_slot,
          servers_the_33rd_connection_gives_out_of_memory,
          servers_receive_message_on_another_process_server_gives_server_not_found,
          servers_destroy_server_wakes_blocked_clients_with_server_not_found,
          servers_destroy_server_with_memory_lent_out_gives_server_queue_full_until_it_returns,
          servers_words_that_do_not_decode_give_unhandled_syscall) },
  };

  return harness_run(harness_suite("servers", cases));
}
