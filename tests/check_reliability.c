/*
 * What a dead, silent or greedy process leaves behind must not stop the
 * system: connections that never say hello, a broker out of descriptors,
 * a broker that stops answering or dies under a busy pair.
 *
 * The descriptor-limit cases lower the running broker's RLIMIT_NOFILE
 * (prlimit) to a little above what it uses, so they reach the limit with
 * a few dozen connections.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>

#include <xous.h>

#include "hosted/wire.h"
#include "support/harness.h"
#include "xousd/ctl.h"

#define RPEER "tests/helpers/reliability-peer"
#define BOUND_MS 20000

static void
teardown(void)
{
  harness_cleanup();
}

/* Waits until fd reads as hung up (the broker closed it). */
static bool
hung_up_within(int fd, int timeout_ms)
{
  long long t0 = harness_now_ms();

  while (harness_now_ms() - t0 < timeout_ms) {
    struct pollfd p = { .fd = fd, .events = POLLIN };
    char buf[256];

    if (poll(&p, 1, 100) > 0) {
      ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);

      if (n == 0 || (n < 0 && errno != EAGAIN))
        return true;
    }
  }
  return false;
}

static int
open_fds(pid_t pid)
{
  char path[64];
  DIR *d;
  int n = 0;

  snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
  d = opendir(path);
  ck_assert_msg(d != NULL, "cannot read %s", path);
  while (readdir(d) != NULL)
    n++;
  closedir(d);
  return n - 2;
}

/* Lowers the broker's descriptor limit to what it holds now plus room;
 * restore_broker_fds() gives it back (a sanitizer needs descriptors to
 * report at exit). */
static struct rlimit broker_full;

static void
limit_broker_fds(pid_t broker, int room)
{
  struct rlimit rl;

  ck_assert(prlimit(broker, RLIMIT_NOFILE, NULL, &broker_full) == 0);
  rl.rlim_cur = (rlim_t)(open_fds(broker) + room);
  rl.rlim_max = broker_full.rlim_max;
  ck_assert_msg(prlimit(broker, RLIMIT_NOFILE, &rl, NULL) == 0, "prlimit: %s",
                strerror(errno));
}

static void
restore_broker_fds(pid_t broker)
{
  ck_assert(prlimit(broker, RLIMIT_NOFILE, &broker_full, NULL) == 0);
}

/* A raw connection that has said a control hello: identified, so the
 * broker may not close it as silent. False when the broker hung up. */
static bool
control_peer(int fd)
{
  struct xous_wire_frame f;
  struct pollfd p = { .fd = fd, .events = POLLIN };
  char buf[65536];
  ssize_t n;

  memset(&f, 0, sizeof f);
  f.magic = XOUS_WIRE_MAGIC;
  f.version = XOUS_WIRE_VERSION;
  f.type = XOUS_WIRE_CTL;
  f.w[0] = XOUS_CTL_PS;
  if (send(fd, &f, sizeof f, MSG_NOSIGNAL) != (ssize_t)sizeof f)
    return false;
  if (poll(&p, 1, BOUND_MS) <= 0)
    return false;
  n = recv(fd, buf, sizeof buf, 0);
  return n >= (ssize_t)sizeof f;
}

static void
expect_join(const char *want)
{
  pid_t pid = harness_spawn(RPEER, "join", NULL);
  int st;

  ck_assert_msg(harness_wait(pid, BOUND_MS, &st),
                "a new process still hangs after %d ms", BOUND_MS);
  ck_assert(harness_wait_line(pid, want, 0));
}

/* ==== connections that say no hello ======================================= */

START_TEST(xousd_closes_silent_connections_and_a_new_process_still_joins)
{
  enum { SILENT = 200 };
  static int fds[SILENT];

  harness_start_broker();
  for (int i = 0; i < SILENT; i++)
    fds[i] = harness_raw_connect();
  /* More silent peers than the broker keeps: the newest process pushes
   * the oldest out. */
  expect_join("ServerNotFound");
  /* And none of them stays past the hello timeout. */
  for (int i = 0; i < SILENT; i++) {
    ck_assert_msg(hung_up_within(fds[i], BOUND_MS),
                  "silent connection %d is still open", i);
    close(fds[i]);
  }
  harness_assert_broker_alive();
}
END_TEST

