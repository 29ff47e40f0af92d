/*
 * Integration tests of the ticktimer server: a real xousd, a real
 * xous-ticktimer process, and this program as the client (through
 * <xous/ticktimer.h>) and, started again with a role argument, as the
 * helper processes (many sleepers, mutex contention).
 *
 * Times are checked only as lower bounds ("slept at least 50 ms"); how
 * close a sleep comes to its target is a benchmark, not a test. Every wait
 * is bounded.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include <xous.h>
#include <xous/rkyv.h>
#include <xous/ticktimer.h>

#include "support/async.h"
#include "support/expect.h"
#include "support/harness.h"

#define SELF "tests/check_ticktimer"
#define SERVER "xous-ticktimer"
/* A generous bound for anything that should happen at once. */
#define BOUND_MS 5000
#define STACK_SIZE (256 * 1024)

/* ==== helper processes ====================================================== */

static atomic_int failures;

/* Runs n threads of fn(arg) (30 at the most) and joins them. Returns how
 * many ran, or -1 when one could not be made. */
static int
run_threads(int n, void *(*fn)(void *), void *arg)
{
  xous_tid_t tids[32];
  int i;

  if (n > 30)
    n = 30;
  for (i = 0; i < n; i++)
    if (xous_create_thread(fn, arg, STACK_SIZE, &tids[i]) != XOUS_OK)
      return -1;
  for (i = 0; i < n; i++)
    xous_join_thread(tids[i], NULL);
  return n;
}

static void *
sleeper(void *arg)
{
  xous_word_t ms = (xous_word_t)(uintptr_t)arg;
  long long t0 = harness_now_ms();

  if (xous_ticktimer_sleep_ms(ms) != XOUS_OK ||
      harness_now_ms() - t0 < (long long)ms)
    atomic_fetch_add(&failures, 1);
  return NULL;
}

/* sleepers N MS: N threads sleep MS each; prints "woke N" when all did,
 * none of them early. */
static int
role_sleepers(int n, int ms)
{
  if ((n = run_threads(n, sleeper, (void *)(uintptr_t)ms)) < 0)
    return 3;
  printf("woke %d failures %d\n", n, atomic_load(&failures));
  return atomic_load(&failures) == 0 ? 0 : 1;
}

static xous_ticktimer_mutex_t counter_lock = XOUS_TICKTIMER_MUTEX_INIT;
/* Plain, not atomic: only the mutex keeps updates from being lost. */
static volatile long counter;
static int iterations;

static void *
incrementer(void *arg)
{
  int i;

  (void)arg;
  for (i = 0; i < iterations; i++) {
    long v;

    if (xous_ticktimer_mutex_lock(&counter_lock) != XOUS_OK) {
      atomic_fetch_add(&failures, 1);
      return NULL;
    }
    v = counter;
    /* Give the others every chance to run inside the critical section. */
    if (i % 4 == 0)
      xous_yield();
    counter = v + 1;
    if (xous_ticktimer_mutex_unlock(&counter_lock) != XOUS_OK)
      atomic_fetch_add(&failures, 1);
  }
  return NULL;
}

/* counter THREADS ITER: prints "count C failures F". */
static int
role_counter(int n, int iter)
{
  iterations = iter;
  if (run_threads(n, incrementer, NULL) < 0)
    return 3;
  xous_ticktimer_mutex_free(&counter_lock);
  printf("count %ld failures %d\n", counter, atomic_load(&failures));
  return 0;
}

static int
run_role(int argc, char **argv)
{
  if (strcmp(argv[1], "sleepers") == 0 && argc == 4)
    return role_sleepers(atoi(argv[2]), atoi(argv[3]));
  if (strcmp(argv[1], "counter") == 0 && argc == 4)
    return role_counter(atoi(argv[2]), atoi(argv[3]));
  fprintf(stderr, "check_ticktimer: unknown role %s\n", argv[1]);
  return 2;
}

