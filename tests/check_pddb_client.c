/*
 * The PDDB client API, <xous/pddb.h>, on the wire: each call's requests
 * byte for byte against what Rust std on Xous sends for the same file
 * operation (library/std/src/sys/fs/xous.rs and its senres.rs, the
 * pddb crate's sync in services/pddb/src/lib.rs), caught by a stand-in
 * server registered under the real PDDB's name under a real xousd and
 * xous-names; and the desktop extension, with the password out of the
 * lent page once the call returns. The round trips against xous-pddb
 * itself are in check_pddb_server.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include <xous.h>
#include <xous/names.h>
#include <xous/pddb.h>

#include "../pddb/senres.h"
#include "support/harness.h"

#define SELF "tests/check_pddb_client"
#define BOUND_MS 10000
#define FD 7u

/* ---- the stand-in server ---------------------------------------------------- */

static void
put_hex(const uint8_t *p, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    printf("%02x", p[i]);
}

/* Writes the answer record of a std list request into the page. */
static void
answer_names(uint8_t *page, size_t cap, const char *fourcc)
{
  struct xous__senres_writer w;

  xous__senres_write_begin(&w, page, cap, fourcc);
  xous__senres_put_u32(&w, 2);
  xous__senres_put_str(&w, "one", 3);
  xous__senres_put_str(&w, "two", 3);
}

/* Answers a memory message as the real server would for a good request
 * (an open gives descriptor FD of a 5-byte key, a read gives "hello");
 * the page as received has been printed before. */
static void
answer_memory(const xous_envelope_t *env)
{
  const xous_memory_msg_t *mm = &env->body.memory;
  unsigned op = (unsigned)(mm->id & 0xffff);
  uint8_t *page = mm->buf.addr;
  struct xous__senres_writer w;
  size_t valid = 0;

  switch (op) {
  case XOUS_PDDB_OPEN_KEY_STD:
    memset(page, 0, mm->buf.len);
    xous__senres_write_begin(&w, page, mm->buf.len, "KyOR");
    xous__senres_put_u16(&w, FD);
    xous__senres_put_u64(&w, 5);
    break;
  case XOUS_PDDB_READ_KEY_STD:
    valid = mm->valid < 5 ? mm->valid : 5;
    memcpy(page, "hello", valid);
    break;
  case XOUS_PDDB_WRITE_KEY_STD:
    valid = mm->valid;
    break;
  case XOUS_PDDB_LIST_BASIS_STD:
    answer_names(page, mm->buf.len, "basR");
    break;
  case XOUS_PDDB_LIST_DICT_STD:
    answer_names(page, mm->buf.len, "LiDR");
    break;
  case XOUS_PDDB_LIST_KEY_STD:
    /* Keys of "gone" are already deleted: none. */
    memset(page, 0, mm->buf.len);
    xous__senres_write_begin(&w, page, mm->buf.len, "LiKR");
    xous__senres_put_u32(&w, 0);
    break;
  default:
    break;
  }
  (void)xous_return_memory(env->sender, mm->buf, 0, valid);
}

/* stand-in: registers as the PDDB and prints every message on a line:
 * "M id len offset valid used hex" for a lend (used: the bytes up to
 * the last nonzero one, all the rest of the lent pages being zero) and
 * "S id a1 a2 a3 a4" for a BlockingScalar. */
static int
role_stand_in(void)
{
  xous_sid_t sid;
  xous_envelope_t env;

  if (xous_names_register(XOUS_PDDB_SERVER_NAME, 0, &sid) != XOUS_OK)
    return 3;
  for (;;) {
    if (xous_receive_message(sid, &env) != XOUS_OK)
      return 4;
    if (env.body.kind == XOUS_MSG_BLOCKING_SCALAR) {
      const xous_scalar_msg_t *m = &env.body.scalar;
      unsigned op = (unsigned)(m->id & 0xffff);

      printf("S %lx %lx %lx %lx %lx\n", (unsigned long)m->id,
             (unsigned long)m->arg1, (unsigned long)m->arg2,
             (unsigned long)m->arg3, (unsigned long)m->arg4);
      fflush(stdout);
      if (op == XOUS_PDDB_WRITE_KEY_FLUSH)
        (void)xous_return_scalar1(env.sender, XOUS_PDDB_RC_OK);
      else if (op == XOUS_PDDB_SEEK_KEY_STD)
        (void)xous_return_scalar2(env.sender, m->arg2, m->arg3);
      else
        (void)xous_return_scalar2(env.sender, 0, 0);
    } else if (env.body.kind == XOUS_MSG_LEND_MUT) {
      const xous_memory_msg_t *mm = &env.body.memory;
      const uint8_t *page = mm->buf.addr;
      size_t used = mm->buf.len;

      while (used > 0 && page[used - 1] == 0)
        used--;
      printf("M %lx %zu %zu %zu %zu ", (unsigned long)mm->id, mm->buf.len,
             mm->offset, mm->valid, used);
      put_hex(page, used < 1536 ? used : 1536);
      printf("\n");
      fflush(stdout);
      answer_memory(&env);
    } else if (env.body.kind == XOUS_MSG_LEND) {
      (void)xous_return_memory(env.sender, env.body.memory.buf, 5, 0);
    }
  }
}

