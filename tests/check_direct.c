/*
 * The direct message path against peers that break it: a client's ring,
 * the server page and the object socket are memory and sockets that the
 * client writes itself (runtime/hosted/ring.h). A vandal
 * (tests/helpers/ring-vandal) writes into them what no honest library
 * would, while a checking server and checking clients
 * (tests/helpers/hostile-peer) talk beside it: the server must survive,
 * the honest clients must get every message through, in order and
 * intact, and whatever garbage gets through must come from the vandal's
 * PID. Also here: the promises the path makes that no garbage is needed to
 * break - messages of a client that died are delivered, an answer for a
 * dead process never reaches the process that took its PID, the queue
 * holds 128 messages for all clients together, and a server takes them
 * in the order they were sent, across clients (tests/helpers/order-peer).
 *
 * Every test starts its own xousd and its own peers; every wait is
 * bounded, and the bounds are generous: they say "it never comes", not
 * "it is slow".
 */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>

#include <xous.h>

#include "support/expect.h"
#include "support/harness.h"
#include "support/procfs.h"

#define PEER "tests/helpers/hostile-peer"
#define VANDAL "tests/helpers/ring-vandal"
#define SERVER "direct-victim-01"
#define BOUND_MS 20000
#define HONEST 2

static pid_t server, honest[HONEST];

/* ==== helpers ============================================================= */

/* The end of a peer's output, which says how it ended: a checking server
 * may have printed thousands of lines before. */
static const char *
tail(const char *out)
{
  size_t n = strlen(out);

  return n > 600 ? out + n - 600 : out;
}

static void
start_checking_server(void)
{
  harness_start_broker();
  server = harness_spawn(PEER, "server", SERVER, NULL);
  expect_line(server, "ready", HARNESS_START_TIMEOUT_MS);
}

/* Honest clients with keys 100, 101, ...; count 0 runs until SIGUSR1. */
static void
start_honest(const char *count)
{
  for (int i = 0; i < HONEST; i++) {
    char key[16];

    snprintf(key, sizeof key, "%d", 100 + i);
    honest[i] = harness_spawn(PEER, "client", SERVER, key, count, "sblmd",
                              NULL);
    expect_line(honest[i], "started", HARNESS_START_TIMEOUT_MS);
  }
}

/* Every honest client ends (stopped first when it runs until told) with
 * everything it sent acknowledged and seen by the server, once, in order
 * and intact; each of them acknowledged at least `least` messages. */
static void
expect_honest_ok(bool stop, unsigned least)
{
  if (stop)
    for (int i = 0; i < HONEST; i++)
      harness_kill(honest[i], SIGUSR1);
  for (int i = 0; i < HONEST; i++) {
    unsigned acked = 0;
    char *out, *ok;
    int st;

    if (!harness_wait(honest[i], BOUND_MS, &st)) {
      out = harness_output(honest[i]);
      ck_abort_msg("honest client %d did not finish within %d ms; it "
                   "printed '%s'",
                   i, BOUND_MS, tail(out));
    }
    out = harness_output(honest[i]);
    ok = strstr(out, "ok ");
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0 && ok != NULL &&
                      (ok == out || ok[-1] == '\n') &&
                      strstr(out, "FAIL") == NULL,
                  "honest client %d: %s", i, tail(out));
    ck_assert_msg(sscanf(ok, "ok %u", &acked) == 1 && acked >= least,
                  "honest client %d acknowledged %u messages, not %u: %s", i,
                  acked, least, tail(out));
    free(out);
  }
}

/* The checking server is still there, and so is the broker. */
static void
expect_server_alive(void)
{
  int st = 0;

  if (harness_wait(server, 0, &st)) {
    char *out = harness_output(server);

    ck_abort_msg("the server died (%s %d); it printed '%s'",
                 WIFSIGNALED(st) ? "signal" : "exit status",
                 WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st), tail(out));
  }
  harness_assert_broker_alive();
}

