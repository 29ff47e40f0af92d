/*
 * The PDDB's real wire: senres v1 records byte for byte as Rust std
 * writes them (library/std/src/sys/fs/xous.rs with xous-core's
 * libstd/senres.rs), and xous-pddb under a real xousd and xous-names
 * answering the std family (opcodes 26..41, WriteKeyFlush 18) as the
 * real server does (xous-core services/pddb/src/main.rs, libstd/mod.rs).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include <xous.h>
#include <xous/buffer.h>
#include <xous/pddb.h>

#include "../pddb/senres.h"
#include "support/harness.h"
#include "support/pddb_system.h"

/* File::open("notes:today") with create(true).truncate(true), as std
 * writes it: magic, "KyOQ", the path (u32 length, bytes), five bools
 * (create_file, create_path, create_new, append, truncate), the u64
 * alloc_hint at the next multiple of 8, and None for the callback SID. */
static const uint8_t open_request[] = {
  0xca, 0xb6, 0x4c, 0x34, 'K', 'y', 'O', 'Q', 11,  0, 0, 0, 'n', 'o',
  't',  'e',  's',  ':',  't', 'o', 'd', 'a', 'y', 1, 0, 0, 0,   1,
  0,    0,    0,    0,    0,   0,   0,   0,   0,   0, 0, 0, 0,
};

START_TEST(pddb_wire_senres_writer_makes_the_bytes_rust_std_sends_for_an_open)
{
  uint8_t page[4096];
  struct xous__senres_writer w;

  memset(page, 0xee, sizeof page);
  xous__senres_write_begin(&w, page, sizeof page, "KyOQ");
  xous__senres_put_str(&w, "notes:today", 11);
  xous__senres_put_u8(&w, 1);
  xous__senres_put_u8(&w, 0);
  xous__senres_put_u8(&w, 0);
  xous__senres_put_u8(&w, 0);
  xous__senres_put_u8(&w, 1);
  xous__senres_put_u64(&w, 0);
  xous__senres_put_u8(&w, 0);
  ck_assert(!w.overflow);
  ck_assert_uint_eq(w.off, sizeof open_request);
  ck_assert_mem_eq(page, open_request, sizeof open_request);
}
END_TEST

START_TEST(
    pddb_wire_senres_reader_takes_back_every_field_and_rejects_a_short_record)
{
  struct xous__senres_reader r;
  const uint8_t *s;
  size_t n;

  ck_assert(
      xous__senres_read_begin(&r, open_request, sizeof open_request, "KyOQ"));
  ck_assert(xous__senres_get_str(&r, &s, &n));
  ck_assert_uint_eq(n, 11);
  ck_assert_mem_eq(s, "notes:today", 11);
  ck_assert(xous__senres_get_bool(&r));
  ck_assert(!xous__senres_get_bool(&r));
  ck_assert(!xous__senres_get_bool(&r));
  ck_assert(!xous__senres_get_bool(&r));
  ck_assert(xous__senres_get_bool(&r));
  ck_assert_uint_eq(xous__senres_get_u64(&r), 0);
  ck_assert(!xous__senres_get_some(&r));
  ck_assert(!r.failed);
  /* One byte short: the Option tag is missing. */
  ck_assert(xous__senres_read_begin(&r, open_request, sizeof open_request - 1,
                                    "KyOQ"));
  (void)xous__senres_get_str(&r, &s, &n);
  for (n = 0; n < 5; n++)
    (void)xous__senres_get_bool(&r);
  (void)xous__senres_get_u64(&r);
  ck_assert(!r.failed);
  (void)xous__senres_get_some(&r);
  ck_assert(r.failed);
  /* Another fourcc, and a string longer than the record. */
  ck_assert(
      !xous__senres_read_begin(&r, open_request, sizeof open_request, "KyOR"));
  ck_assert(xous__senres_read_begin(&r, open_request, 16, "KyOQ"));
  ck_assert(!xous__senres_get_str(&r, &s, &n));
}
END_TEST

/* ---- against the server ------------------------------------------------ */

static xous_cid_t cid;
static xous_buffer_t page;

static void
start(void)
{
  pddb_system_start("wire.img", &cid, &page);
}

/* Lends the page with op; returns the offset word (the retcode). */
static size_t
lend(xous_word_t op, size_t valid, size_t *valid_out)
{
  size_t off = 99, v = 0;

  ck_assert_int_eq(xous_lend_mut(cid, op, page.page, page.len, 0, valid, &off,
                                 &v),
                   XOUS_OK);
  if (valid_out != NULL)
    *valid_out = v;
  return off;
}

