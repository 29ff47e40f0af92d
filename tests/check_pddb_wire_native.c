/*
 * The PDDB's native key API byte for byte: the rkyv archives the Rust
 * `pddb` crate lends (xous-core services/pddb/src/api.rs, lib.rs,
 * frontend/pddbkey.rs) and the PddbBuf page, laid out by hand from the
 * Rust structs with rkyv 0.8's default format (little-endian, aligned,
 * 32-bit pointers and usize; the root last; Strings of up to 8 bytes
 * inline, padded with 0xff), first through the codec alone, then against
 * xous-pddb under a real xousd and xous-names, both directions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include <xous.h>
#include <xous/buffer.h>
#include <xous/pddb.h>

#include "../pddb/native_wire.h"
#include "support/harness.h"
#include "support/pddb_system.h"

#define FF8 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
#define Z4 0, 0, 0, 0
#define Z8 Z4, Z4
#define Z16 Z8, Z8
#define KEY32                                                                 \
  0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,     \
      0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, \
      0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f

/* Pddb::unlock_basis("secrets", key 00..1f, None), gen2: a
 * PddbBasisRequest { name: "secrets", code: Open, policy: None,
 * basis_key: Some(key) }. 60 bytes: name (inline, 0xff after the text)
 * at 0, code (PddbRequestCode::Open = 1) at 8, policy's Option tag at 12
 * (its value would be at 16..24), basis_key's tag at 24 and bytes at 25,
 * zeros to the struct's alignment of 4. */
static const uint8_t open_secrets[60] = {
  's', 'e', 'c', 'r', 'e', 't',   's', 0xff, 1, 0,
  0,   0,   Z4,  Z8,  1,   KEY32, 0,   0,    0,
};

/* The same name as an out-of-line String: "a-longer-basis" (14 bytes) is
 * written first, zeros to 16, then the root, whose String holds the
 * length as 14 | 0x80 and the offset from itself to the bytes, -16. Code
 * Create (0); policy Some(ClearAfterSleeps(3)): tag 1 at 12, the enum's
 * tag 1 at 16 and its u32 at 20. */
static const uint8_t create_long[76] = {
  'a', '-', 'l', 'o', 'n',  'g',   'e', 'r', '-',  'b',  'a',  's',
  'i', 's', 0,   0,   0x8e, 0,     0,   0,   0xf0, 0xff, 0xff, 0xff,
  0,   0,   0,   0,   1,    0,     0,   0,   1,    0,    0,    0,
  3,   0,   0,   0,   1,    KEY32, 0,   0,   0,
};

/* Pddb::get("notes", "today", None, true, true, None, no callback): a
 * PddbKeyRequest, 88 bytes, aligned to 8 (its alloc_hint is an
 * Option<u64>): basis_specified at 0, basis "" at 4 (all 0xff), dict at
 * 12, key at 20, token: Option<[u32; 3]> at 28 (words at 32), create_dict
 * at 44, create_key at 45, alloc_hint at 48 (u64 at 56), cb_sid at 64
 * (words at 68), result (Uninit = 10) at 84. */
static const uint8_t get_today[88] = {
  Z4,  FF8, 'n', 'o', 't', 'e',  's',  0xff, 0xff, 0xff,
  't', 'o', 'd', 'a', 'y', 0xff, 0xff, 0xff, Z16,  1,
  1,   0,   0,   Z16, Z16, Z4,   10,   0,    0,    0,
};

/* Pddb::list_basis(): a PddbBasisList of 63 empty Strings and num 0. */
static void
empty_basis_list(uint8_t out[508])
{
  memset(out, 0xff, 504);
  memset(out + 504, 0, 4);
}

/* The list_keys() token chosen by the caller (create_server_id on gen2). */
static const uint32_t list_token[4] = { 0x11111111, 0x22222222, 0x33333333,
                                        0x44444444 };

/* Pddb::list_keys("notes", None), the count: a PddbDictRequest, 68 bytes:
 * basis_specified 0, basis "" at 4, dict at 12, key "" at 20, index at
 * 28, token at 32, code Uninit at 48, bulk_limit None at 52 (u32 at 56:
 * usize), key_count at 60, found_key_count at 64. */
static const uint8_t count_notes[68] = {
  Z4,   FF8,  'n',  'o',  't',  'e',  's',  0xff, 0xff, 0xff, FF8,  Z4,
  0x11, 0x11, 0x11, 0x11, 0x22, 0x22, 0x22, 0x22, 0x33, 0x33, 0x33, 0x33,
  0x44, 0x44, 0x44, 0x44, 10,   0,    0,    0,    Z8,   Z8,
};

/* Writes *m back with the codec's writer into a buffer that is not zero,
 * and expects the bytes of want, byte for byte, and no more. */
#define EXPECT_WRITTEN_AS(writer, m, want)                                    \
  do {                                                                        \
    uint8_t out_[128];                                                        \
    size_t used_;                                                             \
                                                                              \
    memset(out_, 0xee, sizeof out_);                                          \
    ck_assert_int_eq(writer(out_, sizeof out_, (m), &used_), XOUS_OK);        \
    ck_assert_uint_eq(used_, sizeof(want));                                   \
    ck_assert_mem_eq(out_, (want), sizeof(want));                             \
  } while (0)

/* The text t is s, and no more. */
static void
expect_text(struct xous__pddb_text t, const char *s)
{
  ck_assert_uint_eq(t.len, strlen(s));
  if (t.len > 0)
    ck_assert_mem_eq(t.s, s, t.len);
}

/* ---- the codec alone -------------------------------------------------------- */

START_TEST(
    pddb_wire_native_codec_reads_and_rewrites_a_basis_request_byte_for_byte)
{
  struct xous__pddb_basis_request m;

  ck_assert_int_eq(xous__pddb_basis_request_read(open_secrets,
                                                 sizeof open_secrets, &m),
                   XOUS_OK);
  expect_text(m.name, "secrets");
  ck_assert_uint_eq(m.code, XOUS__PDDB_REQ_OPEN);
  ck_assert(!m.has_policy);
  ck_assert(m.has_key);
  ck_assert_uint_eq(m.key[31], 0x1f);
  EXPECT_WRITTEN_AS(xous__pddb_basis_request_write, &m, open_secrets);

  ck_assert_int_eq(xous__pddb_basis_request_read(create_long,
                                                 sizeof create_long, &m),
                   XOUS_OK);
  expect_text(m.name, "a-longer-basis");
  ck_assert_uint_eq(m.code, XOUS__PDDB_REQ_CREATE);
  ck_assert(m.has_policy);
  ck_assert_uint_eq(m.policy, 1);
  ck_assert_uint_eq(m.sleeps, 3);
  EXPECT_WRITTEN_AS(xous__pddb_basis_request_write, &m, create_long);
}
END_TEST

