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
#include <stdarg.h>
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
  struct xous_wire_frame f = xous__wire_frame(XOUS_WIRE_CTL);
  struct pollfd p = { .fd = fd, .events = POLLIN };
  char buf[65536];
  ssize_t n;

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

START_TEST(
    reliability_xousd_closes_silent_connections_and_a_new_process_still_joins)
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

START_TEST(
    reliability_xousd_out_of_descriptors_lets_a_process_in_past_silent_ones)
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

START_TEST(
    reliability_xousd_out_of_descriptors_refuses_a_process_at_once_and_recovers)
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

START_TEST(
    reliability_a_process_whose_hello_goes_unanswered_fails_with_internal_error)
{
  pid_t broker = harness_start_broker();

  kill(broker, SIGSTOP);
  expect_join("InternalError");
  kill(broker, SIGCONT);
  expect_join("ServerNotFound");
}
END_TEST

/* ==== standard servers and their dead clients ============================ */

/* Sends the control request cmd with argument arg to the broker on a new
 * raw connection; returns the connection. */
static int
ctl_send(uint64_t cmd, uint64_t arg)
{
  struct xous_wire_frame f = xous__wire_frame(XOUS_WIRE_CTL);
  int fd = harness_raw_connect();

  f.w[0] = cmd;
  f.w[1] = arg;
  ck_assert(send(fd, &f, sizeof f, MSG_NOSIGNAL) == (ssize_t)sizeof f);
  return fd;
}

/* The broker's answer to the control request cmd: the JSON after the
 * answer's frame, NUL terminated, in a buffer that the next call reuses. */
static const char *
ctl_text(uint64_t cmd)
{
  static char buf[65536];
  struct pollfd p = { .fd = ctl_send(cmd, 0), .events = POLLIN };
  ssize_t n;

  ck_assert(poll(&p, 1, BOUND_MS) == 1);
  n = recv(p.fd, buf, sizeof buf - 1, 0);
  close(p.fd);
  ck_assert(n >= (ssize_t)sizeof(struct xous_wire_frame));
  buf[n] = '\0';
  return buf + sizeof(struct xous_wire_frame);
}

/* A number in the broker's JSON for the first server whose owner matches
 * want ("\"owner_name\":\"NAME\"" or "\"owner\":PID,"): "in_use" and the
 * like; -1 when there is none. */
static long
server_figure_of(const char *want, const char *field)
{
  const char *servers = ctl_text(XOUS_CTL_SERVERS), *at;
  char key[80];

  snprintf(key, sizeof key, "\"%s\":", field);
  at = strstr(servers, want);
  if (at == NULL || (at = strstr(at, key)) == NULL)
    return -1;
  return strtol(at + strlen(key), NULL, 10);
}

static long
server_figure(const char *owner, const char *field)
{
  char want[80];

  snprintf(want, sizeof want, "\"owner_name\":\"%s\"", owner);
  return server_figure_of(want, field);
}

START_TEST(reliability_the_ticktimer_lets_go_of_the_sleeps_of_dead_clients)
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

/* ==== a server out of descriptors ========================================= */

START_TEST(
    reliability_a_server_out_of_descriptors_takes_the_waiting_message_later)
{
  xous_sid_t sid = xous_sid_from_name("reliability-srv4");
  struct rlimit full, none;
  xous_envelope_t env;
  char owner[32];
  bool received = false;
  pid_t cli;
  int fd, tries = 0;

  harness_start_broker();
  ck_assert_int_eq(xous_create_server_with_address(sid, NULL), XOUS_OK);
  /* The first receive maps the server's page: before the client comes. */
  ck_assert_int_eq(xous_try_receive_message(sid, &env, &received), XOUS_OK);
  ck_assert(!received);
  snprintf(owner, sizeof owner, "\"owner\":%u,",
           (unsigned)xous_get_process_id());
  cli = harness_spawn("tests/helpers/xtest-peer", "client", "reliability-srv4",
                      "call", "1", "41", NULL);
  /* The call waits in its ring, which this server has not mapped. */
  for (long long t0 = harness_now_ms(); server_figure_of(owner, "queued") < 1;
       harness_sleep_ms(5))
    ck_assert_msg(harness_now_ms() - t0 < BOUND_MS, "the call never came");
  /* No descriptor is left to this process: the ring cannot be handed to
   * it. Every receive meanwhile says "nothing yet", never an error, and
   * never drops the message. */
  ck_assert(getrlimit(RLIMIT_NOFILE, &full) == 0);
  fd = dup(0);
  ck_assert(fd >= 0);
  close(fd);
  none.rlim_cur = (rlim_t)fd;
  none.rlim_max = full.rlim_max;
  ck_assert(setrlimit(RLIMIT_NOFILE, &none) == 0);
  ck_assert_msg(dup(0) < 0 && errno == EMFILE, "a descriptor is left");
  for (long long t0 = harness_now_ms();
       tries < 20 || harness_now_ms() - t0 < 200; tries++) {
    xous_error_t err = xous_try_receive_message(sid, &env, &received);

    ck_assert_msg(err == XOUS_OK, "try %d: %s", tries, xous_error_name(err));
    ck_assert_msg(!received, "a ring was mapped without a descriptor");
    harness_sleep_ms(5);
  }
  ck_assert(setrlimit(RLIMIT_NOFILE, &full) == 0);
  /* With descriptors again, the message is there. */
  for (long long t0 = harness_now_ms(); !received; harness_sleep_ms(1)) {
    ck_assert_msg(harness_now_ms() - t0 < BOUND_MS,
                  "the message was lost while the server had no descriptor");
    ck_assert_int_eq(xous_try_receive_message(sid, &env, &received), XOUS_OK);
  }
  ck_assert_int_eq(env.body.kind, XOUS_MSG_BLOCKING_SCALAR);
  ck_assert_uint_eq(env.body.scalar.arg1, 41);
  ck_assert_int_eq(xous_return_scalar1(env.sender, 42), XOUS_OK);
  ck_assert(harness_wait(cli, BOUND_MS, NULL));
  ck_assert_msg(harness_wait_line(cli, "NoError 42 0 0 0 0", 0), "'%s'",
                harness_output(cli));
}
END_TEST