/* The Xous PID a vandal prints first. */
static unsigned
vandal_pid(pid_t vandal)
{
  char line[64];
  unsigned pid = 0;

  ck_assert_msg(harness_wait_nth_line(vandal, 0, line, sizeof line,
                                      HARNESS_START_TIMEOUT_MS),
                "the vandal said nothing");
  ck_assert_msg(sscanf(line, "pid %u", &pid) == 1 && pid > 1,
                "the vandal said '%s'", line);
  return pid;
}

/* Every "BAD pid ..." line of the server names the vandal: no honest
 * client's message was ever lost, repeated or garbled. */
static void
expect_bad_only_from(unsigned vandal)
{
  char *out = harness_output(server);

  for (char *p = out; (p = strstr(p, "BAD ")) != NULL; p += 4) {
    unsigned pid = 0;

    sscanf(p, "BAD %u", &pid);
    ck_assert_msg(pid == vandal, "an honest client's message was bad: %.80s",
                  p);
  }
  free(out);
}

/* Starts a vandal and waits until it is done with its phases, or ended
 * before: what it printed says which (expect_vandal_done). */
static pid_t
run_vandal(const char *phases, const char *rounds, const char *then)
{
  pid_t v = harness_spawn(VANDAL, phases, SERVER, rounds, then, NULL);
  long long t0 = harness_now_ms();

  while (!harness_wait_line(v, "done", 20) && harness_running(v) &&
         harness_now_ms() - t0 < BOUND_MS)
    continue;
  return v;
}

static void
expect_vandal_done(pid_t v)
{
  char *out;

  if (harness_wait_line(v, "done", 0))
    return;
  out = harness_output(v);
  ck_abort_msg("the vandal did not get through its phases within %d ms; "
               "it printed '%s'",
               BOUND_MS, tail(out));
}

/* Waits up to timeout_ms for a message to sid. */
static bool
receive_within(xous_sid_t sid, xous_envelope_t *env, int timeout_ms)
{
  long long t0 = harness_now_ms();

  for (;;) {
    bool got = false;
    xous_error_t err = xous_try_receive_message(sid, env, &got);

    ck_assert_msg(err == XOUS_OK, "TryReceiveMessage: %s",
                  xous_error_name(err));
    if (got)
      return true;
    if (harness_now_ms() - t0 > timeout_ms)
      return false;
    harness_sleep_ms(1);
  }
}

/* pid's descriptor count once it has not changed for half a second. */
static int
fd_count_steady(pid_t pid)
{
  long long t0 = harness_now_ms(), since = t0;
  int n = procfs_fd_count(pid);

  while (harness_now_ms() - since < 500 && harness_now_ms() - t0 < BOUND_MS) {
    int m;

    harness_sleep_ms(20);
    m = procfs_fd_count(pid);
    if (m != n) {
      n = m;
      since = harness_now_ms();
    }
  }
  return n;
}

/* pid's descriptor count once it is down to target, or after a bound. */
static int
fd_count_down_to(pid_t pid, int target)
{
  long long t0 = harness_now_ms();
  int n;

  while ((n = procfs_fd_count(pid)) > target && harness_now_ms() - t0 < 5000)
    harness_sleep_ms(20);
  return n;
}

/* ==== a vandal beside honest clients ====================================== */

START_TEST(
    direct_a_client_that_scribbles_on_its_ring_cannot_stop_or_fool_other_clients)
{
  unsigned vp;
  pid_t v;

  start_checking_server();
  start_honest("0");
  harness_sleep_ms(50); /* traffic flows before the first bad thing */
  v = run_vandal("cells,answers,page,socket", "24", "exit");
  vp = vandal_pid(v);
  expect_server_alive();
  expect_vandal_done(v);
  ck_assert_msg(harness_wait(v, BOUND_MS, NULL), "the vandal did not exit");
  expect_honest_ok(true, 10);
  expect_server_alive();
  expect_bad_only_from(vp);
}
END_TEST

