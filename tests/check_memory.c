/*
 * Integration tests of memory messages (Lend, MutableLend, Send), of the
 * memory calls (MapMemory, UnmapMemory, the heap, UpdateMemoryFlags) and
 * of <xous/buffer.h>: a real xousd, real peer processes
 * (tests/helpers/mem-peer) and the test process itself as a Xous process.
 *
 * Faults are part of what is tested: the test process and mem-peer catch
 * SIGSEGV and SIGBUS with sigsetjmp around one access, and report whether
 * it faulted. Every test runs in its own forked process (Check's fork
 * mode) with its own broker; every wait is bounded.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>

#include <xous.h>
#include <xous/buffer.h>

#include "support/expect.h"
#include "support/harness.h"
#include "support/mem_protocol.h"
#include "support/probe.h"
#include "support/shm.h"

#define MEM_PEER "tests/helpers/mem-peer"
#define BOUND_MS 2000
#define STACK_SIZE (128 * 1024)
#define PAGE XOUS_PAGE_SIZE

/* Starts mem-peer's server role on a fresh name and connects to it. */
static pid_t
start_mem_server(const char *name, xous_cid_t *cid)
{
  pid_t pid = harness_spawn(MEM_PEER, "server", name, NULL);
  xous_error_t err;

  expect_line(pid, "ready", BOUND_MS);
  err = xous_try_connect(xous_sid_from_name(name), cid);
  ck_assert_msg(err == XOUS_OK, "try_connect: %s", xous_error_name(err));
  return pid;
}

static xous_range_t
map_pages(size_t pages)
{
  xous_range_t r;
  xous_error_t err = xous_map_memory(0, 0, pages * PAGE,
                                     XOUS_MEM_R | XOUS_MEM_W, &r);

  ck_assert_msg(err == XOUS_OK, "map_memory: %s", xous_error_name(err));
  return r;
}

/* map_pages(), every byte set to byte. */
static xous_range_t
map_pages_filled(size_t pages, int byte)
{
  xous_range_t r = map_pages(pages);

  memset(r.addr, byte, r.len);
  return r;
}

/* What most tests start with: mem-peer's server on a fresh name, connected
 * to, and pages of the test's own to lend or send it. */
struct lender {
  pid_t srv;
  xous_cid_t cid;
  xous_range_t r;
  unsigned char *p; /* r.addr */
};

static struct lender
lender_start(const char *name, xous_range_t r)
{
  struct lender t = { .r = r, .p = r.addr };

  t.srv = start_mem_server(name, &t.cid);
  return t;
}

/* ---- a second mapping of a range's memory object ----------------------------- */

/* Walks /proc/self/maps: the inode and file offset of the mapping at p
 * (when p is not NULL), and how many mappings there are of inode ino. */
static int
scan_maps(const void *p, unsigned long long *ino, unsigned long long *off)
{
  FILE *maps = fopen("/proc/self/maps", "r");
  char line[512];
  int n = 0;

  ck_assert_ptr_nonnull(maps);
  while (fgets(line, sizeof line, maps) != NULL) {
    unsigned long long start, end, o, i;

    if (sscanf(line, "%llx-%llx %*s %llx %*s %llu", &start, &end, &o, &i) != 4)
      continue;
    if (p == NULL && i == *ino)
      n++;
    if (p != NULL && start <= (uintptr_t)p && (uintptr_t)p < end) {
      *ino = i;
      *off = o + ((uintptr_t)p - start);
      n = 1;
      break;
    }
  }
  fclose(maps);
  return n;
}

/* The inode of the memory object mapped at p. */
static unsigned long long
inode_at(const void *p)
{
  unsigned long long ino = 0, off;

  ck_assert_msg(scan_maps(p, &ino, &off) == 1 && ino != 0,
                "no file mapping at %p", p);
  return ino;
}

/* How many mappings of the memory object ino this process has. */
static int
mappings_of(unsigned long long ino)
{
  return scan_maps(NULL, &ino, NULL);
}

/* Maps the memory object behind [p, p+len) a second time, found from
 * /proc/self/maps and the descriptors this process holds, so that a test
 * can watch the very pages a peer writes without going through p. */
static unsigned char *
second_mapping(const void *p, size_t len)
{
  unsigned long long ino = 0, off = 0;
  DIR *d;
  struct dirent *de;
  void *q = MAP_FAILED;

  ck_assert_msg(scan_maps(p, &ino, &off) == 1 && ino != 0,
                "no file mapping at %p", p);
  d = opendir("/proc/self/fd");
  ck_assert_ptr_nonnull(d);
  while ((de = readdir(d)) != NULL && q == MAP_FAILED) {
    struct stat st;
    int fd = atoi(de->d_name);

    if (de->d_name[0] == '.' || fd == dirfd(d))
      continue;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
        (unsigned long long)st.st_ino == ino)
      q = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)off);
  }
  closedir(d);
  ck_assert_msg(q != MAP_FAILED, "no descriptor of inode %llu to map", ino);
  return q;
}

/* ---- calls that block, in a Xous thread ------------------------------------ */

struct async {
  xous_cid_t cid;
  xous_msg_kind_t kind;
  xous_word_t id;
  void *buf;
  size_t len, offset, valid;
  xous_error_t err;
  size_t ret_offset, ret_valid;
  xous_tid_t tid;
  atomic_bool done;
};

/* Static: a call still blocked when a test ends writes nowhere harmful. */
static struct async call;

static void *
lend_entry(void *p)
{
  struct async *a = p;

  if (a->kind == XOUS_MSG_LEND)
    a->err = xous_lend(a->cid, a->id, a->buf, a->len, a->offset, a->valid,
                       &a->ret_offset, &a->ret_valid);
  else
    a->err = xous_lend_mut(a->cid, a->id, a->buf, a->len, a->offset, a->valid,
                           &a->ret_offset, &a->ret_valid);
  atomic_store(&a->done, true);
  return NULL;
}

static void
lend_start(xous_cid_t cid, xous_msg_kind_t kind, xous_word_t id, void *buf,
           size_t len)
{
  xous_error_t err;

  memset(&call, 0, sizeof call);
  call.cid = cid;
  call.kind = kind;
  call.id = id;
  call.buf = buf;
  call.len = len;
  err = xous_create_thread(lend_entry, &call, STACK_SIZE, &call.tid);
  ck_assert_msg(err == XOUS_OK, "create_thread: %s", xous_error_name(err));
}

static void
lend_finish(void)
{
  long long deadline = harness_now_ms() + BOUND_MS;

  while (!atomic_load(&call.done)) {
    ck_assert_msg(harness_now_ms() < deadline,
                  "the lend did not return within %d ms", BOUND_MS);
    harness_sleep_ms(1);
  }
  xous_join_thread(call.tid, NULL);
}

