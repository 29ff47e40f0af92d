/*
 * Fuzz target: the PDDB client's handling of what the server answers
 * (pddb/client.c): the records of the std family (KyOR, basR, LiDR,
 * LiKR), the offset and valid words of every lend, the kind and words
 * of every scalar answer, all taken from the input, which also picks
 * the calls. The client is linked here with the kernel calls it makes
 * defined by a stand-in server; its buffers and the caller's are
 * exactly as long as they say, so that AddressSanitizer sees any byte
 * read or written past them.
 *
 * Input: up to 64 steps of a call byte and its arguments; every answer
 * after that comes from the rest of the input as it is needed (zeros
 * once it runs out: an answer of success with nothing in it).
 */
#include <stdlib.h>
#include <string.h>

#include "support/fuzz.h"

#include <xous.h>
#include <xous/buffer.h>
#include <xous/names.h>
#include <xous/pddb.h>

/* The kernel calls the client makes are defined below, answered from the
 * input; the target links pddb/client.c without the library, so these are
 * the only ones it has. */
#define PAGE ((size_t)XOUS_PAGE_SIZE)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fz_reader answers;
static int buffers; /* mapped and not freed */

xous_error_t
xous_buffer_new(size_t size, xous_buffer_t *b)
{
  size_t len = (size + PAGE - 1) & ~(PAGE - 1);

  if (size == 0)
    return XOUS_BAD_ALIGNMENT;
  b->page = aligned_alloc(PAGE, len);
  if (b->page == NULL)
    return XOUS_OUT_OF_MEMORY;
  memset(b->page, 0, len);
  b->len = len;
  buffers++;
  return XOUS_OK;
}

xous_error_t
xous_buffer_free(xous_buffer_t *b)
{
  free(b->page);
  b->page = NULL;
  b->len = 0;
  buffers--;
  return XOUS_OK;
}

xous_error_t
xous_names_connect(const char *name, xous_cid_t *cid)
{
  (void)name;
  *cid = 1;
  return XOUS_OK;
}

xous_error_t
xous_names_try_connect(const char *name, xous_cid_t *cid)
{
  return xous_names_connect(name, cid);
}

/* The fourcc of the answer to a std request, or NULL. */
static const char *
answer_fourcc(unsigned op)
{
  switch (op) {
  case XOUS_PDDB_OPEN_KEY_STD:
    return "KyOR";
  case XOUS_PDDB_LIST_BASIS_STD:
    return "basR";
  case XOUS_PDDB_LIST_DICT_STD:
    return "LiDR";
  case XOUS_PDDB_LIST_KEY_STD:
    return "LiKR";
  default:
    return NULL;
  }
}

xous_error_t
xous_lend_mut(xous_cid_t cid, xous_word_t id, void *buf, size_t len,
              size_t offset, size_t valid, size_t *ret_offset,
              size_t *ret_valid)
{
  const char *fourcc = answer_fourcc((unsigned)(id & 0xffff));
  uint8_t how = fz_u8(&answers);
  size_t n;

  (void)cid;
  (void)offset;
  /* What the client lends is whole pages of its buffer, and what it says
   * is meaningful lies within them. */
  if (len == 0 || len % PAGE != 0 || valid > len)
    abort();
  if (how & 1)
    return (xous_error_t)(how >> 1) % XOUS_ERROR_COUNT;
  /* Most answers start as a record should, the rest is the input's. */
  n = fz_u16(&answers) % (len + 1);
  if ((how & 2) && fourcc != NULL && n >= 8) {
    memcpy(buf, "\xca\xb6\x4c\x34", 4);
    memcpy((uint8_t *)buf + 4, fourcc, 4);
    fz_bytes(&answers, (uint8_t *)buf + 8, n - 8);
  } else {
    fz_bytes(&answers, buf, n);
  }
  *ret_offset = (how & 4) ? fz_u8(&answers) : 0;
  *ret_valid = (how & 8) ? fz_u32(&answers) : valid;
  return XOUS_OK;
}

