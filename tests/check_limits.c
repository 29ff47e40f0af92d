/*
 * Limits: per process (servers, connections, threads, mapped memory, each
 * with its Xous error and adjustable with AdjustProcessLimit), system wide
 * (the server table, the PID space), and the broker's flags for them.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>

#include <xous.h>

#include "hosted/wire.h"
#include "support/harness.h"

#define PEER "tests/helpers/hostile-peer"
#define BOUND_MS 2000
#define STACK_SIZE (64 * 1024)

static xous_word_t
limit_of(unsigned index)
{
  xous_word_t v = 0;

  /* Asking with a value that cannot be current changes nothing. */
  ck_assert_int_eq(xous_adjust_process_limit(index, (xous_word_t)-3, 0, &v),
                   XOUS_OK);
  return v;
}

static xous_word_t
set_limit(unsigned index, xous_word_t proposed)
{
  xous_word_t v = 0;

  ck_assert_int_eq(xous_adjust_process_limit(index, limit_of(index), proposed,
                                             &v),
                   XOUS_OK);
  return v;
}

/* ==== per process ============================================================ */

START_TEST(limits_a_process_owns_at_most_32_servers_then_gets_out_of_memory)
{
  xous_sid_t sid;
  xous_cid_t cid;
  unsigned n = 0;
  xous_error_t err = XOUS_OK;

  ck_assert_uint_eq(limit_of(XOUS_LIMIT_SERVERS), 32);
  while (n < 40 && (err = xous_create_server(&sid, &cid)) == XOUS_OK)
    n++;
  ck_assert_uint_eq(n, 32);
  ck_assert_int_eq(err, XOUS_OUT_OF_MEMORY);
  /* Destroying one makes room for one. */
  ck_assert_int_eq(xous_destroy_server(sid), XOUS_OK);
  ck_assert_int_eq(xous_create_server(&sid, &cid), XOUS_OK);
}
END_TEST

START_TEST(
    limits_the_server_limit_can_be_lowered_and_raised_back_but_not_past_32)
{
  xous_sid_t sid;
  xous_cid_t cid;

  ck_assert_uint_eq(set_limit(XOUS_LIMIT_SERVERS, 2), 2);
  ck_assert_int_eq(xous_create_server(&sid, &cid), XOUS_OK);
  ck_assert_int_eq(xous_create_server(&sid, &cid), XOUS_OK);
  ck_assert_int_eq(xous_create_server(&sid, &cid), XOUS_OUT_OF_MEMORY);
  ck_assert_uint_eq(set_limit(XOUS_LIMIT_SERVERS, 33), 2); /* refused */
  ck_assert_uint_eq(set_limit(XOUS_LIMIT_SERVERS, 0), 2);
  ck_assert_uint_eq(set_limit(XOUS_LIMIT_SERVERS, 3), 3);
  ck_assert_int_eq(xous_create_server(&sid, &cid), XOUS_OK);
}
END_TEST

START_TEST(
    limits_the_connection_limit_can_be_lowered_and_then_gives_out_of_memory)
{
  xous_sid_t sid;
  xous_cid_t cid;

  ck_assert_uint_eq(limit_of(XOUS_LIMIT_CONNECTIONS), XOUS_MAX_CONNECTIONS);
  ck_assert_uint_eq(set_limit(XOUS_LIMIT_CONNECTIONS, 2), 2);
  /* A new server connects its creator: the third has no slot. */
  ck_assert_int_eq(xous_create_server(&sid, &cid), XOUS_OK);
  ck_assert_int_eq(xous_create_server(&sid, &cid), XOUS_OK);
  ck_assert_uint_eq(cid, XOUS_FIRST_CID + 1);
  ck_assert_int_eq(xous_create_server(&sid, &cid), XOUS_OUT_OF_MEMORY);
  ck_assert_uint_eq(set_limit(XOUS_LIMIT_CONNECTIONS, 33),
                    2); /* past the CID space: refused */
}
END_TEST

static void *
park(void *arg)
{
  atomic_bool *go = arg;

  while (!atomic_load(go))
    harness_sleep_ms(1);
  return NULL;
}