/* Has the server of cid return the lend it holds (MEM_RELEASE), and
 * waits for the lender's call to come back without an error. */
static void
lend_release(xous_cid_t cid)
{
  ck_assert_int_eq(xous_scalar(cid, MEM_RELEASE, 0, 0, 0, 0), XOUS_OK);
  lend_finish();
  ck_assert_int_eq(call.err, XOUS_OK);
}

/* Receives one message on sid in this process, bounded. */
static void
receive_bounded(xous_sid_t sid, xous_envelope_t *env)
{
  long long deadline = harness_now_ms() + BOUND_MS;

  for (;;) {
    bool got = false;
    xous_error_t err = xous_try_receive_message(sid, env, &got);

    ck_assert_msg(err == XOUS_OK, "try_receive: %s", xous_error_name(err));
    if (got)
      return;
    ck_assert_msg(harness_now_ms() < deadline, "no message within %d ms",
                  BOUND_MS);
    harness_sleep_ms(1);
  }
}

/* Makes the server named name and has a mem-peer lend it pages pages
 * mutably (message id 5); *env gets the lend. Returns the peer. */
static pid_t
lent_pages(const char *name, const char *pages, xous_envelope_t *env)
{
  xous_sid_t sid = xous_sid_from_name(name);
  pid_t client;

  ck_assert_int_eq(xous_create_server_with_address(sid, NULL), XOUS_OK);
  client = harness_spawn(MEM_PEER, "lend", name, "lend-mut", "5", pages, NULL);
  receive_bounded(sid, env);
  ck_assert_int_eq(env->body.kind, XOUS_MSG_LEND_MUT);
  return client;
}

/* ---- counting memory objects ------------------------------------------------ */

/* The memory objects a process can hold: those of messages, or the
 * broker's rings and server pages of the direct path. */
enum objects { MESSAGE_OBJECTS, DIRECT_OBJECTS };

/* Descriptors of pid that name a memory object (memfd or /dev/shm) of the
 * given kind. */
static int
objects_of(pid_t pid, enum objects kind)
{
  char path[64], target[256];
  struct dirent *de;
  int n = 0;
  DIR *d;

  snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
  d = opendir(path);
  ck_assert_msg(d != NULL, "cannot read %s: %s", path, strerror(errno));
  while ((de = readdir(d)) != NULL) {
    char link[320];
    ssize_t len;

    if (de->d_name[0] == '.')
      continue;
    snprintf(link, sizeof link, "%s/%s", path, de->d_name);
    len = readlink(link, target, sizeof target - 1);
    if (len <= 0)
      continue;
    target[len] = '\0';
    if (strncmp(target, "/memfd:", 7) != 0 &&
        strncmp(target, "/dev/shm/", 9) != 0)
      continue;
    if ((strncmp(target, "/memfd:xous-ring", 16) == 0 ||
         strncmp(target, "/memfd:xous-server", 18) == 0) ==
        (kind == DIRECT_OBJECTS))
      n++;
  }
  closedir(d);
  return n;
}

/* Waits (bounded) until the broker holds exactly want objects of the
 * kind objects_of counts; returns how many it holds at the end. */
static int
broker_objects_settle(enum objects kind, int want)
{
  long long deadline = harness_now_ms() + BOUND_MS;
  int n;

  while ((n = objects_of(harness_broker_pid(), kind)) != want &&
         harness_now_ms() < deadline)
    harness_sleep_ms(5);
  return n;
}

/* ---- fixtures --------------------------------------------------------------- */

/* ==== lends: the bytes, the sharing, the protection ========================== */

START_TEST(memory_mutable_lend_leaves_the_server_bytes_at_the_address_lent)
{
  size_t off = 0, valid = 0, i;
  xous_error_t err;
  struct lender t = lender_start(name16("mem-fill", 1),
                                 map_pages_filled(4, 'a'));

  err = xous_lend_mut(t.cid, MEM_FILL, t.p, t.r.len, 0x5a, 3, &off, &valid);
  ck_assert_msg(err == XOUS_OK, "lend_mut: %s", xous_error_name(err));
  ck_assert_uint_eq(off, 0x5a);
  ck_assert_uint_eq(valid, t.r.len);
  for (i = 0; i < t.r.len; i++)
    ck_assert_msg(t.p[i] == 0x5a, "byte %zu is %#x, not the server's 0x5a", i,
                  t.p[i]);
  ck_assert_int_eq(xous_unmap_memory(t.r), XOUS_OK);
}
END_TEST

START_TEST(memory_a_server_write_reaches_the_lender_pages_before_the_return)
{
  unsigned char *q;
  struct lender t = lender_start(name16("mem-share", 1), map_pages(2));

  q = second_mapping(t.r.addr, t.r.len);
  memset(t.r.addr, 'a', t.r.len);
  lend_start(t.cid, XOUS_MSG_LEND_MUT, MEM_HOLD, t.r.addr, t.r.len);
  expect_line(t.srv, "holding 104",
              BOUND_MS); /* 'h' of the mark the server wrote */
  /* The lend is still held: only shared pages can show the mark yet. */
  ck_assert_msg(memcmp(q, HOLD_MARK, sizeof HOLD_MARK) == 0,
                "the lender's object does not hold the server's write "
                "before the return (a copy?): '%.16s'",
                (const char *)q);
  ck_assert(!atomic_load(&call.done));
  lend_release(t.cid);
  ck_assert_uint_eq(call.ret_valid, 7);
  ck_assert_mem_eq(t.r.addr, HOLD_MARK, sizeof HOLD_MARK);
  munmap(q, t.r.len);
}
END_TEST

START_TEST(memory_a_lender_write_during_a_lend_is_seen_by_the_server)
{
  unsigned char *q;
  struct lender t = lender_start(name16("mem-share", 2), map_pages(1));

  q = second_mapping(t.r.addr, t.r.len);
  ((unsigned char *)t.r.addr)[0] = 'x';
  lend_start(t.cid, XOUS_MSG_LEND, MEM_HOLD, t.r.addr, t.r.len);
  expect_line(t.srv, "holding 120", BOUND_MS);
  q[0] = 'y'; /* while the server holds the lend */
  lend_release(t.cid);
  expect_line(t.srv, "saw 121", BOUND_MS);
  munmap(q, t.r.len);
}
END_TEST

/* Two pages (protected page by page); 4 MiB with every page mapped on
 * both sides (whose page tables move away and back); 4 MiB with a few
 * pages mapped (protected page by page again) until the server touches
 * every page in the second round (then its page tables move): three
 * times each, the later times to the server that kept the object. */
