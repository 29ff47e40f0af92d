/*
 * Tests of xous-pddb under a real xousd and xous-names, through
 * <xous/pddb.h>: the model over IPC, locking under open handles, a client
 * killed with a key open, and key material gone from the server's memory
 * after a lock (read through /proc/PID/mem); the server killed with
 * SIGKILL at random moments and restarted on the same image, stopped
 * with SIGTERM, freeing a dead client's handles; the pddb command and
 * the notes example against the running server.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <sqlite3.h>

#include <xous.h>
#include <xous/buffer.h>
#include <xous/pddb.h>

#include "../pddb/engine.h"
#include "support/harness.h"
#include "support/pddb_system.h"
#include "support/procfs.h"

#define SELF "tests/check_pddb_server"
#define BOUND_MS 10000

static char image[512];
static pid_t server;

static void start_sized(uint32_t pages, const char *flag);
static void vault_image(void);

static void
start(void)
{
  start_sized(512, NULL);
}

static void
start_with(const char *flag)
{
  start_sized(512, flag);
}

/* Starts the server on image (again), with one extra flag or none, in a
 * user namespace of its own (role_in_userns) so that its memory can be
 * searched. */
static pid_t
spawn_server(const char *flag)
{
  if (flag != NULL)
    return harness_spawn(SELF, "in-userns", "xous-pddb", flag, image, NULL);
  return harness_spawn(SELF, "in-userns", "xous-pddb", image, NULL);
}

/* Formats a new image of pages pages and starts the server on it. */
static void
start_sized(uint32_t pages, const char *flag)
{
  char copy[1100];

  harness_start_broker();
  harness_spawn("xous-names", NULL);
  snprintf(image, sizeof image, "%s/srv.img", harness_dir());
  ck_assert_int_eq(pddb_format(image, pages, 1, 8, NULL, NULL), XOUS_OK);
  snprintf(copy, sizeof copy, "cp %s %s.orig", image, image);
  ck_assert_int_eq(system(copy), 0);
  server = spawn_server(flag);
}

static void
connect_db(xous_pddb_t *db)
{
  ck_assert_int_eq(xous_pddb_connect(db), XOUS_OK);
}

static void
put(xous_pddb_t *db, const char *basis, const char *dict, const char *key,
    const char *val)
{
  uint32_t h;

  ck_assert_int_eq(xous_pddb_open(db, basis, dict, key,
                                  XOUS_PDDB_CREATE | XOUS_PDDB_TRUNCATE, &h),
                   XOUS_OK);
  ck_assert_int_eq(xous_pddb_write(db, h, 0, val, strlen(val)), XOUS_OK);
  ck_assert_int_eq(xous_pddb_close(db, h), XOUS_OK);
}

static char *
get(xous_pddb_t *db, const char *basis, const char *dict, const char *key)
{
  static char buf[4096];
  uint32_t h;
  size_t got;

  if (xous_pddb_open(db, basis, dict, key, 0, &h) != XOUS_OK)
    return NULL;
  ck_assert_int_eq(xous_pddb_read(db, h, 0, buf, sizeof buf - 1, &got),
                   XOUS_OK);
  buf[got] = '\0';
  xous_pddb_close(db, h);
  return buf;
}

START_TEST(pddb_server_stores_and_finds_through_the_client_api)
{
  xous_pddb_t db;
  char list[1024];
  size_t n;
  static char big[600000];
  uint32_t h;
  size_t got;
  xous_pddb_stat_t st;

  start();
  connect_db(&db);
  put(&db, NULL, "prefs", "theme", "dark");
  ck_assert_str_eq(get(&db, NULL, "prefs", "theme"), "dark");
  ck_assert_int_eq(xous_pddb_create_basis(&db, "b", "pw"), XOUS_OK);
  put(&db, "b", "prefs", "theme", "light");
  ck_assert_str_eq(get(&db, NULL, "prefs", "theme"), "light");
  ck_assert_int_eq(xous_pddb_list_bases(&db, list, sizeof list, &n), XOUS_OK);
  ck_assert_uint_eq(n, 2);
  ck_assert_str_eq(list, "b");
  /* A value bigger than one request. */
  memset(big, 'q', sizeof big);
  ck_assert_int_eq(xous_pddb_open(&db, "b", "d", "big", XOUS_PDDB_CREATE, &h),
                   XOUS_OK);
  ck_assert_int_eq(xous_pddb_write(&db, h, 0, big, sizeof big), XOUS_OK);
  memset(big, 0, sizeof big);
  ck_assert_int_eq(xous_pddb_read(&db, h, 0, big, sizeof big, &got), XOUS_OK);
  ck_assert_uint_eq(got, sizeof big);
  ck_assert(big[0] == 'q' && big[sizeof big - 1] == 'q');
  ck_assert_int_eq(xous_pddb_stat(&db, h, &st), XOUS_OK);
  ck_assert_str_eq(st.basis, "b");
  /* Locking makes open handles fail and the keys vanish. */
  ck_assert_int_eq(xous_pddb_lock_basis(&db, "b"), XOUS_OK);
  ck_assert_int_eq(xous_pddb_read(&db, h, 0, big, 10, &got), XOUS_UNAVAILABLE);
  ck_assert_str_eq(get(&db, NULL, "prefs", "theme"), "dark");
  ck_assert_int_eq(xous_pddb_unlock_basis(&db, "b", "nope"), XOUS_NOT_FOUND);
  ck_assert_int_eq(xous_pddb_unlock_basis(&db, "c", "pw"), XOUS_NOT_FOUND);
  ck_assert_int_eq(xous_pddb_unlock_basis(&db, "b", "pw"), XOUS_OK);
  ck_assert_str_eq(get(&db, NULL, "prefs", "theme"), "light");
  ck_assert_int_eq(xous_pddb_delete_key(&db, "b", "prefs", "theme"), XOUS_OK);
  ck_assert_str_eq(get(&db, NULL, "prefs", "theme"), "dark");
  xous_pddb_disconnect(&db);
}
END_TEST

/* writer KEY: writes KEY without closing or syncing, says so, and waits
 * to be killed. */
static int
role_writer(const char *key)
{
  xous_pddb_t db;
  uint32_t h;

  if (xous_pddb_connect(&db) != XOUS_OK ||
      xous_pddb_open(&db, NULL, "d", key, XOUS_PDDB_CREATE, &h) != XOUS_OK ||
      xous_pddb_write(&db, h, 0, "kept", 4) != XOUS_OK)
    return 3;
  printf("written\n");
  fflush(stdout);
  pause();
  return 0;
}

START_TEST(pddb_server_keeps_what_a_killed_client_wrote)
{
  xous_pddb_t db;
  pid_t w[3];
  int i;
  char key[16];

  start();
  connect_db(&db);
  for (i = 0; i < 3; i++) {
    snprintf(key, sizeof key, "w%d", i);
    w[i] = harness_spawn(SELF, "writer", key, NULL);
  }
  for (i = 0; i < 3; i++) {
    ck_assert(harness_wait_line(w[i], "written", BOUND_MS));
    harness_kill(w[i], SIGKILL);
  }
  for (i = 0; i < 3; i++) {
    snprintf(key, sizeof key, "w%d", i);
    ck_assert_str_eq(get(&db, NULL, "d", key), "kept");
  }
  ck_assert_int_eq(xous_pddb_sync(&db), XOUS_OK);
  xous_pddb_disconnect(&db);
  /* And it is on the image: a crash of the server now loses nothing. */
  harness_kill(server, SIGKILL);
  ck_assert(harness_wait(server, BOUND_MS, NULL));
  {
    struct pddb_engine *e;
    uint32_t h;
    char buf[8];
    size_t got;

    ck_assert_int_eq(pddb_open(image, &e), XOUS_OK);
    ck_assert_int_eq(pddb_key_open(e, NULL, "d", "w2", 0, 0, &h), XOUS_OK);
    ck_assert_int_eq(pddb_key_read(e, 0, h, 0, buf, 8, &got), XOUS_OK);
    ck_assert_uint_eq(got, 4);
    pddb_close(e);
  }
}
END_TEST

/* Writes text to the file at path; false when it cannot. */
static bool
write_file(const char *path, const char *text)
{
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  bool ok;

  if (fd < 0)
    return false;
  ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
  close(fd);
  return ok;
}

