/*
 * Tests of the PDDB engine and the pddb command on real SQLite images: the
 * model end to end, deniability (images with 0, 1 and 3 secret bases look
 * alike page by page and in their SQLite structure), wrong password versus
 * missing basis, and a kill -9 soak of a writer process.
 *
 * Argon2id runs at its smallest cost here ($XOUS_PDDB_KDF_*).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>
#include <sqlite3.h>

#include <xous.h>
#include <xous/pddb.h>

#include "../pddb/engine.h"
#include "support/harness.h"
#include "support/pddb_system.h"

#define SELF "tests/check_pddb"
#define PAGES 256u

static char *
image_path(const char *name)
{
  static char path[4][512];
  static int turn;
  char *p = path[turn++ % 4];

  snprintf(p, 512, "%s/%s", harness_dir(), name);
  return p;
}

static struct pddb_engine *
fresh(const char *name)
{
  struct pddb_engine *e;
  const char *path = image_path(name);

  ck_assert_int_eq(pddb_format(path, PAGES, 1, 8, NULL, NULL), XOUS_OK);
  ck_assert_int_eq(pddb_open(path, &e), XOUS_OK);
  return e;
}

static void
put(struct pddb_engine *e, const char *basis, const char *dict,
    const char *key, const void *val, size_t len)
{
  uint32_t h;

  ck_assert_int_eq(pddb_key_open(e, basis, dict, key,
                                 XOUS_PDDB_CREATE | XOUS_PDDB_TRUNCATE, 0, &h),
                   XOUS_OK);
  ck_assert_int_eq(pddb_key_write(e, 0, h, 0, val, len), XOUS_OK);
  ck_assert_int_eq(pddb_key_close(e, 0, h), XOUS_OK);
}

/* Reads dict/key into buf; returns its length or -error. */
static long
get(struct pddb_engine *e, const char *basis, const char *dict,
    const char *key, void *buf, size_t size)
{
  uint32_t h;
  size_t got;
  xous_error_t err = pddb_key_open(e, basis, dict, key, 0, 0, &h);

  if (err != XOUS_OK)
    return -(long)err;
  err = pddb_key_read(e, 0, h, 0, buf, size, &got);
  (void)pddb_key_close(e, 0, h);
  return err == XOUS_OK ? (long)got : -(long)err;
}

static void
fill(uint8_t *p, size_t n, unsigned seed)
{
  size_t i;

  for (i = 0; i < n; i++)
    p[i] = (uint8_t)(i * 31u + seed * 7u + (i >> 12));
}

/* ==== the model ============================================================== */

START_TEST(pddb_engine_union_view_prefers_the_most_recently_unlocked_basis)
{
  struct pddb_engine *e = fresh("u.img");
  char buf[64];

  put(e, NULL, "d", "k", "system", 6);
  ck_assert_int_eq(pddb_basis_create(e, "one", "p1", 2), XOUS_OK);
  put(e, "one", "d", "k", "one", 3);
  put(e, NULL, "d", "new", "x", 1); /* new keys go to the newest basis */
  ck_assert_int_eq(get(e, "one", "d", "new", buf, sizeof buf), 1);
  ck_assert_int_eq(pddb_basis_create(e, "two", "p2", 2), XOUS_OK);
  put(e, "two", "d", "k", "two", 3);
  ck_assert_int_eq(get(e, NULL, "d", "k", buf, sizeof buf), 3);
  ck_assert(memcmp(buf, "two", 3) == 0);
  ck_assert_int_eq(get(e, XOUS_PDDB_SYSTEM_BASIS, "d", "k", buf, sizeof buf),
                   6);
  /* Unlocking "one" again makes it the newest. */
  ck_assert_int_eq(pddb_basis_unlock(e, "one", "p1", 2), XOUS_OK);
  ck_assert_int_eq(get(e, NULL, "d", "k", buf, sizeof buf), 3);
  ck_assert(memcmp(buf, "one", 3) == 0);
  ck_assert_int_eq(pddb_basis_lock(e, "one"), XOUS_OK);
  ck_assert_int_eq(pddb_basis_lock(e, "two"), XOUS_OK);
  ck_assert_int_eq(get(e, NULL, "d", "k", buf, sizeof buf), 6);
  ck_assert_int_eq(pddb_close(e), XOUS_OK);
}
END_TEST