/* Writes a request of one string field (or none when s is NULL). */
static void
request(const char *fourcc, const char *s)
{
  struct xous__senres_writer w;

  memset(page.page, 0, page.len);
  xous__senres_write_begin(&w, page.page, page.len, fourcc);
  if (s != NULL)
    xous__senres_put_str(&w, s, strlen(s));
}

/* An OpenKeyStd record; create_path asks for a missing dictionary. */
static void
open_key_in(const char *path, bool create, bool create_path, bool truncate,
            bool append)
{
  struct xous__senres_writer w;

  memset(page.page, 0, page.len);
  xous__senres_write_begin(&w, page.page, page.len, "KyOQ");
  xous__senres_put_str(&w, path, strlen(path));
  xous__senres_put_u8(&w, create);
  xous__senres_put_u8(&w, create_path);
  xous__senres_put_u8(&w, 0);
  xous__senres_put_u8(&w, append);
  xous__senres_put_u8(&w, truncate);
  xous__senres_put_u64(&w, 0);
  xous__senres_put_u8(&w, 0);
}

/* An open as std's File::open and File::create send it: create_path
 * unset. */
static void
open_key(const char *path, bool create, bool truncate, bool append)
{
  open_key_in(path, create, false, truncate, append);
}

/* Makes dictionary path with CreateDictStd (std's create_dir). */
static void
make_dict(const char *path)
{
  request("NuDQ", path);
  ck_assert_uint_eq(lend(XOUS_PDDB_CREATE_DICT_STD, 0, NULL), 0);
}

/* The kind byte StatPathStd answers for path. */
static unsigned
stat_kind(const char *path)
{
  struct xous__senres_reader r;

  request("StaQ", path);
  ck_assert_uint_eq(lend(XOUS_PDDB_STAT_PATH_STD, 0, NULL), 0);
  ck_assert_msg(xous__senres_read_begin(&r, page.page, page.len, "StaR"),
                "no StaR record in the answer");
  return xous__senres_get_u8(&r);
}

static struct xous__senres_reader
answer(const char *fourcc)
{
  struct xous__senres_reader r;

  ck_assert_msg(xous__senres_read_begin(&r, page.page, page.len, fourcc),
                "no %s record in the answer", fourcc);
  return r;
}

static void
expect_str(struct xous__senres_reader *r, const char *want)
{
  const uint8_t *s;
  size_t n;

  ck_assert(xous__senres_get_str(r, &s, &n));
  ck_assert_uint_eq(n, strlen(want));
  ck_assert_mem_eq(s, want, n);
}