START_TEST(pddb_wire_native_codec_reads_and_rewrites_key_and_dict_requests)
{
  struct xous__pddb_key_request k;
  struct xous__pddb_dict_request d;
  uint8_t out[128];
  size_t used;

  ck_assert_int_eq(xous__pddb_key_request_read(get_today, sizeof get_today,
                                               &k),
                   XOUS_OK);
  ck_assert(!k.basis_specified);
  expect_text(k.basis, "");
  expect_text(k.dict, "notes");
  expect_text(k.key, "today");
  ck_assert(!k.has_token && !k.has_alloc_hint && !k.has_cb_sid);
  ck_assert(k.create_dict && k.create_key);
  ck_assert_uint_eq(k.result, XOUS__PDDB_REQ_UNINIT);
  EXPECT_WRITTEN_AS(xous__pddb_key_request_write, &k, get_today);
  /* With a token, an alloc_hint and a callback SID. */
  k.has_token = true;
  k.token[0] = 0x01020304;
  k.has_alloc_hint = true;
  k.alloc_hint = 0x1122334455667788ull;
  k.has_cb_sid = true;
  k.cb_sid[3] = 0xa0b0c0d0;
  ck_assert_int_eq(xous__pddb_key_request_write(out, sizeof out, &k, &used),
                   XOUS_OK);
  ck_assert_uint_eq(out[28], 1);
  ck_assert_uint_eq(out[32], 0x04);
  ck_assert_uint_eq(out[48], 1);
  ck_assert_uint_eq(out[56], 0x88);
  ck_assert_uint_eq(out[63], 0x11);
  ck_assert_uint_eq(out[64], 1);
  ck_assert_uint_eq(out[80], 0xd0);
  ck_assert_int_eq(xous__pddb_key_request_read(out, used, &k), XOUS_OK);
  ck_assert_uint_eq(k.alloc_hint, 0x1122334455667788ull);
  ck_assert_uint_eq(k.cb_sid[3], 0xa0b0c0d0);

  ck_assert_int_eq(xous__pddb_dict_request_read(count_notes,
                                                sizeof count_notes, &d),
                   XOUS_OK);
  ck_assert_mem_eq(d.token, list_token, sizeof list_token);
  ck_assert(!d.has_bulk_limit);
  EXPECT_WRITTEN_AS(xous__pddb_dict_request_write, &d, count_notes);
}
END_TEST

START_TEST(pddb_wire_native_codec_writes_a_bulk_record_as_rkyv_lays_it_out)
{
  /* PddbKeyRecord { name: "today", len: 5, reserved: 5, age: 0, index: 1,
   * basis: ".System", data: Some(b"hello") }: the Vec's bytes first (the
   * Strings are inline), zeros to 8, the 44-byte root; its Vec at 44
   * (8 + 36) points -44 back, length 5. */
  static const uint8_t want[52] = {
    'h',  'e',  'l',  'l', 'o', 0,    0,    0,    't',  'o', 'd', 'a', 'y',
    0xff, 0xff, 0xff, 5,   0,   0,    0,    5,    0,    0,   0,   0,   0,
    0,    0,    1,    0,   0,   0,    '.',  'S',  'y',  's', 't', 'e', 'm',
    0xff, 1,    0,    0,   0,   0xd4, 0xff, 0xff, 0xff, 5,   0,   0,   0,
  };
  struct xous__pddb_key_record rec = { 0 }, back;
  uint8_t out[64];
  size_t used;

  rec.name = (struct xous__pddb_text){ (const uint8_t *)"today", 5 };
  rec.basis = (struct xous__pddb_text){ (const uint8_t *)".System", 7 };
  rec.len = rec.reserved = 5;
  rec.index = 1;
  rec.has_data = true;
  rec.data = (const uint8_t *)"hello";
  rec.data_len = 5;
  ck_assert_int_eq(xous__pddb_key_record_write(out, sizeof out, &rec, &used),
                   XOUS_OK);
  ck_assert_uint_eq(used, sizeof want);
  ck_assert_mem_eq(out, want, sizeof want);
  ck_assert_int_eq(xous__pddb_key_record_read(out, used, &back), XOUS_OK);
  ck_assert_uint_eq(back.data_len, 5);
  ck_assert_mem_eq(back.data, "hello", 5);
  /* Too small a buffer: nothing past its end, OutOfMemory. */
  ck_assert_int_eq(xous__pddb_key_record_write(out, 40, &rec, &used),
                   XOUS_OUT_OF_MEMORY);
}
END_TEST

/* get_today with the n bytes at at replaced by those of with: the reader
 * must refuse it. */
static void
expect_get_today_refused_with(size_t at, const char *with, size_t n)
{
  struct xous__pddb_key_request k;
  uint8_t bad[sizeof get_today];

  memcpy(bad, get_today, sizeof bad);
  memcpy(bad + at, with, n);
  ck_assert_int_eq(xous__pddb_key_request_read(bad, sizeof bad, &k),
                   XOUS_INVALID_ARGUMENT);
}

START_TEST(pddb_wire_native_codec_refuses_what_rkyv_would_not_accept)
{
  struct xous__pddb_basis_request b;
  struct xous__pddb_key_request k;
  struct xous__pddb_buf pb;
  uint8_t page[24] = { 0 };

  /* A bool that is 2, a code past the last variant, an Option tag of 2,
   * one byte short (the root is then misplaced), a String pointing
   * outside the archive, text that is not UTF-8. */
  expect_get_today_refused_with(44, "\x02", 1);
  expect_get_today_refused_with(84, "\x0d", 1);
  expect_get_today_refused_with(28, "\x02", 1);
  ck_assert_int_eq(xous__pddb_key_request_read(get_today + 1,
                                               sizeof get_today - 1, &k),
                   XOUS_INVALID_ARGUMENT);
  expect_get_today_refused_with(12, "\x8e\0\0\0\x40\0\0\0", 8);
  expect_get_today_refused_with(12, "\xc0", 1);
  ck_assert_int_eq(xous__pddb_basis_request_read(open_secrets, 59, &b),
                   XOUS_INVALID_ARGUMENT);
  /* A PddbBuf asking for more than its 4072 data bytes. */
  page[14] = 0xe9;
  page[15] = 0x0f; /* 4073 */
  ck_assert_int_eq(xous__pddb_buf_read(page, sizeof page, &pb),
                   XOUS_INVALID_ARGUMENT);
  ck_assert_int_eq(xous__pddb_buf_read(page, 23, &pb), XOUS_INVALID_ARGUMENT);
}
END_TEST