START_TEST(pddb_engine_keys_seek_read_write_truncate_and_persist)
{
  const char *path;
  struct pddb_engine *e = fresh("k.img");
  size_t big = 4u * 1024u * 1024u, got;
  uint8_t *v = malloc(big), *r = malloc(big);
  uint32_t h;
  uint64_t len;

  pddb_close(e);
  path = image_path("big.img");
  ck_assert_int_eq(pddb_format(path, 1300, 1, 8, NULL, NULL), XOUS_OK);
  ck_assert_int_eq(pddb_open(path, &e), XOUS_OK);
  fill(v, big, 1);
  put(e, NULL, "d", "big", v, big);
  ck_assert_int_eq(pddb_key_open(e, NULL, "d", "big", 0, 0, &h), XOUS_OK);
  ck_assert_int_eq(pddb_key_write(e, 0, h, 5000, "XYZ", 3), XOUS_OK);
  memcpy(v + 5000, "XYZ", 3);
  ck_assert_int_eq(pddb_key_truncate(e, 0, h, 10000), XOUS_OK);
  ck_assert_int_eq(pddb_key_write(e, 0, h, 20000, "end", 3), XOUS_OK);
  ck_assert_int_eq(pddb_key_stat(e, 0, h, &len, NULL), XOUS_OK);
  ck_assert_uint_eq(len, 20003);
  ck_assert_int_eq(pddb_key_close(e, 0, h), XOUS_OK);
  ck_assert_int_eq(pddb_close(e), XOUS_OK);

  ck_assert_int_eq(pddb_open(path, &e), XOUS_OK);
  ck_assert_int_eq(get(e, NULL, "d", "big", r, big), 20003);
  ck_assert(memcmp(r, v, 10000) == 0);
  for (got = 10000; got < 20000; got++)
    ck_assert_uint_eq(r[got], 0); /* the truncated tail reads as zeros */
  ck_assert(memcmp(r + 20000, "end", 3) == 0);
  /* Past the limit: refused. */
  ck_assert_int_eq(pddb_key_open(e, NULL, "d", "big", 0, 0, &h), XOUS_OK);
  ck_assert_int_eq(pddb_key_write(e, 0, h, XOUS_PDDB_MAX_VALUE, "x", 1),
                   XOUS_INVALID_ARGUMENT);
  ck_assert_int_eq(pddb_key_read(e, 0, h, 1u << 30, r, 10, &got), XOUS_OK);
  ck_assert_uint_eq(got, 0);
  pddb_key_close(e, 0, h);
  ck_assert_int_eq(pddb_close(e), XOUS_OK);
  free(v);
  free(r);
}
END_TEST

static void
count_name(const char *name, uint64_t len, const char *basis, void *ctx)
{
  (void)name;
  (void)len;
  (void)basis;
  (*(int *)ctx)++;
}

START_TEST(pddb_engine_deletes_keys_dicts_and_bases_and_frees_their_pages)
{
  struct pddb_engine *e = fresh("del.img");
  uint32_t free0 = pddb_free_pages(e);
  uint8_t v[20000];
  char buf[8];
  int n = 0;

  fill(v, sizeof v, 2);
  ck_assert_int_eq(pddb_basis_create(e, "b", "pw", 2), XOUS_OK);
  put(e, "b", "d1", "a", v, sizeof v);
  put(e, "b", "d1", "b", v, 10);
  put(e, "b", "d2", "c", v, 10);
  ck_assert_int_eq(pddb_sync(e), XOUS_OK);
  ck_assert_uint_lt(pddb_free_pages(e), free0);
  ck_assert_int_eq(pddb_key_delete(e, "b", "d1", "a"), XOUS_OK);
  ck_assert_int_eq(get(e, "b", "d1", "a", buf, 8), -(long)XOUS_NOT_FOUND);
  ck_assert_int_eq(pddb_list_keys(e, "b", "d1", count_name, &n), XOUS_OK);
  ck_assert_int_eq(n, 1);
  ck_assert_int_eq(pddb_dict_delete(e, "b", "d2"), XOUS_OK);
  ck_assert_int_eq(pddb_list_keys(e, "b", "d2", count_name, &n),
                   XOUS_NOT_FOUND);
  ck_assert_int_eq(pddb_basis_delete(e, "b"), XOUS_OK);
  ck_assert_uint_eq(pddb_free_pages(e), free0);
  ck_assert_int_eq(pddb_basis_unlock(e, "b", "pw", 2), XOUS_NOT_FOUND);
  ck_assert_int_eq(pddb_close(e), XOUS_OK);
}
END_TEST

/* Writes keys k0, k1, ... of 3000 bytes each (fill()ed with their
 * number) into the dictionary "full" of e's default basis, syncing after
 * each, until a write is refused or, when sync_may_fail, a sync. Returns
 * the error that ended it; *synced gets the number of keys synced. */
static xous_error_t
write_until_full(struct pddb_engine *e, bool sync_may_fail, unsigned *synced)
{
  uint8_t v[3000];
  char key[16];
  unsigned n;
  uint32_t h;
  xous_error_t err = XOUS_OK;

  for (n = 0; n < PAGES && err == XOUS_OK; n++) {
    snprintf(key, sizeof key, "k%u", n);
    fill(v, sizeof v, n);
    ck_assert_int_eq(pddb_key_open(e, NULL, "full", key, XOUS_PDDB_CREATE, 0,
                                   &h),
                     XOUS_OK);
    err = pddb_key_write(e, 0, h, 0, v, sizeof v);
    if (err == XOUS_OK && sync_may_fail)
      err = pddb_sync(e);
    (void)pddb_key_close(e, 0, h);
    if (err == XOUS_OK && !sync_may_fail)
      ck_assert_int_eq(pddb_sync(e), XOUS_OK);
  }
  *synced = n - 1;
  return err;
}