static const struct {
  size_t pages;
  bool every_page; /* the lender and the server touch every page */
} prot_cases[] = { { 2, false }, { 1024, true }, { 1024, false } };

START_TEST(memory_a_mutable_lend_makes_the_lender_range_fault_until_the_return)
{
  size_t last;
  struct lender t = lender_start(name16("mem-prot", 1 + _i),
                                 map_pages(prot_cases[_i].pages));

  last = t.r.len - 1;
  if (prot_cases[_i].every_page)
    memset(t.p, 'f', t.r.len);
  t.p[last] = 'e';
  for (int round = 0; round < 3; round++) {
    xous_word_t hold = prot_cases[_i].every_page || round == 1 ? MEM_HOLD_PAGES
                                                               : MEM_HOLD;
    char line[64];

    ck_assert(!probe_write_faults(t.p + PAGE, 'b'));
    lend_start(t.cid, XOUS_MSG_LEND_MUT, hold, t.p, t.r.len);
    /* Four lines a round: holding, release, returned, after-return. */
    ck_assert_msg(harness_wait_nth_line(t.srv, 1 + 4 * (size_t)round, line,
                                        sizeof line, BOUND_MS),
                  "no holding line");
    ck_assert_str_eq(line, "holding 104");
    /* Another thread of the lender (this one) touches the lent range. */
    ck_assert_msg(probe_read_faults(t.p),
                  "reading a mutably lent page did not fault");
    ck_assert_msg(probe_read_faults(t.p + PAGE + 17),
                  "reading the second lent page did not fault");
    ck_assert_msg(probe_read_faults(t.p + last),
                  "reading the last page did not fault");
    ck_assert_msg(probe_write_faults(t.p + 5, 'z'),
                  "writing a mutably lent page did not fault");
    lend_release(t.cid);
    ck_assert_msg(!probe_read_faults(t.p),
                  "the range still faults after the return");
    ck_assert_msg(!probe_write_faults(t.p + PAGE, 'c'),
                  "the range is not writable after the return");
    ck_assert_mem_eq(t.p, HOLD_MARK, sizeof HOLD_MARK);
    if (hold == MEM_HOLD_PAGES && t.r.len / 2 > PAGE)
      ck_assert_mem_eq(t.p + t.r.len / 2, HOLD_MARK, sizeof HOLD_MARK);
    ck_assert_int_eq(t.p[last], 'e');
    ck_assert_msg(harness_wait_nth_line(t.srv, 4 + 4 * (size_t)round, line,
                                        sizeof line, BOUND_MS),
                  "the server did not report its access after the return");
    ck_assert_str_eq(line, "after-return faulted");
    memset(t.p, 'h', sizeof HOLD_MARK); /* what the server's next look sees */
  }
}
END_TEST

START_TEST(memory_the_server_loses_access_after_return_memory)
{
  static const xous_msg_kind_t kinds[] = { XOUS_MSG_LEND_MUT, XOUS_MSG_LEND };
  xous_cid_t cid;
  xous_range_t r;
  pid_t srv;
  size_t i;

  srv = start_mem_server(name16("mem-after", 1), &cid);
  r = map_pages(1);
  for (i = 0; i < 2; i++) {
    char *out;

    lend_start(cid, kinds[i], MEM_HOLD, r.addr, r.len);
    ck_assert_msg(harness_wait_nth_line(srv, 1 + 4 * i, (char[64]){ 0 }, 64,
                                        BOUND_MS),
                  "no holding line");
    lend_release(cid);
    ck_assert_msg(harness_wait_nth_line(srv, 4 + 4 * i, (char[64]){ 0 }, 64,
                                        BOUND_MS),
                  "the server did not report its access after the return");
    out = harness_output(srv);
    ck_assert_msg(strstr(out, "returned NoError\nafter-return faulted\n") !=
                      NULL,
                  "after return (kind %d) the server printed '%s'",
                  (int)kinds[i], out);
    ck_assert_msg(strstr(out, "after-return readable") == NULL,
                  "the server could still read the pages: '%s'", out);
    free(out);
  }
}
END_TEST

START_TEST(memory_an_immutable_lend_is_mapped_read_only_in_the_server)
{
  xous_cid_t cid;
  xous_range_t r;
  size_t valid = 0;
  pid_t srv;

  srv = start_mem_server(name16("mem-ro", 1), &cid);
  r = map_pages_filled(1, 'q');
  ck_assert_int_eq(xous_lend(cid, MEM_RO_WRITE, r.addr, r.len, 0, 0, NULL,
                             &valid),
                   XOUS_OK);
  expect_line(srv, "ro-write faulted", BOUND_MS);
  ck_assert_uint_eq(valid, 1);
  ck_assert_uint_eq(((unsigned char *)r.addr)[0], 'q');
  /* The lender itself keeps its pages as they were. */
  ck_assert(!probe_write_faults(r.addr, 'r'));
}
END_TEST

START_TEST(memory_offset_and_valid_travel_both_ways)
{
  xous_cid_t cid;
  xous_range_t r;
  size_t off = 0, valid = 0;
  pid_t srv;
  char want[128];

  srv = start_mem_server(name16("mem-words", 1), &cid);
  r = map_pages_filled(1, 1);
  ck_assert_int_eq(xous_lend(cid, MEM_ECHO, r.addr, r.len, 17, 42, &off,
                             &valid),
                   XOUS_OK);
  snprintf(want, sizeof want,
           "echo kind=%d len=4096 offset=17 valid=42 "
           "sum=4096",
           (int)XOUS_MSG_LEND);
  expect_line(srv, want, BOUND_MS);
  ck_assert_uint_eq(off, 1017);
  ck_assert_uint_eq(valid, 43);
  ck_assert_int_eq(xous_lend_mut(cid, MEM_ECHO, r.addr, r.len, 99999, 0, &off,
                                 &valid),
                   XOUS_OK);
  snprintf(want, sizeof want,
           "echo kind=%d len=4096 offset=99999 valid=0 "
           "sum=4096",
           (int)XOUS_MSG_LEND_MUT);
  expect_line(srv, want, BOUND_MS);
  ck_assert_uint_eq(off, 100999);
  ck_assert_uint_eq(valid, 1);
}
END_TEST

/* ==== Send ==================================================================== */