/* ---- the expected bytes, from the Rust sources ------------------------------ */

static pid_t stand_in;
static size_t seen;

static void
start(void)
{
  harness_start_broker();
  harness_spawn("xous-names", NULL);
  stand_in = harness_spawn(SELF, "stand-in", NULL);
  seen = 0;
}

static void
connect_db(xous_pddb_t *db)
{
  ck_assert_int_eq(xous_pddb_connect(db), XOUS_OK);
}

/* The next line the stand-in printed. */
static const char *
next_line(void)
{
  static char line[4096];

  ck_assert_msg(harness_wait_nth_line(stand_in, seen, line, sizeof line,
                                      BOUND_MS),
                "no request %zu reached the server", seen);
  seen++;
  return line;
}

static void
hex(char *out, const uint8_t *p, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    sprintf(out + 2 * i, "%02x", p[i]);
  out[2 * n] = '\0';
}

static char last[4096];

static const char *
next_line_seen(void)
{
  return last;
}

/* The next request is a MutableLend with id of len bytes lent, offset 0,
 * the given valid, and these bytes followed by zeros only. */
static void
expect_lend(unsigned long id, size_t len, size_t valid, const uint8_t *bytes,
            size_t n)
{
  char want[4096], hx[3100];

  while (n > 0 && bytes[n - 1] == 0)
    n--;
  hex(hx, bytes, n);
  snprintf(want, sizeof want, "M %lx %zu 0 %zu ", id, len, valid);
  snprintf(last, sizeof last, "%s", next_line());
  /* The bytes used (after the header's four words) and the hex. */
  ck_assert_msg(strncmp(last, want, strlen(want)) == 0, "got %s, not %s", last,
                want);
  ck_assert_str_eq(strchr(last + strlen(want), ' ') + 1, hx);
}

static void
expect_scalar(unsigned long id, unsigned long a1, unsigned long a2,
              unsigned long a3)
{
  char want[128];

  snprintf(want, sizeof want, "S %lx %lx %lx %lx 0", id, a1, a2, a3);
  ck_assert_str_eq(next_line(), want);
}

#define MAGIC 0xca, 0xb6, 0x4c, 0x34

/* File::open("d:k") (OpenOptions read only): the path, create_file,
 * create_path, create_new, append, truncate (all false), the alloc_hint
 * u64 at the next multiple of 8 (24), and None for the callback SID. */
static const uint8_t open_plain[] = {
  MAGIC, 'K', 'y', 'O', 'Q', 3, 0, 0, 0, 'd', ':', 'k', 0, 0, 0,
  0,     0,   0,   0,   0,   0, 0, 0, 0, 0,   0,   0,   0, 0, 0,
};
/* OpenOptions::new().write(true).create(true).truncate(true) on
 * ":vault:notes:today". */
static const uint8_t open_create_truncate[] = {
  MAGIC, 'K', 'y', 'O', 'Q', 18,  0,   0,   0,   ':', 'v', 'a', 'u', 'l',
  't',   ':', 'n', 'o', 't', 'e', 's', ':', 't', 'o', 'd', 'a', 'y', 1,
  0,     0,   0,   1,   0,   0,   0,   0,   0,   0,   0,   0,   0,
};