/* ==== the name server's table and places ================================= */

#define NPEER "tests/helpers/names-peer"

/* The Xous PID of the process named name (xousctl ps), or -1. */
static long
process_pid(const char *name)
{
  const char *ps = ctl_text(XOUS_CTL_PS), *at;
  char want[96];

  snprintf(want, sizeof want, "\"name\":\"%s\"", name);
  /* {"pid":N,"name":"..." : the PID comes just before the name. */
  at = strstr(ps, want);
  if (at == NULL)
    return -1;
  while (at > ps && at[-1] != ':')
    at--;
  return strtol(at, NULL, 10);
}

START_TEST(
    reliability_no_process_fills_the_name_servers_table_and_live_names_resolve)
{
  enum { SERVERS = XOUS_MAX_CONNECTIONS - 4 };
  pid_t srv, cli;
  long names_pid = -1;
  xous_sid_t own;
  xous_cid_t cid;
  int st;

  harness_start_broker();
  harness_spawn("xous-names", NULL);
  srv = harness_spawn(NPEER, "server", "rel-live-name", "0", NULL);
  ck_assert(harness_wait_line(srv, "ready", BOUND_MS));
  for (long long t0 = harness_now_ms(); names_pid < 0; harness_sleep_ms(10)) {
    ck_assert_msg(harness_now_ms() - t0 < BOUND_MS, "xous-names has no PID");
    names_pid = process_pid("xous-names");
  }
  /* Connections to servers of ours, placed in the name server's table
   * until it is full, once made its lookups fail and its live names go:
   * only the name server itself may place connections there. */
  for (int i = 0; i < SERVERS; i++) {
    ck_assert_int_eq(xous_create_server(&own, &cid), XOUS_OK);
    ck_assert_int_eq(xous_connect_for_process((xous_pid_t)names_pid, own,
                                              &cid),
                     XOUS_ACCESS_DENIED);
  }
  /* The name server still places the connection a client asks for. */
  cli = harness_spawn(NPEER, "connect", "rel-live-name", NULL);
  ck_assert_msg(harness_wait(cli, BOUND_MS, &st), "the lookup hangs");
  ck_assert_msg(harness_wait_line(cli, "reply 42", 0), "'%s'",
                harness_output(cli));
}
END_TEST

START_TEST(
    reliability_a_name_with_a_limit_of_two_takes_new_clients_after_two_died)
{
  pid_t srv, cli;
  int st;

  harness_start_broker();
  harness_spawn("xous-names", NULL);
  srv = harness_spawn(NPEER, "server", "rel-limit-two", "2", NULL);
  ck_assert(harness_wait_line(srv, "ready", BOUND_MS));
  /* Two clients take the two places and end without giving them back. */
  for (int i = 0; i < 2; i++) {
    char *out;

    cli = harness_spawn(NPEER, "token", "rel-limit-two", NULL);
    ck_assert(harness_wait(cli, BOUND_MS, &st));
    out = harness_output(cli);
    ck_assert_msg(strncmp(out, "NoError ", 8) == 0, "client %d: '%s'", i, out);
    free(out);
  }
  /* Their places are free again: a new client (most likely with the PID
   * of one of them) connects, without a token and with one. */
  cli = harness_spawn(NPEER, "try", "rel-limit-two", NULL);
  ck_assert(harness_wait(cli, BOUND_MS, &st));
  ck_assert_msg(harness_wait_line(cli, "NoError", 0), "'%s'",
                harness_output(cli));
  cli = harness_spawn(NPEER, "connect", "rel-limit-two", NULL);
  ck_assert_msg(harness_wait(cli, BOUND_MS, &st),
                "a blocking lookup still waits for a place of the dead");
  ck_assert_msg(harness_wait_line(cli, "reply 42", 0), "'%s'",
                harness_output(cli));
}
END_TEST