START_TEST(direct_a_vandal_that_rewrites_ring_generations_only_delays_others)
{
  pid_t v;

  start_checking_server();
  start_honest("0");
  harness_sleep_ms(50);
  v = run_vandal("gens", "40", "stay");
  expect_server_alive();
  expect_vandal_done(v);
  harness_sleep_ms(200); /* the honest clients talk on, or try to */
  expect_honest_ok(true, 10);
  expect_server_alive();
  expect_bad_only_from(vandal_pid(v));
}
END_TEST

/* A vandal does phase to the shared memory once and stays; then honest
 * clients come, and all of them get through. */
static void
expect_honest_clients_after_the_vandal(const char *phase)
{
  pid_t v;

  start_checking_server();
  v = run_vandal(phase, "1", "stay");
  expect_server_alive();
  expect_vandal_done(v);
  start_honest("200");
  expect_honest_ok(false, 200);
  expect_server_alive();
  expect_bad_only_from(vandal_pid(v));
}

START_TEST(direct_a_vandal_that_marks_the_server_dead_only_delays_others)
{
  expect_honest_clients_after_the_vandal("dead");
}
END_TEST

START_TEST(direct_a_vandal_that_marks_the_server_full_only_delays_others)
{
  expect_honest_clients_after_the_vandal("full");
}
END_TEST

START_TEST(
    direct_a_vandal_that_scribbles_on_the_page_header_cannot_keep_new_clients_out)
{
  /* The clients that come after it map the page for the first time. */
  expect_honest_clients_after_the_vandal("header");
}
END_TEST

/* ==== the object socket =================================================== */

START_TEST(
    direct_malformed_objects_on_the_socket_are_dropped_and_leak_no_descriptors)
{
  int before, during, after;
  pid_t v;

  start_checking_server();
  before = fd_count_steady(server);
  /* The vandal stays until it is killed: whatever the server keeps for
   * its ring lives until then. */
  v = run_vandal("socket", "24", "stay");
  expect_server_alive();
  expect_vandal_done(v);
  during = fd_count_steady(server);
  harness_kill(v, SIGKILL);
  ck_assert(harness_wait(v, BOUND_MS, NULL));
  /* Once it is gone, its ring goes, and all that came with it: the
   * hundreds of descriptors it sent were closed or never taken. One may
   * stay a little longer: the socket of its ring. */
  after = fd_count_down_to(server, before);
  ck_assert_msg(after <= before + 1,
                "the server holds %d descriptors after "
                "the vandal left, %d before it came (%d while it was there)",
                after, before, during);
  expect_server_alive();
}
END_TEST

START_TEST(
    direct_a_lend_of_a_file_that_shrinks_under_the_server_cannot_crash_it)
{
  pid_t v;

  start_checking_server();
  v = run_vandal("shrink", "16", "exit");
  expect_server_alive();
  expect_vandal_done(v);
  ck_assert_msg(harness_wait(v, BOUND_MS, NULL), "the vandal did not exit");
  start_honest("100");
  expect_honest_ok(false, 100);
  expect_server_alive();
}
END_TEST

/* ==== promises of the path ================================================ */

START_TEST(
    direct_a_client_that_exits_right_after_sending_still_has_its_messages_delivered)
{
  enum { N = 50 };
  xous_sid_t sid = sid16(SERVER);
  xous_pid_t from = 0;
  pid_t burst;
  int st;

  harness_start_broker();
  ck_assert_int_eq(xous_create_server_with_address(sid, NULL), XOUS_OK);
  /* Nothing is received until the client is gone. */
  burst = harness_spawn(VANDAL, "burst", SERVER, "50", NULL);
  ck_assert_msg(harness_wait(burst, BOUND_MS, &st), "the client hangs");
  ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  expect_line(burst, "sent 50", 0);
  for (unsigned i = 0; i < N; i++) {
    xous_envelope_t env;

    ck_assert_msg(receive_within(sid, &env, BOUND_MS),
                  "message %u of %u of the dead client never came", i, N);
    ck_assert_int_eq(env.body.kind, XOUS_MSG_SCALAR);
    ck_assert_uint_eq(env.body.scalar.id, 7);
    ck_assert_msg(env.body.scalar.arg1 == i, "message %u came as %lu", i,
                  (unsigned long)env.body.scalar.arg1);
    if (i == 0)
      from = xous_sender_pid(env.sender);
    ck_assert_uint_eq(xous_sender_pid(env.sender), from);
  }
}
END_TEST