START_TEST(pddb_client_opens_reads_and_closes_as_rust_std_does)
{
  xous_pddb_t db;
  uint8_t zero[1] = { 0 };
  char buf[16];
  uint32_t h;
  size_t got;

  start();
  connect_db(&db);
  ck_assert_int_eq(xous_pddb_open(&db, NULL, "d", "k", 0, &h), XOUS_OK);
  ck_assert_uint_eq(h, FD);
  expect_lend(XOUS_PDDB_OPEN_KEY_STD, 4096, 0, open_plain, sizeof open_plain);
  /* File::read into a 16-byte buffer: one zeroed page, valid 16; the
   * position is where the open left it, so no seek goes first. */
  ck_assert_int_eq(xous_pddb_read(&db, h, 0, buf, sizeof buf, &got), XOUS_OK);
  ck_assert_uint_eq(got, 5);
  ck_assert_mem_eq(buf, "hello", 5);
  expect_lend(XOUS_PDDB_READ_KEY_STD | FD << 16, 4096, 16, zero, 0);
  /* Elsewhere: SeekFrom::Start(2^32 + 3) first, low word in a2, high in
   * a3, then the read. */
  ck_assert_int_eq(xous_pddb_read(&db, h, (1ull << 32) + 3, buf, 4, &got),
                   XOUS_OK);
  expect_scalar(XOUS_PDDB_SEEK_KEY_STD | FD << 16, 0, 3, 1);
  expect_lend(XOUS_PDDB_READ_KEY_STD | FD << 16, 4096, 4, zero, 0);
  /* Drop: CloseKeyStd with the descriptor in the high half. */
  ck_assert_int_eq(xous_pddb_close(&db, h), XOUS_OK);
  expect_scalar(XOUS_PDDB_CLOSE_KEY_STD | FD << 16, 0, 0, 0);
  xous_pddb_disconnect(&db);
}
END_TEST

START_TEST(pddb_client_creates_and_writes_as_rust_std_does)
{
  static uint8_t big[10000];
  xous_pddb_t db;
  uint32_t h;

  start();
  connect_db(&db);
  ck_assert_int_eq(xous_pddb_open(&db, "vault", "notes", "today",
                                  XOUS_PDDB_CREATE | XOUS_PDDB_TRUNCATE, &h),
                   XOUS_OK);
  expect_lend(XOUS_PDDB_OPEN_KEY_STD, 4096, 0, open_create_truncate,
              sizeof open_create_truncate);
  /* File::write(b"hello"): the bytes in a zeroed page, valid 5. */
  ck_assert_int_eq(xous_pddb_write(&db, h, 0, "hello", 5), XOUS_OK);
  expect_lend(XOUS_PDDB_WRITE_KEY_STD | FD << 16, 4096, 5,
              (const uint8_t *)"hello", 5);
  /* Longer than a page: one request of whole pages (not std's: std
   * writes at most a page at a time), where the last one left off. */
  memset(big, 0xab, sizeof big);
  ck_assert_int_eq(xous_pddb_write(&db, h, 5, big, sizeof big), XOUS_OK);
  expect_lend(XOUS_PDDB_WRITE_KEY_STD | FD << 16, 12288, sizeof big, big,
              1536);
  ck_assert_ptr_nonnull(strstr(next_line_seen(), " 10000 10000 "));
  /* The pddb crate's sync(): WriteKeyFlush, all arguments 0. */
  ck_assert_int_eq(xous_pddb_sync(&db), XOUS_OK);
  expect_scalar(XOUS_PDDB_WRITE_KEY_FLUSH, 0, 0, 0);
  xous_pddb_disconnect(&db);
}
END_TEST

/* remove_file(":b:d:k"), remove_dir("d") and create_dir("d"): one
 * string each, after the fourcc. */
static const uint8_t rm_key[] = { MAGIC, 'R', 'm', 'K', 'Q', 6,   0,  0,
                                  0,     ':', 'b', ':', 'd', ':', 'k' };
static const uint8_t rm_dict[] = { MAGIC, 'R', 'm', 'D', 'Q', 4,  0,
                                   0,     0,   'g', 'o', 'n', 'e' };
/* The lists the real server serves (libstd/mod.rs): ListBasisStd with
 * no field, ListDictStd with an Option<String> (tag, then the string),
 * ListKeyStd with the Option and the dictionary (its length aligned on
 * 4 after the tag). */
static const uint8_t list_bases[] = { MAGIC, 'b', 'a', 's', 'Q' };
static const uint8_t list_dicts[] = { MAGIC, 'L', 'i', 'D', 'Q', 1, 0,
                                      0,     0,   1,   0,   0,   0, 'b' };
static const uint8_t list_keys[] = { MAGIC, 'L', 'i', 'K', 'Q', 0,
                                     0,     0,   0,   4,   0,   0,
                                     0,     'g', 'o', 'n', 'e' };