START_TEST(pddb_wire_std_file_calls_open_write_seek_read_and_close_a_key)
{
  struct xous__senres_reader r;
  xous_word_t ret[5];
  size_t valid;
  uint16_t fd;

  start();
  make_dict("notes");
  memset(page.page, 0, page.len);
  memcpy(page.page, open_request, sizeof open_request);
  ck_assert_uint_eq(lend(XOUS_PDDB_OPEN_KEY_STD, 0, NULL), 0);
  r = answer("KyOR");
  fd = xous__senres_get_u16(&r);
  ck_assert_uint_eq(fd, 0);
  ck_assert_uint_eq(xous__senres_get_u64(&r), 0);

  memcpy(page.page, "hello world", 11);
  ck_assert_uint_eq(lend(XOUS_PDDB_WRITE_KEY_STD | (xous_word_t)fd << 16, 11,
                         &valid),
                    0);
  ck_assert_uint_eq(valid, 11);

  /* SeekFrom::Start(6): whence 0, low word in arg2, high word in arg3. */
  ck_assert_int_eq(xous_blocking_scalar(cid, XOUS_PDDB_SEEK_KEY_STD, 0, 6, 0,
                                        0, ret),
                   XOUS_OK);
  ck_assert_uint_eq(ret[0], 6);
  ck_assert_uint_eq(ret[1], 0);
  memset(page.page, 0, page.len);
  ck_assert_uint_eq(lend(XOUS_PDDB_READ_KEY_STD, 4096, &valid), 0);
  ck_assert_uint_eq(valid, 5);
  ck_assert_mem_eq(page.page, "world", 5);
  /* At the end a read gives 0 bytes. */
  ck_assert_uint_eq(lend(XOUS_PDDB_READ_KEY_STD, 4096, &valid), 0);
  ck_assert_uint_eq(valid, 0);
  /* SeekFrom::End(-5): the distance is two's complement over the words. */
  ck_assert_int_eq(xous_blocking_scalar(cid, XOUS_PDDB_SEEK_KEY_STD, 2,
                                        0xfffffffbu, 0xffffffffu, 0, ret),
                   XOUS_OK);
  ck_assert_uint_eq(ret[0], 6);
  /* Before 0 is an error (UnexpectedEof), the position unchanged. */
  ck_assert_int_eq(xous_blocking_scalar(cid, XOUS_PDDB_SEEK_KEY_STD, 0,
                                        0xffffffffu, 0xffffffffu, 0, ret),
                   XOUS_OK);
  ck_assert_uint_eq(ret[0], XOUS_PDDB_RC_UNEXPECTED_EOF);

  ck_assert_int_eq(xous_blocking_scalar(cid, XOUS_PDDB_CLOSE_KEY_STD, 0, 0, 0,
                                        0, ret),
                   XOUS_OK);
  ck_assert_uint_eq(ret[0], 0);
  ck_assert_int_eq(xous_blocking_scalar(cid, XOUS_PDDB_CLOSE_KEY_STD, 0, 0, 0,
                                        0, ret),
                   XOUS_OK);
  ck_assert_uint_eq(ret[0], XOUS_PDDB_RC_UNEXPECTED_EOF);
  /* A closed descriptor reads nothing. */
  ck_assert_uint_eq(lend(XOUS_PDDB_READ_KEY_STD, 16, NULL),
                    XOUS_PDDB_RC_UNEXPECTED_EOF);

  /* Opened again with append, the length comes back and the position is
   * at the end. */
  open_key("notes:today", false, false, true);
  ck_assert_uint_eq(lend(XOUS_PDDB_OPEN_KEY_STD, 0, NULL), 0);
  r = answer("KyOR");
  fd = xous__senres_get_u16(&r);
  ck_assert_uint_eq(xous__senres_get_u64(&r), 11);
  memcpy(page.page, "!", 1);
  ck_assert_uint_eq(lend(XOUS_PDDB_WRITE_KEY_STD | (xous_word_t)fd << 16, 1,
                         NULL),
                    0);
  ck_assert_int_eq(xous_blocking_scalar(cid,
                                        XOUS_PDDB_SEEK_KEY_STD |
                                            (xous_word_t)fd << 16,
                                        0, 0, 0, 0, ret),
                   XOUS_OK);
  ck_assert_uint_eq(lend(XOUS_PDDB_READ_KEY_STD | (xous_word_t)fd << 16, 4096,
                         &valid),
                    0);
  ck_assert_uint_eq(valid, 12);
  ck_assert_mem_eq(page.page, "hello world!", 12);

  /* WriteKeyFlush answers PddbRetcode::Ok. */
  ck_assert_int_eq(xous_blocking_scalar(cid, XOUS_PDDB_WRITE_KEY_FLUSH, 0, 0,
                                        0, 0, ret),
                   XOUS_OK);
  ck_assert_uint_eq(ret[0], XOUS_PDDB_RC_OK);
}
END_TEST