START_TEST(
    limits_threads_stop_at_the_devices_29_or_the_lowered_limit_with_thread_not_available)
{
  static atomic_bool go;
  xous_tid_t tids[40];
  unsigned n = 0;
  xous_error_t err = XOUS_OK;

  ck_assert_uint_eq(limit_of(XOUS_LIMIT_THREADS), 29);
  ck_assert_uint_eq(xous_get_thread_id(), 2);
  while (n < 40 && (err = xous_create_thread(park, &go, STACK_SIZE,
                                             &tids[n])) == XOUS_OK)
    n++;
  /* As the device: TIDs 2..30, the main thread holding 2. */
  ck_assert_uint_eq(n, 28);
  ck_assert_int_eq(err, XOUS_THREAD_NOT_AVAILABLE);
  for (unsigned i = 0; i < n; i++) {
    ck_assert_uint_ge(tids[i], 3);
    ck_assert_uint_le(tids[i], 30);
  }
  /* Not below what lives now; lowered once they are gone. */
  ck_assert_uint_eq(set_limit(XOUS_LIMIT_THREADS, 3), 29);
  /* Nor above the device's. */
  ck_assert_uint_eq(set_limit(XOUS_LIMIT_THREADS, 30), 29);
  atomic_store(&go, true);
  for (unsigned i = 0; i < n; i++)
    xous_join_thread(tids[i], NULL);
  atomic_store(&go, false);
  ck_assert_uint_eq(set_limit(XOUS_LIMIT_THREADS, 3), 3);
  ck_assert_int_eq(xous_create_thread(park, &go, STACK_SIZE, &tids[0]),
                   XOUS_OK);
  ck_assert_int_eq(xous_create_thread(park, &go, STACK_SIZE, &tids[1]),
                   XOUS_OK);
  ck_assert_int_eq(xous_create_thread(park, &go, STACK_SIZE, &tids[2]),
                   XOUS_THREAD_NOT_AVAILABLE);
  atomic_store(&go, true);
}
END_TEST

START_TEST(limits_map_memory_stops_at_the_mapped_limit_with_out_of_memory)
{
  xous_range_t a, b;

  ck_assert_uint_eq(limit_of(XOUS_LIMIT_MAPPED), XOUS_MAPPED_DEFAULT);
  ck_assert_uint_eq(set_limit(XOUS_LIMIT_MAPPED, 64 * 1024), 64 * 1024);
  ck_assert_int_eq(xous_map_memory(0, 0, 48 * 1024, XOUS_MEM_R | XOUS_MEM_W,
                                   &a),
                   XOUS_OK);
  ck_assert_int_eq(xous_map_memory(0, 0, 32 * 1024, XOUS_MEM_R | XOUS_MEM_W,
                                   &b),
                   XOUS_OUT_OF_MEMORY);
  /* Not below what is mapped now; unmapping gives the room back. */
  ck_assert_uint_eq(set_limit(XOUS_LIMIT_MAPPED, 4096), 64 * 1024);
  ck_assert_int_eq(xous_unmap_memory(a), XOUS_OK);
  ck_assert_int_eq(xous_map_memory(0, 0, 64 * 1024, XOUS_MEM_R | XOUS_MEM_W,
                                   &b),
                   XOUS_OK);
  /* A page more than the default is refused outright. */
  ck_assert_uint_eq(set_limit(XOUS_LIMIT_MAPPED, XOUS_MAPPED_DEFAULT),
                    XOUS_MAPPED_DEFAULT);
  ck_assert_int_eq(xous_map_memory(0, 0, XOUS_MAPPED_DEFAULT + 4096,
                                   XOUS_MEM_R | XOUS_MEM_W, &a),
                   XOUS_OUT_OF_MEMORY);
}
END_TEST

START_TEST(limits_an_unknown_limit_index_gives_invalid_limit)
{
  xous_word_t v;

  ck_assert_int_eq(xous_adjust_process_limit(7, 0, 0, &v), XOUS_INVALID_LIMIT);
  ck_assert_int_eq(xous_adjust_process_limit(0, 0, 0, &v), XOUS_INVALID_LIMIT);
}
END_TEST