/* ---- against the server -------------------------------------------------------- */

static xous_cid_t cid;
static xous_buffer_t page;

static void
start(void)
{
  pddb_system_start("native.img", &cid, &page);
}

/* Puts an archive at the start of the page (the rest zero) and lends it
 * as Buffer::lend_mut does: offset = used, valid = the page's length.
 * Returns the answer's used; *valid gets its valid word. */
static size_t
lend(xous_word_t op, const void *arch, size_t used, size_t *valid)
{
  size_t off = 0, v = 0;

  memset(page.page, 0, page.len);
  if (arch != NULL)
    memcpy(page.page, arch, used);
  ck_assert_int_eq(xous_lend_mut(cid, op, page.page, page.len, used, page.len,
                                 &off, &v),
                   XOUS_OK);
  if (valid != NULL)
    *valid = v;
  return off;
}

static uint8_t *
pg(void)
{
  return page.page;
}

/* Lends the len bytes of req for op and expects them back as many, with
 * the answer's code, the byte at at, set to code. */
static void
expect_code(xous_word_t op, const void *req, size_t len, size_t at,
            uint8_t code)
{
  ck_assert_uint_eq(lend(op, req, len, NULL), len);
  ck_assert_uint_eq(pg()[at], code);
}

/* A PddbBasisList answer: names, in order, then empty Strings. */
static void
expect_basis_list(size_t used, const char *const *names, uint32_t num)
{
  uint8_t want[508];
  uint32_t i;

  empty_basis_list(want);
  for (i = 0; i < num; i++)
    memcpy(want + 8 * i, names[i], strlen(names[i]));
  want[504] = (uint8_t)num;
  ck_assert_uint_eq(used, sizeof want);
  ck_assert_mem_eq(pg(), want, sizeof want);
}

START_TEST(pddb_wire_native_bases_list_create_open_latest_and_close)
{
  static const char *const system_only[] = { ".System" };
  static const char *const both[] = { ".System", "secrets" };
  uint8_t req[508], want[60], create[60], latest[60];
  size_t used, valid;

  start();
  /* ListBasis: just the System basis. */
  empty_basis_list(req);
  used = lend(2, req, sizeof req, &valid);
  ck_assert_uint_eq(valid, page.len);
  expect_basis_list(used, system_only, 1);

  /* CreateBasis answers NoErr (4) and leaves the basis locked. */
  memcpy(create, open_secrets, sizeof create);
  create[8] = XOUS__PDDB_REQ_CREATE;
  memcpy(want, create, sizeof want);
  want[8] = XOUS__PDDB_REQ_NO_ERR;
  ck_assert_uint_eq(lend(4, create, sizeof create, NULL), sizeof want);
  ck_assert_mem_eq(pg(), want, sizeof want);
  expect_basis_list(lend(2, req, sizeof req, NULL), system_only, 1);
  /* Made again: DuplicateEntry (11). */
  expect_code(4, create, sizeof create, 8, XOUS__PDDB_REQ_DUPLICATE_ENTRY);

  /* OpenBasis with another key: AccessDenied (9), nothing opens. */
  memcpy(req, open_secrets, sizeof open_secrets);
  req[25] ^= 1;
  expect_code(5, req, sizeof open_secrets, 8, XOUS__PDDB_REQ_ACCESS_DENIED);
  /* With its key: NoErr, the rest as sent. */
  memcpy(want, open_secrets, sizeof want);
  want[8] = XOUS__PDDB_REQ_NO_ERR;
  ck_assert_uint_eq(lend(5, open_secrets, sizeof open_secrets, NULL), 60);
  ck_assert_mem_eq(pg(), want, sizeof want);
  empty_basis_list(req);
  expect_basis_list(lend(2, req, sizeof req, NULL), both, 2);

  /* LatestBasis: PddbBasisRequest { name: "", code: Uninit, None, None }
   * comes back with the latest basis's name and NoErr. */
  memset(latest, 0, sizeof latest);
  memset(latest, 0xff, 8);
  latest[8] = XOUS__PDDB_REQ_UNINIT;
  memset(want, 0, sizeof want);
  memcpy(want, "secrets\xff", 8);
  want[8] = XOUS__PDDB_REQ_NO_ERR;
  ck_assert_uint_eq(lend(3, latest, sizeof latest, NULL), sizeof want);
  ck_assert_mem_eq(pg(), want, sizeof want);

  /* CloseBasis: code Close (2) -> NoErr; again -> NotFound (7). */
  memcpy(req, open_secrets, sizeof open_secrets);
  req[8] = XOUS__PDDB_REQ_CLOSE;
  expect_code(6, req, sizeof open_secrets, 8, XOUS__PDDB_REQ_NO_ERR);
  expect_code(6, req, sizeof open_secrets, 8, XOUS__PDDB_REQ_NOT_FOUND);
  /* A request whose code is not the opcode's: InternalError (8). */
  expect_code(5, req, sizeof open_secrets, 8, XOUS__PDDB_REQ_INTERNAL_ERROR);
  /* The System basis is latest again. */
  ck_assert_uint_eq(lend(3, latest, sizeof latest, NULL), 60);
  ck_assert_mem_eq(pg(), ".System\xff", 8);

  /* An out-of-line name: created, opened, listed, deleted. */
  ck_assert_uint_eq(lend(4, create_long, sizeof create_long, NULL),
                    sizeof create_long);
  ck_assert_uint_eq(pg()[16 + 8], XOUS__PDDB_REQ_NO_ERR);
  memcpy(req, create_long, sizeof create_long);
  req[16 + 8] = XOUS__PDDB_REQ_OPEN;
  ck_assert_uint_eq(lend(5, req, sizeof create_long, NULL),
                    sizeof create_long);
  ck_assert_uint_eq(pg()[16 + 8], XOUS__PDDB_REQ_NO_ERR);
  ck_assert_uint_eq(lend(3, latest, sizeof latest, NULL), 76);
  ck_assert_mem_eq(pg(), "a-longer-basis", 14);
  req[16 + 8] = XOUS__PDDB_REQ_DELETE;
  ck_assert_uint_eq(lend(7, req, sizeof create_long, NULL),
                    sizeof create_long);
  ck_assert_uint_eq(pg()[16 + 8], XOUS__PDDB_REQ_NO_ERR);
  ck_assert_uint_eq(lend(7, req, sizeof create_long, NULL),
                    sizeof create_long);
  ck_assert_uint_eq(pg()[16 + 8], XOUS__PDDB_REQ_NOT_FOUND);
}
END_TEST