/* in-userns PROG ARGS...: runs the build's PROG in a new user namespace,
 * as its root mapped to this user. The PDDB programs make themselves
 * undumpable, which closes their memory to every other process of the
 * user, this test included; the user that owns a namespace keeps every
 * capability over the processes inside it, CAP_SYS_PTRACE among them, so
 * the test can still read /proc/PID/mem. Where user namespaces are not
 * allowed, PROG runs as it is (then only root can search it). */
static int
role_in_userns(char **argv)
{
  const char *dir = getenv("XOUS_BUILDDIR");
  char path[4096], map[64];
  uid_t uid = geteuid();
  gid_t gid = getegid();

  if (unshare(CLONE_NEWUSER) == 0) {
    snprintf(map, sizeof map, "0 %u 1", (unsigned)uid);
    if (!write_file("/proc/self/uid_map", map))
      return 126;
    snprintf(map, sizeof map, "0 %u 1", (unsigned)gid);
    (void)write_file("/proc/self/setgroups", "deny");
    if (!write_file("/proc/self/gid_map", map))
      return 126;
  }
  snprintf(path, sizeof path, "%s/%s", dir != NULL ? dir : ".", argv[0]);
  argv[0] = path;
  execv(path, argv);
  perror(path);
  return 127;
}

/* Bytes to look for in a process's memory. */
struct needle {
  const void *bytes;
  size_t len; /* at most NEEDLE_MAX */
};

#define NEEDLE_MAX 64u

/* Which of the n needles are somewhere in pid's writable memory: bit i
 * set for needle i. One pass over the memory for all of them. */
static unsigned
found_in_memory(pid_t pid, const struct needle *needles, unsigned n)
{
  static uint8_t chunk[(1u << 20) + NEEDLE_MAX];
  char path[64], line[512];
  unsigned found = 0, i;
  FILE *maps;
  int mem;

  snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
  maps = fopen(path, "r");
  ck_assert_ptr_nonnull(maps);
  snprintf(path, sizeof path, "/proc/%d/mem", (int)pid);
  mem = open(path, O_RDONLY);
  ck_assert_msg(mem >= 0,
                "%s: %s (the test reads it through a user "
                "namespace of its own, or as root)",
                path, strerror(errno));
  while (fgets(line, sizeof line, maps) != NULL) {
    unsigned long lo, hi;
    char perms[8];

    /* Key material lives in writable memory the server allocated. A
     * mapping of a gigabyte or more is reserved address space (a
     * sanitizer's shadow): reading it would take minutes and could not
     * hold the key, which the unlocked control below must find. */
    if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3 || perms[0] != 'r' ||
        perms[1] != 'w' || hi - lo >= (1ul << 30))
      continue;
    /* Chunks overlap by NEEDLE_MAX bytes: nothing hides on a border. */
    for (; lo < hi; lo += sizeof chunk - NEEDLE_MAX) {
      size_t want = hi - lo < sizeof chunk ? hi - lo : sizeof chunk;
      ssize_t r = pread(mem, chunk, want, (off_t)lo);

      for (i = 0; r > 0 && i < n; i++)
        if (memmem(chunk, (size_t)r, needles[i].bytes, needles[i].len) != NULL)
          found |= 1u << i;
      if ((size_t)r < sizeof chunk)
        break;
    }
  }
  close(mem);
  fclose(maps);
  return found;
}

/* The key basis and password stretch to in the image of the test, from
 * the pristine copy that start() made (the server holds the image). */
static void
derive(const char *basis, const char *pw, uint8_t key[PDDB_KEY_BYTES])
{
  struct pddb_engine *e;
  char orig[600];

  snprintf(orig, sizeof orig, "%s.orig", image);
  ck_assert_int_eq(pddb_open(orig, &e), XOUS_OK);
  ck_assert_int_eq(pddb_derive_key(e, basis, pw, strlen(pw), key), XOUS_OK);
  ck_assert_int_eq(pddb_close(e), XOUS_OK);
}

/* Long and unusual enough never to be in memory by chance. */
#define VAULT_PW "correct horse battery staple 42"
#define WRONG_PW "incorrect donkey pin paperclip 17"

/* The desktop extension's basis calls, lent by hand (no client to wipe
 * its own copy): the server leaves no byte of the password in the page. */
START_TEST(pddb_server_wipes_the_password_from_the_lent_page)
{
  static const char pw[] = "lent-page-password";
  xous_pddb_t db;
  xous_buffer_t page;
  struct xous_pddb_msg *m;
  size_t off = 99, valid = 0, i;
  const uint8_t *data;
  xous_word_t ops[2] = { XOUS_PDDB_OP_CREATE_BASIS,
                         XOUS_PDDB_OP_UNLOCK_BASIS };

  start();
  connect_db(&db);
  ck_assert_int_eq(xous_buffer_new(4096, &page), XOUS_OK);
  for (i = 0; i < 2; i++) {
    if (i == 1)
      ck_assert_int_eq(xous_pddb_lock_basis(&db, "lent"), XOUS_OK);
    memset(page.page, 0, page.len);
    m = page.page;
    m->basis_len = 4;
    memcpy(m->basis, "lent", 4);
    m->len = sizeof pw - 1;
    data = (const uint8_t *)page.page + XOUS_PDDB_DATA_OFFSET;
    memcpy((uint8_t *)page.page + XOUS_PDDB_DATA_OFFSET, pw, sizeof pw - 1);
    ck_assert_int_eq(xous_lend_mut(db.cid, ops[i], page.page, page.len, 0,
                                   XOUS_PDDB_DATA_OFFSET + sizeof pw - 1, &off,
                                   &valid),
                     XOUS_OK);
    ck_assert_uint_eq(off, XOUS_OK);
    ck_assert_ptr_null(memmem(page.page, page.len, pw, sizeof pw - 1));
    ck_assert_uint_eq(data[0], 0);
  }
  ck_assert_int_eq(xous_buffer_free(&page), XOUS_OK);
  xous_pddb_disconnect(&db);
}
END_TEST

START_TEST(pddb_server_wipes_the_key_of_a_locked_basis)
{
  xous_pddb_t db;
  uint8_t key[PDDB_KEY_BYTES], wrong[PDDB_KEY_BYTES];
  /* Bit 0: the key, 1: its password, 2: the wrong password's key, 3: the
   * wrong password. */
  const struct needle secrets[] = {
    { key, sizeof key },
    { VAULT_PW, sizeof VAULT_PW - 1 },
    { wrong, sizeof wrong },
    { WRONG_PW, sizeof WRONG_PW - 1 },
  };

  start();
  connect_db(&db);
  ck_assert_int_eq(xous_pddb_create_basis(&db, "vault", VAULT_PW), XOUS_OK);
  put(&db, "vault", "d", "k", "secret");
  derive("vault", VAULT_PW, key);
  derive("vault", WRONG_PW, wrong);
  /* While unlocked the key is there (the search works), the password is
   * not. */
  ck_assert_uint_eq(found_in_memory(server, secrets, 4), 1u);
  ck_assert_int_eq(xous_pddb_lock_basis(&db, "vault"), XOUS_OK);
  ck_assert_uint_eq(found_in_memory(server, secrets, 4), 0u);
  /* A failed unlock leaves neither the password nor what it stretched
   * to; a good one brings the key back, and a lock takes it again. */
  ck_assert_int_eq(xous_pddb_unlock_basis(&db, "vault", WRONG_PW),
                   XOUS_NOT_FOUND);
  ck_assert_uint_eq(found_in_memory(server, secrets, 4), 0u);
  ck_assert_int_eq(xous_pddb_unlock_basis(&db, "vault", VAULT_PW), XOUS_OK);
  ck_assert_str_eq(get(&db, "vault", "d", "k"), "secret");
  ck_assert_uint_eq(found_in_memory(server, secrets, 4), 1u);
  ck_assert_int_eq(xous_pddb_lock_basis(&db, "vault"), XOUS_OK);
  ck_assert_uint_eq(found_in_memory(server, secrets, 4), 0u);
  xous_pddb_disconnect(&db);
}
END_TEST

/* Reads what handle h holds, from its start, into buf (NUL ended). */
static xous_error_t
read_all(xous_pddb_t *db, uint32_t h, char *buf, size_t size)
{
  size_t got = 0;
  xous_error_t err = xous_pddb_read(db, h, 0, buf, size - 1, &got);

  buf[got] = '\0';
  return err;
}

/* What the server keeps between requests (the reads' SQLite transaction,
 * the first bytes of a key opened to be read) never answers a read with
 * bytes a change has replaced: another process's write, an emptying
 * open, a delete. And a sync still reaches the image at once. */