START_TEST(pddb_wire_std_lists_stats_and_deletes_as_the_real_server)
{
  /* Paths, and the kind byte the server's StatPath answers for each. */
  static const struct {
    const char *path;
    unsigned kind;
  } stats[] = {
    { "notes:today", 2 },
    { "notes", 1 },
    { "elsewhere:nothing", 4 },
    { ":.System", 0 },
  };
  struct xous__senres_reader r;
  size_t off;

  start();
  make_dict("notes");
  open_key("notes:today", true, true, false);
  ck_assert_uint_eq(lend(XOUS_PDDB_OPEN_KEY_STD, 0, NULL), 0);

  request("basQ", NULL);
  ck_assert_uint_eq(lend(XOUS_PDDB_LIST_BASIS_STD, 0, NULL), 0);
  r = answer("basR");
  ck_assert_uint_eq(xous__senres_get_u32(&r), 1);
  expect_str(&r, ".System");

  /* LiDQ: Option<String> basis (None), LiKQ: that and the dict. */
  request("LiDQ", NULL);
  xous__senres_put_u8(&(struct xous__senres_writer){ page.page, page.len, 8,
                                                     false },
                      0);
  ck_assert_uint_eq(lend(XOUS_PDDB_LIST_DICT_STD, 0, NULL), 0);
  r = answer("LiDR");
  ck_assert_uint_eq(xous__senres_get_u32(&r), 1);
  expect_str(&r, "notes");

  {
    struct xous__senres_writer w;

    memset(page.page, 0, page.len);
    xous__senres_write_begin(&w, page.page, page.len, "LiKQ");
    xous__senres_put_u8(&w, 1);
    xous__senres_put_str(&w, ".System", 7);
    xous__senres_put_str(&w, "notes", 5);
  }
  ck_assert_uint_eq(lend(XOUS_PDDB_LIST_KEY_STD, 0, NULL), 0);
  r = answer("LiKR");
  ck_assert_uint_eq(xous__senres_get_u32(&r), 1);
  expect_str(&r, "today");

  request("PthQ", "notes");
  ck_assert_uint_eq(lend(XOUS_PDDB_LIST_PATH_STD, 0, NULL), 0);
  r = answer("PthR");
  ck_assert_uint_eq(xous__senres_get_u32(&r), 1);
  expect_str(&r, "today");
  ck_assert_uint_eq(xous__senres_get_u8(&r), 2);

  for (size_t i = 0; i < sizeof stats / sizeof stats[0]; i++) {
    request("StaQ", stats[i].path);
    ck_assert_uint_eq(lend(XOUS_PDDB_STAT_PATH_STD, 0, NULL), 0);
    r = answer("StaR");
    ck_assert_msg(xous__senres_get_u8(&r) == stats[i].kind, "the stat of '%s'",
                  stats[i].path);
  }

  /* LatestBasisStd: the bare name, its length in the offset word. */
  memset(page.page, 0, page.len);
  off = lend(XOUS_PDDB_LATEST_BASIS_STD, 0, NULL);
  ck_assert_uint_eq(off, 7);
  ck_assert_mem_eq(page.page, ".System", 7);

  /* A dict with keys is not removed (DiskFull); its key is, then it. */
  request("RmDQ", "notes");
  ck_assert_uint_eq(lend(XOUS_PDDB_DELETE_DICT_STD, 0, NULL),
                    XOUS_PDDB_RC_DISK_FULL);
  request("RmKQ", ":.System:notes:today");
  ck_assert_uint_eq(lend(XOUS_PDDB_DELETE_KEY_STD, 0, NULL), 0);
  request("RmKQ", "notes:today");
  ck_assert_uint_eq(lend(XOUS_PDDB_DELETE_KEY_STD, 0, NULL),
                    XOUS_PDDB_RC_UNEXPECTED_EOF);
  open_key("notes:today", false, false, false);
  ck_assert_uint_eq(lend(XOUS_PDDB_OPEN_KEY_STD, 0, NULL),
                    XOUS_PDDB_RC_BASIS_LOST);
  /* A path without a key. */
  open_key("notes", true, false, false);
  ck_assert_uint_eq(lend(XOUS_PDDB_OPEN_KEY_STD, 0, NULL),
                    XOUS_PDDB_RC_ACCESS_DENIED);
}
END_TEST

START_TEST(pddb_wire_std_open_makes_a_missing_dict_only_with_create_path)
{
  start();
  /* File::create in a dictionary that is not there: BasisLost, and no
   * dictionary is left behind. */
  open_key("fresh:k", true, false, false);
  ck_assert_uint_eq(lend(XOUS_PDDB_OPEN_KEY_STD, 0, NULL),
                    XOUS_PDDB_RC_BASIS_LOST);
  ck_assert_uint_eq(stat_kind("fresh"), 4);
  /* create_path without create_file makes the dictionary, and the open
   * of the key that is not there still fails. */
  open_key_in("fresh:k", false, true, false, false);
  ck_assert_uint_eq(lend(XOUS_PDDB_OPEN_KEY_STD, 0, NULL),
                    XOUS_PDDB_RC_BASIS_LOST);
  ck_assert_uint_eq(stat_kind("fresh"), 1);
  ck_assert_uint_eq(stat_kind("fresh:k"), 4);
  /* Both make dictionary and key; now File::create finds the one. */
  open_key_in("other:k", true, true, false, false);
  ck_assert_uint_eq(lend(XOUS_PDDB_OPEN_KEY_STD, 0, NULL), 0);
  ck_assert_uint_eq(stat_kind("other:k"), 2);
  open_key("fresh:k", true, false, false);
  ck_assert_uint_eq(lend(XOUS_PDDB_OPEN_KEY_STD, 0, NULL), 0);
  ck_assert_uint_eq(stat_kind("fresh:k"), 2);
}
END_TEST