START_TEST(memory_send_moves_the_pages_to_the_server_which_unmaps_them)
{
  struct lender t = lender_start(name16("mem-send", 1),
                                 map_pages_filled(2, 2));

  ck_assert_int_eq(xous_send(t.cid, MEM_SEND, t.p, t.r.len, 0, t.r.len),
                   XOUS_OK);
  ck_assert_msg(probe_read_faults(t.p),
                "the sender can still read sent pages");
  ck_assert_msg(probe_read_faults(t.p + PAGE),
                "the second sent page is readable");
  ck_assert_int_eq(xous_unmap_memory(t.r), XOUS_BAD_ADDRESS);
  expect_line(t.srv, "send len=8192 sum=16384", BOUND_MS);
  expect_line(t.srv, "send-write ok", BOUND_MS);
  expect_line(t.srv, "unmap NoError", BOUND_MS);
  expect_line(t.srv, "unmap-again BadAddress", BOUND_MS);
  expect_line(t.srv, "after-unmap faulted", BOUND_MS);
}
END_TEST

START_TEST(memory_sending_part_of_a_range_keeps_the_rest)
{
  struct lender t = lender_start(name16("mem-send", 2),
                                 map_pages_filled(3, 1));

  ck_assert_int_eq(xous_send(t.cid, MEM_SEND, t.p + PAGE, PAGE, 0, 0),
                   XOUS_OK);
  expect_line(t.srv, "unmap NoError", BOUND_MS);
  ck_assert(!probe_write_faults(t.p, 7));
  ck_assert(probe_read_faults(t.p + PAGE));
  ck_assert(!probe_write_faults(t.p + 2 * PAGE, 7));
  ck_assert_int_eq(xous_unmap_memory((xous_range_t){ t.p, PAGE }), XOUS_OK);
  ck_assert_int_eq(xous_unmap_memory((xous_range_t){ t.p + 2 * PAGE, PAGE }),
                   XOUS_OK);
}
END_TEST

/* A range keeps where its pages went at a MutableLend for its next one;
 * that goes with the range: once it is unmapped (0) or sent (1), no
 * mapping of its memory object is left in the lender, and once it is
 * made read-only (2), only the range itself maps it. */
START_TEST(memory_a_range_once_mutably_lent_leaves_no_mapping_when_it_goes)
{
  xous_cid_t cid;
  xous_range_t r;
  unsigned long long ino;
  size_t off = 0, valid = 0;
  pid_t srv;

  srv = start_mem_server(name16("mem-gone", 1 + _i), &cid);
  r = map_pages(1024);
  memset(r.addr, 'g', r.len); /* every page mapped: its page tables move */
  ino = inode_at(r.addr);
  for (int round = 0; round < 2; round++)
    ck_assert_int_eq(xous_lend_mut(cid, MEM_FILL, r.addr, r.len, 0x33, 0, &off,
                                   &valid),
                     XOUS_OK);
  ck_assert_uint_eq(((unsigned char *)r.addr)[r.len - 1], 0x33);
  if (_i == 2) {
    ck_assert_int_eq(xous_update_memory_flags(r, XOUS_MEM_R, 0), XOUS_OK);
    ck_assert_int_eq(mappings_of(ino), 1);
    return;
  }
  if (_i == 0) {
    ck_assert_int_eq(xous_unmap_memory(r), XOUS_OK);
  } else {
    ck_assert_int_eq(xous_send(cid, MEM_SEND, r.addr, r.len, 0, 0), XOUS_OK);
    expect_line(srv, "unmap NoError", BOUND_MS);
  }
  ck_assert_int_eq(mappings_of(ino), 0);
}
END_TEST

/* ==== errors ================================================================== */

static xous_error_t
raw_memory(xous_cid_t cid, xous_msg_kind_t kind, void *addr, size_t len)
{
  xous_message_t msg;

  memset(&msg, 0, sizeof msg);
  msg.kind = kind;
  msg.memory.id = MEM_ECHO;
  msg.memory.buf.addr = addr;
  msg.memory.buf.len = len;
  return xous_send_message(cid, &msg, NULL);
}

START_TEST(memory_bad_ranges_are_refused_by_every_memory_message)
{
  static const xous_msg_kind_t kinds[] = { XOUS_MSG_LEND, XOUS_MSG_LEND_MUT,
                                           XOUS_MSG_SEND };
  xous_range_t gone;
  unsigned char *foreign;
  size_t i;
  struct lender t = lender_start(name16("mem-errors", 1), map_pages(2));

  gone = map_pages(1);
  ck_assert_int_eq(xous_unmap_memory(gone), XOUS_OK);
  foreign = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ck_assert(foreign != MAP_FAILED);
  for (i = 0; i < 3; i++) {
    xous_msg_kind_t k = kinds[i];
    /* As the kernel: a lend off the page grid is BadAlignment, a move
     * BadAddress. */
    xous_error_t off_grid = k == XOUS_MSG_SEND ? XOUS_BAD_ADDRESS
                                               : XOUS_BAD_ALIGNMENT;

    ck_assert_int_eq(raw_memory(t.cid, k, t.p + 1, PAGE), off_grid);
    /* No address or no length: the words do not decode. */
    ck_assert_int_eq(raw_memory(t.cid, k, NULL, PAGE), XOUS_UNHANDLED_SYSCALL);
    ck_assert_int_eq(raw_memory(t.cid, k, t.p, 0), XOUS_UNHANDLED_SYSCALL);
    ck_assert_int_eq(raw_memory(t.cid, k, t.p, 100), off_grid);
    ck_assert_int_eq(raw_memory(t.cid, k, gone.addr, PAGE), XOUS_BAD_ADDRESS);
    ck_assert_int_eq(raw_memory(t.cid, k, foreign, PAGE), XOUS_BAD_ADDRESS);
    /* Past the end of the range: not all of it is ours. */
    ck_assert_int_eq(raw_memory(t.cid, k, t.p + PAGE, 2 * PAGE),
                     XOUS_BAD_ADDRESS);
  }
  /* A mutable lend that failed leaves the pages to the lender. */
  ck_assert_int_eq(raw_memory(t.cid + 7, XOUS_MSG_LEND_MUT, t.p, t.r.len),
                   XOUS_SERVER_NOT_FOUND);
  ck_assert(!probe_write_faults(t.p, 1));
  ck_assert(!probe_write_faults(t.p + PAGE, 1));
  /* A send that failed leaves them too. */
  ck_assert_int_eq(raw_memory(t.cid + 7, XOUS_MSG_SEND, t.p, t.r.len),
                   XOUS_SERVER_NOT_FOUND);
  ck_assert(!probe_write_faults(t.p, 1));
  /* And the server still serves. */
  ck_assert_int_eq(raw_memory(t.cid, XOUS_MSG_LEND, t.p, t.r.len), XOUS_OK);
  munmap(foreign, PAGE);
}
END_TEST