/* KeyRequest for get_today; returns the token. */
static void
get_key(const uint8_t *req, size_t len, uint32_t token[3])
{
  uint8_t want[88];

  ck_assert_uint_eq(lend(15, req, len, NULL), sizeof want);
  memcpy(want, req, sizeof want);
  /* The answer: token Some (tag at 28, words at 32), result NoErr. */
  want[28] = 1;
  memcpy(want + 32, pg() + 32, 12);
  want[84] = XOUS__PDDB_REQ_NO_ERR;
  ck_assert_mem_eq(pg(), want, sizeof want);
  memcpy(token, pg() + 32, 12);
  ck_assert(token[0] != 0 || token[1] != 0 || token[2] != 0);
}

/* A PddbBuf request as PddbKey's read and write make it. */
static size_t
key_io(xous_word_t op, const uint32_t token[3], uint64_t position,
       const void *data, uint16_t len, uint8_t *retcode)
{
  struct xous__pddb_buf b = { { token[0], token[1], token[2] },
                              0,
                              0,
                              len,
                              position };
  size_t off = 1, v = 0;

  memset(page.page, 0, page.len);
  xous__pddb_buf_write(page.page, &b);
  if (data != NULL)
    memcpy(pg() + 24, data, len);
  /* Buffer::new(4096): used 0, so the offset word is None (0). */
  ck_assert_int_eq(xous_lend_mut(cid, op, page.page, page.len, 0, page.len,
                                 &off, &v),
                   XOUS_OK);
  ck_assert_uint_eq(off, 0);
  ck_assert_uint_eq(v, page.len);
  ck_assert_int_eq(xous__pddb_buf_read(page.page, page.len, &b), XOUS_OK);
  ck_assert_mem_eq(b.token, token, 12);
  ck_assert_uint_eq(b.position, position);
  *retcode = b.retcode;
  return b.len;
}

START_TEST(pddb_wire_native_key_request_write_read_attributes_and_drop)
{
  uint32_t token[3], other[3];
  uint8_t attr[64], want[64], rc, req[88];
  xous_word_t ret[5];

  start();
  get_key(get_today, sizeof get_today, token);
  /* WriteKey: 11 bytes at 0; the answer keeps len, retcode Ok (1). */
  ck_assert_uint_eq(key_io(17, token, 0, "hello world", 11, &rc), 11);
  ck_assert_uint_eq(rc, XOUS_PDDB_RC_OK);
  /* ReadKey: 5 bytes from 6. */
  ck_assert_uint_eq(key_io(16, token, 6, NULL, 5, &rc), 5);
  ck_assert_uint_eq(rc, XOUS_PDDB_RC_OK);
  ck_assert_mem_eq(pg() + 24, "world", 5);
  /* Asking for more than there is: what there is. */
  ck_assert_uint_eq(key_io(16, token, 0, NULL, 4072, &rc), 11);
  ck_assert_mem_eq(pg() + 24, "hello world", 11);
  /* From the end: 0 bytes, Ok; from past it: UnexpectedEof (4). */
  ck_assert_uint_eq(key_io(16, token, 11, NULL, 8, &rc), 0);
  ck_assert_uint_eq(rc, XOUS_PDDB_RC_OK);
  (void)key_io(16, token, 12, NULL, 8, &rc);
  ck_assert_uint_eq(rc, XOUS_PDDB_RC_UNEXPECTED_EOF);

  /* KeyAttributes: PddbKeyAttrIpc::new(token) is 64 bytes, aligned to 8:
   * len, reserved, age (u64) at 0, 8, 16, dict and basis "" at 24 and
   * 32, flags and index at 40 and 44, the token at 48, code Uninit at
   * 60. The answer: len 11, reserved 11, age 0, "notes", ".System",
   * flags 1 (valid), index 1, the token, NoErr. */
  memset(attr, 0, sizeof attr);
  memset(attr + 24, 0xff, 16);
  memcpy(attr + 48, token, 12);
  attr[60] = XOUS__PDDB_REQ_UNINIT;
  memcpy(want, attr, sizeof want);
  want[0] = 11;
  want[8] = 11;
  memcpy(want + 24, "notes\xff\xff\xff.System\xff", 16);
  want[40] = 1;
  want[44] = 1;
  want[60] = XOUS__PDDB_REQ_NO_ERR;
  ck_assert_uint_eq(lend(10, attr, sizeof attr, NULL), sizeof want);
  ck_assert_mem_eq(pg(), want, sizeof want);

  /* A second token on the same key, from another KeyRequest without the
   * create flags: the key is found. */
  memcpy(req, get_today, sizeof req);
  req[44] = req[45] = 0;
  get_key(req, sizeof req, other);
  ck_assert_uint_eq(key_io(16, other, 0, NULL, 5, &rc), 5);
  ck_assert_mem_eq(pg() + 24, "hello", 5);
  /* Without the create flags a missing key is NotFound (7). */
  memcpy(req + 20, "nothere\xff", 8);
  expect_code(15, req, sizeof req, 84, XOUS__PDDB_REQ_NOT_FOUND);
  ck_assert_uint_eq(pg()[28], 0);

  /* KeyDrop: BlockingScalar(t0, t1, t2) -> Scalar1(Ok 1), then BasisLost
   * (2); a dropped token reads BasisLost, KeyAttributes leaves the page
   * as it came. */
  ck_assert_int_eq(xous_blocking_scalar(cid, 20, token[0], token[1], token[2],
                                        0, ret),
                   XOUS_OK);
  ck_assert_uint_eq(ret[0], XOUS_PDDB_RC_OK);
  ck_assert_int_eq(xous_blocking_scalar(cid, 20, token[0], token[1], token[2],
                                        0, ret),
                   XOUS_OK);
  ck_assert_uint_eq(ret[0], XOUS_PDDB_RC_BASIS_LOST);
  (void)key_io(16, token, 0, NULL, 5, &rc);
  ck_assert_uint_eq(rc, XOUS_PDDB_RC_BASIS_LOST);
  ck_assert_uint_eq(lend(10, attr, sizeof attr, NULL), sizeof attr);
  ck_assert_mem_eq(pg(), attr, sizeof attr);
  /* The other token still works. */
  ck_assert_uint_eq(key_io(16, other, 6, NULL, 5, &rc), 5);
  ck_assert_mem_eq(pg() + 24, "world", 5);
}
END_TEST