START_TEST(
    pddb_client_deletes_and_lists_as_rust_std_and_the_real_server_expect)
{
  xous_pddb_t db;
  char out[64];
  size_t n;

  start();
  connect_db(&db);
  ck_assert_int_eq(xous_pddb_delete_key(&db, "b", "d", "k"), XOUS_OK);
  expect_lend(XOUS_PDDB_DELETE_KEY_STD, 4096, 0, rm_key, sizeof rm_key);
  /* remove_dir_all(): the keys first (none here), then the dict. */
  ck_assert_int_eq(xous_pddb_delete_dict(&db, NULL, "gone"), XOUS_OK);
  expect_lend(XOUS_PDDB_LIST_KEY_STD, 20480, 0, list_keys, sizeof list_keys);
  expect_lend(XOUS_PDDB_DELETE_DICT_STD, 4096, 0, rm_dict, sizeof rm_dict);
  ck_assert_int_eq(xous_pddb_list_bases(&db, out, sizeof out, &n), XOUS_OK);
  expect_lend(XOUS_PDDB_LIST_BASIS_STD, 4096, 0, list_bases,
              sizeof list_bases);
  ck_assert_uint_eq(n, 2);
  ck_assert_mem_eq(out, "one\0two", 8);
  ck_assert_int_eq(xous_pddb_list_dicts(&db, "b", out, sizeof out, &n),
                   XOUS_OK);
  expect_lend(XOUS_PDDB_LIST_DICT_STD, 4096, 0, list_dicts, sizeof list_dicts);
  /* Too small for the answer: said so, nothing half copied counts. */
  ck_assert_int_eq(xous_pddb_list_dicts(&db, "b", out, 5, &n),
                   XOUS_OUT_OF_MEMORY);
  (void)next_line();
  xous_pddb_disconnect(&db);
}
END_TEST

START_TEST(pddb_client_refuses_names_a_std_path_cannot_carry)
{
  xous_pddb_t db;
  uint32_t h;

  start();
  connect_db(&db);
  /* A ':' in a key or a basis would move the split of the path; a dict
   * starting with one, without a basis, would read as a basis. */
  ck_assert_int_eq(xous_pddb_open(&db, NULL, "d", "a:b", 0, &h),
                   XOUS_INVALID_STRING);
  ck_assert_int_eq(xous_pddb_open(&db, "x:y", "d", "k", 0, &h),
                   XOUS_INVALID_STRING);
  ck_assert_int_eq(xous_pddb_open(&db, NULL, ":d", "k", 0, &h),
                   XOUS_INVALID_STRING);
  ck_assert_int_eq(xous_pddb_open(&db, NULL, "", "k", 0, &h),
                   XOUS_INVALID_STRING);
  /* None of them reached the server; the next call does. */
  ck_assert_int_eq(xous_pddb_sync(&db), XOUS_OK);
  expect_scalar(XOUS_PDDB_WRITE_KEY_FLUSH, 0, 0, 0);
  xous_pddb_disconnect(&db);
}
END_TEST

START_TEST(
    pddb_client_sends_the_password_in_the_desktop_extension_and_wipes_it)
{
  xous_pddb_t db;
  char want[600], hx[520];
  const char *line;
  struct xous_pddb_msg m;
  const uint8_t *data;

  start();
  connect_db(&db);
  ck_assert_int_eq(xous_pddb_unlock_basis(&db, "vault", "s3cret"), XOUS_OK);
  /* The header names the basis, len the password's bytes, which follow
   * at XOUS_PDDB_DATA_OFFSET: the only place the stand-in saw them. */
  memset(&m, 0, sizeof m);
  m.len = 6;
  m.basis_len = 5;
  memcpy(m.basis, "vault", 5);
  hex(hx, (const uint8_t *)&m, 37);
  snprintf(want, sizeof want, "M %x 4096 0 %u 1030 %s",
           XOUS_PDDB_OP_UNLOCK_BASIS, XOUS_PDDB_DATA_OFFSET + 6, hx);
  line = next_line();
  ck_assert_msg(strncmp(line, want, strlen(want)) == 0, "got %s", line);
  ck_assert_ptr_nonnull(strstr(line, "733363726574")); /* "s3cret" */
  /* Back from the call, the client's pages hold no password. */
  data = (const uint8_t *)db.page + XOUS_PDDB_DATA_OFFSET;
  ck_assert_ptr_null(memmem(db.page, db.page_len, "s3cret", 6));
  ck_assert_uint_eq(data[0], 0);
  xous_pddb_disconnect(&db);
}
END_TEST

int
main(int argc, char **argv)
{
  const struct harness_case cases[] = {
    { "wire", 60, HARNESS_NOTHING,
      .tests = HARNESS_TESTS(
          pddb_client_opens_reads_and_closes_as_rust_std_does,
          pddb_client_creates_and_writes_as_rust_std_does,
          pddb_client_deletes_and_lists_as_rust_std_and_the_real_server_expect,
          pddb_client_refuses_names_a_std_path_cannot_carry,
          pddb_client_sends_the_password_in_the_desktop_extension_and_wipes_it) },
  };

  if (argc == 2 && strcmp(argv[1], "stand-in") == 0)
    return role_stand_in();
  return harness_run(harness_suite("pddb-client", cases));
}