/* ==== system wide ============================================================ */

/* Starts n peers (8 at most) with 31 servers each (a creator is connected
 * to each of its servers, so 32 CIDs bound what one process can create),
 * then creates servers here until one is refused, 10 at the most: that one
 * must be refused with ServerNotFound, as the kernel refuses it when its
 * table is full. Returns how many were made. */
static unsigned
servers_left_beside_peers(int n)
{
  pid_t peers[8];
  xous_sid_t sid;
  xous_cid_t cid;
  unsigned made = 0;
  xous_error_t err = XOUS_OK;

  ck_assert_int_le(n, 8);
  for (int i = 0; i < n; i++) {
    char first[16];

    snprintf(first, sizeof first, "%d", i * 31);
    peers[i] = harness_spawn("tests/helpers/xtest-peer", "many-servers",
                             "rel-manysrv", first, "31", NULL);
  }
  for (int i = 0; i < n; i++)
    ck_assert_msg(harness_wait_line(peers[i], "ready", 10000),
                  "peer %d did not make its 31 servers", i);
  while (made < 10 && (err = xous_create_server(&sid, &cid)) == XOUS_OK)
    made++;
  ck_assert_int_eq(err, XOUS_SERVER_NOT_FOUND);
  return made;
}

START_TEST(limits_max_servers_256_holds_256_servers_of_many_processes)
{
  const char *args[] = { "--socket", NULL, "--max-servers", "256", NULL };

  args[1] = harness_socket_path();
  setenv("XOUS_SOCKET", args[1], 1);
  harness_start_broker_with(args[1], args);
  /* 8 peers with 31 servers each: 248; 8 more fit, past the device's
   * 128. */
  ck_assert_uint_eq(servers_left_beside_peers(8), 8);
}
END_TEST

START_TEST(limits_the_default_server_table_holds_128_as_the_device)
{
  harness_start_broker();
  /* 4 peers with 31 servers each: 124; 4 more fit. */
  ck_assert_uint_eq(servers_left_beside_peers(4), 4);
}
END_TEST

/* Starts xousd with option set to each of the n values in bad, and
 * expects every one refused at start with the usage status 2. */
static void
expect_refused_at_start(const char *option, const char *const bad[], size_t n)
{
  for (size_t i = 0; i < n; i++) {
    pid_t p = harness_spawn("xousd", "--foreground", "--socket",
                            harness_socket_path(), option, bad[i], NULL);
    int st;

    ck_assert(harness_wait(p, BOUND_MS, &st));
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 2,
                  "%s '%s' was accepted", option, bad[i]);
  }
}

START_TEST(limits_max_servers_above_256_is_refused_at_start)
{
  static const char *const bad[] = { "257", "0", "1000", "12x" };

  expect_refused_at_start("--max-servers", bad, sizeof bad / sizeof bad[0]);
}
END_TEST

/* Opens a raw process socket; returns it, and the answer in *f. */
static int
raw_process(struct xous_wire_frame *f)
{
  struct pollfd p;
  int fd = harness_raw_connect();

  memset(f, 0, sizeof *f);
  f->magic = XOUS_WIRE_MAGIC;
  f->version = XOUS_WIRE_VERSION;
  f->type = XOUS_WIRE_HELLO_PROCESS;
  snprintf(f->name, sizeof f->name, "rel-pid");
  ck_assert_int_eq(send(fd, f, sizeof *f, MSG_NOSIGNAL), (ssize_t)sizeof *f);
  p.fd = fd;
  p.events = POLLIN;
  ck_assert_int_eq(poll(&p, 1, BOUND_MS), 1);
  ck_assert_int_eq(recv(fd, f, sizeof *f, 0), (ssize_t)sizeof *f);
  return fd;
}

/* Fills the PID space with raw process sockets: count of them get PIDs
 * 2.. in turn, the next is refused with OutOfMemory. The sockets stay open
 * in fds; then a real program is refused, with a message on stderr. */