/* ==== relayed lends of dead clients ======================================= */

/* Sends frame f with fd (or -1) on sock, as libxous does. */
static void
send_frame(int sock, const struct xous_wire_frame *f, int fd)
{
  ck_assert(xous__wire_send(sock, f, fd) == 0);
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

/* A process made of raw frames lends a page to a server that never
 * receives, through the broker, and dies before the server took it. */
static void
lend_and_die(const char *name)
{
  xous_sid_t sid = xous_sid_from_name(name);
  struct xous_wire_frame f = xous__wire_frame(XOUS_WIRE_HELLO_PROCESS);
  int proc = harness_raw_connect(), thread = harness_raw_connect();
  int mem = memfd_create("rel-lend", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  uint64_t pid, cid;

  snprintf(f.name, sizeof f.name, "rel-lender");
  send_frame(proc, &f, -1);
  f = answer_of(proc);
  ck_assert_uint_eq(f.type, XOUS_WIRE_WELCOME);
  pid = f.w[0];
  f = xous__wire_frame(XOUS_WIRE_HELLO_THREAD);
  f.tid = 2;
  f.w[0] = pid;
  send_frame(thread, &f, -1);
  ck_assert_uint_eq(answer_of(thread).type, XOUS_WIRE_WELCOME);
  f = xous__wire_frame(XOUS_WIRE_SYSCALL);
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
  f = xous__wire_frame(XOUS_WIRE_SYSCALL);
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

START_TEST(
    reliability_a_dead_clients_unfetched_lend_leaves_xousd_when_its_pid_returns)
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
      struct xous_wire_frame f = xous__wire_frame(XOUS_WIRE_CTL);
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

START_TEST(reliability_memory_lent_out_cannot_be_unmapped_until_it_comes_back)
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

START_TEST(
    reliability_a_trace_subscriber_that_never_reads_loses_events_not_speed)
{
  static char buf[65536];
  struct xous_wire_frame f;
  pid_t srv, cli;
  int fd, after = 0;
  bool dropped = false;

  harness_start_broker();
  /* The least room: full after some 100 events. */
  fd = ctl_send(XOUS_CTL_TRACE, 16 << 10);
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

START_TEST(
    reliability_a_busy_direct_pair_stops_with_internal_error_when_xousd_dies)
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

/* ==== a damaged PDDB image ================================================= */

/* Runs the shell command made from fmt and gives its exit status; what
 * it printed (the command sends stderr there too) is in out. */
static int
pddb_run(char *out, size_t size, const char *fmt, ...)
{
  char cmd[4096];
  va_list ap;
  FILE *p;
  size_t n = 0;
  int st;

  va_start(ap, fmt);
  vsnprintf(cmd, sizeof cmd, fmt, ap);
  va_end(ap);
  p = popen(cmd, "r");
  ck_assert_msg(p != NULL, "popen: %s", strerror(errno));
  while (n + 1 < size && fgets(out + n, (int)(size - n), p) != NULL)
    n += strlen(out + n);
  out[n] = '\0';
  st = pclose(p);
  ck_assert_msg(WIFEXITED(st), "'%s' ended by a signal: '%s'", cmd, out);
  return WEXITSTATUS(st);
}

START_TEST(
    reliability_a_damaged_page_of_a_pddb_image_costs_what_it_held_and_says_so)
{
  enum { KEYS = 8, SQLITE_PAGE = 8192 };
  const char *tool = getenv("XOUS_BUILDDIR");
  static char img[512], copy[512], out[65536];
  unsigned fine = 0, key_lost = 0, image_lost = 0;
  unsigned char *bytes;
  long size;
  FILE *f;

  snprintf(img, sizeof img, "%s/damage.img", harness_dir());
  snprintf(copy, sizeof copy, "%s/copy.img", harness_dir());
  ck_assert_int_eq(pddb_run(out, sizeof out,
                            "%s/pddb/pddb format '%s' --size 600K 2>&1", tool,
                            img),
                   0);
  for (int k = 0; k < KEYS; k++)
    ck_assert_msg(pddb_run(out, sizeof out,
                           "printf 'value %d' | %s/pddb/pddb --image '%s' put "
                           "d k%d 2>&1",
                           k, tool, img, k) == 0,
                  "put: %s", out);
  f = fopen(img, "rb");
  ck_assert(f != NULL && fseek(f, 0, SEEK_END) == 0);
  size = ftell(f);
  ck_assert(size > 0 && size % SQLITE_PAGE == 0);
  bytes = malloc((size_t)size);
  rewind(f);
  ck_assert(bytes != NULL && fread(bytes, 1, (size_t)size, f) == (size_t)size);
  fclose(f);
  /* Each SQLite page in turn gets 16 bytes changed inside what it stores
   * (past SQLite's own page header): the image then reads as before, or
   * loses the key on that page, or cannot be opened; each failure says
   * it is damage, and no read gives a value that is not the one put. */
  for (long pg = 1; pg < size / SQLITE_PAGE; pg++) {
    int ls, get;

    f = fopen(copy, "wb");
    ck_assert(f != NULL);
    ck_assert(fwrite(bytes, 1, (size_t)(pg * SQLITE_PAGE + 5000), f) ==
              (size_t)(pg * SQLITE_PAGE + 5000));
    for (int i = 0; i < 16; i++)
      fputc(0x5a, f);
    ck_assert(fwrite(bytes + pg * SQLITE_PAGE + 5016, 1,
                     (size_t)(size - pg * SQLITE_PAGE - 5016),
                     f) == (size_t)(size - pg * SQLITE_PAGE - 5016));
    ck_assert(fclose(f) == 0);
    ls = pddb_run(out, sizeof out, "%s/pddb/pddb --image '%s' ls d 2>&1", tool,
                  copy);
    if (ls != 0) {
      ck_assert_msg(strstr(out, ": damaged") != NULL,
                    "page %ld: an image that cannot be opened says '%s'", pg,
                    out);
      image_lost++;
      continue;
    }
    get = pddb_run(out, sizeof out, "%s/pddb/pddb --image '%s' get d k3 2>&1",
                   tool, copy);
    if (get == 0) {
      ck_assert_msg(strcmp(out, "value 3") == 0, "page %ld: k3 reads '%s'", pg,
                    out);
      fine++;
    } else {
      ck_assert_msg(strstr(out, "key k3 in d: storage error (a page of the "
                                "image is damaged") != NULL,
                    "page %ld: a lost key says '%s'", pg, out);
      key_lost++;
    }
  }
  free(bytes);
  ck_assert_msg(fine > 0 && key_lost > 0 && image_lost > 0,
                "%u pages harmless, %u cost k3, %u the image", fine, key_lost,
                image_lost);
}
END_TEST

/* ==== the suite =============================================================== */

int
main(void)
{
  const struct harness_case cases[] = {
    { "joining", 60, HARNESS_NOTHING,
      .tests = HARNESS_TESTS(
          reliability_xousd_closes_silent_connections_and_a_new_process_still_joins,
          reliability_xousd_out_of_descriptors_lets_a_process_in_past_silent_ones,
          reliability_xousd_out_of_descriptors_refuses_a_process_at_once_and_recovers,
          reliability_a_process_whose_hello_goes_unanswered_fails_with_internal_error) },
    { "descriptors", 60, HARNESS_NOTHING,
      .tests = HARNESS_TESTS(
          reliability_a_server_out_of_descriptors_takes_the_waiting_message_later) },
    { "pddb", 240, HARNESS_NOTHING,
      .tests = HARNESS_TESTS(
          reliability_a_damaged_page_of_a_pddb_image_costs_what_it_held_and_says_so) },
    { "dead clients", 60, HARNESS_NOTHING,
      .tests = HARNESS_TESTS(
          reliability_the_ticktimer_lets_go_of_the_sleeps_of_dead_clients,
          reliability_no_process_fills_the_name_servers_table_and_live_names_resolve,
          reliability_a_name_with_a_limit_of_two_takes_new_clients_after_two_died) },
    { "relayed lends", 60, HARNESS_NOTHING,
      .tests = HARNESS_TESTS(
          reliability_a_dead_clients_unfetched_lend_leaves_xousd_when_its_pid_returns) },
    { "memory", 60, HARNESS_NOTHING,
      .tests = HARNESS_TESTS(
          reliability_memory_lent_out_cannot_be_unmapped_until_it_comes_back) },
    { "tracing", 60, HARNESS_NOTHING,
      .tests = HARNESS_TESTS(
          reliability_a_trace_subscriber_that_never_reads_loses_events_not_speed) },
    { "broker death", 60, HARNESS_NOTHING,
      .tests = HARNESS_TESTS(
          reliability_a_busy_direct_pair_stops_with_internal_error_when_xousd_dies) },
  };

  return harness_run(harness_suite("reliability", cases));
}