START_TEST(memory_return_memory_refuses_what_was_not_lent_and_returns_once)
{
  xous_envelope_t env;
  xous_range_t got;
  pid_t client;

  client = lent_pages(name16("mem-return", 1), "2", &env);
  got = env.body.memory.buf;
  ck_assert_uint_eq(got.len, 2 * PAGE);
  /* Wrong size, wrong address: BadAddress, and the lend is still ours. */
  ck_assert_int_eq(xous_return_memory(env.sender,
                                      (xous_range_t){ got.addr, PAGE }, 0, 0),
                   XOUS_BAD_ADDRESS);
  ck_assert_int_eq(xous_return_memory(env.sender,
                                      (xous_range_t){ (char *)got.addr + PAGE,
                                                      PAGE },
                                      0, 0),
                   XOUS_BAD_ADDRESS);
  /* No address or no length: the words do not decode, and the lend is
   * still ours. */
  ck_assert_int_eq(xous_return_memory(env.sender,
                                      (xous_range_t){ NULL, got.len }, 0, 0),
                   XOUS_UNHANDLED_SYSCALL);
  ck_assert_int_eq(xous_return_memory(env.sender,
                                      (xous_range_t){ got.addr, 0 }, 0, 0),
                   XOUS_UNHANDLED_SYSCALL);
  /* A sender word that names no lend: nothing to return. */
  ck_assert_int_eq(xous_return_memory(env.sender ^ 1, got, 0, 0),
                   XOUS_DOUBLE_FREE);
  /* Borrowed pages are given back, never unmapped. */
  ck_assert_int_eq(xous_unmap_memory(got), XOUS_SHARE_VIOLATION);
  ck_assert_uint_eq(((unsigned char *)got.addr)[PAGE + 3], 'a');
  ck_assert(!probe_write_faults((unsigned char *)got.addr + 1, 'b'));
  ck_assert_int_eq(xous_return_memory(env.sender, got, 11, 22), XOUS_OK);
  ck_assert_int_eq(xous_return_memory(env.sender, got, 11, 22),
                   XOUS_DOUBLE_FREE);
  ck_assert_msg(probe_read_faults(got.addr),
                "the server can still read the pages after returning them");
  expect_line(client, "lend-mut NoError 11 22", BOUND_MS);
  ck_assert(harness_wait(client, BOUND_MS, NULL));
}
END_TEST

START_TEST(memory_map_and_unmap_refuse_bad_ranges)
{
  xous_range_t r, out;
  unsigned char *p;
  size_t i;

  /* A size of 0 does not decode (MemoryAddress::new(size) is None). */
  ck_assert_int_eq(xous_map_memory(0, 0, 0, XOUS_MEM_R | XOUS_MEM_W, &out),
                   XOUS_UNHANDLED_SYSCALL);
  ck_assert_int_eq(xous_map_memory(0, 0, 100, XOUS_MEM_R | XOUS_MEM_W, &out),
                   XOUS_BAD_ALIGNMENT);
  ck_assert_int_eq(xous_map_memory(0, 0x60000001, PAGE,
                                   XOUS_MEM_R | XOUS_MEM_W, &out),
                   XOUS_BAD_ALIGNMENT);
  r = map_pages(3);
  p = r.addr;
  for (i = 0; i < r.len; i++)
    ck_assert_msg(p[i] == 0, "mapped memory is not zeroed at %zu", i);
  ck_assert_int_eq(xous_unmap_memory((xous_range_t){ p + 1, PAGE }),
                   XOUS_BAD_ALIGNMENT);
  /* A range of address or length 0 does not decode (MemoryRange::new). */
  ck_assert_int_eq(xous_unmap_memory((xous_range_t){ p, 0 }),
                   XOUS_UNHANDLED_SYSCALL);
  ck_assert_int_eq(xous_unmap_memory((xous_range_t){ NULL, PAGE }),
                   XOUS_UNHANDLED_SYSCALL);
  ck_assert_int_eq(xous_update_memory_flags((xous_range_t){ p, 0 }, XOUS_MEM_R,
                                            0),
                   XOUS_UNHANDLED_SYSCALL);
  ck_assert_int_eq(xous_update_memory_flags((xous_range_t){ NULL, PAGE },
                                            XOUS_MEM_R, 0),
                   XOUS_UNHANDLED_SYSCALL);
  /* A hole in the middle; the rest stays usable. */
  ck_assert_int_eq(xous_unmap_memory((xous_range_t){ p + PAGE, PAGE }),
                   XOUS_OK);
  ck_assert(probe_read_faults(p + PAGE));
  ck_assert(!probe_write_faults(p, 1));
  ck_assert(!probe_write_faults(p + 2 * PAGE, 1));
  ck_assert_int_eq(xous_unmap_memory((xous_range_t){ p + PAGE, PAGE }),
                   XOUS_BAD_ADDRESS);
  ck_assert_int_eq(xous_unmap_memory((xous_range_t){ p, PAGE }), XOUS_OK);
  ck_assert_int_eq(xous_unmap_memory((xous_range_t){ p, PAGE }),
                   XOUS_BAD_ADDRESS);
  ck_assert_int_eq(xous_unmap_memory((xous_range_t){ p + 2 * PAGE, PAGE }),
                   XOUS_OK);
  ck_assert(probe_read_faults(p));
}
END_TEST

/* The device's user area ends at 0xff00_0000: a fixed address at or past
 * it, or a range that reaches into it, is refused as on the device. */
START_TEST(memory_map_memory_into_the_kernel_area_gives_bad_address)
{
  const unsigned rw = XOUS_MEM_R | XOUS_MEM_W;
  xous_range_t out = { NULL, 0 };

  ck_assert_int_eq(xous_map_memory(0, 0xff000000u, PAGE, rw, &out),
                   XOUS_BAD_ADDRESS);
  ck_assert_int_eq(xous_map_memory(0, 0xfffff000u, PAGE, rw, &out),
                   XOUS_BAD_ADDRESS);
  ck_assert_int_eq(xous_map_memory(0, 0xff000000u - PAGE, 2 * PAGE, rw, &out),
                   XOUS_BAD_ADDRESS);
  ck_assert_ptr_null(out.addr);
}
END_TEST

/* ==== buffers that are not whole pages ========================================= */

static unsigned char static_buf[300];