START_TEST(pddb_server_reads_what_changed_since_the_open_and_nothing_stale)
{
  char buf[64], path[1100];
  xous_pddb_t db;
  struct pddb_engine *e;
  uint32_t h, h2;
  size_t got;
  pid_t w;

  start();
  connect_db(&db);
  put(&db, NULL, "d", "k", "first value");
  ck_assert_int_eq(xous_pddb_sync(&db), XOUS_OK);
  ck_assert_str_eq(get(&db, NULL, "d", "k"), "first value");
  /* Opened to be read, then written by another process. */
  ck_assert_int_eq(xous_pddb_open(&db, NULL, "d", "k", 0, &h), XOUS_OK);
  w = harness_spawn(SELF, "writer", "k", NULL);
  ck_assert(harness_wait_line(w, "written", BOUND_MS));
  ck_assert_int_eq(read_all(&db, h, buf, sizeof buf), XOUS_OK);
  ck_assert_str_eq(buf, "keptt value");
  /* Synced: on the image for whoever opens a copy of it, no journal
   * left beside it, while the server goes on reading. */
  ck_assert_int_eq(xous_pddb_sync(&db), XOUS_OK);
  ck_assert_str_eq(get(&db, NULL, "d", "k"), "keptt value");
  snprintf(path, sizeof path, "%s-journal", image);
  ck_assert_int_eq(access(path, F_OK), -1);
  snprintf(path, sizeof path, "cp '%s' '%s.copy'", image, image);
  ck_assert_int_eq(system(path), 0);
  snprintf(path, sizeof path, "%s.copy", image);
  ck_assert_int_eq(pddb_open(path, &e), XOUS_OK);
  ck_assert_int_eq(pddb_key_open(e, NULL, "d", "k", 0, 0, &h2), XOUS_OK);
  ck_assert_int_eq(pddb_key_read(e, 0, h2, 0, buf, sizeof buf, &got), XOUS_OK);
  ck_assert_uint_eq(got, 11);
  ck_assert_int_eq(memcmp(buf, "keptt value", 11), 0);
  ck_assert_int_eq(pddb_close(e), XOUS_OK);
  /* Emptied and written shorter through another handle. */
  ck_assert_int_eq(xous_pddb_close(&db, h), XOUS_OK);
  ck_assert_int_eq(xous_pddb_open(&db, NULL, "d", "k", 0, &h), XOUS_OK);
  ck_assert_int_eq(xous_pddb_open(&db, NULL, "d", "k", XOUS_PDDB_TRUNCATE,
                                  &h2),
                   XOUS_OK);
  ck_assert_int_eq(xous_pddb_write(&db, h2, 0, "new", 3), XOUS_OK);
  ck_assert_int_eq(xous_pddb_close(&db, h2), XOUS_OK);
  ck_assert_int_eq(read_all(&db, h, buf, sizeof buf), XOUS_OK);
  ck_assert_str_eq(buf, "new");
  /* Deleted: a handle opened before reads nothing. */
  ck_assert_int_eq(xous_pddb_close(&db, h), XOUS_OK);
  ck_assert_int_eq(xous_pddb_open(&db, NULL, "d", "k", 0, &h), XOUS_OK);
  ck_assert_int_eq(xous_pddb_delete_key(&db, NULL, "d", "k"), XOUS_OK);
  ck_assert_int_eq(xous_pddb_read(&db, h, 0, buf, sizeof buf, &got),
                   XOUS_UNAVAILABLE);
  ck_assert_uint_eq(got, 0);
  ck_assert_ptr_null(get(&db, NULL, "d", "k"));
  (void)xous_pddb_close(&db, h);
  xous_pddb_disconnect(&db);
  harness_kill(w, SIGKILL);
}
END_TEST

/* A value read through the server is in its memory only until the read
 * that takes it, its handle's close or its basis's lock. */
START_TEST(pddb_server_keeps_no_value_after_its_read_or_its_basis_lock)
{
  static const char value[] = "a value that must not outlive its handle 9731";
  const struct needle v[] = { { value, sizeof value - 1 } };
  xous_pddb_t db;
  xous_pddb_stat_t st;
  char buf[128];
  uint32_t h;

  start();
  connect_db(&db);
  ck_assert_int_eq(xous_pddb_create_basis(&db, "vault", VAULT_PW), XOUS_OK);
  put(&db, "vault", "d", "k", value);
  ck_assert_int_eq(xous_pddb_sync(&db), XOUS_OK);
  ck_assert_uint_eq(found_in_memory(server, v, 1), 0u);
  ck_assert_str_eq(get(&db, "vault", "d", "k"), value);
  ck_assert_uint_eq(found_in_memory(server, v, 1), 0u);
  /* Opened to be read: its first bytes are read ahead (the control: the
   * search finds them once a later request is answered), and go with
   * the basis. */
  ck_assert_int_eq(xous_pddb_open(&db, "vault", "d", "k", 0, &h), XOUS_OK);
  ck_assert_int_eq(xous_pddb_stat(&db, h, &st), XOUS_OK);
  ck_assert_uint_eq(found_in_memory(server, v, 1), 1u);
  ck_assert_int_eq(xous_pddb_lock_basis(&db, "vault"), XOUS_OK);
  ck_assert_uint_eq(found_in_memory(server, v, 1), 0u);
  ck_assert_int_eq(read_all(&db, h, buf, sizeof buf), XOUS_UNAVAILABLE);
  (void)xous_pddb_close(&db, h);
  /* And with the handle's close. */
  ck_assert_int_eq(xous_pddb_unlock_basis(&db, "vault", VAULT_PW), XOUS_OK);
  ck_assert_int_eq(xous_pddb_open(&db, "vault", "d", "k", 0, &h), XOUS_OK);
  ck_assert_int_eq(xous_pddb_stat(&db, h, &st), XOUS_OK);
  ck_assert_uint_eq(found_in_memory(server, v, 1), 1u);
  ck_assert_int_eq(xous_pddb_close(&db, h), XOUS_OK);
  ck_assert_int_eq(xous_pddb_list_bases(&db, buf, sizeof buf, &(size_t){ 0 }),
                   XOUS_OK);
  ck_assert_uint_eq(found_in_memory(server, v, 1), 0u);
  xous_pddb_disconnect(&db);
}
END_TEST

/* ==== crash soak against the server ======================================= */

#define SOAK_ROUNDS 12
/* How many keys are written depends on timing (from about 13 a round to
 * more than 30 under ASan, where the test takes longer to kill), so the keys
 * are bounded and the image holds all of them with room to spare: keys
 * 0..799 take 2404 data pages, and an image of 4096 pages has about 3600
 * free. A full image would fail a sync, which stops the engine for good
 * (every later call answers StorageError), and the writer of the next
 * round could then write nothing at all. */
#define SOAK_KEYS 800u
#define SOAK_PAGES 4096u

static size_t
soak_len(unsigned i)
{
  return 1 + (i * 7919u) % 20000u;
}

static void
soak_fill(uint8_t *v, size_t len, unsigned i)
{
  size_t j;

  for (j = 0; j < len; j++)
    v[j] = (uint8_t)(i * 131u + j * 7u + (j >> 8));
}

/* Writes key (opened new or truncated), closes it and syncs. */
static xous_error_t
soak_put(xous_pddb_t *db, const char *key, const uint8_t *v, size_t len)
{
  xous_error_t err;
  uint32_t h;

  if ((err = xous_pddb_open(db, NULL, "soak", key,
                            XOUS_PDDB_CREATE | XOUS_PDDB_TRUNCATE, &h)) !=
      XOUS_OK)
    return err;
  if ((err = xous_pddb_write(db, h, 0, v, len)) != XOUS_OK) {
    (void)xous_pddb_close(db, h);
    return err;
  }
  if ((err = xous_pddb_close(db, h)) != XOUS_OK)
    return err;
  return xous_pddb_sync(db);
}

/* soaker FIRST: through the server, writes keys FIRST.. one by one, each
 * synced, and prints "synced N" once the server acknowledged the sync;
 * it also empties an older key and writes it again, unsynced, with the
 * same bytes, so crashes hit updates too and every state of it is the
 * right one (an emptied key that a sync caught before its new bytes came
 * would be the wrong one).
 * When the first key cannot be written it says why on stderr. */