START_TEST(
    direct_a_reused_pid_never_receives_answers_meant_for_the_dead_process)
{
  xous_sid_t sid = sid16(SERVER);
  xous_envelope_t env;
  xous_sender_t old;
  xous_error_t err;
  unsigned pid;
  pid_t dead, heir = 0;
  char *out;
  int st;

  harness_start_broker();
  ck_assert_int_eq(xous_create_server_with_address(sid, NULL), XOUS_OK);
  /* A client blocks in a call that this process holds. */
  dead = harness_peer("blocked-client", SERVER, "3", "11", NULL);
  ck_assert_msg(receive_within(sid, &env, BOUND_MS), "the call never came");
  ck_assert_int_eq(env.body.kind, XOUS_MSG_BLOCKING_SCALAR);
  old = env.sender;
  pid = xous_sender_pid(old);
  harness_kill(dead, SIGKILL);
  ck_assert(harness_wait(dead, BOUND_MS, NULL));
  /* New processes until one has the dead one's PID, blocked in a call of
   * its own: the lowest free PID is given, so it comes soon. */
  for (int tries = 0; tries < 40 && heir == 0; tries++) {
    pid_t p = harness_peer("client", SERVER, "call", "5", "21", "22", "23",
                           "24", NULL);

    ck_assert_msg(receive_within(sid, &env, BOUND_MS), "a call never came");
    ck_assert_int_eq(env.body.kind, XOUS_MSG_BLOCKING_SCALAR);
    if (xous_sender_pid(env.sender) == pid) {
      heir = p;
      break;
    }
    ck_assert_int_eq(xous_return_scalar5(env.sender, 0, 0, 0, 0, 0), XOUS_OK);
    ck_assert(harness_wait(p, BOUND_MS, NULL));
    harness_sleep_ms(20);
  }
  ck_assert_msg(heir != 0, "no new process got PID %u", pid);
  /* The answer to the dead process: whatever it returns, it reaches
   * nobody. */
  err = xous_return_scalar1(old, 0xdead);
  harness_sleep_ms(200);
  out = harness_output(heir);
  ck_assert_msg(harness_running(heir) && out[0] == '\0',
                "the process with the reused PID %u took the dead one's "
                "answer (%s): '%s'",
                pid, xous_error_name(err), out);
  free(out);
  /* Its own answer it gets, as asked. */
  ck_assert_int_eq(xous_return_scalar5(env.sender, 31, 32, 33, 34, 35),
                   XOUS_OK);
  ck_assert(harness_wait(heir, BOUND_MS, &st));
  expect_line(heir, "NoError 31 32 33 34 35", 0);
  /* And the old word stays answered: it names nothing now. */
  ck_assert_int_ne(xous_return_scalar1(old, 0xdead), XOUS_OK);
  /* Nothing else broke: another client still gets through. */
  heir = harness_peer("client", SERVER, "call", "5", "1", "2", "3", "4", NULL);
  ck_assert_msg(receive_within(sid, &env, BOUND_MS), "a call never came");
  ck_assert_int_eq(xous_return_scalar5(env.sender, 1, 2, 3, 4, 5), XOUS_OK);
  ck_assert(harness_wait(heir, BOUND_MS, NULL));
  expect_line(heir, "NoError 1 2 3 4 5", 0);
}
END_TEST