START_TEST(xousd_out_of_descriptors_lets_a_process_in_past_silent_ones)
{
  enum { SILENT = 60 };
  static int fds[SILENT];
  pid_t broker = harness_start_broker();

  limit_broker_fds(broker, 20);
  for (int i = 0; i < SILENT; i++)
    fds[i] = harness_raw_connect();
  /* The broker is at its limit with silent peers: one of them goes. */
  expect_join("ServerNotFound");
  for (int i = 0; i < SILENT; i++)
    close(fds[i]);
  restore_broker_fds(broker);
  harness_assert_broker_alive();
}
END_TEST

START_TEST(xousd_out_of_descriptors_refuses_a_process_at_once_and_recovers)
{
  enum { HELD = 64 };
  static int fds[HELD + 1];
  pid_t broker = harness_start_broker();
  int held = 0;

  limit_broker_fds(broker, 20);
  /* Identified connections fill the table until the broker must refuse
   * one (it hangs up on it at once). */
  while (held < HELD) {
    fds[held] = harness_raw_connect();
    if (!control_peer(fds[held++]))
      break;
  }
  ck_assert_msg(held < HELD,
                "the broker took %d connections past its "
                "limit",
                HELD);
  /* A connection at the limit is taken and closed, not left in the
   * backlog (where it would keep the broker's loop spinning). */
  fds[held] = harness_raw_connect();
  ck_assert_msg(hung_up_within(fds[held], BOUND_MS),
                "a connection at the descriptor limit is left waiting");
  close(fds[held]);
  /* A new process is told, not left hanging. */
  expect_join("InternalError");
  for (int i = 0; i < held; i++)
    close(fds[i]);
  /* With descriptors back, processes join again. */
  for (long long t0 = harness_now_ms();;) {
    pid_t pid = harness_spawn(RPEER, "join", NULL);

    ck_assert(harness_wait(pid, BOUND_MS, NULL));
    if (harness_wait_line(pid, "ServerNotFound", 0))
      break;
    ck_assert_msg(harness_now_ms() - t0 < BOUND_MS,
                  "no process joins after the descriptors came back");
  }
  restore_broker_fds(broker);
  harness_assert_broker_alive();
}
END_TEST

START_TEST(a_process_whose_hello_goes_unanswered_fails_with_internal_error)
{
  pid_t broker = harness_start_broker();

  kill(broker, SIGSTOP);
  expect_join("InternalError");
  kill(broker, SIGCONT);
  expect_join("ServerNotFound");
}
END_TEST

/* ==== standard servers and their dead clients ============================ */

/* A number in the broker's JSON for the first server owned by a process
 * named owner: "in_use" and the like; -1 when there is none. */
static long
server_figure(const char *owner, const char *field)
{
  static char buf[65536];
  struct xous_wire_frame f;
  struct pollfd p;
  char key[80], want[80];
  const char *at;
  ssize_t n;
  int fd = harness_raw_connect();

  memset(&f, 0, sizeof f);
  f.magic = XOUS_WIRE_MAGIC;
  f.version = XOUS_WIRE_VERSION;
  f.type = XOUS_WIRE_CTL;
  f.w[0] = XOUS_CTL_SERVERS;
  ck_assert(send(fd, &f, sizeof f, MSG_NOSIGNAL) == (ssize_t)sizeof f);
  p.fd = fd;
  p.events = POLLIN;
  ck_assert(poll(&p, 1, BOUND_MS) == 1);
  n = recv(fd, buf, sizeof buf - 1, 0);
  close(fd);
  ck_assert(n >= (ssize_t)sizeof f);
  buf[n] = '\0';
  snprintf(want, sizeof want, "\"owner_name\":\"%s\"", owner);
  snprintf(key, sizeof key, "\"%s\":", field);
  at = strstr(buf + sizeof f, want);
  if (at == NULL || (at = strstr(at, key)) == NULL)
    return -1;
  return strtol(at + strlen(key), NULL, 10);
}