/* Every free page is handed out before the image is full, so a page that
 * the free-space list wrongly names free (one of its own, or one a key
 * still uses) is sure to be given to a key and overwritten by the list. */
START_TEST(pddb_engine_fills_every_free_page_and_loses_no_key)
{
  const char *path = image_path("full.img");
  struct pddb_engine *e = fresh("full.img");
  uint8_t v[3000], r[3000];
  char key[16];
  unsigned n, i;

  /* The image runs full; the key of the last round is not synced. */
  ck_assert_int_eq(write_until_full(e, true, &n), XOUS_OUT_OF_MEMORY);
  ck_assert_uint_gt(n, PAGES / 2);
  (void)pddb_close(e);
  ck_assert_int_eq(pddb_open(path, &e), XOUS_OK);
  for (i = 0; i < n; i++) {
    snprintf(key, sizeof key, "k%u", i);
    fill(v, sizeof v, i);
    ck_assert_int_eq(get(e, NULL, "full", key, r, sizeof r), (long)sizeof r);
    ck_assert_msg(memcmp(r, v, sizeof v) == 0, "key %u damaged", i);
  }
  ck_assert_int_eq(pddb_close(e), XOUS_OK);
}
END_TEST

START_TEST(pddb_engine_refuses_a_write_to_a_full_image_and_goes_on)
{
  const char *path = image_path("refuse.img");
  struct pddb_engine *e = fresh("refuse.img");
  uint8_t v[3000], r[3000];
  unsigned n;
  uint32_t h;

  /* The write that found no room was refused; the engine still works:
   * it syncs, and once a key is deleted there is room again. */
  ck_assert_int_eq(write_until_full(e, false, &n), XOUS_OUT_OF_MEMORY);
  ck_assert_int_eq(pddb_sync(e), XOUS_OK);
  ck_assert_int_eq(pddb_key_delete(e, NULL, "full", "k0"), XOUS_OK);
  ck_assert_int_eq(pddb_sync(e), XOUS_OK);
  fill(v, sizeof v, 7777);
  ck_assert_int_eq(pddb_key_open(e, NULL, "full", "again", XOUS_PDDB_CREATE, 0,
                                 &h),
                   XOUS_OK);
  ck_assert_int_eq(pddb_key_write(e, 0, h, 0, v, sizeof v), XOUS_OK);
  (void)pddb_key_close(e, 0, h);
  ck_assert_int_eq(pddb_sync(e), XOUS_OK);
  ck_assert_int_eq(pddb_close(e), XOUS_OK);
  ck_assert_int_eq(pddb_open(path, &e), XOUS_OK);
  ck_assert_int_eq(get(e, NULL, "full", "again", r, sizeof r), (long)sizeof r);
  ck_assert(memcmp(r, v, sizeof v) == 0);
  fill(v, sizeof v, 1);
  ck_assert_int_eq(get(e, NULL, "full", "k1", r, sizeof r), (long)sizeof r);
  ck_assert(memcmp(r, v, sizeof v) == 0);
  ck_assert_int_eq(pddb_close(e), XOUS_OK);
}
END_TEST

START_TEST(pddb_engine_handles_of_a_locked_basis_fail)
{
  struct pddb_engine *e = fresh("lock.img");
  uint32_t h;
  char buf[4];
  size_t got;

  ck_assert_int_eq(pddb_basis_create(e, "b", "pw", 2), XOUS_OK);
  ck_assert_int_eq(pddb_key_open(e, "b", "d", "k", XOUS_PDDB_CREATE, 7, &h),
                   XOUS_OK);
  ck_assert_int_eq(pddb_key_write(e, 7, h, 0, "abc", 3), XOUS_OK);
  ck_assert_int_eq(pddb_key_read(e, 8, h, 0, buf, 3, &got),
                   XOUS_INVALID_ARGUMENT); /* another owner */
  ck_assert_int_eq(pddb_basis_lock(e, "b"), XOUS_OK);
  ck_assert_int_eq(pddb_key_read(e, 7, h, 0, buf, 3, &got), XOUS_UNAVAILABLE);
  ck_assert_int_eq(pddb_key_write(e, 7, h, 0, "x", 1), XOUS_UNAVAILABLE);
  /* Reopening the basis does not revive the old handle, but the data that
   * was written before the lock is there. */
  ck_assert_int_eq(pddb_basis_unlock(e, "b", "pw", 2), XOUS_OK);
  ck_assert_int_eq(pddb_key_read(e, 7, h, 0, buf, 3, &got), XOUS_UNAVAILABLE);
  ck_assert_int_eq(get(e, "b", "d", "k", buf, 4), 3);
  ck_assert(memcmp(buf, "abc", 3) == 0);
  ck_assert_int_eq(pddb_close(e), XOUS_OK);
}
END_TEST