START_TEST(pddb_wire_hostile_records_and_unknown_opcodes_get_an_error_answer)
{
  xous_word_t ret[5];
  uint8_t *p;

  start();
  make_dict("a");
  /* A path length far past the page. */
  open_key("a:b", true, false, false);
  p = page.page;
  p[8] = p[9] = p[10] = p[11] = 0xff;
  ck_assert_uint_eq(lend(XOUS_PDDB_OPEN_KEY_STD, 0, NULL),
                    XOUS_PDDB_RC_INTERNAL_ERROR);
  /* A bool that is not 0 or 1, and a bad magic. */
  open_key("a:b", true, false, false);
  p[15] = 7;
  ck_assert_uint_eq(lend(XOUS_PDDB_OPEN_KEY_STD, 0, NULL),
                    XOUS_PDDB_RC_INTERNAL_ERROR);
  open_key("a:b", true, false, false);
  p[0] ^= 1;
  ck_assert_uint_eq(lend(XOUS_PDDB_OPEN_KEY_STD, 0, NULL),
                    XOUS_PDDB_RC_INTERNAL_ERROR);
  /* A name with a NUL in it. */
  open_key("a:b", true, false, false);
  p[13] = 0;
  ck_assert_uint_ne(lend(XOUS_PDDB_OPEN_KEY_STD, 0, NULL), 0);
  /* CreateBasisStd, which the real server leaves unimplemented. */
  request("CrBQ", "x");
  ck_assert_uint_eq(lend(XOUS_PDDB_CREATE_BASIS_STD, 0, NULL),
                    XOUS_PDDB_RC_INTERNAL_ERROR);
  /* Mounted from the start; no eFuses on the desktop. */
  memset(ret, 0xff, sizeof(xous_word_t) * 5);
  ck_assert_int_eq(xous_blocking_scalar(cid, XOUS_PDDB_IS_MOUNTED, 0, 0, 0, 0,
                                        ret),
                   XOUS_OK);
  ck_assert_uint_eq(ret[0], 0);
  ck_assert_uint_eq(ret[1], 0);
  memset(ret, 0xff, sizeof(xous_word_t) * 5);
  ck_assert_int_eq(xous_blocking_scalar(cid, XOUS_PDDB_TRY_MOUNT, 0, 0, 0, 0,
                                        ret),
                   XOUS_OK);
  ck_assert_uint_eq(ret[0], 0);
  ck_assert_int_eq(xous_blocking_scalar(cid, XOUS_PDDB_IS_EFUSE_SECURED, 0, 0,
                                        0, 0, ret),
                   XOUS_OK);
  ck_assert_uint_eq(ret[0], 0);
  /* Opcodes outside the families the desktop serves are answered. */
  ck_assert_uint_ne(lend(57, 0, NULL), 0);
  ck_assert_uint_ne(lend(XOUS_PDDB_IS_EFUSE_SECURED, 0, NULL), 0);
  ck_assert_int_eq(xous_blocking_scalar(cid, 21, 0, 0, 0, 0, ret), XOUS_OK);
  ck_assert_int_eq(xous_blocking_scalar(cid, 0xffff, 0, 0, 0, 0, ret),
                   XOUS_OK);
  /* And the server still serves. */
  open_key("a:b", true, false, false);
  ck_assert_uint_eq(lend(XOUS_PDDB_OPEN_KEY_STD, 0, NULL), 0);
}
END_TEST

int
main(void)
{
  const struct harness_case cases[] = {
    { "senres", 0, HARNESS_UNIT,
      .tests = HARNESS_TESTS(
          pddb_wire_senres_writer_makes_the_bytes_rust_std_sends_for_an_open,
          pddb_wire_senres_reader_takes_back_every_field_and_rejects_a_short_record) },
    { "server", 60, HARNESS_NOTHING,
      .tests = HARNESS_TESTS(
          pddb_wire_std_file_calls_open_write_seek_read_and_close_a_key,
          pddb_wire_std_lists_stats_and_deletes_as_the_real_server,
          pddb_wire_std_open_makes_a_missing_dict_only_with_create_path,
          pddb_wire_hostile_records_and_unknown_opcodes_get_an_error_answer) },
  };

  pddb_system_cheap_kdf();
  return harness_run(harness_suite("pddb-wire", cases));
}