/* Waits for pid to exit with status 0 and returns its output (free it). */
static char *
expect_success(pid_t pid, int timeout_ms)
{
  char *out;
  int st;

  if (!harness_wait(pid, timeout_ms, &st)) {
    out = harness_output(pid);
    ck_abort_msg("helper %d still running after %d ms; it printed '%s'",
                 (int)pid, timeout_ms, out);
  }
  out = harness_output(pid);
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
                "helper %d ended with %s; it printed '%s'", (int)pid,
                status_text(st), out);
  return out;
}

static void
do_sleep(struct async *a)
{
  a->err = xous_ticktimer_sleep_ms(a->ms);
}

static uint64_t
elapsed(void)
{
  uint64_t ms = 0;
  xous_error_t err = xous_ticktimer_elapsed_ms(&ms);

  ck_assert_msg(err == XOUS_OK, "elapsed_ms: %s", xous_error_name(err));
  return ms;
}

/* ---- fixtures ----------------------------------------------------------- */

static pid_t server;

/* After the case's broker (HARNESS_BROKER): the server. */
static void
start_server(void)
{
  server = harness_spawn(SERVER, NULL);
}

static void
assert_server_alive(void)
{
  ck_assert_msg(harness_running(server), "xous-ticktimer died");
}

/* ==== tests ================================================================= */

START_TEST(ticktimer_elapsed_ms_grows_by_at_least_the_time_slept)
{
  uint64_t before, after;

  before = elapsed();
  ck_assert_int_eq(xous_ticktimer_sleep_ms(20), XOUS_OK);
  after = elapsed();
  ck_assert_msg(after >= before + 20,
                "elapsed went from %llu to %llu over a 20 ms sleep",
                (unsigned long long)before, (unsigned long long)after);
}
END_TEST

/* The deadline is kept to the host clock's precision: without a whole
 * millisecond of rounding, a short sleep is where an early answer would
 * show, so forty of them are each held against both clocks. */