/* pddb_key_read_ahead(): the next read of the handle gets the key's
 * bytes as they are then, whatever changed them in between. */
START_TEST(pddb_engine_read_ahead_gives_the_bytes_of_the_key_as_they_are_now)
{
  struct pddb_engine *e = fresh("ahead.img");
  static uint8_t v[10000], r[10000];
  uint32_t h, h2;
  size_t got;

  ck_assert_int_eq(pddb_basis_create(e, "b", "pw", 2), XOUS_OK);
  fill(v, sizeof v, 3);
  put(e, "b", "d", "k", v, sizeof v); /* in the cache, not synced */
  ck_assert_int_eq(pddb_key_open(e, "b", "d", "k", 0, 7, &h), XOUS_OK);
  /* Past what was read ahead, across it, and only its owner's. */
  pddb_key_read_ahead(e, 7, h);
  ck_assert_int_eq(pddb_key_read(e, 8, h, 0, r, 100, &got),
                   XOUS_INVALID_ARGUMENT);
  ck_assert_int_eq(pddb_key_read(e, 7, h, 5000, r, 100, &got), XOUS_OK);
  ck_assert(got == 100 && memcmp(r, v + 5000, 100) == 0);
  ck_assert_int_eq(pddb_key_read(e, 7, h, 0, r, sizeof r, &got), XOUS_OK);
  ck_assert(got == sizeof v && memcmp(r, v, sizeof v) == 0);
  ck_assert_int_eq(pddb_sync(e), XOUS_OK);
  pddb_key_read_ahead(e, 7, h);
  ck_assert_int_eq(pddb_key_read(e, 7, h, 10, r, 4000, &got), XOUS_OK);
  ck_assert(got == 4000 && memcmp(r, v + 10, 4000) == 0);
  /* Written through another handle, then shortened. */
  pddb_key_read_ahead(e, 7, h);
  ck_assert_int_eq(pddb_key_open(e, "b", "d", "k", 0, 9, &h2), XOUS_OK);
  ck_assert_int_eq(pddb_key_write(e, 9, h2, 1, "xyz", 3), XOUS_OK);
  ck_assert_int_eq(pddb_key_read(e, 7, h, 0, r, 8, &got), XOUS_OK);
  memcpy(v + 1, "xyz", 3);
  ck_assert(got == 8 && memcmp(r, v, 8) == 0);
  pddb_key_read_ahead(e, 7, h);
  ck_assert_int_eq(pddb_key_truncate(e, 9, h2, 2), XOUS_OK);
  ck_assert_int_eq(pddb_key_read(e, 7, h, 0, r, 8, &got), XOUS_OK);
  ck_assert(got == 2 && memcmp(r, v, 2) == 0);
  ck_assert_int_eq(pddb_key_close(e, 9, h2), XOUS_OK);
  /* A handle opened to empty the key reads nothing ahead, and leaves the
   * value until its first use. */
  ck_assert_int_eq(pddb_key_open(e, "b", "d", "k", XOUS_PDDB_TRUNCATE, 9, &h2),
                   XOUS_OK);
  pddb_key_read_ahead(e, 9, h2);
  ck_assert_int_eq(pddb_key_read(e, 7, h, 0, r, 8, &got), XOUS_OK);
  ck_assert_uint_eq(got, 2);
  ck_assert_int_eq(pddb_key_read(e, 9, h2, 0, r, 8, &got), XOUS_OK);
  ck_assert_uint_eq(got, 0);
  ck_assert_int_eq(pddb_key_close(e, 9, h2), XOUS_OK);
  /* Deleted, or its basis locked: nothing. */
  put(e, "b", "d", "k", v, sizeof v);
  pddb_key_read_ahead(e, 7, h);
  ck_assert_int_eq(pddb_key_delete(e, "b", "d", "k"), XOUS_OK);
  ck_assert_int_eq(pddb_key_read(e, 7, h, 0, r, 8, &got), XOUS_NOT_FOUND);
  ck_assert_int_eq(pddb_key_close(e, 7, h), XOUS_OK);
  put(e, "b", "d", "k", v, sizeof v);
  ck_assert_int_eq(pddb_key_open(e, "b", "d", "k", 0, 7, &h), XOUS_OK);
  pddb_key_read_ahead(e, 7, h);
  ck_assert_int_eq(pddb_basis_lock(e, "b"), XOUS_OK);
  ck_assert_int_eq(pddb_key_read(e, 7, h, 0, r, 8, &got), XOUS_UNAVAILABLE);
  ck_assert_int_eq(pddb_close(e), XOUS_OK);
}
END_TEST