START_TEST(pddb_wire_native_keys_of_a_secret_basis_vanish_when_it_closes)
{
  uint8_t req[88], basis[60];
  uint32_t token[3];
  uint8_t rc;

  start();
  memcpy(basis, open_secrets, sizeof basis);
  basis[8] = XOUS__PDDB_REQ_CREATE;
  expect_code(4, basis, sizeof basis, 8, XOUS__PDDB_REQ_NO_ERR);
  expect_code(5, open_secrets, sizeof open_secrets, 8, XOUS__PDDB_REQ_NO_ERR);
  /* A new key goes to the most recently opened basis. */
  get_key(get_today, sizeof get_today, token);
  ck_assert_uint_eq(key_io(17, token, 0, "hidden", 6, &rc), 6);
  ck_assert_uint_eq(rc, XOUS_PDDB_RC_OK);
  basis[8] = XOUS__PDDB_REQ_CLOSE;
  expect_code(6, basis, sizeof basis, 8, XOUS__PDDB_REQ_NO_ERR);
  /* Its token reads BasisLost; a KeyRequest finds nothing. */
  (void)key_io(16, token, 0, NULL, 6, &rc);
  ck_assert_uint_eq(rc, XOUS_PDDB_RC_BASIS_LOST);
  memcpy(req, get_today, sizeof req);
  req[44] = req[45] = 0;
  expect_code(15, req, sizeof req, 84, XOUS__PDDB_REQ_NOT_FOUND);
  /* A basis named that is not open: NotFound, or NotMounted (5) when the
   * dictionary was to be made. */
  memcpy(req, get_today, sizeof req);
  req[0] = 1;
  memcpy(req + 4, "secrets\xff", 8);
  expect_code(15, req, sizeof req, 84, XOUS__PDDB_REQ_NOT_MOUNTED);
  req[44] = 0;
  expect_code(15, req, sizeof req, 84, XOUS__PDDB_REQ_NOT_FOUND);
  /* Opened again, the key is there. */
  ck_assert_uint_eq(lend(5, open_secrets, sizeof open_secrets, NULL), 60);
  req[44] = req[45] = 0;
  get_key(req, sizeof req, token);
  ck_assert_uint_eq(key_io(16, token, 0, NULL, 100, &rc), 6);
  ck_assert_mem_eq(pg() + 24, "hidden", 6);
}
END_TEST

START_TEST(pddb_wire_native_delete_key_and_dict)
{
  uint8_t req[88];
  uint32_t token[3];
  uint8_t rc;

  start();
  get_key(get_today, sizeof get_today, token);
  ck_assert_uint_eq(key_io(17, token, 0, "x", 1, &rc), 1);
  /* DeleteKey: the same PddbKeyRequest; NoErr, then NotFound. The real
   * server keeps a token when no basis was named: it reads BasisLost. */
  expect_code(8, get_today, sizeof get_today, 84, XOUS__PDDB_REQ_NO_ERR);
  expect_code(8, get_today, sizeof get_today, 84, XOUS__PDDB_REQ_NOT_FOUND);
  (void)key_io(16, token, 0, NULL, 1, &rc);
  ck_assert_uint_eq(rc, XOUS_PDDB_RC_BASIS_LOST);
  /* DeleteDict: key "" (all 0xff); with the basis named, the dictionary's
   * tokens are dropped. */
  get_key(get_today, sizeof get_today, token);
  ck_assert_uint_eq(key_io(17, token, 0, "y", 1, &rc), 1);
  memcpy(req, get_today, sizeof req);
  req[0] = 1;
  memcpy(req + 4, ".System\xff", 8);
  memset(req + 20, 0xff, 8);
  expect_code(9, req, sizeof req, 84, XOUS__PDDB_REQ_NO_ERR);
  expect_code(9, req, sizeof req, 84, XOUS__PDDB_REQ_NOT_FOUND);
  (void)key_io(16, token, 0, NULL, 1, &rc);
  ck_assert_uint_eq(rc, XOUS_PDDB_RC_BASIS_LOST);
}
END_TEST

/* Makes dict "notes" with keys named names, each holding its own name. */
static void
make_keys(const char *const *names, size_t n)
{
  uint8_t req[88], rc;
  uint32_t token[3];
  size_t i, len;

  for (i = 0; i < n; i++) {
    memcpy(req, get_today, sizeof req);
    len = strlen(names[i]);
    ck_assert_uint_le(len, 8);
    memset(req + 20, 0xff, 8);
    memcpy(req + 20, names[i], len);
    get_key(req, sizeof req, token);
    ck_assert_uint_eq(key_io(17, token, 0, names[i], (uint16_t)len, &rc), len);
  }
}

START_TEST(pddb_wire_native_key_listing_counts_then_packs_names)
{
  static const char *const names[] = { "b", "c", "a-third" };
  /* ListKeyV2 data: u8 length then the name, in byte order. */
  static const uint8_t packed[] = { 7,   'a', '-', 't', 'h', 'i', 'r',
                                    'd', 1,   'b', 1,   'c', 0 };
  static uint8_t list[4084];
  uint8_t want[68];

  start();
  make_keys(names, 3);
  /* KeyCountInDict: NoErr, key_count and found_key_count 3. */
  memcpy(want, count_notes, sizeof want);
  want[48] = XOUS__PDDB_REQ_NO_ERR;
  want[60] = 3;
  want[64] = 3;
  ck_assert_uint_eq(lend(11, count_notes, sizeof count_notes, NULL), 68);
  ck_assert_mem_eq(pg(), want, sizeof want);
  /* A second count while one is open: AccessDenied (9). */
  expect_code(11, count_notes, sizeof count_notes, 48,
              XOUS__PDDB_REQ_ACCESS_DENIED);
  /* ListKeyV2: PddbKeyList { token, data: [0; 4064], retcode: Uninit,
   * end: false }, 4084 bytes: token at 0, data at 16, retcode at 4080,
   * end at 4081. Another token: AccessDenied (3). */
  memset(list, 0, sizeof list);
  expect_code(45, list, sizeof list, 4080, XOUS_PDDB_RC_ACCESS_DENIED);
  memcpy(list, list_token, 16);
  ck_assert_uint_eq(lend(45, list, sizeof list, NULL), sizeof list);
  ck_assert_mem_eq(pg(), list_token, 16);
  ck_assert_mem_eq(pg() + 16, packed, sizeof packed);
  ck_assert_uint_eq(pg()[4080], XOUS_PDDB_RC_OK);
  ck_assert_uint_eq(pg()[4081], 1);
  /* The session is over: the next ListKeyV2 is AccessDenied, a new count
   * works. A dictionary that is not there: NotFound. */
  expect_code(45, list, sizeof list, 4080, XOUS_PDDB_RC_ACCESS_DENIED);
  memcpy(want, count_notes, sizeof want);
  memcpy(want + 12, "none\xff\xff\xff\xff", 8);
  expect_code(11, want, sizeof want, 48, XOUS__PDDB_REQ_NOT_FOUND);
}
END_TEST

