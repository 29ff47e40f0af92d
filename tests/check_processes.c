/*
 * Processes and threads through <xous.h> against a real xousd and real
 * peer processes (tests/helpers/xtest-peer): PIDs, TIDs, CreateThread and
 * JoinThread, the device's system calls on the desktop, and what the
 * death of a server or a client does to the others.
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
/* The target for waking a client whose server died (DESIGN.md):
 * reported when missed, while the test fails only after BOUND_MS. */
#define DEATH_TARGET_MS 100
#define STACK_SIZE (128 * 1024)

/* ==== processes and threads ================================================ */

START_TEST(processes_get_process_id_gives_each_process_its_own_pid_from_2_up)
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
    ck_assert_int_eq(sscanf(expect_nth_line(peers[i], 0, BOUND_MS), "pid %u",
                            &pids[i]),
                     1);
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

START_TEST(processes_threads_nobody_joins_do_not_use_the_tids_up)
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

START_TEST(processes_create_thread_and_join_thread_return_each_threads_value)
{
  xous_tid_t main_tid = xous_get_thread_id(), tids[4];
  uintptr_t i, j;
  pid_t peer;

  /* The first thread of a process is TID 2, as on the device. */
  ck_assert_uint_eq(main_tid, 2);
  peer = harness_peer("pid", NULL);
  expect_exit(peer, 0, HARNESS_START_TIMEOUT_MS);
  ck_assert_str_eq(expect_nth_line(peer, 1, BOUND_MS), "tid 2");

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

START_TEST(
    processes_join_thread_on_the_calling_thread_gives_thread_not_available)
{
  xous_error_t err = xous_join_thread(xous_get_thread_id(), NULL);

  ck_assert_msg(err == XOUS_THREAD_NOT_AVAILABLE, "join_thread(self): %s",
                xous_error_name(err));
}
END_TEST

/* ==== the device's system calls ============================================ */

START_TEST(
    processes_system_calls_of_the_device_answer_unhandled_syscall_on_the_desktop)
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

/* ==== death ================================================================= */

START_TEST(processes_a_server_killed_with_sigkill_fails_its_blocked_clients)
{
  const char *name = "xtest-sleeper-01";
  struct async *a = &async_calls[0];
  long long killed_at, elapsed;
  const char *line;
  pid_t srv, client;

  srv = start_peer_server("sleeper-server", name);
  /* One client in this process, one in another process. */
  a->cid = connect_to(name);
  a->id = 1;
  async_start(a, async_blocking_scalar);
  expect_line(srv, "ready", 0);
  expect_nth_line(srv, 1, BOUND_MS);
  client = harness_peer("blocked-client", name, NULL);
  expect_nth_line(srv, 2, BOUND_MS);
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
  line = expect_nth_line(client, 1, BOUND_MS);
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
  expect_broker_serves();
  start_peer_server("echo-server", name);
}
END_TEST

START_TEST(processes_a_client_killed_mid_call_does_not_disturb_the_server)
{
  const char *name = "xtest-echo-srv04";
  xous_word_t ret[5];
  xous_error_t err;
  xous_cid_t cid;
  pid_t srv, victim, other;
  int st;

  srv = start_peer_server("echo-server", name);
  victim = harness_peer("blocked-client", name, "3", "42", NULL);
  expect_line(srv, "held 42", HARNESS_START_TIMEOUT_MS);
  harness_kill(victim, SIGKILL);
  ck_assert(harness_wait(victim, BOUND_MS, &st));
  ck_assert(WIFSIGNALED(st));

  /* The server answers the dead client; the reply is dropped quietly. */
  cid = connect_to(name);
  err = xous_scalar(cid, 6, 5, 0, 0, 0);
  ck_assert_msg(err == XOUS_OK, "scalar: %s", xous_error_name(err));
  ck_assert_msg(strncmp(expect_nth_line(srv, 2, BOUND_MS), "released ", 9) ==
                    0,
                "server printed '%s'", expect_nth_line(srv, 2, BOUND_MS));

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

START_TEST(
    processes_process_stamp_is_steady_for_a_live_pid_and_0_for_a_free_one)
{
  uint64_t a = 0, b = 0, none = 1;

  ck_assert_int_eq(xous_process_stamp(xous_get_process_id(), &a), XOUS_OK);
  ck_assert_uint_ne(a, 0);
  ck_assert_int_eq(xous_process_stamp(xous_get_process_id(), &b), XOUS_OK);
  ck_assert_uint_eq(a, b);
  ck_assert_int_eq(xous_process_stamp(250, &none), XOUS_OK);
  ck_assert_uint_eq(none, 0);
  /* Out-parameters may be NULL. */
  ck_assert_int_eq(xous_process_stamp(xous_get_process_id(), NULL), XOUS_OK);
}
END_TEST

/* ==== the suite ============================================================= */

int
main(void)
{
  const struct harness_case cases[] = {
    { "processes", 30, HARNESS_BROKER,
      .tests = HARNESS_TESTS(
          processes_get_process_id_gives_each_process_its_own_pid_from_2_up,
          processes_create_thread_and_join_thread_return_each_threads_value,
          processes_threads_nobody_joins_do_not_use_the_tids_up,
          processes_join_thread_on_the_calling_thread_gives_thread_not_available,
          processes_system_calls_of_the_device_answer_unhandled_syscall_on_the_desktop,
          processes_process_stamp_is_steady_for_a_live_pid_and_0_for_a_free_one) },
    { "death", 30, HARNESS_BROKER,
      .tests = HARNESS_TESTS(
          processes_a_server_killed_with_sigkill_fails_its_blocked_clients,
          processes_a_client_killed_mid_call_does_not_disturb_the_server) },
  };

  return harness_run(harness_suite("processes", cases));
}
