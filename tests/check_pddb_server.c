/*
 * Tests of xous-pddb under a real xousd and xous-names, through
 * <xous/pddb.h>: the model over IPC, locking under open handles, a client
 * killed with a key open, and key material gone from the server's memory
 * after a lock (read through /proc/PID/mem).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include <xous.h>
#include <xous/pddb.h>

#include "../pddb/engine.h"
#include "support/harness.h"

#define SELF "tests/check_pddb_server"
#define BOUND_MS 10000

static char image[512];
static pid_t server;

static void
start(void)
{
  char copy[1100];

  harness_start_broker();
  harness_spawn("xous-names", NULL);
  snprintf(image, sizeof image, "%s/srv.img", harness_dir());
  ck_assert_int_eq(pddb_format(image, 512, 1, 8, NULL, NULL), XOUS_OK);
  snprintf(copy, sizeof copy, "cp %s %s.orig", image, image);
  ck_assert_int_eq(system(copy), 0);
  server = harness_spawn("xous-pddb", image, NULL);
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

START_TEST(server_stores_and_finds_through_the_client_api)
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

START_TEST(server_keeps_what_a_killed_client_wrote)
{
  xous_pddb_t db;
  pid_t w[3];
  int i;
  char key[8];

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

/* True when the key bytes are somewhere in pid's writable memory. */
static bool
in_memory(pid_t pid, const uint8_t key[PDDB_KEY_BYTES])
{
  char path[64], line[512];
  FILE *maps;
  int mem;
  bool found = false;

  snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
  maps = fopen(path, "r");
  ck_assert_ptr_nonnull(maps);
  snprintf(path, sizeof path, "/proc/%d/mem", (int)pid);
  mem = open(path, O_RDONLY);
  ck_assert_int_ge(mem, 0);
  while (!found && fgets(line, sizeof line, maps) != NULL) {
    unsigned long lo, hi;
    char perms[8];
    static uint8_t chunk[1 << 20];

    if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3 || perms[0] != 'r')
      continue;
    for (; lo < hi && !found; lo += sizeof chunk) {
      size_t n = hi - lo < sizeof chunk ? hi - lo : sizeof chunk, i;
      ssize_t r = pread(mem, chunk, n, (off_t)lo);

      for (i = 0; r >= PDDB_KEY_BYTES && i + PDDB_KEY_BYTES <= (size_t)r; i++)
        if (chunk[i] == key[0] && memcmp(chunk + i, key, PDDB_KEY_BYTES) == 0) {
          found = true;
          break;
        }
    }
  }
  close(mem);
  fclose(maps);
  return found;
}

START_TEST(server_wipes_the_key_of_a_locked_basis)
{
  xous_pddb_t db;
  struct pddb_engine *e;
  uint8_t key[PDDB_KEY_BYTES];
  char orig[600];

  start();
  connect_db(&db);
  ck_assert_int_eq(xous_pddb_create_basis(&db, "vault", "hunter2"), XOUS_OK);
  put(&db, "vault", "d", "k", "secret");
  /* The key as the server derives it, from a copy of the image. */
  snprintf(orig, sizeof orig, "%s.orig", image);
  ck_assert_int_eq(pddb_open(orig, &e), XOUS_OK);
  ck_assert_int_eq(pddb_derive_key(e, "vault", "hunter2", 7, key), XOUS_OK);
  pddb_close(e);
  /* While unlocked it is there: the search works. */
  ck_assert(in_memory(server, key));
  ck_assert_int_eq(xous_pddb_lock_basis(&db, "vault"), XOUS_OK);
  ck_assert(!in_memory(server, key));
  xous_pddb_disconnect(&db);
}
END_TEST

static Suite *
server_suite(void)
{
  Suite *s = suite_create("pddb-server");
  TCase *tc = tcase_create("server");

  tcase_set_timeout(tc, 60);
  tcase_add_checked_fixture(tc, NULL, harness_cleanup);
  tcase_add_test(tc, server_stores_and_finds_through_the_client_api);
  tcase_add_test(tc, server_keeps_what_a_killed_client_wrote);
  tcase_add_test(tc, server_wipes_the_key_of_a_locked_basis);
  suite_add_tcase(s, tc);
  return s;
}

int
main(int argc, char **argv)
{
  SRunner *sr;
  int failed;

  if (argc == 3 && strcmp(argv[1], "writer") == 0)
    return role_writer(argv[2]);
  harness_global_init();
  sr = srunner_create(server_suite());
  srunner_set_fork_status(sr, CK_FORK);
  srunner_run_all(sr, CK_ENV);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  harness_global_cleanup();
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