START_TEST(pddb_engine_rejects_bad_names)
{
  struct pddb_engine *e = fresh("names.img");
  char longname[200];
  uint32_t h;

  memset(longname, 'a', sizeof longname - 1);
  longname[sizeof longname - 1] = '\0';
  ck_assert_int_eq(pddb_key_open(e, NULL, longname, "k", XOUS_PDDB_CREATE, 0,
                                 &h),
                   XOUS_INVALID_STRING);
  ck_assert_int_eq(pddb_key_open(e, NULL, "d", "\xc3\x28", XOUS_PDDB_CREATE, 0,
                                 &h),
                   XOUS_INVALID_STRING);
  ck_assert_int_eq(pddb_key_open(e, NULL, "d", "", XOUS_PDDB_CREATE, 0, &h),
                   XOUS_INVALID_STRING);
  ck_assert_int_eq(pddb_key_open(e, NULL, "d\xc3\xa9", "k\xe2\x82\xac",
                                 XOUS_PDDB_CREATE, 0, &h),
                   XOUS_OK);
  ck_assert_int_eq(pddb_close(e), XOUS_OK);
}
END_TEST

/* The questions the servers ask before a call: whether a basis, a
 * dictionary or a key is there, and which basis new keys go to. */
START_TEST(pddb_engine_says_what_is_there_and_where_new_keys_go)
{
  struct pddb_engine *e = fresh("there.img");

  put(e, NULL, "d", "k", "system", 6);
  ck_assert_str_eq(pddb_latest_basis(e), XOUS_PDDB_SYSTEM_BASIS);
  ck_assert_int_eq(pddb_basis_create(e, "one", "p1", 2), XOUS_OK);
  ck_assert_str_eq(pddb_latest_basis(e), "one");
  put(e, "one", "only", "x", "1", 1);
  ck_assert(pddb_basis_is_open(e, "one"));
  ck_assert(pddb_basis_is_open(e, XOUS_PDDB_SYSTEM_BASIS));
  ck_assert(!pddb_basis_is_open(e, "two"));
  ck_assert(!pddb_basis_is_open(e, NULL));
  /* Named, a basis answers for itself; unnamed, the union answers. */
  ck_assert(pddb_exists(e, NULL, "only", NULL));
  ck_assert(pddb_exists(e, "one", "only", NULL));
  ck_assert(!pddb_exists(e, XOUS_PDDB_SYSTEM_BASIS, "only", NULL));
  ck_assert(pddb_exists(e, XOUS_PDDB_SYSTEM_BASIS, "d", NULL));
  ck_assert(!pddb_exists(e, "one", "d", NULL));
  ck_assert(pddb_exists(e, NULL, "only", "x"));
  ck_assert(pddb_exists(e, NULL, "d", "k"));
  ck_assert(!pddb_exists(e, "one", "d", "k"));
  ck_assert(!pddb_exists(e, NULL, "only", "y"));
  ck_assert(!pddb_exists(e, "two", "only", "x"));
  ck_assert(!pddb_exists(e, NULL, "", "x"));
  /* A locked basis's names are gone with it. */
  ck_assert_int_eq(pddb_basis_lock(e, "one"), XOUS_OK);
  ck_assert(!pddb_basis_is_open(e, "one"));
  ck_assert(!pddb_exists(e, NULL, "only", NULL));
  ck_assert(!pddb_exists(e, NULL, "only", "x"));
  ck_assert_str_eq(pddb_latest_basis(e), XOUS_PDDB_SYSTEM_BASIS);
  ck_assert_int_eq(pddb_close(e), XOUS_OK);
}
END_TEST

START_TEST(pddb_engine_copies_a_name_only_when_it_fits_and_holds_no_nul)
{
  char dst[4];

  ck_assert(pddb_name_copy(dst, sizeof dst, "abc", 3));
  ck_assert_str_eq(dst, "abc");
  ck_assert(pddb_name_copy(dst, sizeof dst, NULL, 0));
  ck_assert_str_eq(dst, "");
  ck_assert(!pddb_name_copy(dst, sizeof dst, "abcd", 4));
  ck_assert(!pddb_name_copy(dst, sizeof dst, "a\0b", 3));
}
END_TEST

/* ==== deniability ============================================================ */

/* Chi-square of the byte histogram of a 4096-byte page against uniform,
 * 255 degrees of freedom: mean 255, standard deviation 22.6. */
static double
chi_square(const uint8_t *p)
{
  unsigned hist[256] = { 0 }, i;
  double x = 0, expect = PDDB_PAGE_SIZE / 256.0;

  for (i = 0; i < PDDB_PAGE_SIZE; i++)
    hist[p[i]]++;
  for (i = 0; i < 256; i++)
    x += (hist[i] - expect) * (hist[i] - expect) / expect;
  return x;
}

struct shape {
  long long pages, freelist, page_size, rows, bytes;
  char schema[512];
  long file_size;
  unsigned bad_pages;
};