static int
role_soaker(unsigned first)
{
  static uint8_t v[20000];
  xous_pddb_t db;
  xous_error_t err;
  char key[32];
  unsigned i, retries = 0;
  uint32_t h;

  while ((err = xous_pddb_connect(&db)) != XOUS_OK)
    if (++retries > 250) {
      fprintf(stderr, "soaker: no connection: error %d\n", (int)err);
      return 3;
    } else {
      usleep(20000);
    }
  for (i = first; i < SOAK_KEYS; i++) {
    snprintf(key, sizeof key, "k%u", i);
    soak_fill(v, soak_len(i), i);
    if ((err = soak_put(&db, key, v, soak_len(i))) != XOUS_OK) {
      /* Right after a restart the name can still lead to the killed
       * server for a moment: look it up again (bounded). A later key
       * fails because the server was killed, as planned. */
      if (i != first)
        return 4;
      if (++retries > 250) {
        fprintf(stderr, "soaker: key %u not written: error %d\n", i, (int)err);
        return 4;
      }
      xous_pddb_disconnect(&db);
      usleep(20000);
      while (xous_pddb_connect(&db) != XOUS_OK)
        if (++retries > 250)
          return 3;
        else
          usleep(20000);
      i--;
      continue;
    }
    printf("synced %u\n", i);
    fflush(stdout);
    if (i > 0) {
      snprintf(key, sizeof key, "k%u", i / 2);
      soak_fill(v, soak_len(i / 2), i / 2);
      /* Emptied and written again: a kill between the two must leave
       * the old bytes, never an empty key. */
      if (xous_pddb_open(&db, NULL, "soak", key, XOUS_PDDB_TRUNCATE, &h) !=
              XOUS_OK ||
          xous_pddb_write(&db, h, 0, v, soak_len(i / 2)) != XOUS_OK ||
          xous_pddb_close(&db, h) != XOUS_OK)
        return 5;
    }
  }
  return 0;
}

/* Asserts that got, len bytes read back from key k<i>, is what the soak
 * wrote there. */
static void
soak_expect_key(unsigned i, const uint8_t *got, size_t len)
{
  static uint8_t want[20000];

  ck_assert_uint_eq(len, soak_len(i));
  soak_fill(want, len, i);
  for (size_t j = 0; j < len; j++)
    ck_assert_msg(got[j] == want[j], "key %u damaged at %zu of %zu", i, j,
                  len);
}

/* Checks keys 0..n-1 in e. */
static void
soak_check_image(unsigned n)
{
  static uint8_t got[20000];
  struct pddb_engine *e;
  unsigned i;

  ck_assert_int_eq(pddb_open(image, &e), XOUS_OK);
  for (i = 0; i < n; i++) {
    char key[32];
    uint32_t h;
    size_t len;

    snprintf(key, sizeof key, "k%u", i);
    ck_assert_msg(pddb_key_open(e, NULL, "soak", key, 0, 0, &h) == XOUS_OK,
                  "acknowledged key %u of %u lost", i, n);
    ck_assert_int_eq(pddb_key_read(e, 0, h, 0, got, sizeof got, &len),
                     XOUS_OK);
    soak_expect_key(i, got, len);
    pddb_key_close(e, 0, h);
  }
  ck_assert_int_eq(pddb_close(e), XOUS_OK);
}

START_TEST(pddb_server_killed_at_random_keeps_every_acknowledged_sync)
{
  static uint8_t got[20000];
  unsigned round, next = 0, i;
  xous_pddb_t db;
  char first[16];

  start_sized(SOAK_PAGES, NULL);
  srand((unsigned)getpid());
  /* A writer that reached SOAK_KEYS has nothing left to write. */
  for (round = 0; round < SOAK_ROUNDS && next < SOAK_KEYS; round++) {
    char *out, *line;
    pid_t w;

    if (round > 0)
      server = spawn_server(NULL); /* restarted on the same image */
    snprintf(first, sizeof first, "%u", next);
    w = harness_spawn(SELF, "soaker", first, NULL);
    /* Kill at a random moment once writing is under way. */
    if (!harness_wait_nth_line(w, 0, first, sizeof first, BOUND_MS)) {
      int ss = -1, ws = -1;
      /* Asked before the message is made: the statuses are set here. */
      bool server_ended = harness_wait(server, 0, &ss);
      bool writer_ended = harness_wait(w, 0, &ws);

      ck_abort_msg("round %u: the writer wrote nothing (server %s %#x, "
                   "writer %s %#x)",
                   round, server_ended ? "ended" : "runs", ss,
                   writer_ended ? "ended" : "runs", ws);
    }
    harness_sleep_ms(rand() % 120);
    harness_kill(server, SIGKILL);
    ck_assert(harness_wait(server, BOUND_MS, NULL));
    ck_assert(harness_wait(w, BOUND_MS, NULL));
    out = harness_output(w);
    for (line = strstr(out, "synced "); line != NULL;
         line = strstr(line + 1, "synced "))
      next = (unsigned)atoi(line + 7) + 1;
    free(out);
    /* The image opens and holds every acknowledged key. */
    soak_check_image(next);
  }
  ck_assert_uint_gt(next, SOAK_ROUNDS);
  /* And the restarted server serves them. */
  server = spawn_server(NULL);
  connect_db(&db);
  for (i = 0; i < next; i++) {
    char key[32];
    uint32_t h;
    size_t len;

    snprintf(key, sizeof key, "k%u", i);
    ck_assert_int_eq(xous_pddb_open(&db, NULL, "soak", key, 0, &h), XOUS_OK);
    ck_assert_int_eq(xous_pddb_read(&db, h, 0, got, sizeof got, &len),
                     XOUS_OK);
    soak_expect_key(i, got, len);
    ck_assert_int_eq(xous_pddb_close(&db, h), XOUS_OK);
  }
  xous_pddb_disconnect(&db);
}
END_TEST

/* ==== handles of dead clients ============================================== */

/* hog: writes a key, then opens handles until the server refuses one,
 * prints "full", and waits to be killed. */
static int
role_hog(void)
{
  xous_pddb_t db;
  xous_error_t err;
  uint32_t h;
  unsigned n = 0;

  if (xous_pddb_connect(&db) != XOUS_OK ||
      xous_pddb_open(&db, NULL, "d", "hog", XOUS_PDDB_CREATE, &h) != XOUS_OK ||
      xous_pddb_write(&db, h, 0, "kept", 4) != XOUS_OK)
    return 3;
  while ((err = xous_pddb_open(&db, NULL, "d", "hog", 0, &h)) == XOUS_OK)
    n++;
  printf("%s %u\n", err == XOUS_OUT_OF_MEMORY ? "full" : "error", n);
  fflush(stdout);
  pause();
  return 0;
}

START_TEST(pddb_server_frees_the_handles_of_a_dead_client)
{
  xous_pddb_t db;
  char line[64];
  uint32_t h;
  pid_t hog;

  start();
  connect_db(&db);
  hog = harness_spawn(SELF, "hog", NULL);
  ck_assert(harness_wait_nth_line(hog, 0, line, sizeof line, BOUND_MS));
  ck_assert_msg(strncmp(line, "full ", 5) == 0, "hog said %s", line);
  /* A live client's handles are not taken from it. */
  ck_assert_int_eq(xous_pddb_open(&db, NULL, "d", "hog", 0, &h),
                   XOUS_OUT_OF_MEMORY);
  harness_kill(hog, SIGKILL);
  ck_assert(harness_wait(hog, BOUND_MS, NULL));
  /* Its process is gone: its handles are freed, its data kept. */
  ck_assert_int_eq(xous_pddb_open(&db, NULL, "d", "hog", 0, &h), XOUS_OK);
  ck_assert_int_eq(xous_pddb_close(&db, h), XOUS_OK);
  ck_assert_str_eq(get(&db, NULL, "d", "hog"), "kept");
  xous_pddb_disconnect(&db);
}
END_TEST

/* ==== SIGTERM ================================================================ */

/* True when image holds dict/key with value val. */
static bool
image_has(const char *key, const char *val)
{
  struct pddb_engine *e;
  char buf[64];
  uint32_t h;
  size_t got = 0;
  bool ok;

  ck_assert_int_eq(pddb_open(image, &e), XOUS_OK);
  ok = pddb_key_open(e, NULL, "d", key, 0, 0, &h) == XOUS_OK &&
       pddb_key_read(e, 0, h, 0, buf, sizeof buf, &got) == XOUS_OK &&
       got == strlen(val) && memcmp(buf, val, got) == 0;
  ck_assert_int_eq(pddb_close(e), XOUS_OK);
  return ok;
}