START_TEST(memory_stack_static_and_malloc_buffers_are_bounced_and_copied_back)
{
  struct {
    unsigned char buf[100];
    unsigned char canary[16];
  } st;
  unsigned char *heap = malloc(5000);
  size_t off = 0, valid = 0, i;
  xous_cid_t cid;
  pid_t srv;

  ck_assert_ptr_nonnull(heap);
  srv = start_mem_server(name16("mem-bounce", 1), &cid);
  memset(&st, 'c', sizeof st);
  ck_assert_int_eq(xous_lend_mut(cid, MEM_FILL, st.buf, sizeof st.buf, 0x33, 0,
                                 &off, &valid),
                   XOUS_OK);
  for (i = 0; i < sizeof st.buf; i++)
    ck_assert_uint_eq(st.buf[i], 0x33);
  for (i = 0; i < sizeof st.canary; i++)
    ck_assert_msg(st.canary[i] == 'c', "the copy back overran the buffer");
  ck_assert_uint_eq(valid, PAGE); /* the server saw one bounce page */

  memset(static_buf, 0, sizeof static_buf);
  ck_assert_int_eq(xous_lend_mut(cid, MEM_FILL, static_buf, sizeof static_buf,
                                 0x44, 0, NULL, NULL),
                   XOUS_OK);
  ck_assert_uint_eq(static_buf[0], 0x44);
  ck_assert_uint_eq(static_buf[sizeof static_buf - 1], 0x44);

  memset(heap, 3, 5000);
  ck_assert_int_eq(xous_lend(cid, MEM_ECHO, heap, 5000, 1, 2, &off, &valid),
                   XOUS_OK);
  /* Two bounce pages; what lies past the buffer in them is zero. */
  expect_line(srv, "echo kind=2 len=8192 offset=1 valid=2 sum=15000",
              BOUND_MS);
  ck_assert_uint_eq(off, 1001);
  ck_assert_uint_eq(heap[0], 3);

  /* Send of a stack buffer: fresh pages move, the caller keeps its own. */
  ck_assert_int_eq(xous_send(cid, MEM_SEND, st.buf, sizeof st.buf, 0, 0),
                   XOUS_OK);
  expect_line(srv, "send len=4096 sum=5100", BOUND_MS);
  expect_line(srv, "unmap NoError", BOUND_MS);
  ck_assert_uint_eq(st.buf[0], 0x33);
  free(heap);
}
END_TEST

/* ==== death in the middle of a lend ============================================ */

START_TEST(
    memory_a_server_killed_mid_lend_fails_the_lender_and_gives_its_pages_back)
{
  struct lender t = lender_start(name16("mem-death", 1), map_pages(2));

  lend_start(t.cid, XOUS_MSG_LEND_MUT, MEM_HOLD, t.p, t.r.len);
  expect_line(t.srv, "holding 104", BOUND_MS);
  ck_assert(probe_read_faults(t.p));
  harness_kill(t.srv, SIGKILL);
  ck_assert(harness_wait(t.srv, BOUND_MS, NULL));
  lend_finish();
  ck_assert_msg(call.err == XOUS_SERVER_NOT_FOUND, "the lender got %s",
                xous_error_name(call.err));
  ck_assert_msg(!probe_read_faults(t.p), "the lender's pages still fault");
  ck_assert(!probe_write_faults(t.p + PAGE, 9));
  ck_assert_mem_eq(t.p, HOLD_MARK, sizeof HOLD_MARK);
  ck_assert_int_eq(xous_unmap_memory(t.r), XOUS_OK);
}
END_TEST

START_TEST(memory_a_client_killed_mid_lend_lets_the_server_return_quietly)
{
  const char *name = name16("mem-death", 2);
  xous_sid_t sid = xous_sid_from_name(name);
  xous_envelope_t env;
  pid_t client;

  client = lent_pages(name, "1", &env);
  harness_kill(client, SIGKILL);
  ck_assert(harness_wait(client, BOUND_MS, NULL));
  /* The pages stay usable while the server holds them. */
  ck_assert(!probe_write_faults(env.body.memory.buf.addr, 'k'));
  ck_assert_int_eq(xous_return_memory(env.sender, env.body.memory.buf, 0, 1),
                   XOUS_OK);
  ck_assert(probe_read_faults(env.body.memory.buf.addr));
  ck_assert_int_eq(xous_return_memory(env.sender, env.body.memory.buf, 0, 1),
                   XOUS_DOUBLE_FREE);
  /* The server is unharmed: it can be destroyed, nothing is lent. */
  ck_assert_int_eq(xous_destroy_server(sid), XOUS_OK);
  harness_assert_broker_alive();
}
END_TEST

START_TEST(memory_a_send_of_a_client_that_exited_is_still_received)
{
  const char *name = name16("mem-orphan", 1);
  xous_sid_t sid = xous_sid_from_name(name);
  xous_envelope_t env;
  const unsigned char *p;
  size_t bad = 0;
  pid_t client;

  ck_assert_int_eq(xous_create_server_with_address(sid, NULL), XOUS_OK);
  client = harness_spawn(MEM_PEER, "lend", name, "send", "9", "3", NULL);
  expect_line(client, "send NoError 0 0", BOUND_MS);
  /* The server's first receive comes only once its client is gone: what
   * the client queued is delivered all the same, as from the kernel's
   * queue. */
  ck_assert(harness_wait(client, BOUND_MS, NULL));
  receive_bounded(sid, &env);
  ck_assert_int_eq(env.body.kind, XOUS_MSG_SEND);
  ck_assert_uint_eq(env.body.memory.id, 9);
  ck_assert_uint_eq(env.body.memory.buf.len, 3 * PAGE);
  p = env.body.memory.buf.addr;
  for (size_t i = 0; i < 3 * PAGE; i++)
    bad += p[i] != 'a';
  ck_assert_uint_eq(bad, 0);
  ck_assert_int_eq(xous_unmap_memory(env.body.memory.buf), XOUS_OK);
  ck_assert_int_eq(xous_destroy_server(sid), XOUS_OK);
  harness_assert_broker_alive();
}
END_TEST