START_TEST(the_ticktimer_lets_go_of_the_sleeps_of_dead_clients)
{
  enum { PROCS = 5, THREADS = 26 }; /* 130 sleeps for ever: more than fit */
  pid_t tt, sleepers[PROCS], nap;
  char threads[8];
  int st;

  harness_start_broker();
  tt = harness_spawn("xous-ticktimer", NULL);
  snprintf(threads, sizeof threads, "%d", THREADS);
  for (int i = 0; i < PROCS; i++) {
    sleepers[i] = harness_spawn(RPEER, "sleepers", threads, NULL);
    ck_assert(harness_wait_line(sleepers[i], "started", BOUND_MS));
  }
  /* Nearly every queue slot of the ticktimer is held by a sleep. */
  for (long long t0 = harness_now_ms();
       server_figure("xous-ticktimer", "in_use") < XOUS_QUEUE_DEPTH - 4;) {
    ck_assert_msg(harness_now_ms() - t0 < BOUND_MS,
                  "the sleeps never reached the ticktimer (%ld slots held)",
                  server_figure("xous-ticktimer", "in_use"));
    harness_sleep_ms(20);
  }
  for (int i = 0; i < PROCS; i++) {
    harness_kill(sleepers[i], SIGKILL);
    ck_assert(harness_wait(sleepers[i], BOUND_MS, NULL));
  }
  /* Their sleeps are let go: a living client sleeps and wakes. */
  nap = harness_spawn(RPEER, "nap", NULL);
  ck_assert_msg(harness_wait(nap, BOUND_MS, &st),
                "a 1 ms sleep still hangs after the sleepers died");
  ck_assert(harness_wait_line(nap, "NoError", 0));
  for (long long t0 = harness_now_ms();
       server_figure("xous-ticktimer", "in_use") > 4;) {
    ck_assert_msg(harness_now_ms() - t0 < BOUND_MS,
                  "the ticktimer still holds %ld slots of dead clients",
                  server_figure("xous-ticktimer", "in_use"));
    harness_sleep_ms(20);
  }
  ck_assert(harness_running(tt));
}
END_TEST

/* ==== relayed lends of dead clients ======================================= */

/* Sends frame f with fd (or -1) on sock. */
static void
send_frame(int sock, const struct xous_wire_frame *f, int fd)
{
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } u;
  struct iovec iov = { .iov_base = (void *)f, .iov_len = sizeof *f };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

  if (fd >= 0) {
    struct cmsghdr *c;

    memset(&u, 0, sizeof u);
    msg.msg_control = u.buf;
    msg.msg_controllen = sizeof u.buf;
    c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof fd);
  }
  ck_assert(sendmsg(sock, &msg, MSG_NOSIGNAL) == (ssize_t)sizeof *f);
}

static struct xous_wire_frame
answer_of(int sock)
{
  struct xous_wire_frame f;
  struct pollfd p = { .fd = sock, .events = POLLIN };

  ck_assert_msg(poll(&p, 1, BOUND_MS) == 1, "no answer from the broker");
  ck_assert(recv(sock, &f, sizeof f, 0) == (ssize_t)sizeof f);
  return f;
}

static struct xous_wire_frame
new_frame(uint16_t type)
{
  struct xous_wire_frame f;

  memset(&f, 0, sizeof f);
  f.magic = XOUS_WIRE_MAGIC;
  f.version = XOUS_WIRE_VERSION;
  f.type = type;
  return f;
}

/* A process made of raw frames lends a page to a server that never
 * receives, through the broker, and dies before the server took it. */