START_TEST(pddb_server_syncs_when_stopped_with_sigterm)
{
  xous_pddb_t db;
  int status;

  /* Without idle syncs nothing written reaches the image before a sync:
   * a SIGKILL loses it (so this test can fail)... */
  start_with("--no-idle-sync");
  connect_db(&db);
  put(&db, NULL, "d", "lost", "gone");
  ck_assert_str_eq(get(&db, NULL, "d", "lost"), "gone");
  harness_kill(server, SIGKILL);
  ck_assert(harness_wait(server, BOUND_MS, NULL));
  xous_pddb_disconnect(&db);
  ck_assert(!image_has("lost", "gone"));
  /* ...while a SIGTERM makes the server sync and exit 0. */
  server = spawn_server("--no-idle-sync");
  connect_db(&db);
  put(&db, NULL, "d", "kept", "here");
  harness_kill(server, SIGTERM);
  ck_assert(harness_wait(server, BOUND_MS, &status));
  ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x",
                status);
  xous_pddb_disconnect(&db);
  ck_assert(image_has("kept", "here"));
  /* Restarted, the server serves it. */
  server = spawn_server(NULL);
  connect_db(&db);
  ck_assert_str_eq(get(&db, NULL, "d", "kept"), "here");
  xous_pddb_disconnect(&db);
}
END_TEST

START_TEST(pddb_server_keeps_an_empty_dictionary_the_client_made)
{
  xous_pddb_t db;
  char list[256];
  size_t n;

  start();
  connect_db(&db);
  ck_assert_int_eq(xous_pddb_create_dict(&db, NULL, "empty"), XOUS_OK);
  ck_assert_int_eq(xous_pddb_create_dict(&db, NULL, "empty"),
                   XOUS_SERVER_EXISTS);
  ck_assert_int_eq(xous_pddb_create_dict(&db, "nobasis", "empty"),
                   XOUS_NOT_FOUND);
  ck_assert_int_eq(xous_pddb_list_keys(&db, NULL, "empty", list, sizeof list,
                                       &n),
                   XOUS_OK);
  ck_assert_uint_eq(n, 0);
  ck_assert_int_eq(xous_pddb_sync(&db), XOUS_OK);
  /* It is in the image: a server killed and started again lists it. */
  harness_kill(server, SIGKILL);
  ck_assert(harness_wait(server, BOUND_MS, NULL));
  xous_pddb_disconnect(&db);
  server = spawn_server(NULL);
  connect_db(&db);
  ck_assert_int_eq(xous_pddb_list_dicts(&db, NULL, list, sizeof list, &n),
                   XOUS_OK);
  ck_assert_uint_eq(n, 1);
  ck_assert_str_eq(list, "empty");
  /* And it goes as an empty one does. */
  ck_assert_int_eq(xous_pddb_delete_dict(&db, NULL, "empty"), XOUS_OK);
  ck_assert_int_eq(xous_pddb_list_dicts(&db, NULL, list, sizeof list, &n),
                   XOUS_OK);
  ck_assert_uint_eq(n, 0);
  xous_pddb_disconnect(&db);
}
END_TEST

/* ==== the pddb command on a running server ================================ */

/* Runs a shell command line with the build's pddb as $P; its output (stdout
 * and stderr) into a static buffer; returns its exit status. */
static int
shell(const char *line, char **out)
{
  static char buf[8192];
  char cmd[4096], path[600];
  FILE *f;
  size_t n;
  int rc;

  snprintf(path, sizeof path, "%s/shell.out", harness_dir());
  snprintf(cmd, sizeof cmd,
           "P='%s/pddb/pddb'; N='%s/examples/notes/notes'; (%s) >'%s' 2>&1",
           getenv("XOUS_BUILDDIR") ? getenv("XOUS_BUILDDIR") : ".",
           getenv("XOUS_BUILDDIR") ? getenv("XOUS_BUILDDIR") : ".", line,
           path);
  rc = system(cmd);
  f = fopen(path, "r");
  ck_assert_ptr_nonnull(f);
  n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = '\0';
  fclose(f);
  if (out != NULL)
    *out = buf;
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : 255;
}

START_TEST(pddb_server_command_works_on_a_running_server)
{
  xous_pddb_t db;
  char *out;

  start();
  unsetenv("PDDB_IMAGE");
  connect_db(&db); /* waits until the server is up */
  ck_assert_int_eq(shell("printf dark | $P put prefs theme", &out), 0);
  ck_assert_int_eq(shell("$P get prefs theme", &out), 0);
  ck_assert_str_eq(out, "dark");
  ck_assert_int_eq(shell("$P ls prefs", &out), 0);
  ck_assert_ptr_nonnull(strstr(out, "theme"));
  /* A secret basis made by the command stays unlocked in the server. */
  ck_assert_int_eq(shell("echo pw | $P -p 0 create-basis b", &out), 0);
  ck_assert_int_eq(shell("printf light | $P put b:prefs theme", &out), 0);
  ck_assert_int_eq(shell("$P --json bases", &out), 0);
  ck_assert_ptr_nonnull(strstr(out, "\"b\""));
  /* The server itself has what the command wrote. */
  ck_assert_str_eq(get(&db, NULL, "prefs", "theme"), "light");
  ck_assert_str_eq(get(&db, XOUS_PDDB_SYSTEM_BASIS, "prefs", "theme"), "dark");
  ck_assert_int_eq(shell("$P lock b", &out), 0);
  ck_assert_str_eq(get(&db, NULL, "prefs", "theme"), "dark");
  ck_assert_int_eq(shell("echo nope | $P -p 0 unlock b", &out), 1);
  ck_assert_int_eq(shell("$P rm prefs theme", &out), 0);
  ck_assert_ptr_null(get(&db, NULL, "prefs", "theme"));
  ck_assert_int_ne(shell("$P get prefs theme", &out), 0);
  /* The image is the server's while it runs. */
  {
    char line[700];

    snprintf(line, sizeof line, "$P -i '%s' ls prefs", image);
    ck_assert_int_eq(shell(line, &out), 1);
    ck_assert_ptr_nonnull(strstr(out, "in use"));
  }
  xous_pddb_disconnect(&db);
}
END_TEST

/* ==== the notes example ====================================================== */

START_TEST(pddb_server_notes_keeps_notes_in_a_secret_basis_through_the_server)
{
  char *out, missing[4096];
  int missing_rc;

  xous_pddb_t db;

  start();
  connect_db(&db); /* waits until the server is up */
  xous_pddb_disconnect(&db);
  /* No basis yet: what a missing basis answers. */
  missing_rc = shell("$N pw show groceries", &out);
  snprintf(missing, sizeof missing, "%s", out);
  ck_assert_int_ne(missing_rc, 0);
  ck_assert_int_eq(shell("$N pw add groceries 'milk eggs'", &out), 0);
  ck_assert_int_eq(shell("$N pw add todo 'call Bob'", &out), 0);
  ck_assert_int_eq(shell("$N pw list | sort", &out), 0);
  ck_assert_str_eq(out, "groceries\ntodo\n");
  ck_assert_int_eq(shell("$N pw show groceries", &out), 0);
  ck_assert_str_eq(out, "milk eggs\n");
  /* A wrong password answers as the missing basis did. */
  ck_assert_int_eq(shell("$N wrong show groceries", &out), missing_rc);
  ck_assert_str_eq(out, missing);
  ck_assert_int_eq(shell("$N wrong list", &out), 0);
  ck_assert_str_eq(out, "");
  /* The notes are locked away between runs, and still there. */
  ck_assert_int_eq(shell("$P bases", &out), 0);
  ck_assert_ptr_null(strstr(out, "notes"));
  ck_assert_int_eq(shell("$N pw rm todo && $N pw list", &out), 0);
  ck_assert_str_eq(out, "groceries\n");
}
END_TEST

/* ==== writers that die before their write ================================== */

#define OLD_LEN 100000u
#define NEW_LEN 600000u

static void
pattern(uint8_t *v, size_t len, uint8_t seed)
{
  size_t i;

  for (i = 0; i < len; i++)
    v[i] = (uint8_t)(seed + i * 13u + (i >> 9));
}

/* opener KEY [new]: opens KEY to empty it (making it, with new), as a
 * writer does before its write, says so, and waits to be killed: a
 * writer that dies before its value is sent. */
static int
role_opener(const char *key, bool create)
{
  xous_pddb_t db;
  uint32_t h;

  if (xous_pddb_connect(&db) != XOUS_OK ||
      xous_pddb_open(&db, NULL, "d", key,
                     XOUS_PDDB_TRUNCATE | (create ? XOUS_PDDB_CREATE : 0),
                     &h) != XOUS_OK)
    return 3;
  printf("open\n");
  fflush(stdout);
  pause();
  return 0;
}