START_TEST(pddb_wire_native_dict_listing_by_index)
{
  static const char *const names[] = { "k" };
  uint8_t req[68], want[68];

  start();
  make_keys(names, 1);
  /* DictCountInBasis: the count in index (28); GetDictNameAtIndex: the
   * name in dict (12); the last index ends the session. */
  memcpy(req, count_notes, sizeof req);
  memset(req + 12, 0xff, 8);
  memcpy(want, req, sizeof want);
  want[28] = 1;
  want[48] = XOUS__PDDB_REQ_NO_ERR;
  ck_assert_uint_eq(lend(13, req, sizeof req, NULL), 68);
  ck_assert_mem_eq(pg(), want, sizeof want);
  expect_code(13, req, sizeof req, 48, XOUS__PDDB_REQ_ACCESS_DENIED);
  req[28] = 1; /* past the end: InternalError */
  expect_code(14, req, sizeof req, 48, XOUS__PDDB_REQ_INTERNAL_ERROR);
  req[28] = 0;
  memcpy(want, req, sizeof want);
  memcpy(want + 12, "notes\xff\xff\xff", 8);
  want[48] = XOUS__PDDB_REQ_NO_ERR;
  ck_assert_uint_eq(lend(14, req, sizeof req, NULL), 68);
  ck_assert_mem_eq(pg(), want, sizeof want);
  expect_code(14, req, sizeof req, 48, XOUS__PDDB_REQ_ACCESS_DENIED);
}
END_TEST

START_TEST(pddb_wire_native_bulk_read_streams_records_until_last)
{
  static const char *const names[] = { "today", "z" };
  struct xous__pddb_bulk_header h;
  struct xous__pddb_key_record rec;
  uint8_t req[68], first[52];
  uint32_t len;

  start();
  make_keys(names, 2);
  /* read_dict("notes", None, None): code BulkRead (12), bulk_limit
   * Some(32768) (tag at 52, u32 at 56), token zeros. */
  memcpy(req, count_notes, sizeof req);
  memset(req + 32, 0, 16);
  req[48] = XOUS__PDDB_REQ_BULK_READ;
  req[52] = 1;
  req[57] = 0x80;
  ck_assert_uint_eq(lend(52, req, sizeof req, NULL), sizeof req);
  /* BulkReadHeader (32 bytes): code Last (2), starting index 0, 2
   * records, 2 in all, the session's token. */
  xous__pddb_bulk_header_read(pg(), &h);
  ck_assert_uint_eq(h.code, XOUS__PDDB_BULK_LAST);
  ck_assert_uint_eq(h.starting_key_index, 0);
  ck_assert_uint_eq(h.len, 2);
  ck_assert_uint_eq(h.total, 2);
  /* The first record: a u32 length, then PddbKeyRecord "today" as rkyv
   * lays it out (see the codec test): data "today", index 1. */
  memcpy(&len, pg() + 32, 4);
  ck_assert_uint_eq(len, 52);
  memcpy(first, "today\0\0\0today\xff\xff\xff", 16);
  memcpy(first + 16, "\5\0\0\0\5\0\0\0\0\0\0\0\1\0\0\0", 16);
  memcpy(first + 32, ".System\xff\1\0\0\0\xd4\xff\xff\xff\5\0\0\0", 20);
  ck_assert_mem_eq(pg() + 36, first, sizeof first);
  memcpy(&len, pg() + 36 + 52, 4);
  ck_assert_int_eq(xous__pddb_key_record_read(pg() + 36 + 52 + 4, len, &rec),
                   XOUS_OK);
  expect_text(rec.name, "z");
  ck_assert(rec.has_data);
  ck_assert_mem_eq(rec.data, "z", 1);

  /* With a limit of 5 bytes, "today" (5, not below the limit) comes
   * without data. */
  req[56] = 5;
  req[57] = 0;
  ck_assert_uint_eq(lend(52, req, sizeof req, NULL), sizeof req);
  xous__pddb_bulk_header_read(pg(), &h);
  ck_assert_uint_eq(h.code, XOUS__PDDB_BULK_LAST);
  memcpy(&len, pg() + 32, 4);
  ck_assert_int_eq(xous__pddb_key_record_read(pg() + 36, len, &rec), XOUS_OK);
  ck_assert(!rec.has_data);
  ck_assert_uint_eq(rec.len, 5);
  /* A dictionary that is not there: NotFound (4) in the first word only. */
  memcpy(req + 12, "none\xff\xff\xff\xff", 8);
  expect_code(52, req, sizeof req, 0, XOUS__PDDB_BULK_NOT_FOUND);
  ck_assert_mem_eq(pg() + 4, req + 4, sizeof req - 4);
}
END_TEST