static long long
scalar(sqlite3 *db, const char *sql)
{
  sqlite3_stmt *st;
  long long v = -1;

  ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
  if (sqlite3_step(st) == SQLITE_ROW)
    v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

/* A hash (FNV-1a) of every page of the image, through db. */
static uint64_t
image_hash(sqlite3 *db)
{
  uint64_t h = 14695981039346656037u;
  sqlite3_stmt *st;
  int rc;

  ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT data FROM pages", -1, &st,
                                      NULL),
                   SQLITE_OK);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    const uint8_t *p = sqlite3_column_blob(st, 0);
    int i, n = sqlite3_column_bytes(st, 0);

    for (i = 0; i < n; i++)
      h = (h ^ p[i]) * 1099511628211u;
  }
  ck_assert_int_eq(rc, SQLITE_DONE); /* never busy */
  sqlite3_finalize(st);
  return h;
}

/* Reads share one SQLite transaction between writes: it holds back no
 * commit of the engine's, and no other reader of the image. */
START_TEST(pddb_engine_reads_hold_back_no_commit_and_no_other_reader)
{
  const char *path = image_path("held.img");
  struct pddb_engine *e = fresh("held.img");
  char journal[600], buf[8];
  uint64_t before;
  sqlite3 *db;

  put(e, NULL, "d", "k", "one", 3);
  ck_assert_int_eq(pddb_sync(e), XOUS_OK);
  ck_assert_int_eq(get(e, NULL, "d", "k", buf, sizeof buf), 3);
  ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
                   SQLITE_OK);
  before = image_hash(db);
  put(e, NULL, "d", "k", "two", 3);
  ck_assert_int_eq(pddb_sync(e), XOUS_OK);
  ck_assert(image_hash(db) != before);
  sqlite3_close(db);
  snprintf(journal, sizeof journal, "%s-journal", path);
  ck_assert_int_eq(access(journal, F_OK), -1);
  ck_assert_int_eq(get(e, NULL, "d", "k", buf, sizeof buf), 3);
  ck_assert_int_eq(memcmp(buf, "two", 3), 0);
  ck_assert_int_eq(pddb_close(e), XOUS_OK);
}
END_TEST

/* The SQLite structure of an image and the number of its pages that fail
 * the randomness bounds (150 < chi-square < 400: about 5 standard
 * deviations either side). */
static struct shape
measure(const char *path)
{
  struct shape s = { 0 };
  sqlite3 *db;
  sqlite3_stmt *st;
  struct stat sb;

  ck_assert_int_eq(stat(path, &sb), 0);
  s.file_size = (long)sb.st_size;
  ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
                   SQLITE_OK);
  s.pages = scalar(db, "PRAGMA page_count");
  s.freelist = scalar(db, "PRAGMA freelist_count");
  s.page_size = scalar(db, "PRAGMA page_size");
  s.rows = scalar(db, "SELECT count(*) FROM pages");
  s.bytes = scalar(db, "SELECT sum(length(data)) FROM pages");
  ck_assert_int_eq(sqlite3_prepare_v2(db,
                                      "SELECT group_concat(sql) FROM "
                                      "sqlite_master",
                                      -1, &st, NULL),
                   SQLITE_OK);
  ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
  snprintf(s.schema, sizeof s.schema, "%s", sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT data FROM pages", -1, &st,
                                      NULL),
                   SQLITE_OK);
  while (sqlite3_step(st) == SQLITE_ROW) {
    double x = chi_square(sqlite3_column_blob(st, 0));

    if (x < 150 || x > 400)
      s.bad_pages++;
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return s;
}

/* An image with nbases secret bases, each holding a few keys of text. */
static const char *
populated(int nbases)
{
  static const char *names[] = { "work", "diary", "keys" };
  char file[32];
  const char *path;
  struct pddb_engine *e;
  char text[9000];
  int i;

  snprintf(file, sizeof file, "deny%d.img", nbases);
  path = image_path(file);
  ck_assert_int_eq(pddb_format(path, PAGES, 1, 8, NULL, NULL), XOUS_OK);
  ck_assert_int_eq(pddb_open(path, &e), XOUS_OK);
  /* Highly regular plaintext: it must not show through. */
  memset(text, 'A', sizeof text);
  put(e, NULL, "prefs", "theme", text, 100);
  for (i = 0; i < nbases; i++) {
    ck_assert_int_eq(pddb_basis_create(e, names[i], "secret", 6), XOUS_OK);
    put(e, names[i], "notes", "a", text, sizeof text);
    put(e, names[i], "notes", "b", text, 10);
  }
  ck_assert_int_eq(pddb_close(e), XOUS_OK);
  return path;
}

START_TEST(pddb_deniability_images_with_0_1_3_bases_look_alike)
{
  struct shape s[3];
  int counts[3] = { 0, 1, 3 }, i;

  for (i = 0; i < 3; i++) {
    s[i] = measure(populated(counts[i]));
    ck_assert_uint_eq(s[i].bad_pages, 0);
    ck_assert_int_eq(s[i].rows, PAGES);
    ck_assert_int_eq(s[i].bytes, (long long)PAGES * PDDB_PAGE_SIZE);
  }
  for (i = 1; i < 3; i++) {
    ck_assert_int_eq(s[i].file_size, s[0].file_size);
    ck_assert_int_eq(s[i].pages, s[0].pages);
    ck_assert_int_eq(s[i].freelist, s[0].freelist);
    ck_assert_int_eq(s[i].page_size, s[0].page_size);
    ck_assert_str_eq(s[i].schema, s[0].schema);
  }
}
END_TEST