/* True when key d:key reads as OLD_LEN bytes of pattern 1 through db. */
static bool
holds_old(xous_pddb_t *db, const char *key)
{
  static uint8_t want[NEW_LEN], got[NEW_LEN];
  uint32_t h;
  size_t n = 0;

  pattern(want, OLD_LEN, 1);
  if (xous_pddb_open(db, NULL, "d", key, 0, &h) != XOUS_OK)
    return false;
  ck_assert_int_eq(xous_pddb_read(db, h, 0, got, sizeof got, &n), XOUS_OK);
  ck_assert_int_eq(xous_pddb_close(db, h), XOUS_OK);
  return n == OLD_LEN && memcmp(got, want, n) == 0;
}

START_TEST(pddb_server_keeps_the_old_value_when_a_writer_dies_before_writing)
{
  static uint8_t v[NEW_LEN], got[NEW_LEN];
  struct pddb_engine *e;
  xous_pddb_t db;
  uint32_t h;
  size_t n;
  pid_t w, fresh;

  start();
  connect_db(&db);
  pattern(v, OLD_LEN, 1);
  ck_assert_int_eq(xous_pddb_open(&db, NULL, "d", "k", XOUS_PDDB_CREATE, &h),
                   XOUS_OK);
  ck_assert_int_eq(xous_pddb_write(&db, h, 0, v, OLD_LEN), XOUS_OK);
  ck_assert_int_eq(xous_pddb_close(&db, h), XOUS_OK);
  ck_assert_int_eq(xous_pddb_sync(&db), XOUS_OK);
  w = harness_spawn(SELF, "opener", "k", NULL);
  fresh = harness_spawn(SELF, "opener", "fresh", "new", NULL);
  ck_assert(harness_wait_line(w, "open", BOUND_MS));
  ck_assert(harness_wait_line(fresh, "open", BOUND_MS));
  /* An emptying open that no write followed changes nothing, and no
   * sync (the server's idle ones, or this one) writes it. */
  ck_assert(holds_old(&db, "k"));
  ck_assert_int_eq(xous_pddb_sync(&db), XOUS_OK);
  harness_kill(w, SIGKILL);
  harness_kill(fresh, SIGKILL);
  ck_assert(harness_wait(w, BOUND_MS, NULL));
  ck_assert(harness_wait(fresh, BOUND_MS, NULL));
  ck_assert(holds_old(&db, "k"));
  /* The server killed now: the image has the old value too. */
  harness_kill(server, SIGKILL);
  ck_assert(harness_wait(server, BOUND_MS, NULL));
  xous_pddb_disconnect(&db);
  ck_assert_int_eq(pddb_open(image, &e), XOUS_OK);
  ck_assert_int_eq(pddb_key_open(e, NULL, "d", "k", 0, 0, &h), XOUS_OK);
  ck_assert_int_eq(pddb_key_read(e, 0, h, 0, got, sizeof got, &n), XOUS_OK);
  ck_assert_uint_eq(n, OLD_LEN);
  ck_assert(memcmp(got, v, OLD_LEN) == 0);
  /* A key its maker never finished writing was never made. */
  ck_assert_int_eq(pddb_key_open(e, NULL, "d", "fresh", 0, 0, &h),
                   XOUS_NOT_FOUND);
  ck_assert_int_eq(pddb_close(e), XOUS_OK);
  /* And a write of 600,000 bytes, one request, replaces it whole. */
  server = spawn_server(NULL);
  connect_db(&db);
  pattern(v, NEW_LEN, 3);
  ck_assert_int_eq(xous_pddb_open(&db, NULL, "d", "k", XOUS_PDDB_TRUNCATE, &h),
                   XOUS_OK);
  ck_assert_int_eq(xous_pddb_write(&db, h, 0, v, NEW_LEN), XOUS_OK);
  ck_assert_int_eq(xous_pddb_read(&db, h, 0, got, sizeof got, &n), XOUS_OK);
  ck_assert_uint_eq(n, NEW_LEN);
  ck_assert(memcmp(got, v, NEW_LEN) == 0);
  ck_assert_int_eq(xous_pddb_close(&db, h), XOUS_OK);
  xous_pddb_disconnect(&db);
}
END_TEST

START_TEST(pddb_server_command_refuses_a_value_over_8_mib_and_keeps_the_old)
{
  char line[1400], *out;

  start();
  unsetenv("PDDB_IMAGE");
  ck_assert_int_eq(shell("printf old | $P put d k", &out), 0);
  ck_assert_int_eq(shell("head -c 9000000 /dev/zero | $P put d k", &out), 1);
  ck_assert_ptr_nonnull(strstr(out, "key k in d: the value is larger than "
                                    "8388608 bytes"));
  ck_assert_int_eq(shell("$P get d k", &out), 0);
  ck_assert_str_eq(out, "old");
  ck_assert_int_eq(shell("$P get d nokey", &out), 1);
  ck_assert_str_eq(out, "pddb: key nokey in d: not found\n");
  /* On an image, the same. */
  vault_image();
  snprintf(line, sizeof line, "printf old | $P -i '%s' put d k", image);
  ck_assert_int_eq(shell(line, &out), 0);
  snprintf(line, sizeof line, "head -c 9000000 /dev/zero | $P -i '%s' put d k",
           image);
  ck_assert_int_eq(shell(line, &out), 1);
  snprintf(line, sizeof line, "$P -i '%s' get d k", image);
  ck_assert_int_eq(shell(line, &out), 0);
  ck_assert_str_eq(out, "old");
}
END_TEST

/* ==== the pddb command at a password prompt ============================== */

/* A program on a pseudo-terminal of its own: the session leader with the
 * pty as its controlling terminal, as in a login shell. */
struct pty_child {
  pid_t pid;
  int master;
  char out[8192];  /* read and not matched yet */
  char seen[8192]; /* what the last match consumed */
  size_t len;
};

/* Starts the build's argv[0] with argv on a new pty. */
static void
pty_spawn(struct pty_child *c, const char *const argv[])
{
  const char *dir = getenv("XOUS_BUILDDIR");
  char path[4096], *name;

  memset(c, 0, sizeof *c);
  c->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  ck_assert_int_ge(c->master, 0);
  ck_assert_int_eq(grantpt(c->master), 0);
  ck_assert_int_eq(unlockpt(c->master), 0);
  name = ptsname(c->master);
  ck_assert_ptr_nonnull(name);
  snprintf(path, sizeof path, "%s/%s", dir != NULL ? dir : ".", argv[0]);
  c->pid = fork();
  ck_assert_int_ge(c->pid, 0);
  if (c->pid == 0) {
    int slave;

    (void)prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (setsid() < 0 || (slave = open(name, O_RDWR)) < 0 ||
        ioctl(slave, TIOCSCTTY, 0) != 0)
      _exit(126);
    dup2(slave, 0);
    dup2(slave, 1);
    dup2(slave, 2);
    if (slave > 2)
      close(slave);
    execv(path, (char *const *)argv);
    _exit(127);
  }
}

/* Reads the child's terminal output until it holds text (after what was
 * already matched is dropped); false after BOUND_MS without it. */
static bool
pty_wait_for(struct pty_child *c, const char *text)
{
  long long deadline = harness_now_ms() + BOUND_MS;

  for (;;) {
    struct pollfd p = { c->master, POLLIN, 0 };
    char *at;
    ssize_t n;
    long long left;

    c->out[c->len] = '\0';
    if ((at = strstr(c->out, text)) != NULL) {
      size_t used = (size_t)(at - c->out) + strlen(text);

      memcpy(c->seen, c->out, used);
      c->seen[used] = '\0';
      memmove(c->out, c->out + used, c->len - used + 1);
      c->len -= used;
      return true;
    }
    left = deadline - harness_now_ms();
    if (left <= 0 || poll(&p, 1, (int)left) <= 0)
      return false;
    if (c->len + 1 >= sizeof c->out) {
      memmove(c->out, c->out + sizeof c->out / 2, sizeof c->out / 2);
      c->len -= sizeof c->out / 2;
    }
    n = read(c->master, c->out + c->len, sizeof c->out - 1 - c->len);
    if (n <= 0)
      return false; /* EIO: the child closed the terminal */
    c->len += (size_t)n;
  }
}