START_TEST(direct_the_queue_is_128_messages_for_all_clients_together)
{
  xous_sid_t sid = sid16(SERVER);
  unsigned long accepted[2] = { 0, 0 };
  unsigned received = 0;
  xous_envelope_t env;
  pid_t fill[2];

  harness_start_broker();
  ck_assert_int_eq(xous_create_server_with_address(sid, NULL), XOUS_OK);
  /* Nobody receives while two clients fill the queue. */
  for (int i = 0; i < 2; i++)
    fill[i] = harness_spawn(VANDAL, "fill", SERVER, NULL);
  for (int i = 0; i < 2; i++) {
    char line[64];

    ck_assert_msg(harness_wait_nth_line(fill[i], 0, line, sizeof line,
                                        BOUND_MS),
                  "client %d did not finish filling", i);
    ck_assert_msg(sscanf(line, "accepted %lu", &accepted[i]) == 1,
                  "client %d said '%s'", i, line);
  }
  ck_assert_msg(accepted[0] + accepted[1] == XOUS_QUEUE_DEPTH,
                "the queue took %lu + %lu messages, not %d", accepted[0],
                accepted[1], XOUS_QUEUE_DEPTH);
  /* And all of them are there to be received, no more. */
  while (receive_within(sid, &env, 500))
    received++;
  ck_assert_uint_eq(received, XOUS_QUEUE_DEPTH);
}
END_TEST

/* ==== one queue for all clients =========================================== */

#define ORDER_PEER "tests/helpers/order-peer"
#define COLLECT "order-collect-01"
#define DONE "order-done-00001"
#define SENDERS 4
#define BATCH 100 /* hops per batch: below the 128 the queue holds */

static pid_t senders[SENDERS];

/* Starts the relay: sender i passes the token to sender i - 1, so that
 * the token goes against the order of their PIDs (a server that took its
 * clients in turn, by PID, would see the numbers out of order). */
static xous_cid_t
start_relay(xous_sid_t *collect, xous_sid_t *done)
{
  xous_cid_t first;

  harness_start_broker();
  *collect = sid16(COLLECT);
  *done = sid16(DONE);
  ck_assert_int_eq(xous_create_server_with_address(*collect, NULL), XOUS_OK);
  ck_assert_int_eq(xous_create_server_with_address(*done, NULL), XOUS_OK);
  for (int i = 0; i < SENDERS; i++) {
    char self[32], next[32];

    snprintf(self, sizeof self, "order-sender-%03u", (unsigned)i);
    snprintf(next, sizeof next, "order-sender-%03u",
             (unsigned)(i + SENDERS - 1) % SENDERS);
    senders[i] = harness_spawn(ORDER_PEER, COLLECT, DONE, self, next, NULL);
    expect_line(senders[i], "ready", HARNESS_START_TIMEOUT_MS);
  }
  ck_assert_int_eq(xous_connect(sid16("order-sender-000"), &first), XOUS_OK);
  return first;
}

/* Runs hops numbered from..from+count-1 through the relay while nobody
 * receives on the collector, then takes them all: they must come in
 * order. Messages of pid other (0: none) are not the relay's and are
 * counted in *others. */
static void
relay_batch(xous_cid_t first, xous_sid_t collect, xous_sid_t done,
            unsigned from, unsigned count, unsigned other, unsigned *others)
{
  xous_envelope_t env;
  unsigned got = 0;

  ck_assert_int_eq(xous_scalar(first, 1, from, count - 1, 0, 0), XOUS_OK);
  ck_assert_msg(receive_within(done, &env, BOUND_MS),
                "the relay did not finish hops %u..%u", from,
                from + count - 1);
  ck_assert_uint_eq(env.body.scalar.id, 2);
  ck_assert_uint_eq(env.body.scalar.arg1, from + count - 1);
  /* Every hop's send returned before the next began, so all of them
   * are queued by now. */
  while (got < count) {
    ck_assert_msg(receive_within(collect, &env, BOUND_MS), "hop %u never came",
                  from + got);
    if (other != 0 && xous_sender_pid(env.sender) == other) {
      (*others)++;
      continue;
    }
    ck_assert_uint_eq(env.body.kind, XOUS_MSG_SCALAR);
    ck_assert_msg(env.body.scalar.arg1 == from + got,
                  "hop %u came where hop %u was due (from pid %u)",
                  (unsigned)env.body.scalar.arg1, from + got,
                  (unsigned)env.body.scalar.arg2);
    got++;
  }
}