static void
fill_pid_space(int *fds, unsigned count)
{
  struct xous_wire_frame f;
  pid_t late;
  int st;
  char *out;

  for (unsigned n = 0; n < count; n++) {
    fds[n] = raw_process(&f);
    ck_assert_msg(f.type == XOUS_WIRE_WELCOME, "process %u refused", n + 1);
    ck_assert_uint_eq(f.w[0], n + 2);
  }
  close(raw_process(&f));
  ck_assert_uint_eq(f.type, XOUS_WIRE_ERROR);
  ck_assert_uint_eq(f.w[0], XOUS_OUT_OF_MEMORY);

  /* What a program sees: OutOfMemory from its first call, and a line on
   * stderr that names the cause. */
  late = harness_spawn(PEER, "pid", NULL);
  ck_assert(harness_wait(late, BOUND_MS, &st));
  ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 1);
  out = harness_output(late);
  ck_assert_str_eq(out, "pid 0 OutOfMemory\n");
  free(out);
}

/* Waits until a program joins again, and returns the PID it got. */
static unsigned
next_pid_after_one_left(void)
{
  long long deadline = harness_now_ms() + BOUND_MS;
  unsigned pid = 0;

  while (pid == 0 && harness_now_ms() < deadline) {
    pid_t late = harness_spawn(PEER, "pid", NULL);
    int st;
    char *out;

    ck_assert(harness_wait(late, BOUND_MS, &st));
    out = harness_output(late);
    if (sscanf(out, "pid %u NoError", &pid) != 1)
      pid = 0;
    free(out);
  }
  return pid;
}

START_TEST(
    limits_the_64th_process_is_refused_with_out_of_memory_as_on_the_device)
{
  static int fds[70];

  /* PIDs 2..64, as the device's 64 process slots with PID 1 the kernel. */
  fill_pid_space(fds, 63);
  /* One leaves: the next comes in, with that PID. */
  close(fds[40]);
  ck_assert_uint_eq(next_pid_after_one_left(), 42);
  harness_assert_broker_alive();
}
END_TEST

START_TEST(limits_max_processes_254_fills_the_8_bit_pid_space_then_refuses)
{
  const char *args[] = { "--socket", NULL, "--max-processes", "254", NULL };
  static int fds[260];

  args[1] = harness_socket_path();
  setenv("XOUS_SOCKET", args[1], 1);
  harness_start_broker_with(args[1], args);
  /* PIDs 2..255: the 256th would not fit the sender word's 8 bits. */
  fill_pid_space(fds, 254);
  close(fds[100]);
  ck_assert_uint_eq(next_pid_after_one_left(), 102);
}
END_TEST

START_TEST(limits_max_processes_past_254_or_below_1_is_refused_at_start)
{
  static const char *const bad[] = { "255", "0", "1000", "12x", "" };

  expect_refused_at_start("--max-processes", bad, sizeof bad / sizeof bad[0]);
}
END_TEST

int
main(void)
{
  const struct harness_case cases[] = {
    { "per process", 30, HARNESS_BROKER,
      .tests = HARNESS_TESTS(
          limits_a_process_owns_at_most_32_servers_then_gets_out_of_memory,
          limits_the_server_limit_can_be_lowered_and_raised_back_but_not_past_32,
          limits_the_connection_limit_can_be_lowered_and_then_gives_out_of_memory,
          limits_threads_stop_at_the_devices_29_or_the_lowered_limit_with_thread_not_available,
          limits_map_memory_stops_at_the_mapped_limit_with_out_of_memory,
          limits_an_unknown_limit_index_gives_invalid_limit,
          limits_the_64th_process_is_refused_with_out_of_memory_as_on_the_device) },
    { "system", 30, HARNESS_NOTHING,
      .tests = HARNESS_TESTS(
          limits_max_servers_256_holds_256_servers_of_many_processes,
          limits_the_default_server_table_holds_128_as_the_device,
          limits_max_servers_above_256_is_refused_at_start,
          limits_max_processes_254_fills_the_8_bit_pid_space_then_refuses,
          limits_max_processes_past_254_or_below_1_is_refused_at_start) },
  };

  return harness_run(harness_suite("limits", cases));
}