static void
pty_type(struct pty_child *c, const char *text)
{
  ck_assert_int_eq(write(c->master, text, strlen(text)),
                   (ssize_t)strlen(text));
}

/* True when the terminal echoes what is typed. */
static bool
pty_echoes(struct pty_child *c)
{
  struct termios t;

  ck_assert_int_eq(tcgetattr(c->master, &t), 0);
  return (t.c_lflag & ECHO) != 0;
}

/* Waits (bounded) for the child to end; its status. */
static int
pty_end(struct pty_child *c)
{
  long long deadline = harness_now_ms() + BOUND_MS;
  int status = -1;

  while (waitpid(c->pid, &status, WNOHANG) == 0) {
    ck_assert_msg(harness_now_ms() < deadline, "pddb did not end");
    harness_sleep_ms(10);
  }
  close(c->master);
  return status;
}

/* An image with the basis vault (VAULT_PW) holding d:k. */
static void
vault_image(void)
{
  struct pddb_engine *e;
  uint32_t h;
  char copy[1100];

  snprintf(image, sizeof image, "%s/tool.img", harness_dir());
  ck_assert_int_eq(pddb_format(image, 256, 1, 8, NULL, NULL), XOUS_OK);
  ck_assert_int_eq(pddb_open(image, &e), XOUS_OK);
  ck_assert_int_eq(pddb_basis_create(e, "vault", VAULT_PW, strlen(VAULT_PW)),
                   XOUS_OK);
  ck_assert_int_eq(pddb_key_open(e, "vault", "d", "k", XOUS_PDDB_CREATE, 0,
                                 &h),
                   XOUS_OK);
  ck_assert_int_eq(pddb_key_write(e, 0, h, 0, "secret", 6), XOUS_OK);
  ck_assert_int_eq(pddb_close(e), XOUS_OK);
  snprintf(copy, sizeof copy, "cp %s %s.orig", image, image);
  ck_assert_int_eq(system(copy), 0);
}

/* True when pid's core limit is 0 (/proc/PID/limits). */
static bool
no_core(pid_t pid)
{
  char path[64], line[256];
  bool zero = false;
  FILE *f;

  snprintf(path, sizeof path, "/proc/%d/limits", (int)pid);
  ck_assert_ptr_nonnull(f = fopen(path, "r"));
  while (fgets(line, sizeof line, f) != NULL)
    if (strncmp(line, "Max core file size", 18) == 0)
      zero = strstr(line + 18, " 0 ") != NULL;
  fclose(f);
  return zero;
}

START_TEST(pddb_server_command_keeps_no_password_or_key_at_a_prompt)
{
  const char *argv[] = { SELF, "in-userns", "pddb/pddb", "-i", image,
                         "-u", "vault",     "ls",        "d",  NULL };
  uint8_t key[PDDB_KEY_BYTES], wrong[PDDB_KEY_BYTES];
  struct pty_child c;

  vault_image();
  derive("vault", VAULT_PW, key);
  derive("vault", WRONG_PW, wrong);
  pty_spawn(&c, argv);
  ck_assert(pty_wait_for(&c, "Password for basis vault: "));
  ck_assert(!pty_echoes(&c));
  ck_assert(no_core(c.pid));
  pty_type(&c, WRONG_PW "\n");
  /* Asked again: the wrong password and its key are gone meanwhile. */
  ck_assert(pty_wait_for(&c, "try again"));
  ck_assert(pty_wait_for(&c, "Password for basis vault: "));
  {
    const struct needle secrets[] = {
      { WRONG_PW, sizeof WRONG_PW - 1 },
      { wrong, sizeof wrong },
      { key, sizeof key },
    };

    ck_assert_uint_eq(found_in_memory(c.pid, secrets, 3), 0u);
  }
  pty_type(&c, VAULT_PW "\n");
  ck_assert(pty_wait_for(&c, "k\t6\tvault"));
  ck_assert_int_eq(pty_end(&c), 0);
}
END_TEST

/* Waits (bounded) until pid's state in /proc/PID/stat is want. */
static void
wait_state(pid_t pid, char want)
{
  long long deadline = harness_now_ms() + BOUND_MS;

  while (procfs_state(pid) != want) {
    ck_assert_msg(harness_now_ms() < deadline, "pid %d never in state %c",
                  (int)pid, want);
    harness_sleep_ms(5);
  }
}

/* Stops pddb with sig at its password prompt; the terminal echoes again. */
static void
interrupt_prompt(const char *how, int sig)
{
  const char *argv[] = { "pddb/pddb", "-i", image, "unlock", "vault", NULL };
  struct pty_child c;
  int status;

  vault_image();
  pty_spawn(&c, argv);
  ck_assert(pty_wait_for(&c, "Password for basis vault: "));
  ck_assert(!pty_echoes(&c));
  pty_type(&c, "half a pass");
  /* Asleep after its prompt, in the read of the password: a signal that
   * came between the prompt and the read would be seen by
   * readpassphrase(3) only after a whole line. */
  wait_state(c.pid, 'S');
  if (how != NULL)
    pty_type(&c, how);
  else
    ck_assert_int_eq(kill(c.pid, sig), 0);
  /* The process ends by the signal, after it put the terminal back. */
  {
    long long deadline = harness_now_ms() + BOUND_MS;

    while (waitpid(c.pid, &status, WNOHANG) == 0) {
      ck_assert_msg(harness_now_ms() < deadline, "pddb did not end");
      harness_sleep_ms(10);
    }
  }
  ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == sig, "status %#x",
                status);
  ck_assert(pty_echoes(&c));
  close(c.master);
}

START_TEST(
    pddb_server_command_restores_the_terminal_after_ctrl_c_at_the_prompt)
{
  interrupt_prompt("\003", SIGINT);
}
END_TEST

START_TEST(
    pddb_server_command_restores_the_terminal_after_sigterm_at_the_prompt)
{
  interrupt_prompt(NULL, SIGTERM);
}
END_TEST

/* job PROG ARGS...: runs the build's PROG as a job of a shell would: in a
 * process group of its own, in the foreground of the terminal, with this
 * process (the "shell") waiting in another group of the same session, so
 * that a SIGTSTP really stops it. Prints "job PID" first; ends with the
 * job's exit status. */
static int
role_job(char **argv)
{
  const char *dir = getenv("XOUS_BUILDDIR");
  char path[4096];
  int status;
  pid_t job;

  snprintf(path, sizeof path, "%s/%s", dir != NULL ? dir : ".", argv[0]);
  signal(SIGTTOU, SIG_IGN);
  if ((job = fork()) < 0)
    return 126;
  if (job == 0) {
    setpgid(0, 0);
    if (tcsetpgrp(0, getpid()) != 0)
      _exit(126);
    signal(SIGTTOU, SIG_DFL);
    argv[0] = path;
    execv(path, argv);
    _exit(127);
  }
  setpgid(job, job);
  printf("job %d\n", (int)job);
  fflush(stdout);
  while (waitpid(job, &status, 0) != job)
    ;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

START_TEST(
    pddb_server_command_restores_the_terminal_while_stopped_at_the_prompt)
{
  const char *argv[] = { SELF,  "job",    "pddb/pddb", "-i",
                         image, "unlock", "vault",     NULL };
  struct pty_child c;
  int status;
  pid_t job;

  vault_image();
  pty_spawn(&c, argv);
  ck_assert(pty_wait_for(&c, "job "));
  ck_assert(pty_wait_for(&c, "\n"));
  job = (pid_t)atoi(c.seen);
  ck_assert_int_gt(job, 0);
  ck_assert(pty_wait_for(&c, "Password for basis vault: "));
  wait_state(job, 'S');
  ck_assert(!pty_echoes(&c));
  /* Ctrl-Z: stopped, with the terminal as it was... */
  ck_assert_int_eq(kill(job, SIGTSTP), 0);
  wait_state(job, 'T');
  ck_assert(pty_echoes(&c));
  /* ...and back at the prompt, without echo, when continued. */
  ck_assert_int_eq(kill(job, SIGCONT), 0);
  ck_assert(pty_wait_for(&c, "Password for basis vault: "));
  wait_state(job, 'S');
  ck_assert(!pty_echoes(&c));
  pty_type(&c, "\003");
  status = pty_end(&c);
  ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 128 + SIGINT,
                "status %#x", status);
}
END_TEST

/* ==== the pddb command finds no server ===================================== */