START_TEST(memory_death_mid_lend_or_send_leaves_no_memory_object_behind)
{
  const char *held = name16("mem-leak", 1), *stuck = name16("mem-leak", 2);
  int shm_before, during, direct_before;
  pid_t srv, jam, c1, c2, c3;
  xous_cid_t cid;

  ck_assert_int_eq(broker_objects_settle(MESSAGE_OBJECTS, 0), 0);
  shm_before = shm_xous_entries();
  direct_before = objects_of(harness_broker_pid(), DIRECT_OBJECTS);
  srv = start_mem_server(held, &cid);
  jam = harness_spawn(MEM_PEER, "stuck", stuck, NULL);
  expect_line(jam, "ready", BOUND_MS);
  c1 = harness_spawn(MEM_PEER, "lend", held, "lend-mut", "3", "4", NULL);
  expect_line(srv, "holding 104", BOUND_MS);
  c2 = harness_spawn(MEM_PEER, "lend", stuck, "lend", "1", "2", NULL);
  c3 = harness_spawn(MEM_PEER, "lend", stuck, "send", "1", "2", NULL);
  expect_line(c2, "connected", BOUND_MS);
  expect_line(c3, "send NoError 0 0", BOUND_MS);
  /* Two messages wait in the stuck server's queue; their objects went
   * from the clients to the server directly, past the broker. */
  during = broker_objects_settle(MESSAGE_OBJECTS, 0);
  ck_assert_msg(during == 0,
                "the broker holds %d memory objects while two "
                "messages are queued",
                during);

  harness_kill(c1, SIGKILL); /* a lender dies while its lend is held */
  ck_assert(harness_wait(c1, BOUND_MS, NULL));
  ck_assert_int_eq(xous_scalar(cid, MEM_RELEASE, 0, 0, 0, 0), XOUS_OK);
  expect_line(srv, "returned NoError", BOUND_MS);
  harness_kill(jam, SIGKILL); /* a server dies with a lend and a send queued */
  ck_assert(harness_wait(jam, BOUND_MS, NULL));
  expect_line(c2, "lend ServerNotFound 0 0", BOUND_MS);

  during = broker_objects_settle(MESSAGE_OBJECTS, 0);
  ck_assert_msg(during == 0, "the broker still holds %d memory objects",
                during);
  ck_assert_int_eq(shm_xous_entries(), shm_before);
  harness_kill(srv, SIGKILL);
  ck_assert(harness_wait(srv, BOUND_MS, NULL));
  ck_assert_int_eq(broker_objects_settle(MESSAGE_OBJECTS, 0), 0);
  ck_assert_int_eq(shm_xous_entries(), shm_before);
  /* The servers' pages and their clients' rings went with them. */
  ck_assert_int_eq(broker_objects_settle(DIRECT_OBJECTS, direct_before),
                   direct_before);
  harness_assert_broker_alive();
}
END_TEST

/* ==== the heap and memory flags ================================================ */

START_TEST(memory_the_heap_grows_by_new_parts_up_to_its_maximum)
{
  xous_range_t first, part, again, down;
  unsigned char *base;
  size_t size;

  ck_assert_int_eq(xous_increase_heap(0, XOUS_MEM_R | XOUS_MEM_W, &first),
                   XOUS_OK);
  ck_assert_ptr_nonnull(first.addr);
  ck_assert_uint_eq(first.len, PAGE); /* empty: base and one page */
  base = first.addr;
  ck_assert_int_eq(xous_increase_heap(2 * PAGE, XOUS_MEM_R | XOUS_MEM_W,
                                      &part),
                   XOUS_OK);
  ck_assert_ptr_eq(part.addr, base);
  ck_assert_uint_eq(part.len, 2 * PAGE);
  ck_assert_int_eq(xous_increase_heap(PAGE, XOUS_MEM_R | XOUS_MEM_W, &part),
                   XOUS_OK);
  ck_assert_ptr_eq(part.addr, base + 2 * PAGE); /* the new part only */
  ck_assert_uint_eq(part.len, PAGE);
  ck_assert(!probe_write_faults(base + 3 * PAGE - 1, 5));
  ck_assert(probe_read_faults(base + 3 * PAGE));
  ck_assert_int_eq(xous_increase_heap(0, 0, &again), XOUS_OK);
  ck_assert_ptr_eq(again.addr, base);
  ck_assert_uint_eq(again.len, 3 * PAGE);
  ck_assert_int_eq(xous_increase_heap(100, 0, &part), XOUS_BAD_ALIGNMENT);
  /* Flags MemoryFlags::from_bits refuses: the call does not decode. */
  ck_assert_int_eq(xous_increase_heap(PAGE, XOUS_MEM_ALL + 1, &part),
                   XOUS_UNHANDLED_SYSCALL);

  /* 512 KiB is the device's maximum. */
  size = 512 * 1024 - 3 * PAGE;
  ck_assert_int_eq(xous_increase_heap(size + PAGE, 0, &part),
                   XOUS_OUT_OF_MEMORY);
  ck_assert_int_eq(xous_increase_heap(size, 0, &part), XOUS_OK);
  ck_assert_int_eq(xous_increase_heap(PAGE, 0, &part), XOUS_OUT_OF_MEMORY);

  /* Past the heap: OutOfMemory, as the kernel; to 0 (the kernel panics):
   * BadAddress. Neither changes the heap. */
  ck_assert_int_eq(xous_decrease_heap(size + 4 * PAGE, &down),
                   XOUS_OUT_OF_MEMORY);
  ck_assert_int_eq(xous_decrease_heap(size + 3 * PAGE, &down),
                   XOUS_BAD_ADDRESS);
  ck_assert_int_eq(xous_decrease_heap(size, &down), XOUS_OK);
  ck_assert_ptr_eq(down.addr, base);
  ck_assert_uint_eq(down.len, 3 * PAGE);
  ck_assert(probe_read_faults(base + 3 * PAGE));
  ck_assert_uint_eq(base[3 * PAGE - 1], 5);
}
END_TEST

START_TEST(memory_update_memory_flags_to_read_only_makes_writes_fault)
{
  xous_range_t r = map_pages(2);
  unsigned char *p = r.addr;

  p[0] = 1;
  ck_assert_int_eq(xous_update_memory_flags(r, XOUS_MEM_R, 0), XOUS_OK);
  ck_assert(!probe_read_faults(p));
  ck_assert_msg(probe_write_faults(p, 2), "a read-only page took a write");
  ck_assert(probe_write_faults(p + PAGE, 2));
  ck_assert_uint_eq(p[0], 1);
  ck_assert_int_eq(xous_update_memory_flags(r, XOUS_MEM_R | XOUS_MEM_W, 0),
                   XOUS_OK);
  ck_assert(!probe_write_faults(p, 3));
  ck_assert_int_eq(xous_update_memory_flags(r, XOUS_MEM_R, 77),
                   XOUS_PROCESS_NOT_CHILD);
  /* The kernel takes no PID at all, the caller's own included. */
  ck_assert_int_eq(xous_update_memory_flags(r, XOUS_MEM_R,
                                            xous_get_process_id()),
                   XOUS_PROCESS_NOT_CHILD);
  ck_assert(!probe_write_faults(p, 4));
  ck_assert_int_eq(xous_update_memory_flags((xous_range_t){ p + 1, PAGE },
                                            XOUS_MEM_R, 0),
                   XOUS_BAD_ALIGNMENT);
  ck_assert_int_eq(xous_unmap_memory(r), XOUS_OK);
  ck_assert_int_eq(xous_update_memory_flags(r, XOUS_MEM_R, 0),
                   XOUS_BAD_ADDRESS);
}
END_TEST