static void
stop_relay(void)
{
  for (int i = 0; i < SENDERS; i++) {
    xous_cid_t cid;
    char name[32];
    int st;

    snprintf(name, sizeof name, "order-sender-%03u", (unsigned)i);
    ck_assert_int_eq(xous_connect(sid16(name), &cid), XOUS_OK);
    ck_assert_int_eq(xous_scalar(cid, 3, 0, 0, 0, 0), XOUS_OK);
    ck_assert_msg(harness_wait(senders[i], BOUND_MS, &st),
                  "sender %d did not end", i);
    ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  }
}

START_TEST(
    direct_a_server_takes_messages_of_all_its_clients_in_the_order_they_were_sent)
{
  xous_sid_t collect, done;
  xous_cid_t first = start_relay(&collect, &done);

  /* 1,000 rounds of: A sends, then tells B, then B sends. */
  for (unsigned b = 0; b < 1000 / BATCH; b++)
    relay_batch(first, collect, done, b * BATCH, BATCH, 0, NULL);
  stop_relay();
}
END_TEST

START_TEST(
    direct_a_client_that_stamps_its_cells_with_lies_moves_only_its_own_messages)
{
  xous_sid_t collect, done;
  xous_cid_t first = start_relay(&collect, &done);
  pid_t v = harness_spawn(VANDAL, "stamps", COLLECT, "400", "stay", NULL);
  unsigned vp = vandal_pid(v), others = 0;
  xous_envelope_t env;

  for (unsigned b = 0; b < 5; b++)
    relay_batch(first, collect, done, b * BATCH, BATCH, vp, &others);
  expect_line(v, "done", BOUND_MS);
  /* And the liar's own messages are not stuck behind its lies. */
  while (others == 0 && receive_within(collect, &env, BOUND_MS))
    others += xous_sender_pid(env.sender) == vp;
  ck_assert_uint_gt(others, 0);
  stop_relay();
}
END_TEST

/* ==== the suite =========================================================== */

int
main(void)
{
  const struct harness_case cases[] = {
    { "vandals", 90, HARNESS_NOTHING,
      .tests = HARNESS_TESTS(
          direct_a_client_that_scribbles_on_its_ring_cannot_stop_or_fool_other_clients,
          direct_a_vandal_that_rewrites_ring_generations_only_delays_others,
          direct_a_vandal_that_marks_the_server_dead_only_delays_others,
          direct_a_vandal_that_marks_the_server_full_only_delays_others,
          direct_a_vandal_that_scribbles_on_the_page_header_cannot_keep_new_clients_out,
          direct_malformed_objects_on_the_socket_are_dropped_and_leak_no_descriptors,
          direct_a_lend_of_a_file_that_shrinks_under_the_server_cannot_crash_it) },
    { "promises", 60, HARNESS_NOTHING,
      .tests = HARNESS_TESTS(
          direct_a_client_that_exits_right_after_sending_still_has_its_messages_delivered,
          direct_a_reused_pid_never_receives_answers_meant_for_the_dead_process,
          direct_the_queue_is_128_messages_for_all_clients_together,
          direct_a_server_takes_messages_of_all_its_clients_in_the_order_they_were_sent,
          direct_a_client_that_stamps_its_cells_with_lies_moves_only_its_own_messages) },
  };

  return harness_run(harness_suite("direct", cases));
}