START_TEST(pddb_server_command_without_a_server_says_so_and_returns)
{
  char *out;

  unsetenv("PDDB_IMAGE");
  /* A broker and nothing else: no name server. */
  harness_start_broker();
  ck_assert_int_eq(shell("$P ls", &out), 1);
  ck_assert_ptr_nonnull(strstr(out, "no PDDB server registered: start "
                                    "xous-pddb or give -i IMAGE"));
  /* A name server, and no PDDB server. */
  harness_spawn("xous-names", NULL);
  ck_assert_int_eq(shell("$P bases", &out), 1);
  ck_assert_ptr_nonnull(strstr(out, "no PDDB server registered: start "
                                    "xous-pddb or give -i IMAGE"));
  /* A wrong command line is refused before anything is looked for. */
  ck_assert_int_eq(shell("$P frobnicate", &out), 2);
  ck_assert_ptr_nonnull(strstr(out, "unknown command 'frobnicate'"));
  ck_assert_int_eq(shell("$P get onlydict", &out), 2);
  ck_assert_ptr_nonnull(strstr(out, "get takes [BASIS:]DICT KEY [FILE], "
                                    "not 1 argument"));
  ck_assert_int_eq(shell("$P --password-fd x ls", &out), 2);
  ck_assert_ptr_nonnull(strstr(out, "--password-fd x: not a file "
                                    "descriptor"));
  ck_assert_int_eq(shell("$P --help", &out), 0);
  ck_assert_ptr_nonnull(strstr(out, "usage: pddb"));
}
END_TEST

/* ==== xous-pddb's own words ================================================== */

/* Runs xous-pddb with args (a shell fragment); its status and output. */
static int
xous_pddb(const char *args, char **out)
{
  char line[2100];

  snprintf(line, sizeof line, "\"$(dirname $P)/../xous-pddb\" %s", args);
  return shell(line, out);
}

/* Asserts that xous-pddb on path fails with one line naming it and why. */
static void
refused_image(const char *path, const char *cause)
{
  char args[1200], want[1200], *out;

  snprintf(args, sizeof args, "'%s'", path);
  ck_assert_int_eq(xous_pddb(args, &out), 1);
  snprintf(want, sizeof want, "xous-pddb: %s: %s", path, cause);
  ck_assert_msg(strncmp(out, want, strlen(want)) == 0 &&
                    strchr(out, '\n') == out + strlen(out) - 1,
                "said: %s (wanted %s...)", out, want);
}

START_TEST(pddb_server_xous_pddb_says_what_is_wrong_with_an_image)
{
  char path[700], cmd[2000], *out;
  sqlite3 *db;
  FILE *f;

  harness_start_broker();
  harness_spawn("xous-names", NULL);
  ck_assert_int_eq(xous_pddb("--help", &out), 0);
  ck_assert_ptr_nonnull(strstr(out, "usage: xous-pddb"));
  ck_assert_int_eq(xous_pddb("--version", &out), 0);
  ck_assert_ptr_nonnull(strstr(out, "xous-pddb "));
  ck_assert_int_eq(xous_pddb("", &out), 2);
  ck_assert_ptr_nonnull(strstr(out, "no IMAGE given"));
  ck_assert_int_eq(xous_pddb("--frob x.img", &out), 2);
  ck_assert_ptr_nonnull(strstr(out, "unknown option --frob"));

  snprintf(path, sizeof path, "%s/missing.img", harness_dir());
  refused_image(path, "no such file");

  snprintf(path, sizeof path, "%s/random.img", harness_dir());
  ck_assert_ptr_nonnull(f = fopen(path, "w"));
  fputs("this is not a database, only some text of no use at all to "
        "anyone: it is here to be refused by xous-pddb\n",
        f);
  fclose(f);
  refused_image(path, "not a PDDB image (not an SQLite database)");

  vault_image();
  snprintf(path, sizeof path, "%s/short.img", harness_dir());
  snprintf(cmd, sizeof cmd, "head -c 300000 '%s' >'%s'", image, path);
  ck_assert_int_eq(system(cmd), 0);
  refused_image(path, "truncated: 300000 bytes of the");

  /* A page less than its System basis was made for. */
  snprintf(path, sizeof path, "%s/smaller.img", harness_dir());
  snprintf(cmd, sizeof cmd, "cp '%s' '%s'", image, path);
  ck_assert_int_eq(system(cmd), 0);
  ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
  ck_assert_int_eq(sqlite3_exec(db,
                                "DELETE FROM pages WHERE id = "
                                "(SELECT max(id) FROM pages)",
                                NULL, NULL, NULL),
                   SQLITE_OK);
  sqlite3_close(db);
  refused_image(path, "damaged or of another size");

  /* One it may not read and write. */
  snprintf(path, sizeof path, "%s/locked.img", harness_dir());
  snprintf(cmd, sizeof cmd, "cp '%s' '%s' && chmod 0 '%s'", image, path, path);
  ck_assert_int_eq(system(cmd), 0);
  if (geteuid() == 0) {
    /* Root may read anything: the server runs as nobody for this one. */
    if (system("setpriv --reuid=65534 --regid=65534 --clear-groups true") != 0)
      return; /* no setpriv: nothing more to see as root */
    snprintf(cmd, sizeof cmd,
             "setpriv --reuid=65534 --regid=65534 "
             "--clear-groups \"$(dirname $P)/../xous-pddb\" '%s'",
             path);
    ck_assert_int_eq(shell(cmd, &out), 1);
  } else {
    snprintf(cmd, sizeof cmd, "'%s'", path);
    ck_assert_int_eq(xous_pddb(cmd, &out), 1);
  }
  /* As the file's owner it cannot open it; as nobody, not even reach it. */
  ck_assert_msg(strstr(out, path) != NULL &&
                    strstr(out, "Permission denied") != NULL,
                "said: %s", out);
}
END_TEST

int
main(int argc, char **argv)
{
  const struct harness_case cases[] = {
    /* Twelve rounds of a server started, written to and killed, each of
     * whose waits is bounded by BOUND_MS: under a sanitizer on a loaded
     * machine the rounds take far longer than the other cases, and the
     * case's timeout is only there to end a hang. */
    { "crash-soak", 600, HARNESS_NOTHING,
      .tests = HARNESS_TESTS(
          pddb_server_killed_at_random_keeps_every_acknowledged_sync) },
    { "server", 60, HARNESS_NOTHING,
      .tests = HARNESS_TESTS(
          pddb_server_stores_and_finds_through_the_client_api,
          pddb_server_keeps_what_a_killed_client_wrote,
          pddb_server_wipes_the_key_of_a_locked_basis,
          pddb_server_reads_what_changed_since_the_open_and_nothing_stale,
          pddb_server_keeps_no_value_after_its_read_or_its_basis_lock,
          pddb_server_frees_the_handles_of_a_dead_client,
          pddb_server_syncs_when_stopped_with_sigterm,
          pddb_server_command_works_on_a_running_server,
          pddb_server_notes_keeps_notes_in_a_secret_basis_through_the_server,
          pddb_server_command_keeps_no_password_or_key_at_a_prompt,
          pddb_server_command_restores_the_terminal_after_ctrl_c_at_the_prompt,
          pddb_server_command_restores_the_terminal_after_sigterm_at_the_prompt,
          pddb_server_command_restores_the_terminal_while_stopped_at_the_prompt,
          pddb_server_command_without_a_server_says_so_and_returns,
          pddb_server_xous_pddb_says_what_is_wrong_with_an_image,
          pddb_server_keeps_the_old_value_when_a_writer_dies_before_writing,
          pddb_server_keeps_an_empty_dictionary_the_client_made,
          pddb_server_wipes_the_password_from_the_lent_page,
          pddb_server_command_refuses_a_value_over_8_mib_and_keeps_the_old) },
  };

  pddb_system_cheap_kdf();
  if (argc == 3 && strcmp(argv[1], "writer") == 0)
    return role_writer(argv[2]);
  if (argc == 3 && strcmp(argv[1], "soaker") == 0)
    return role_soaker((unsigned)atoi(argv[2]));
  if (argc == 2 && strcmp(argv[1], "hog") == 0)
    return role_hog();
  if (argc >= 3 && strcmp(argv[1], "job") == 0)
    return role_job(argv + 2);
  if ((argc == 3 || argc == 4) && strcmp(argv[1], "opener") == 0)
    return role_opener(argv[2], argc == 4);
  if (argc >= 3 && strcmp(argv[1], "in-userns") == 0)
    return role_in_userns(argv + 2);
  return harness_run(harness_suite("pddb-server", cases));
}