START_TEST(pddb_wire_native_hostile_requests_come_back_unanswered)
{
  static const uint8_t junk[40] = { 0x8f, 1, 2, 3, 0x7f, 0x7f, 0x7f, 0x7f };
  xous_word_t ret[5];
  size_t off = 7, v = 0;
  uint8_t rc;
  uint32_t token[3] = { 1, 2, 3 };
  xous_word_t op;

  start();
  /* An archive that does not decode, for every rkyv opcode: the page
   * comes back as it went, offset = its used. */
  for (op = 2; op <= 15; op++) {
    ck_assert_uint_eq(lend(op, junk, sizeof junk, NULL), sizeof junk);
    ck_assert_mem_eq(pg(), junk, sizeof junk);
  }
  ck_assert_uint_eq(lend(45, junk, sizeof junk, NULL), sizeof junk);
  ck_assert_uint_eq(lend(52, junk, sizeof junk, NULL), sizeof junk);
  /* A used beyond the page or beyond what the server copies. */
  ck_assert_int_eq(xous_lend_mut(cid, 15, page.page, page.len, page.len + 1, 0,
                                 &off, &v),
                   XOUS_OK);
  ck_assert_uint_eq(off, page.len + 1);
  /* A PddbBuf asking for 4073 bytes: InternalError (5). */
  (void)key_io(16, token, 0, NULL, 4072, &rc);
  ck_assert_uint_eq(rc, XOUS_PDDB_RC_BASIS_LOST);
  memset(page.page, 0, page.len);
  pg()[14] = 0xe9;
  pg()[15] = 0x0f;
  ck_assert_int_eq(xous_lend_mut(cid, 16, page.page, page.len, 0, page.len,
                                 &off, &v),
                   XOUS_OK);
  ck_assert_uint_eq(pg()[12], XOUS_PDDB_RC_INTERNAL_ERROR);
  /* Scalars where a page belongs: Scalar1(InternalError). */
  ck_assert_int_eq(xous_blocking_scalar(cid, 15, 0, 0, 0, 0, ret), XOUS_OK);
  ck_assert_uint_eq(ret[0], XOUS_PDDB_RC_INTERNAL_ERROR);
  ck_assert_int_eq(xous_scalar(cid, 16, 0, 0, 0, 0), XOUS_OK);
  /* A plain Lend: back unchanged. Opcode 12, gone from the real server:
   * unchanged too. */
  memcpy(pg(), get_today, sizeof get_today);
  ck_assert_int_eq(xous_lend(cid, 15, page.page, page.len, sizeof get_today,
                             page.len, &off, &v),
                   XOUS_OK);
  ck_assert_uint_eq(off, sizeof get_today);
  ck_assert_uint_eq(lend(12, get_today, sizeof get_today, NULL),
                    sizeof get_today);
  ck_assert_mem_eq(pg(), get_today, sizeof get_today);
  /* The server still serves. */
  get_key(get_today, sizeof get_today, token);
}
END_TEST

START_TEST(pddb_wire_native_device_opcodes_answer_without_the_hardware)
{
  /* BlockingScalars and their Scalar1 words, as main.rs answers them
   * (ResetDontAskInit, FlushSpaceUpdate, UncacheAndAskPassword and Prune
   * 1; TryUnmount 0: the image stays mounted), and those the device
   * leaves unanswered (the menus, suspend, Quit, PddbHalt), answered 0. */
  static const struct {
    xous_word_t op, want;
  } calls[] = { { 43, 1 }, { 44, 1 }, { 48, 1 }, { 56, 1 },
                { 49, 0 }, { 19, 0 }, { 21, 0 }, { 23, 0 },
                { 24, 0 }, { 46, 0 }, { 51, 0 } };
  uint8_t rekey[16] = { 2 }, want[16] = { 7 };
  xous_word_t ret[5];
  uint32_t token[3];
  size_t i;

  start();
  for (i = 0; i < sizeof calls / sizeof calls[0]; i++) {
    memset(ret, 0xee, sizeof ret);
    ck_assert_int_eq(xous_blocking_scalar(cid, calls[i].op, 0, 0, 0, 0, ret),
                     XOUS_OK);
    ck_assert_uint_eq(ret[0], calls[i].want);
  }
  /* InternalTest 47: Scalar2(0, 0). */
  memset(ret, 0xee, sizeof ret);
  ck_assert_int_eq(xous_blocking_scalar(cid, 47, 1, 2, 3, 4, ret), XOUS_OK);
  ck_assert_uint_eq(ret[0], 0);
  ck_assert_uint_eq(ret[1], 0);
  /* RekeyPddb with PddbRekeyOp::Churn (tag 2; 16 bytes, a u64 at 8):
   * InternalError (7), there is no device key. */
  ck_assert_uint_eq(lend(42, rekey, sizeof rekey, NULL), sizeof want);
  ck_assert_mem_eq(pg(), want, sizeof want);
  /* ComputeBackupHashes comes back as it went. */
  ck_assert_uint_eq(lend(50, rekey, sizeof rekey, NULL), sizeof rekey);
  ck_assert_mem_eq(pg(), rekey, sizeof rekey);
  /* After Quit and PddbHalt the server still serves. */
  get_key(get_today, sizeof get_today, token);
}
END_TEST

/* A PddbDeleteList (3824 bytes): basis_specified 0, basis "" at 4, dict
 * at 12, data at 20 (u8 length, name, ...), retcode at 3820. */
static void
delete_list(uint8_t *out, const char *dict, const uint8_t *data, size_t n)
{
  memset(out, 0, 3824);
  memset(out + 4, 0xff, 16);
  memcpy(out + 12, dict, strlen(dict));
  memcpy(out + 20, data, n);
}

START_TEST(pddb_wire_native_dict_bulk_delete_removes_the_listed_keys)
{
  static const char *const names[] = { "a", "b", "c" };
  static const uint8_t some[] = { 1, 'a', 1, 'c', 3, 'z', 'z', 'z' };
  static uint8_t req[3824], list[4084];
  static const uint8_t left[] = { 1, 'b', 0 };
  size_t i;

  start();
  make_keys(names, 3);
  delete_list(req, "notes", some, sizeof some);
  expect_code(55, req, sizeof req, 3820, XOUS_PDDB_RC_OK);
  ck_assert_mem_eq(pg() + 20, some, sizeof some);
  /* Only b is left. */
  expect_code(11, count_notes, sizeof count_notes, 60, 1);
  memset(list, 0, sizeof list);
  memcpy(list, list_token, 16);
  ck_assert_uint_eq(lend(45, list, sizeof list, NULL), sizeof list);
  ck_assert_mem_eq(pg() + 16, left, sizeof left);
  /* No such dictionary: AccessDenied (3). */
  delete_list(req, "none", some, sizeof some);
  expect_code(55, req, sizeof req, 3820, XOUS_PDDB_RC_ACCESS_DENIED);
  /* Names of 255 bytes chained until one runs past the list's end:
   * InternalError (5), and nothing is deleted. */
  delete_list(req, "notes", some, 0);
  for (i = 0; i + 256 <= 3800 + 255; i += 256) {
    req[20 + i] = 255;
    memset(req + 21 + i, 'b', i + 256 <= 3800 ? 255 : 3800 - i - 1);
  }
  expect_code(55, req, sizeof req, 3820, XOUS_PDDB_RC_INTERNAL_ERROR);
  expect_code(11, count_notes, sizeof count_notes, 48, XOUS__PDDB_REQ_NO_ERR);
  ck_assert_uint_eq(pg()[60], 1);
}
END_TEST