xous_error_t
xous_send_message(xous_cid_t cid, const xous_message_t *msg,
                  xous_result_t *res)
{
  uint8_t how = fz_u8(&answers);

  (void)cid;
  (void)msg;
  if (how & 1)
    return XOUS_SERVER_NOT_FOUND;
  memset(res, 0, sizeof *res);
  res->kind = (how & 2) ? XOUS_RESULT_SCALAR1 : XOUS_RESULT_SCALAR2;
  if (how & 4)
    res->kind = fz_u8(&answers);
  res->w[0] = fz_u32(&answers);
  res->w[1] = fz_u32(&answers);
  return XOUS_OK;
}

static const char *const names[] = { NULL, "b", "d", "k", "a:b", ":x", "" };

static const char *
pick(struct fz_reader *in)
{
  return names[fz_u8(in) % (sizeof names / sizeof names[0])];
}

/* Checks a list that the client called good: count names, each NUL
 * terminated, within size. */
static void
check_list(const char *out, size_t size, size_t count)
{
  size_t used = 0, i;

  for (i = 0; i < count; i++) {
    const char *end = memchr(out + used, '\0', size - used);

    if (used >= size || end == NULL)
      abort();
    used = (size_t)(end - out) + 1;
  }
}

static void
step(xous_pddb_t *db, struct fz_reader *in)
{
  uint8_t call = fz_u8(in);
  size_t len = fz_u16(in) % (3 * PAGE), count = 0, got = 0;
  uint32_t h = fz_u8(in);
  uint64_t at = fz_u8(in) * 1000u;
  xous_pddb_stat_t st;
  uint8_t *buf = malloc(len ? len : 1);
  const char *a = pick(in), *b = pick(in);

  if (buf == NULL)
    return;
  memset(buf, 0x5a, len ? len : 1);
  switch (call % 14) {
  case 0:
    (void)xous_pddb_open(db, a, b, "k", fz_u8(in) & 3, &h);
    break;
  case 1:
    if (xous_pddb_read(db, h, at, buf, len, &got) == XOUS_OK && got > len)
      abort();
    break;
  case 2:
    (void)xous_pddb_write(db, h, at, buf, len);
    break;
  case 3:
    (void)xous_pddb_close(db, h);
    break;
  case 4:
    if (xous_pddb_list_bases(db, (char *)buf, len, &count) == XOUS_OK)
      check_list((char *)buf, len, count);
    break;
  case 5:
    if (xous_pddb_list_dicts(db, a, (char *)buf, len, &count) == XOUS_OK)
      check_list((char *)buf, len, count);
    break;
  case 6:
    if (xous_pddb_list_keys(db, a, b, (char *)buf, len, &count) == XOUS_OK)
      check_list((char *)buf, len, count);
    break;
  case 7:
    (void)xous_pddb_delete_dict(db, a, b);
    break;
  case 8:
    (void)xous_pddb_create_dict(db, a, b);
    break;
  case 9:
    (void)xous_pddb_delete_key(db, a, b, "k");
    break;
  case 10:
    if (xous_pddb_stat(db, h, &st) == XOUS_OK &&
        memchr(st.basis, '\0', sizeof st.basis) == NULL)
      abort();
    break;
  case 11:
    (void)xous_pddb_unlock_basis(db, "b", "pw");
    break;
  case 12:
    (void)xous_pddb_truncate(db, h, at);
    break;
  default:
    (void)xous_pddb_sync(db);
    break;
  }
  free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct fz_reader in = { data, size };
  xous_pddb_t db;
  int i;

  /* The calls first (each step takes at most 8 bytes), the answers after. */
  in.n = size < 64 * 8 ? size : 64 * 8;
  answers.p = data + in.n;
  answers.n = size - in.n;
  if (xous_pddb_connect(&db) != XOUS_OK)
    abort();
  for (i = 0; i < 64 && fz_left(&in) > 0; i++)
    step(&db, &in);
  xous_pddb_disconnect(&db);
  if (buffers != 0)
    abort();
  return 0;
}