START_TEST(ticktimer_short_sleeps_never_end_early_on_either_clock)
{
  static const xous_word_t ms[] = { 1, 2, 3, 5 };
  int i;

  for (i = 0; i < 40; i++) {
    xous_word_t want = ms[i % 4];
    struct timespec t0, t1;
    uint64_t before = elapsed(), after;
    long long ns;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    ck_assert_int_eq(xous_ticktimer_sleep_ms(want), XOUS_OK);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    after = elapsed();
    ns = (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL +
         (t1.tv_nsec - t0.tv_nsec);
    ck_assert_msg(ns >= (long long)want * 1000000LL,
                  "a %u ms sleep took %lld ns by the host clock",
                  (unsigned)want, ns);
    ck_assert_msg(after >= before + want,
                  "elapsed went from %llu to %llu over a %u ms sleep",
                  (unsigned long long)before, (unsigned long long)after,
                  (unsigned)want);
  }
}
END_TEST

/* Sleepers of growing lengths, each sent once the one before has reached
 * the server, so that their deadlines come in the order they were sent. */
#define ORDERED 12

struct ordered_sleep {
  xous_word_t ms;
  xous_error_t err;
  long long ns;      /* the sleep, by this process's clock */
  xous_word_t timed; /* timed requests still parked once it returned */
  unsigned started;  /* sleepers started by then */
};

static struct ordered_sleep ordered[ORDERED];
static atomic_uint ordered_started, ordered_returned;

/* How many timed requests the server holds now (VirtualState's fourth
 * word, which a real clock answers too). */
static xous_error_t
timed_parked(xous_word_t *n)
{
  xous_word_t ret[5] = { 0 };
  xous_cid_t cid;
  xous_error_t err = xous_connect(xous_sid_from_name(XOUS_TICKTIMER_NAME),
                                  &cid);

  if (err == XOUS_OK)
    err = xous_blocking_scalar(cid, XOUS_TICKTIMER_VIRTUAL_STATE, 0, 0, 0, 0,
                               ret);
  *n = ret[3];
  return err;
}

static void *
ordered_sleeper(void *arg)
{
  struct ordered_sleep *o = arg;
  struct timespec t0, t1;

  clock_gettime(CLOCK_MONOTONIC, &t0);
  o->err = xous_ticktimer_sleep_ms(o->ms);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  o->ns = (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL +
          (t1.tv_nsec - t0.tv_nsec);
  if (o->err == XOUS_OK)
    o->err = timed_parked(&o->timed);
  o->started = atomic_load(&ordered_started);
  atomic_fetch_add(&ordered_returned, 1);
  return NULL;
}

/* Sleepers are answered in deadline order: once sleeper k has its answer,
 * the k before it have had theirs, so of the sleepers started at most the
 * rest can still be parked when it asks. Each is also held to its own
 * length by its own clock. Only what is certain is asserted: a sleeper
 * may run late, never early, and never after a later one. (The order
 * within one batch that falls due together is the virtual clock's test,
 * check_testkit.) */
START_TEST(
    ticktimer_a_sleeper_is_answered_only_once_every_earlier_deadline_was)
{
  static const xous_word_t ms[ORDERED] = { 1, 1, 2,  3,  3,  5,
                                           8, 8, 13, 20, 20, 30 };
  xous_tid_t tids[ORDERED];
  unsigned k;

  for (k = 0; k < ORDERED; k++) {
    long long until = harness_now_ms() + BOUND_MS;
    xous_word_t parked = 0;
    unsigned returned;

    ordered[k].ms = ms[k];
    atomic_fetch_add(&ordered_started, 1);
    ck_assert_int_eq(xous_create_thread(ordered_sleeper, &ordered[k],
                                        STACK_SIZE, &tids[k]),
                     XOUS_OK);
    /* Sleeper k has reached the server once every one so far is parked
     * or back; the returned count is read first, so that none is counted
     * twice (an answer between the two readings drops it from both). */
    for (;;) {
      returned = atomic_load(&ordered_returned);
      ck_assert_int_eq(timed_parked(&parked), XOUS_OK);
      if (returned + parked >= k + 1)
        break;
      ck_assert_msg(harness_now_ms() < until,
                    "sleeper %u did not reach the server in %d ms", k,
                    BOUND_MS);
      harness_sleep_ms(1);
    }
  }
  for (k = 0; k < ORDERED; k++) {
    const struct ordered_sleep *o = &ordered[k];

    xous_join_thread(tids[k], NULL);
    ck_assert_int_eq(o->err, XOUS_OK);
    ck_assert_msg(o->ns >= (long long)o->ms * 1000000LL,
                  "sleeper %u of %u ms returned after %lld ns", k,
                  (unsigned)o->ms, o->ns);
    ck_assert_msg(o->timed + k + 1 <= o->started,
                  "sleeper %u of %u ms was answered with %u timed requests "
                  "still parked of %u started: one due before it was not",
                  k, (unsigned)o->ms, (unsigned)o->timed, o->started);
  }
  assert_server_alive();
}
END_TEST

START_TEST(ticktimer_sleep_50_ms_answers_after_at_least_50_ms)
{
  struct async *a = &async_calls[0];

  a->ms = 50;
  async_start(a, do_sleep);
  ck_assert_msg(async_wait_flag(&a->done, BOUND_MS),
                "a 50 ms sleep did not return within %d ms", BOUND_MS);
  ck_assert_int_eq(a->err, XOUS_OK);
  ck_assert_msg(a->ended - a->started >= 50, "slept only %lld ms",
                a->ended - a->started);
}
END_TEST

START_TEST(ticktimer_sleep_0_ms_answers_at_once)
{
  struct async *a = &async_calls[0];

  a->ms = 0;
  async_start(a, do_sleep);
  ck_assert_msg(async_wait_flag(&a->done, BOUND_MS), "sleep 0 did not return");
  ck_assert_int_eq(a->err, XOUS_OK);
}
END_TEST

START_TEST(ticktimer_two_hundred_sleepers_in_eight_processes_all_wake)
{
  pid_t pids[8];
  int i;

  for (i = 0; i < 8; i++)
    pids[i] = harness_spawn(SELF, "sleepers", "25", "50", NULL);
  for (i = 0; i < 8; i++) {
    char *out = expect_success(pids[i], 20000);

    ck_assert_str_eq(out, "woke 25 failures 0\n");
    free(out);
  }
  assert_server_alive();
}
END_TEST

START_TEST(ticktimer_a_client_is_served_while_another_sleeps)
{
  struct async *a = &async_calls[0];
  char version[128];
  size_t len = 0;
  uint64_t t;

  a->ms = 60000;
  async_start(a, do_sleep);
  /* Let the sleep reach the server first. */
  harness_sleep_ms(200);
  t = elapsed();
  ck_assert_int_eq(xous_ticktimer_ping_watchdog(), XOUS_OK);
  ck_assert_int_eq(xous_ticktimer_version(version, sizeof version, &len),
                   XOUS_OK);
  ck_assert_msg(!atomic_load(&a->done),
                "the 60 s sleep returned early (after %llu ms)",
                (unsigned long long)t);
}
END_TEST

START_TEST(ticktimer_version_is_a_string_starting_with_v)
{
  char version[128];
  size_t len = 0;

  ck_assert_int_eq(xous_ticktimer_version(version, sizeof version, &len),
                   XOUS_OK);
  ck_assert_uint_gt(len, 1);
  ck_assert_uint_eq(strlen(version), len < sizeof version ? len : 127);
  ck_assert_msg(version[0] == 'v', "version is '%s'", version);
}
END_TEST

static uint32_t
le32(const uint8_t *p)
{
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}

START_TEST(ticktimer_get_version_answers_an_rkyv_version_string_of_offset_used)
{
  static const uint8_t empty[8] = { 0xff, 0xff, 0xff, 0xff,
                                    0xff, 0xff, 0xff, 0xff };
  xous_rkyv_reader_t r;
  const uint8_t *text;
  size_t off = 0, valid = 0, n, at, root;
  uint32_t enc;
  xous_range_t page;
  xous_cid_t cid;

  ck_assert_int_eq(xous_connect(xous_sid_from_name(XOUS_TICKTIMER_NAME), &cid),
                   XOUS_OK);
  ck_assert_int_eq(xous_map_memory(0, 0, XOUS_PAGE_SIZE,
                                   XOUS_MEM_R | XOUS_MEM_W, &page),
                   XOUS_OK);
  /* As the Rust client: VersionString { version: String::new() }. */
  memcpy(page.addr, empty, sizeof empty);
  ck_assert_int_eq(xous_lend_mut(cid, XOUS_TICKTIMER_GET_VERSION, page.addr,
                                 page.len, sizeof empty, page.len, &off,
                                 &valid),
                   XOUS_OK);
  ck_assert_uint_eq(valid, XOUS_PAGE_SIZE); /* unchanged */
  /* The text from byte 0, zeros to a multiple of 4, then the String
   * (length word, offset back to byte 0): offset is the archive's end. */
  ck_assert_uint_gt(off, 8);
  root = off - 8;
  enc = le32((const uint8_t *)page.addr + root);
  ck_assert_uint_eq(enc & 0xc0, 0x80);
  n = (enc & 0x3f) | (enc & ~0xffu) >> 2;
  at = (n + 3) & ~(size_t)3;
  ck_assert_uint_eq(root, at);
  ck_assert_uint_eq(le32((const uint8_t *)page.addr + root + 4),
                    ~(uint32_t)at + 1u);
  ck_assert_uint_eq(((const uint8_t *)page.addr)[0], 'v');
  for (size_t i = n; i < at; i++)
    ck_assert_uint_eq(((const uint8_t *)page.addr)[i], 0);
  xous_rkyv_reader_init(&r, page.addr, off);
  ck_assert_int_eq(xous_rkyv_get_str(&r, root, &text, &n), XOUS_OK);
  ck_assert_ptr_eq(text, page.addr);
  ck_assert_int_eq(xous_unmap_memory(page), XOUS_OK);
}
END_TEST

/* ---- the client against a stand-in ticktimer --------------------------- */

struct stand_in {
  int answer; /* 0 a good VersionString, 1 one whose offset leaves it */
  size_t offset, valid, len;
  uint8_t request[16];
};

static void *
stand_in_ticktimer(void *arg)
{
  struct stand_in *si = arg;
  xous_envelope_t env;
  xous_rkyv_writer_t w;
  xous_rkyv_str_t text;
  size_t root, used = 0;
  const xous_memory_msg_t *m = &env.body.memory;

  if (xous_receive_message(xous_sid_from_name(XOUS_TICKTIMER_NAME), &env) !=
      XOUS_OK)
    return NULL;
  si->offset = m->offset;
  si->valid = m->valid;
  si->len = m->buf.len;
  memcpy(si->request, m->buf.addr, sizeof si->request);
  xous_rkyv_writer_init(&w, m->buf.addr, m->buf.len);
  text = xous_rkyv_write_str(&w, "v9.8.7\nstand-in", 15);
  root = xous_rkyv_reserve(&w, 8, 4);
  xous_rkyv_put_str(&w, root, &text);
  (void)xous_rkyv_finish(&w, &used);
  if (si->answer == 1)
    ((uint8_t *)m->buf.addr)[root + 4] = 0x80; /* points far away */
  (void)xous_return_memory(env.sender, m->buf, used, m->valid);
  return NULL;
}

/* Asks for the version with si's stand-in answering in a thread of its
 * own; returns what xous_ticktimer_version() returned, once the stand-in
 * has ended. */
static xous_error_t
version_from_stand_in(struct stand_in *si, char *version, size_t size,
                      size_t *len)
{
  xous_tid_t tid;
  xous_error_t err;

  ck_assert_int_eq(xous_create_thread(stand_in_ticktimer, si, STACK_SIZE,
                                      &tid),
                   XOUS_OK);
  err = xous_ticktimer_version(version, size, len);
  ck_assert_int_eq(xous_join_thread(tid, NULL), XOUS_OK);
  return err;
}

START_TEST(
    ticktimer_version_client_sends_what_rust_sends_and_decodes_the_answer)
{
  static const uint8_t want[16] = { 0xff, 0xff, 0xff, 0xff,
                                    0xff, 0xff, 0xff, 0xff };
  struct stand_in si = { 0 };
  char version[64];
  size_t len = 0;

  ck_assert_int_eq(xous_create_server_with_address(xous_sid_from_name(
                                                       XOUS_TICKTIMER_NAME),
                                                   NULL),
                   XOUS_OK);
  ck_assert_int_eq(version_from_stand_in(&si, version, sizeof version, &len),
                   XOUS_OK);
  ck_assert_uint_eq(si.len, XOUS_PAGE_SIZE);
  ck_assert_uint_eq(si.offset, 8);
  ck_assert_uint_eq(si.valid, XOUS_PAGE_SIZE);
  ck_assert_mem_eq(si.request, want, sizeof want);
  ck_assert_uint_eq(len, 15);
  ck_assert_str_eq(version, "v9.8.7\nstand-in");

  /* A String that points outside the answer is refused, not read. */
  si.answer = 1;
  ck_assert_int_eq(version_from_stand_in(&si, version, sizeof version, &len),
                   XOUS_INTERNAL_ERROR);
}
END_TEST

START_TEST(
    ticktimer_mutex_keeps_every_update_of_eight_threads_in_two_processes)
{
  pid_t a = harness_spawn(SELF, "counter", "8", "400", NULL);
  pid_t b = harness_spawn(SELF, "counter", "8", "400", NULL);
  char *out;

  out = expect_success(a, 60000);
  ck_assert_str_eq(out, "count 3200 failures 0\n");
  free(out);
  out = expect_success(b, 60000);
  ck_assert_str_eq(out, "count 3200 failures 0\n");
  free(out);
  assert_server_alive();
}
END_TEST

START_TEST(ticktimer_unlocking_a_free_mutex_is_refused)
{
  xous_ticktimer_mutex_t m = XOUS_TICKTIMER_MUTEX_INIT;

  ck_assert_int_eq(xous_ticktimer_mutex_unlock(&m), XOUS_INVALID_ARGUMENT);
  ck_assert_int_eq(xous_ticktimer_mutex_lock(&m), XOUS_OK);
  ck_assert(!xous_ticktimer_mutex_try_lock(&m));
  ck_assert_int_eq(xous_ticktimer_mutex_unlock(&m), XOUS_OK);
  ck_assert(xous_ticktimer_mutex_try_lock(&m));
}
END_TEST

static xous_ticktimer_mutex_t cv_lock = XOUS_TICKTIMER_MUTEX_INIT;
static xous_ticktimer_cond_t cv = XOUS_TICKTIMER_COND_INIT;
static atomic_bool go;

START_TEST(ticktimer_cond_wait_with_a_timeout_times_out)
{
  bool timed_out = false;
  long long t0;
  xous_error_t err;

  ck_assert_int_eq(xous_ticktimer_mutex_lock(&cv_lock), XOUS_OK);
  t0 = harness_now_ms();
  err = xous_ticktimer_cond_wait(&cv, &cv_lock, 100, &timed_out);
  ck_assert_int_eq(err, XOUS_OK);
  ck_assert_msg(timed_out, "the wait says it was notified");
  ck_assert_msg(harness_now_ms() - t0 >= 100, "timed out after %lld ms",
                harness_now_ms() - t0);
  /* The mutex is held again. */
  ck_assert(!xous_ticktimer_mutex_try_lock(&cv_lock));
  ck_assert_int_eq(xous_ticktimer_mutex_unlock(&cv_lock), XOUS_OK);
}
END_TEST

static void
do_wait_forever(struct async *a)
{
  a->err = xous_ticktimer_mutex_lock(&cv_lock);
  if (a->err != XOUS_OK)
    return;
  atomic_store(&a->ready, true);
  while (!atomic_load(&go) && a->err == XOUS_OK)
    a->err = xous_ticktimer_cond_wait(&cv, &cv_lock, 0, &a->timed_out);
  xous_ticktimer_mutex_unlock(&cv_lock);
}

START_TEST(ticktimer_notify_wakes_a_waiter_that_waits_forever)
{
  struct async *a = &async_calls[0];
  xous_word_t woken = 0;

  atomic_store(&a->ready, false);
  async_start(a, do_wait_forever);
  ck_assert_msg(async_wait_flag(&a->ready, BOUND_MS),
                "the waiter did not start");
  /* The waiter holds the mutex until it waits, so this lock returns only
   * once it is waiting (or about to be). */
  ck_assert_int_eq(xous_ticktimer_mutex_lock(&cv_lock), XOUS_OK);
  atomic_store(&go, true);
  ck_assert_int_eq(xous_ticktimer_cond_notify(&cv, 1, &woken), XOUS_OK);
  ck_assert_int_eq(xous_ticktimer_mutex_unlock(&cv_lock), XOUS_OK);
  ck_assert_msg(async_wait_flag(&a->done, BOUND_MS),
                "the waiter was not woken within %d ms", BOUND_MS);
  ck_assert_int_eq(a->err, XOUS_OK);
  ck_assert(!a->timed_out);
  ck_assert_uint_eq(woken, 1);
}
END_TEST

START_TEST(ticktimer_notify_with_nobody_waiting_wakes_nobody)
{
  xous_word_t woken = 7;

  ck_assert_int_eq(xous_ticktimer_cond_notify(&cv, 1, &woken), XOUS_OK);
  ck_assert_uint_eq(woken, 0);
  ck_assert_int_eq(xous_ticktimer_cond_free(&cv), XOUS_OK);
}
END_TEST

START_TEST(ticktimer_only_the_server_itself_may_send_recalculate_sleep)
{
  xous_cid_t cid;
  xous_word_t ret[5];

  ck_assert_int_eq(xous_connect(xous_sid_from_name(XOUS_TICKTIMER_NAME), &cid),
                   XOUS_OK);
  ck_assert_int_eq(xous_blocking_scalar(cid, XOUS_TICKTIMER_RECALCULATE_SLEEP,
                                        0, 0, 0, 0, ret),
                   XOUS_OK);
  ck_assert_uint_eq(ret[0], XOUS_ACCESS_DENIED);
  ck_assert_int_eq(xous_blocking_scalar(cid, 999, 0, 0, 0, 0, ret), XOUS_OK);
  ck_assert_uint_eq(ret[0], XOUS_INVALID_ARGUMENT);
  ck_assert_int_eq(xous_blocking_scalar(cid, XOUS_TICKTIMER_ELAPSED_MS, 0, 0,
                                        0, 0, ret),
                   XOUS_OK);
  assert_server_alive();
}
END_TEST

/* ---- the message kinds of the real ticktimer ---------------------------- */

/* Sends a BlockingScalar and returns its raw result. */
static xous_result_t
raw_blocking(xous_cid_t cid, xous_word_t id, xous_word_t a1, xous_word_t a2)
{
  xous_message_t msg = { .kind = XOUS_MSG_BLOCKING_SCALAR,
                         .scalar = { id, a1, a2, 0x33, 0x44 } };
  xous_result_t res;

  ck_assert_int_eq(xous_send_message(cid, &msg, &res), XOUS_OK);
  return res;
}

static void
raw_scalar(xous_cid_t cid, xous_word_t id, xous_word_t a1, xous_word_t a2)
{
  xous_message_t msg = { .kind = XOUS_MSG_SCALAR,
                         .scalar = { id, a1, a2, 0, 0 } };
  xous_result_t res;

  ck_assert_int_eq(xous_send_message(cid, &msg, &res), XOUS_OK);
}

static void
assert_scalar5(xous_result_t res, xous_word_t value, xous_word_t key)
{
  ck_assert_uint_eq(res.kind, XOUS_RESULT_SCALAR5);
  ck_assert_uint_eq(res.w[0], value);
  ck_assert_uint_eq(res.w[1], key);
  ck_assert_uint_eq(res.w[3], 0x33);
  ck_assert_uint_eq(res.w[4], 0x44);
}

START_TEST(ticktimer_answers_come_as_the_real_servers_result_kinds)
{
  xous_cid_t cid;
  xous_result_t res;

  ck_assert_int_eq(xous_connect(xous_sid_from_name(XOUS_TICKTIMER_NAME), &cid),
                   XOUS_OK);
  res = raw_blocking(cid, XOUS_TICKTIMER_ELAPSED_MS, 0, 0);
  ck_assert_uint_eq(res.kind, XOUS_RESULT_SCALAR2);
  ck_assert_uint_eq(res.w[1] & ~(xous_word_t)0x0fffffffu, 0);
  /* Deferred answers are Scalar1. */
  res = raw_blocking(cid, XOUS_TICKTIMER_SLEEP_MS, 1, 0);
  ck_assert_uint_eq(res.kind, XOUS_RESULT_SCALAR1);
  ck_assert_uint_eq(res.w[0], 0);
  res = raw_blocking(cid, XOUS_TICKTIMER_WAIT_FOR_CONDITION, 0x51, 1);
  ck_assert_uint_eq(res.kind, XOUS_RESULT_SCALAR1);
  ck_assert_uint_eq(res.w[0], XOUS_TICKTIMER_TIMED_OUT);
  /* Answers at once are Scalar5 of the request, the value for its id. */
  assert_scalar5(raw_blocking(cid, XOUS_TICKTIMER_UNLOCK_MUTEX, 0x52, 0), 0,
                 0x52);
  assert_scalar5(raw_blocking(cid, XOUS_TICKTIMER_LOCK_MUTEX, 0x52, 0), 0,
                 0x52);
  res = raw_blocking(cid, XOUS_TICKTIMER_NOTIFY_CONDITION, 0x53, 0);
  assert_scalar5(res, 0, 0x53);
  ck_assert_uint_eq(res.w[2], 0);
  assert_server_alive();
}
END_TEST

START_TEST(ticktimer_lock_and_wait_sent_as_scalars_are_skipped)
{
  xous_cid_t cid;
  xous_result_t res;

  ck_assert_int_eq(xous_connect(xous_sid_from_name(XOUS_TICKTIMER_NAME), &cid),
                   XOUS_OK);
  /* UnlockMutex is served as a Scalar: it stores a token. */
  raw_scalar(cid, XOUS_TICKTIMER_UNLOCK_MUTEX, 0x61, 0);
  /* A LockMutex Scalar is skipped, so it takes no token... */
  raw_scalar(cid, XOUS_TICKTIMER_LOCK_MUTEX, 0x61, 0);
  /* ...and the BlockingScalar after it gets the token at once. */
  assert_scalar5(raw_blocking(cid, XOUS_TICKTIMER_LOCK_MUTEX, 0x61, 0), 0,
                 0x61);
  /* A WaitForCondition Scalar is skipped: no waiter to notify. */
  raw_scalar(cid, XOUS_TICKTIMER_WAIT_FOR_CONDITION, 0x62, 0);
  raw_scalar(cid, XOUS_TICKTIMER_SLEEP_MS, 1000000, 0);
  res = raw_blocking(cid, XOUS_TICKTIMER_NOTIFY_CONDITION, 0x62, 0);
  assert_scalar5(res, 0, 0x62);
  assert_server_alive();
}
END_TEST

/* ==== the suite ============================================================= */

int
main(int argc, char **argv)
{
  const struct harness_case cases[] = {
    { "server", 90, HARNESS_BROKER,
      .tests = HARNESS_TESTS(
          ticktimer_elapsed_ms_grows_by_at_least_the_time_slept,
          ticktimer_sleep_50_ms_answers_after_at_least_50_ms,
          ticktimer_short_sleeps_never_end_early_on_either_clock,
          ticktimer_a_sleeper_is_answered_only_once_every_earlier_deadline_was,
          ticktimer_sleep_0_ms_answers_at_once,
          ticktimer_two_hundred_sleepers_in_eight_processes_all_wake,
          ticktimer_a_client_is_served_while_another_sleeps,
          ticktimer_version_is_a_string_starting_with_v,
          ticktimer_mutex_keeps_every_update_of_eight_threads_in_two_processes,
          ticktimer_unlocking_a_free_mutex_is_refused,
          ticktimer_cond_wait_with_a_timeout_times_out,
          ticktimer_notify_wakes_a_waiter_that_waits_forever,
          ticktimer_notify_with_nobody_waiting_wakes_nobody,
          ticktimer_only_the_server_itself_may_send_recalculate_sleep,
          ticktimer_get_version_answers_an_rkyv_version_string_of_offset_used,
          ticktimer_answers_come_as_the_real_servers_result_kinds,
          ticktimer_lock_and_wait_sent_as_scalars_are_skipped),
      .setup = start_server },
    { "client", 90, HARNESS_BROKER,
      .tests = HARNESS_TESTS(
          ticktimer_version_client_sends_what_rust_sends_and_decodes_the_answer) },
  };

  if (argc > 1)
    return run_role(argc, argv);
  return harness_run(harness_suite("ticktimer", cases));
}