static xous_buffer_t monitor_page;
static volatile int monitor_done;
static size_t monitor_used;

static void *
monitor(void *arg)
{
  size_t off = 0, v = 0;

  (void)arg;
  empty_basis_list(monitor_page.page);
  if (xous_lend_mut(cid, 54, monitor_page.page, monitor_page.len, 508,
                    monitor_page.len, &off, &v) == XOUS_OK)
    monitor_used = off;
  __atomic_store_n(&monitor_done, 1, __ATOMIC_SEQ_CST);
  return NULL;
}

START_TEST(pddb_wire_native_basis_monitor_answers_when_the_bases_change)
{
  uint8_t basis[60];
  xous_tid_t tid;
  int i;

  start();
  memcpy(basis, open_secrets, sizeof basis);
  basis[8] = XOUS__PDDB_REQ_CREATE;
  ck_assert_uint_eq(lend(4, basis, sizeof basis, NULL), 60);
  ck_assert_int_eq(xous_buffer_new(4096, &monitor_page), XOUS_OK);
  ck_assert_int_eq(xous_create_thread(monitor, NULL, 0, &tid), XOUS_OK);
  /* The monitor is answered at the first open or close after it
   * arrives: open and close until it is (bounded). */
  for (i = 0; i < 2000 && !__atomic_load_n(&monitor_done, __ATOMIC_SEQ_CST);
       i++) {
    basis[8] = XOUS__PDDB_REQ_OPEN;
    expect_code(5, basis, sizeof basis, 8, XOUS__PDDB_REQ_NO_ERR);
    basis[8] = XOUS__PDDB_REQ_CLOSE;
    expect_code(6, basis, sizeof basis, 8, XOUS__PDDB_REQ_NO_ERR);
  }
  ck_assert_int_eq(xous_join_thread(tid, NULL), XOUS_OK);
  ck_assert(monitor_done);
  /* A PddbBasisList of the bases after the change: the System basis
   * first, then secrets if the change was an open. */
  ck_assert_uint_eq(monitor_used, 508);
  ck_assert_mem_eq(monitor_page.page, ".System\xff", 8);
  ck_assert(((uint8_t *)monitor_page.page)[504] == 1 ||
            (((uint8_t *)monitor_page.page)[504] == 2 &&
             memcmp((uint8_t *)monitor_page.page + 8, "secrets\xff", 8) == 0));
}
END_TEST

START_TEST(pddb_wire_native_a_key_callback_hears_of_a_closing_basis)
{
  uint8_t req[88], basis[60];
  uint32_t token[3];
  xous_envelope_t env;
  xous_sid_t sid;
  xous_cid_t self;
  xous_word_t ret[5];
  bool got = false;
  int i;

  start();
  ck_assert_int_eq(xous_create_server(&sid, &self), XOUS_OK);
  memcpy(basis, open_secrets, sizeof basis);
  basis[8] = XOUS__PDDB_REQ_CREATE;
  ck_assert_uint_eq(lend(4, basis, sizeof basis, NULL), 60);
  expect_code(5, open_secrets, sizeof open_secrets, 8, XOUS__PDDB_REQ_NO_ERR);
  /* Pddb::get(..., Some(callback)): cb_sid Some (tag at 64, the SID's
   * words at 68). */
  memcpy(req, get_today, sizeof req);
  req[64] = 1;
  memcpy(req + 68, sid.w, 16);
  get_key(req, sizeof req, token);
  /* Closing a basis: first CbOp::Change (0) with the token, a Scalar. */
  basis[8] = XOUS__PDDB_REQ_CLOSE;
  expect_code(6, basis, sizeof basis, 8, XOUS__PDDB_REQ_NO_ERR);
  for (i = 0; i < 20000 && !got; i++) {
    ck_assert_int_eq(xous_try_receive_message(sid, &env, &got), XOUS_OK);
    if (!got)
      (void)xous_yield();
  }
  ck_assert_msg(got, "no callback came");
  ck_assert_int_eq(env.body.kind, XOUS_MSG_SCALAR);
  ck_assert_uint_eq(env.body.scalar.id, 0);
  ck_assert_uint_eq(env.body.scalar.arg1, token[0]);
  ck_assert_uint_eq(env.body.scalar.arg2, token[1]);
  ck_assert_uint_eq(env.body.scalar.arg3, token[2]);
  ck_assert_int_eq(xous_blocking_scalar(cid, 20, token[0], token[1], token[2],
                                        0, ret),
                   XOUS_OK);
  ck_assert_uint_eq(ret[0], XOUS_PDDB_RC_OK);
}
END_TEST

int
main(void)
{
  const struct harness_case cases[] = {
    { "codec", 0, HARNESS_UNIT,
      .tests = HARNESS_TESTS(
          pddb_wire_native_codec_reads_and_rewrites_a_basis_request_byte_for_byte,
          pddb_wire_native_codec_reads_and_rewrites_key_and_dict_requests,
          pddb_wire_native_codec_writes_a_bulk_record_as_rkyv_lays_it_out,
          pddb_wire_native_codec_refuses_what_rkyv_would_not_accept) },
    { "server", 60, HARNESS_NOTHING,
      .tests = HARNESS_TESTS(
          pddb_wire_native_bases_list_create_open_latest_and_close,
          pddb_wire_native_key_request_write_read_attributes_and_drop,
          pddb_wire_native_keys_of_a_secret_basis_vanish_when_it_closes,
          pddb_wire_native_delete_key_and_dict,
          pddb_wire_native_key_listing_counts_then_packs_names,
          pddb_wire_native_dict_listing_by_index,
          pddb_wire_native_bulk_read_streams_records_until_last,
          pddb_wire_native_hostile_requests_come_back_unanswered,
          pddb_wire_native_device_opcodes_answer_without_the_hardware,
          pddb_wire_native_dict_bulk_delete_removes_the_listed_keys,
          pddb_wire_native_basis_monitor_answers_when_the_bases_change,
          pddb_wire_native_a_key_callback_hears_of_a_closing_basis) },
  };

  pddb_system_cheap_kdf();
  return harness_run(harness_suite("pddb-wire-native", cases));
}