static void
lend_and_die(const char *name)
{
  xous_sid_t sid = xous_sid_from_name(name);
  struct xous_wire_frame f = new_frame(XOUS_WIRE_HELLO_PROCESS);
  int proc = harness_raw_connect(), thread = harness_raw_connect();
  int mem = memfd_create("rel-lend", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  uint64_t pid, cid;

  snprintf(f.name, sizeof f.name, "rel-lender");
  send_frame(proc, &f, -1);
  f = answer_of(proc);
  ck_assert_uint_eq(f.type, XOUS_WIRE_WELCOME);
  pid = f.w[0];
  f = new_frame(XOUS_WIRE_HELLO_THREAD);
  f.tid = 2;
  f.w[0] = pid;
  send_frame(thread, &f, -1);
  ck_assert_uint_eq(answer_of(thread).type, XOUS_WIRE_WELCOME);
  f = new_frame(XOUS_WIRE_SYSCALL);
  f.tid = 2;
  f.w[0] = XOUS_SYSCALL_CONNECT;
  for (int i = 0; i < 4; i++)
    f.w[1 + i] = sid.w[i];
  send_frame(thread, &f, -1);
  f = answer_of(thread);
  ck_assert_uint_eq(f.w[0], XOUS_RESULT_CONNECTION_ID);
  cid = f.w[1];
  ck_assert(mem >= 0 && ftruncate(mem, 4096) == 0 &&
            fcntl(mem, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW) == 0);
  f = new_frame(XOUS_WIRE_SYSCALL);
  f.tid = 2;
  f.flags = XOUS_WIRE_F_FD;
  f.w[0] = XOUS_SYSCALL_SEND_MESSAGE;
  f.w[1] = cid;
  f.w[2] = XOUS_MSG_LEND;
  f.w[3] = 7;
  f.w[5] = 4096;
  send_frame(thread, &f, mem);
  close(mem);
  /* Queued: its answer never comes. The process goes. */
  close(thread);
  close(proc);
}

START_TEST(a_dead_clients_unfetched_lend_leaves_xousd_when_its_pid_returns)
{
  pid_t broker = harness_start_broker(), deaf;
  int after_first = -1;

  deaf = harness_spawn(RPEER, "deaf-server", "reliability-deaf", NULL);
  ck_assert(harness_wait_line(deaf, "ready", BOUND_MS));
  for (int round = 0; round < 10; round++) {
    lend_and_die("reliability-deaf");
    /* The broker has seen the death once the PID is free again: the next
     * round's process gets it, and with it the dead one's ring. */
    for (long long t0 = harness_now_ms();; harness_sleep_ms(5)) {
      const char *ps = NULL;
      int fd = harness_raw_connect();
      struct xous_wire_frame f = new_frame(XOUS_WIRE_CTL);
      static char buf[65536];
      ssize_t n;

      f.w[0] = XOUS_CTL_PS;
      send_frame(fd, &f, -1);
      {
        struct pollfd p = { .fd = fd, .events = POLLIN };

        ck_assert(poll(&p, 1, BOUND_MS) == 1);
      }
      n = recv(fd, buf, sizeof buf - 1, 0);
      close(fd);
      ck_assert(n >= (ssize_t)sizeof f);
      buf[n] = '\0';
      ps = strstr(buf + sizeof f, "rel-lender");
      if (ps == NULL)
        break;
      ck_assert_msg(harness_now_ms() - t0 < BOUND_MS,
                    "the broker never saw the lender die");
    }
    if (round == 0)
      after_first = open_fds(broker);
  }
  /* Each round's lend went with its ring when the PID came back: only the
   * last one's is held (a closing control socket may still count for a
   * moment). */
  for (long long t0 = harness_now_ms(); open_fds(broker) > after_first;
       harness_sleep_ms(10))
    ck_assert_msg(harness_now_ms() - t0 < BOUND_MS,
                  "xousd holds %d descriptors after 10 rounds, %d after one",
                  open_fds(broker), after_first);
  ck_assert_int_le(server_figure("reliability-peer", "in_use"), 1);
}
END_TEST

/* ==== memory ================================================================= */

struct lender {
  xous_cid_t cid;
  xous_range_t range;
  xous_error_t err;
  atomic_bool done;
};

static void *
lend_mutably(void *arg)
{
  struct lender *l = arg;
  xous_message_t m;
  xous_result_t res;

  memset(&m, 0, sizeof m);
  m.kind = XOUS_MSG_LEND_MUT;
  m.memory.id = 1;
  m.memory.buf = l->range;
  l->err = xous_send_message(l->cid, &m, &res);
  atomic_store(&l->done, true);
  return NULL;
}

START_TEST(memory_lent_out_cannot_be_unmapped_until_it_comes_back)
{
  static struct lender l;
  xous_sid_t sid;
  xous_envelope_t env;
  xous_tid_t tid;

  harness_start_broker();
  ck_assert_int_eq(xous_create_server(&sid, &l.cid), XOUS_OK);
  ck_assert_int_eq(xous_map_memory(0, 0, 8192, XOUS_MEM_R | XOUS_MEM_W,
                                   &l.range),
                   XOUS_OK);
  ck_assert_int_eq(xous_create_thread(lend_mutably, &l, 64 * 1024, &tid),
                   XOUS_OK);
  ck_assert_int_eq(xous_receive_message(sid, &env), XOUS_OK);
  ck_assert_int_eq(env.body.kind, XOUS_MSG_LEND_MUT);
  /* The lender's memory is lent: neither it nor a part of it goes. */
  ck_assert_int_eq(xous_unmap_memory(l.range), XOUS_SHARE_VIOLATION);
  ck_assert_int_eq(xous_unmap_memory((xous_range_t){ l.range.addr, 4096 }),
                   XOUS_SHARE_VIOLATION);
  ck_assert_int_eq(xous_return_memory(env.sender, env.body.memory.buf, 0, 0),
                   XOUS_OK);
  for (long long t0 = harness_now_ms(); !atomic_load(&l.done);) {
    ck_assert_msg(harness_now_ms() - t0 < BOUND_MS, "the lend never ended");
    harness_sleep_ms(1);
  }
  ck_assert_int_eq(l.err, XOUS_OK);
  ck_assert_int_eq(xous_unmap_memory(l.range), XOUS_OK);
}
END_TEST

/* ==== a trace subscriber that never reads ================================= */

START_TEST(a_trace_subscriber_that_never_reads_loses_events_not_speed)
{
  static char buf[65536];
  struct xous_wire_frame f;
  pid_t srv, cli;
  int fd, after = 0;
  bool dropped = false;

  harness_start_broker();
  fd = harness_raw_connect();
  memset(&f, 0, sizeof f);
  f.magic = XOUS_WIRE_MAGIC;
  f.version = XOUS_WIRE_VERSION;
  f.type = XOUS_WIRE_CTL;
  f.w[0] = XOUS_CTL_TRACE;
  f.w[1] = 16 << 10; /* the least room: full after some 100 events */
  ck_assert(send(fd, &f, sizeof f, MSG_NOSIGNAL) == (ssize_t)sizeof f);
  srv = harness_spawn(RPEER, "pair-server", "reliability-srv3", NULL);
  ck_assert(harness_wait_line(srv, "ready", BOUND_MS));
  /* A thousand round trips are several thousand events: far more than
   * the 16 KiB the subscriber asked the broker to hold for it. */
  cli = harness_spawn(RPEER, "pair-client", "reliability-srv3", NULL);
  ck_assert(harness_wait_line(cli, "running", BOUND_MS));
  /* Now it reads: after what fitted comes the count of what did not,
   * then events again. */
  for (long long t0 = harness_now_ms(); after < 3;) {
    struct pollfd p = { .fd = fd, .events = POLLIN };
    ssize_t n;

    ck_assert_msg(harness_now_ms() - t0 < BOUND_MS,
                  dropped ? "no events after the dropped count"
                          : "no count of dropped events came");
    if (poll(&p, 1, 100) <= 0)
      continue;
    n = recv(fd, buf, sizeof buf - 1, 0);
    ck_assert(n >= (ssize_t)sizeof f);
    buf[n] = '\0';
    if (dropped && strstr(buf + sizeof f, "\"ev\":\"") != NULL)
      after++;
    if (strstr(buf + sizeof f, "\"ev\":\"dropped\"") != NULL) {
      ck_assert(strtoull(strstr(buf + sizeof f, "\"count\":") + 8, NULL, 10) >
                0);
      dropped = true;
    }
  }
  close(fd);
  harness_kill(cli, SIGKILL);
  harness_kill(srv, SIGKILL);
}
END_TEST

/* ==== broker death under a busy pair ====================================== */

START_TEST(a_busy_direct_pair_stops_with_internal_error_when_xousd_dies)
{
  pid_t broker = harness_start_broker(), srv, cli;
  int st;

  srv = harness_spawn(RPEER, "pair-server", "reliability-srv2", NULL);
  ck_assert(harness_wait_line(srv, "ready", BOUND_MS));
  cli = harness_spawn(RPEER, "pair-client", "reliability-srv2", NULL);
  /* The pair talks through shared memory only now. */
  ck_assert(harness_wait_line(cli, "running", BOUND_MS));
  harness_forget_broker();
  kill(broker, SIGKILL);
  ck_assert(harness_wait(broker, BOUND_MS, NULL));
  ck_assert_msg(harness_wait(cli, BOUND_MS, &st),
                "the client still runs %d ms after the broker died", BOUND_MS);
  ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  ck_assert(harness_wait_line(cli, "InternalError", 0));
  ck_assert_msg(harness_wait(srv, BOUND_MS, &st),
                "the server still runs %d ms after the broker died", BOUND_MS);
  ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  ck_assert(harness_wait_line(srv, "InternalError", 0));
}
END_TEST

/* ==== the suite =============================================================== */

static Suite *
reliability_suite(void)
{
  Suite *s = suite_create("reliability");
  TCase *tc = tcase_create("joining");

  tcase_add_checked_fixture(tc, NULL, teardown);
  tcase_set_timeout(tc, 60);
  tcase_add_test(
      tc, xousd_closes_silent_connections_and_a_new_process_still_joins);
  tcase_add_test(tc,
                 xousd_out_of_descriptors_lets_a_process_in_past_silent_ones);
  tcase_add_test(
      tc, xousd_out_of_descriptors_refuses_a_process_at_once_and_recovers);
  tcase_add_test(
      tc, a_process_whose_hello_goes_unanswered_fails_with_internal_error);
  suite_add_tcase(s, tc);

  tc = tcase_create("dead clients");
  tcase_add_checked_fixture(tc, NULL, teardown);
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, the_ticktimer_lets_go_of_the_sleeps_of_dead_clients);
  suite_add_tcase(s, tc);

  tc = tcase_create("relayed lends");
  tcase_add_checked_fixture(tc, NULL, teardown);
  tcase_set_timeout(tc, 60);
  tcase_add_test(
      tc, a_dead_clients_unfetched_lend_leaves_xousd_when_its_pid_returns);
  suite_add_tcase(s, tc);

  tc = tcase_create("memory");
  tcase_add_checked_fixture(tc, NULL, teardown);
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, memory_lent_out_cannot_be_unmapped_until_it_comes_back);
  suite_add_tcase(s, tc);

  tc = tcase_create("tracing");
  tcase_add_checked_fixture(tc, NULL, teardown);
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc,
                 a_trace_subscriber_that_never_reads_loses_events_not_speed);
  suite_add_tcase(s, tc);

  tc = tcase_create("broker death");
  tcase_add_checked_fixture(tc, NULL, teardown);
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc,
                 a_busy_direct_pair_stops_with_internal_error_when_xousd_dies);
  suite_add_tcase(s, tc);
  return s;
}

int
main(void)
{
  return harness_run(reliability_suite());
}