/* ==== <xous/buffer.h> and the upper example ===================================== */

START_TEST(memory_a_page_buffer_round_trips_through_the_server_helpers)
{
  xous_buffer_t b, sent;
  xous_cid_t cid;
  size_t valid;
  pid_t srv;

  srv = start_mem_server(name16("mem-buffer", 1), &cid);
  ck_assert_int_eq(xous_buffer_new(0, &b), XOUS_BAD_ALIGNMENT);
  ck_assert_int_eq(xous_buffer_new(10, &b), XOUS_OK);
  ck_assert_uint_eq(b.len, PAGE);
  memcpy(b.page, "abcdefghij", 10);
  valid = 10;
  ck_assert_int_eq(xous_buffer_lend_mut(&b, cid, MEM_BUFFER, &valid), XOUS_OK);
  expect_line(srv, "buffer ok 10", BOUND_MS);
  ck_assert_uint_eq(valid, 10);
  ck_assert_mem_eq(b.page, "jihgfedcba", 10);

  /* Too short, too long for the server: refused before any use. */
  valid = 7;
  ck_assert_int_eq(xous_buffer_lend_mut(&b, cid, MEM_BUFFER, &valid), XOUS_OK);
  ck_assert_uint_eq(valid, 0);
  valid = 65;
  ck_assert_int_eq(xous_buffer_lend_mut(&b, cid, MEM_BUFFER, &valid), XOUS_OK);
  ck_assert_uint_eq(valid, 0);
  ck_assert_mem_eq(b.page, "jihgfedcba", 10);
  /* A Borrow cannot be written back. */
  valid = 10;
  ck_assert_int_eq(xous_buffer_lend(&b, cid, MEM_BUFFER, &valid), XOUS_OK);
  /* The client refuses a valid larger than its buffer. */
  valid = PAGE + 1;
  ck_assert_int_eq(xous_buffer_lend(&b, cid, MEM_BUFFER, &valid),
                   XOUS_INVALID_ARGUMENT);
  expect_line(srv, "buffer ShareViolation", BOUND_MS);
  ck_assert_int_eq(xous_buffer_new(20, &sent), XOUS_OK);
  memset(sent.page, 'z', 20);
  ck_assert_int_eq(xous_buffer_send(&sent, cid, MEM_BUFFER, 20), XOUS_OK);
  ck_assert_ptr_null(sent.page);
  ck_assert_int_eq(xous_buffer_free(&b), XOUS_OK);
  ck_assert_ptr_null(b.page);
  ck_assert_int_eq(xous_buffer_free(&b), XOUS_INVALID_ARGUMENT);

  {
    char *out;
    long long deadline = harness_now_ms() + BOUND_MS;

    while (harness_line_count(srv) < 6 && harness_now_ms() < deadline)
      harness_sleep_ms(2);
    out = harness_output(srv);
    ck_assert_str_eq(out, "ready\nbuffer ok 10\nbuffer InvalidArgument\n"
                          "buffer InvalidArgument\nbuffer ShareViolation\n"
                          "buffer ok 20\n");
    free(out);
  }
}
END_TEST

START_TEST(memory_a_server_refuses_a_valid_past_the_lent_buffer)
{
  const char *name = name16("mem-bufchk", 1);
  pid_t srv, client;

  srv = harness_spawn(MEM_PEER, "server", name, NULL);
  expect_line(srv, "ready", BOUND_MS);
  /* valid 5000 on a lend of one page. */
  client = harness_spawn(MEM_PEER, "lend", name, "lend-mut", "7", "1", "5000",
                         NULL);
  expect_line(client, "lend-mut NoError 0 0", BOUND_MS);
  expect_line(srv, "buffer InvalidArgument", BOUND_MS);
}
END_TEST

START_TEST(memory_the_upper_example_upper_cases_a_string_in_place)
{
  pid_t srv, client;
  int st;
  char *out;

  srv = harness_spawn("examples/upper/upper-server", NULL);
  client = harness_spawn("examples/upper/upper-client", "--quit",
                         "make me loud, 42!", NULL);
  ck_assert(harness_wait(client, BOUND_MS, &st));
  out = harness_output(client);
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "client: %s", out);
  ck_assert_str_eq(out, "upper-client: MAKE ME LOUD, 42!\n");
  free(out);
  ck_assert(harness_wait(srv, BOUND_MS, &st));
  ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}
END_TEST

/* ==== the suite ================================================================= */

int
main(void)
{
  const struct harness_case cases[] = {
    { "memory", 30, HARNESS_BROKER,
      .tests = HARNESS_TESTS(
          memory_mutable_lend_leaves_the_server_bytes_at_the_address_lent,
          memory_a_server_write_reaches_the_lender_pages_before_the_return,
          memory_a_lender_write_during_a_lend_is_seen_by_the_server,
          memory_the_server_loses_access_after_return_memory,
          memory_an_immutable_lend_is_mapped_read_only_in_the_server,
          memory_offset_and_valid_travel_both_ways,
          memory_send_moves_the_pages_to_the_server_which_unmaps_them,
          memory_sending_part_of_a_range_keeps_the_rest,
          memory_a_send_of_a_client_that_exited_is_still_received,
          memory_bad_ranges_are_refused_by_every_memory_message,
          memory_return_memory_refuses_what_was_not_lent_and_returns_once,
          memory_map_and_unmap_refuse_bad_ranges,
          memory_map_memory_into_the_kernel_area_gives_bad_address,
          memory_stack_static_and_malloc_buffers_are_bounced_and_copied_back,
          memory_a_server_killed_mid_lend_fails_the_lender_and_gives_its_pages_back,
          memory_a_client_killed_mid_lend_lets_the_server_return_quietly,
          memory_death_mid_lend_or_send_leaves_no_memory_object_behind,
          memory_the_heap_grows_by_new_parts_up_to_its_maximum,
          memory_update_memory_flags_to_read_only_makes_writes_fault,
          memory_a_page_buffer_round_trips_through_the_server_helpers,
          memory_a_server_refuses_a_valid_past_the_lent_buffer,
          memory_the_upper_example_upper_cases_a_string_in_place),
      .loops = HARNESS_LOOPS(
          { memory_a_mutable_lend_makes_the_lender_range_fault_until_the_return,
            sizeof prot_cases / sizeof prot_cases[0] },
          { memory_a_range_once_mutably_lent_leaves_no_mapping_when_it_goes,
            3 }) },
  };

  return harness_run(harness_suite("memory", cases));
}