/* The check itself can fail: a page of plain text is caught. */
START_TEST(pddb_deniability_check_catches_a_plain_page)
{
  uint8_t page[PDDB_PAGE_SIZE];
  size_t i;

  for (i = 0; i < sizeof page; i++)
    page[i] = (uint8_t) "notes: meet at noon "[i % 20];
  ck_assert(chi_square(page) > 400);
  pddb_crypto_random(page, sizeof page);
  ck_assert(chi_square(page) < 400);
}
END_TEST

static char *
slurp(const char *path, size_t *n)
{
  FILE *f = fopen(path, "rb");
  char *p;

  ck_assert_ptr_nonnull(f);
  fseek(f, 0, SEEK_END);
  *n = (size_t)ftell(f);
  rewind(f);
  p = malloc(*n + 1);
  ck_assert_uint_eq(fread(p, 1, *n, f), *n);
  fclose(f);
  return p;
}

START_TEST(pddb_wrong_password_and_missing_basis_answer_alike)
{
  const char *with = populated(1); /* has "work", password "secret" */
  const char *without = populated(0);
  struct pddb_engine *e;
  char cmd[2048], *out1, *out2, f1[600], f2[600];
  size_t n1, n2, before, after;
  char *img;
  int rc1, rc2;

  ck_assert_int_eq(pddb_open(with, &e), XOUS_OK);
  img = slurp(with, &before);
  ck_assert_int_eq(pddb_basis_unlock(e, "work", "wrong", 5), XOUS_NOT_FOUND);
  ck_assert_int_eq(pddb_basis_unlock(e, "nobody", "secret", 6),
                   XOUS_NOT_FOUND);
  ck_assert_int_eq(pddb_close(e), XOUS_OK);
  free(img);
  ck_assert_int_eq(pddb_open(without, &e), XOUS_OK);
  ck_assert_int_eq(pddb_basis_unlock(e, "work", "wrong", 5), XOUS_NOT_FOUND);
  ck_assert_int_eq(pddb_basis_unlock(e, "work", "secret", 6), XOUS_NOT_FOUND);
  ck_assert_int_eq(pddb_close(e), XOUS_OK);
  (void)after;

  /* The command says the same, byte for byte, with the same status. */
  snprintf(f1, sizeof f1, "%s/o1", harness_dir());
  snprintf(f2, sizeof f2, "%s/o2", harness_dir());
  snprintf(cmd, sizeof cmd,
           "echo wrong | %s/pddb/pddb -i %s -p 0 -u work ls notes >%s 2>&1",
           getenv("XOUS_BUILDDIR"), with, f1);
  rc1 = system(cmd);
  snprintf(cmd, sizeof cmd,
           "echo wrong | %s/pddb/pddb -i %s -p 0 -u work ls notes >%s 2>&1",
           getenv("XOUS_BUILDDIR"), without, f2);
  rc2 = system(cmd);
  ck_assert_int_ne(rc1, 0);
  ck_assert_int_eq(rc1, rc2);
  out1 = slurp(f1, &n1);
  out2 = slurp(f2, &n2);
  out1[n1] = out2[n2] = '\0';
  ck_assert_str_eq(out1, out2);
  free(out1);
  free(out2);
  /* And the right password does find it (the test can fail). */
  snprintf(cmd, sizeof cmd,
           "echo secret | %s/pddb/pddb -i %s -p 0 -u work ls notes >%s 2>&1",
           getenv("XOUS_BUILDDIR"), with, f1);
  ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* ==== crash soak ============================================================== */

#define SOAK_ROUNDS 20
#define SOAK_KEYS 400

static size_t
soak_len(unsigned i)
{
  return 1 + (i * 7919u) % 30000u;
}

/* writer IMAGE FIRST: writes keys FIRST.. one by one, each synced, and
 * prints "synced N" after each sync. */
static int
role_writer(const char *path, unsigned first)
{
  static uint8_t v[32768];
  struct pddb_engine *e;
  char key[32];
  unsigned i;
  uint32_t h;

  if (pddb_open(path, &e) != XOUS_OK)
    return 3;
  for (i = first; i < SOAK_KEYS; i++) {
    snprintf(key, sizeof key, "k%u", i);
    fill(v, soak_len(i), i);
    if (pddb_key_open(e, NULL, "soak", key,
                      XOUS_PDDB_CREATE | XOUS_PDDB_TRUNCATE, 0,
                      &h) != XOUS_OK ||
        pddb_key_write(e, 0, h, 0, v, soak_len(i)) != XOUS_OK ||
        pddb_sync(e) != XOUS_OK)
      return 4;
    pddb_key_close(e, 0, h);
    /* Rewrite an older key too, so crashes also hit updates. */
    if (i > 0) {
      snprintf(key, sizeof key, "k%u", i / 2);
      fill(v, soak_len(i / 2), i / 2);
      if (pddb_key_open(e, NULL, "soak", key, XOUS_PDDB_TRUNCATE, 0, &h) !=
              XOUS_OK ||
          pddb_key_write(e, 0, h, 0, v, soak_len(i / 2)) != XOUS_OK)
        return 5;
      pddb_key_close(e, 0, h);
    }
    printf("synced %u\n", i);
    fflush(stdout);
  }
  pddb_close(e);
  return 0;
}

START_TEST(pddb_crash_kill_9_during_writes_loses_nothing_synced)
{
  const char *path = image_path("soak.img");
  static uint8_t want[32768], got[32768];
  unsigned round, next = 0, i;
  struct pddb_engine *e;
  char first[16];

  ck_assert_int_eq(pddb_format(path, 2048, 1, 8, NULL, NULL), XOUS_OK);
  srand((unsigned)getpid());
  for (round = 0; round < SOAK_ROUNDS && next < SOAK_KEYS; round++) {
    pid_t pid;
    char *out, *line;
    unsigned last = next;
    bool any = false;

    snprintf(first, sizeof first, "%u", next);
    pid = harness_spawn(SELF, "writer", path, first, NULL);
    /* Killed at a random moment once writing is under way (a loaded
     * machine may take longer than any fixed delay to get there). */
    if (next < SOAK_KEYS)
      ck_assert(harness_wait_nth_line(pid, 0, first, sizeof first, 10000));
    harness_sleep_ms(rand() % 150);
    harness_kill(pid, SIGKILL);
    out = harness_output(pid);
    ck_assert(harness_wait(pid, 5000, NULL));
    for (line = strstr(out, "synced "); line != NULL;
         line = strstr(line + 1, "synced ")) {
      last = (unsigned)atoi(line + 7);
      any = true;
    }
    free(out);
    if (any)
      next = last + 1;
    /* Reopen: every key reported synced is intact. */
    ck_assert_int_eq(pddb_open(path, &e), XOUS_OK);
    for (i = 0; i < next; i++) {
      char key[32];

      snprintf(key, sizeof key, "k%u", i);
      fill(want, soak_len(i), i);
      ck_assert_int_eq(get(e, NULL, "soak", key, got, sizeof got),
                       (long)soak_len(i));
      ck_assert_msg(memcmp(got, want, soak_len(i)) == 0, "key %u damaged", i);
    }
    ck_assert_int_eq(pddb_close(e), XOUS_OK);
  }
  ck_assert_uint_gt(next, 0);
}
END_TEST

START_TEST(pddb_format_makes_a_file_of_the_size_asked)
{
  const char *path = image_path("sized.img");
  char cmd[1200];
  struct stat st;
  long long want = 4ll << 20;

  snprintf(cmd, sizeof cmd, "%s/pddb/pddb format '%s' --size 4M",
           getenv("XOUS_BUILDDIR"), path);
  ck_assert_int_eq(system(cmd), 0);
  ck_assert_int_eq(stat(path, &st), 0);
  /* Within 2%: a row per SQLite page, and the table's few inner pages. */
  ck_assert_msg(st.st_size <= want && st.st_size >= want - want / 50,
                "%lld bytes for 4 MiB", (long long)st.st_size);
}
END_TEST

int
main(int argc, char **argv)
{
  const struct harness_case cases[] = {
    { "engine", 120, HARNESS_NOTHING,
      .tests = HARNESS_TESTS(
          pddb_engine_union_view_prefers_the_most_recently_unlocked_basis,
          pddb_engine_keys_seek_read_write_truncate_and_persist,
          pddb_engine_deletes_keys_dicts_and_bases_and_frees_their_pages,
          pddb_engine_fills_every_free_page_and_loses_no_key,
          pddb_engine_refuses_a_write_to_a_full_image_and_goes_on,
          pddb_engine_handles_of_a_locked_basis_fail,
          pddb_engine_read_ahead_gives_the_bytes_of_the_key_as_they_are_now,
          pddb_engine_reads_hold_back_no_commit_and_no_other_reader,
          pddb_engine_rejects_bad_names,
          pddb_engine_says_what_is_there_and_where_new_keys_go,
          pddb_engine_copies_a_name_only_when_it_fits_and_holds_no_nul,
          pddb_deniability_images_with_0_1_3_bases_look_alike,
          pddb_deniability_check_catches_a_plain_page,
          pddb_wrong_password_and_missing_basis_answer_alike,
          pddb_crash_kill_9_during_writes_loses_nothing_synced,
          pddb_format_makes_a_file_of_the_size_asked) },
  };

  pddb_system_cheap_kdf();
  if (argc == 4 && strcmp(argv[1], "writer") == 0)
    return role_writer(argv[2], (unsigned)atoi(argv[3]));
  return harness_run(harness_suite("pddb", cases));
}
