/*
 * The PDDB client API, xous_pddb(3), on the real PDDB's wire: the file
 * calls as Rust std on Xous sends them (the std family, senres v1
 * records; <xous/pddb.h> has the mapping), the basis calls with their
 * password, stat and truncate as the desktop extension. Portable: the
 * same source talks to the device's PDDB.
 */
#include <string.h>

#include <xous.h>
#include <xous/buffer.h>
#include <xous/names.h>
#include <xous/pddb.h>

#include "senres.h"

#define PAGE ((size_t)XOUS_PAGE_SIZE)
/* The largest buffer: a whole value in one request. */
#define MAX_BUF (XOUS_PDDB_IO_MAX + PAGE)

static size_t
whole_pages(size_t n)
{
  return n == 0 ? PAGE : (n + PAGE - 1) & ~(PAGE - 1);
}

static xous_error_t
setup(xous_pddb_t *db, xous_error_t err)
{
  xous_buffer_t b;

  if (err != XOUS_OK)
    return err;
  if ((err = xous_buffer_new(PAGE, &b)) != XOUS_OK)
    return err;
  db->page = b.page;
  db->page_len = b.len;
  return XOUS_OK;
}

xous_error_t
xous_pddb_connect(xous_pddb_t *db)
{
  memset(db, 0, sizeof *db);
  return setup(db, xous_names_connect(XOUS_PDDB_SERVER_NAME, &db->cid));
}

xous_error_t
xous_pddb_try_connect(xous_pddb_t *db)
{
  memset(db, 0, sizeof *db);
  return setup(db, xous_names_try_connect(XOUS_PDDB_SERVER_NAME, &db->cid));
}

void
xous_pddb_disconnect(xous_pddb_t *db)
{
  xous_buffer_t b = { db->page, db->page_len };

  if (db->page != NULL)
    (void)xous_buffer_free(&b);
  db->page = NULL;
  db->at_known = false;
}

/* Grows the buffer to at least n bytes (doubling, so that a run of
 * growing requests maps few times); its contents are not kept. */
static xous_error_t
room(xous_pddb_t *db, size_t n)
{
  xous_buffer_t b, old = { db->page, db->page_len };
  size_t want = db->page_len;
  xous_error_t err;

  if (db->page == NULL)
    return XOUS_USE_BEFORE_INIT;
  if (n <= db->page_len)
    return XOUS_OK;
  if (n > MAX_BUF)
    return XOUS_INVALID_ARGUMENT;
  while (want < n)
    want *= 2;
  if (want > MAX_BUF)
    want = whole_pages(n);
  if ((err = xous_buffer_new(want, &b)) != XOUS_OK)
    return err;
  (void)xous_buffer_free(&old);
  db->page = b.page;
  db->page_len = b.len;
  return XOUS_OK;
}

/* ---- the std family ------------------------------------------------------ */

/* Lends the first pages of the buffer (len bytes, whole pages) mutably;
 * *rc gets the offset word of the answer (0 or a PddbRetcode). */
static xous_error_t
lend(xous_pddb_t *db, xous_word_t id, size_t len, size_t valid, size_t *rc,
     size_t *valid_out)
{
  size_t off = 0, v = 0;
  xous_error_t err;

  err = xous_lend_mut(db->cid, id, db->page, len, 0, valid, &off, &v);
  if (err != XOUS_OK)
    return err;
  *rc = off;
  if (valid_out != NULL)
    *valid_out = v;
  return XOUS_OK;
}

/* Starts a request record in the zeroed first page, as Rust std's
 * Stack<4096> is. */
static void
record(xous_pddb_t *db, struct xous__senres_writer *w, const char *fourcc)
{
  memset(db->page, 0, PAGE);
  xous__senres_write_begin(w, db->page, PAGE, fourcc);
}

/* Lends the record page; the answer's record is read from it. */
static xous_error_t
lend_record(xous_pddb_t *db, xous_word_t op, size_t *rc)
{
  return lend(db, op, PAGE, 0, rc, NULL);
}

/* A BlockingScalar; *kind gets the tag of the answer, w its words. */
static xous_error_t
blocking(xous_pddb_t *db, xous_word_t id, xous_word_t a1, xous_word_t a2,
         xous_word_t a3, xous_word_t *kind, xous_word_t w[2])
{
  const xous_message_t msg = {
    .kind = XOUS_MSG_BLOCKING_SCALAR,
    .scalar = { .id = id, .arg1 = a1, .arg2 = a2, .arg3 = a3, .arg4 = 0 },
  };
  xous_result_t res;
  xous_error_t err = xous_send_message(db->cid, &msg, &res);

  if (err != XOUS_OK)
    return err;
  *kind = res.kind;
  w[0] = res.w[0];
  w[1] = res.w[1];
  return XOUS_OK;
}

static bool
has_colon(const char *s)
{
  return s != NULL && strchr(s, ':') != NULL;
}

/* Checks a name the std path cannot carry or the server would refuse. */
static bool
name_ok(const char *s, size_t max, bool colon_ok)
{
  size_t n;

  if (s == NULL || (n = strlen(s)) == 0 || n > max)
    return false;
  return colon_ok || !has_colon(s);
}

/* Puts the std path of basis, dict and key (key may be NULL):
 * ":basis:dict:key" with a basis, "dict:key" without. */
static xous_error_t
put_path(struct xous__senres_writer *w, const char *basis, const char *dict,
         const char *key)
{
  char path[1 + XOUS_PDDB_MAX_BASIS_NAME + 1 + XOUS_PDDB_MAX_DICT_NAME + 1 +
            XOUS_PDDB_MAX_KEY_NAME + 1];
  size_t n = 0, len;

  if ((basis != NULL && !name_ok(basis, XOUS_PDDB_MAX_BASIS_NAME, false)) ||
      !name_ok(dict, XOUS_PDDB_MAX_DICT_NAME, true) ||
      (key != NULL && !name_ok(key, XOUS_PDDB_MAX_KEY_NAME, false)))
    return XOUS_INVALID_STRING;
  /* Without a basis, a leading ':' would be read as one. */
  if (basis == NULL && dict[0] == ':')
    return XOUS_INVALID_STRING;
  if (basis != NULL) {
    len = strlen(basis);
    path[n++] = ':';
    memcpy(path + n, basis, len);
    n += len;
    path[n++] = ':';
  }
  len = strlen(dict);
  memcpy(path + n, dict, len);
  n += len;
  if (key != NULL) {
    len = strlen(key);
    path[n++] = ':';
    memcpy(path + n, key, len);
    n += len;
  }
  xous__senres_put_str(w, path, n);
  return XOUS_OK;
}

/* The error of a PddbRetcode answered to a call on an open key. */
static xous_error_t
io_error(size_t rc)
{
  switch (rc) {
  case 0:
  case XOUS_PDDB_RC_OK:
    return XOUS_OK;
  case XOUS_PDDB_RC_BASIS_LOST:
    return XOUS_UNAVAILABLE; /* its basis was locked, or it was deleted */
  case XOUS_PDDB_RC_UNEXPECTED_EOF:
    return XOUS_INVALID_ARGUMENT; /* no such handle */
  case XOUS_PDDB_RC_DISK_FULL:
    return XOUS_OUT_OF_MEMORY;
  default:
    return XOUS_INTERNAL_ERROR;
  }
}

static xous_error_t
open_once(xous_pddb_t *db, const char *basis, const char *dict,
          const char *key, unsigned flags, uint32_t *handle, size_t *rc)
{
  struct xous__senres_writer w;
  struct xous__senres_reader r;
  xous_error_t err;
  uint16_t fd;

  record(db, &w, "KyOQ");
  if ((err = put_path(&w, basis, dict, key)) != XOUS_OK)
    return err;
  xous__senres_put_u8(&w, (flags & XOUS_PDDB_CREATE) != 0); /* create_file */
  xous__senres_put_u8(&w, 0);                               /* create_path */
  xous__senres_put_u8(&w, 0);                               /* create_new */
  xous__senres_put_u8(&w, 0);                               /* append */
  xous__senres_put_u8(&w, (flags & XOUS_PDDB_TRUNCATE) != 0);
  xous__senres_put_u64(&w, 0); /* alloc_hint */
  xous__senres_put_u8(&w, 0);  /* no callback SID */
  if ((err = lend_record(db, XOUS_PDDB_OPEN_KEY_STD, rc)) != XOUS_OK ||
      *rc != 0)
    return err;
  /* SAFETY: the answer is read field by field within the page. */
  if (!xous__senres_read_begin(&r, db->page, PAGE, "KyOR"))
    return XOUS_INTERNAL_ERROR;
  fd = xous__senres_get_u16(&r);
  (void)xous__senres_get_u64(&r); /* the length at open */
  if (r.failed)
    return XOUS_INTERNAL_ERROR;
  *handle = fd;
  db->at_known = true;
  db->at_fd = fd;
  db->at = 0;
  return XOUS_OK;
}

/* Makes dict (CreateDictStd), as std's create_dir does. */
static xous_error_t
create_dict(xous_pddb_t *db, const char *basis, const char *dict)
{
  struct xous__senres_writer w;
  xous_error_t err;
  size_t rc;

  record(db, &w, "NuDQ");
  if ((err = put_path(&w, basis, dict, NULL)) != XOUS_OK ||
      (err = lend_record(db, XOUS_PDDB_CREATE_DICT_STD, &rc)) != XOUS_OK)
    return err;
  return rc == 0 ? XOUS_OK : XOUS_NOT_FOUND;
}

xous_error_t
xous_pddb_open(xous_pddb_t *db, const char *basis, const char *dict,
               const char *key, unsigned flags, uint32_t *handle)
{
  xous_error_t err;
  size_t rc = 0;

  if (db->page == NULL)
    return XOUS_USE_BEFORE_INIT;
  if (key == NULL)
    return XOUS_INVALID_STRING;
  err = open_once(db, basis, dict, key, flags, handle, &rc);
  /* The real server makes no dictionary for a key (create_path is not
   * what std sends): a missing one is made first, and the open asked
   * again. A refused CreateDictStd is asked again too: another client may
   * have made the dictionary in between. */
  if (err == XOUS_OK && rc == XOUS_PDDB_RC_BASIS_LOST &&
      (flags & XOUS_PDDB_CREATE)) {
    xous_error_t made = create_dict(db, basis, dict);

    if (made == XOUS_OK || made == XOUS_NOT_FOUND)
      err = open_once(db, basis, dict, key, flags, handle, &rc);
    else
      err = made;
  }
  if (err != XOUS_OK)
    return err;
  switch (rc) {
  case 0:
    return XOUS_OK;
  case XOUS_PDDB_RC_BASIS_LOST:
    return XOUS_NOT_FOUND;
  case XOUS_PDDB_RC_ACCESS_DENIED:
    return XOUS_INVALID_STRING;
  case XOUS_PDDB_RC_DISK_FULL:
    return XOUS_OUT_OF_MEMORY; /* no free handle, or no free page */
  default:
    return XOUS_INTERNAL_ERROR;
  }
}

/* Moves the server's position of handle to offset unless it is there. */
static xous_error_t
seek(xous_pddb_t *db, uint32_t handle, uint64_t offset)
{
  xous_word_t kind, w[2];
  xous_error_t err;

  if (handle > 0xffff)
    return XOUS_INVALID_ARGUMENT;
  if (db->at_known && db->at_fd == handle && db->at == offset)
    return XOUS_OK;
  db->at_known = false;
  err = blocking(db, XOUS_PDDB_SEEK_KEY_STD | (xous_word_t)handle << 16, 0,
                 (xous_word_t)(uint32_t)offset,
                 (xous_word_t)(uint32_t)(offset >> 32), &kind, w);
  if (err != XOUS_OK)
    return err;
  if (kind != XOUS_RESULT_SCALAR2)
    return io_error(w[0]);
  db->at_known = true;
  db->at_fd = handle;
  db->at = offset;
  return XOUS_OK;
}

xous_error_t
xous_pddb_read(xous_pddb_t *db, uint32_t handle, uint64_t offset, void *buf,
               size_t len, size_t *got)
{
  size_t done = 0, rc, n;
  xous_error_t err;

  if (got != NULL)
    *got = 0;
  if ((err = seek(db, handle, offset)) != XOUS_OK)
    return err;
  while (done < len) {
    size_t chunk = len - done < XOUS_PDDB_IO_MAX ? len - done
                                                 : XOUS_PDDB_IO_MAX;
    size_t pages = whole_pages(chunk);

    if ((err = room(db, pages)) != XOUS_OK)
      break;
    /* As std's read: the bytes wanted in valid, the pages zeroed (a
     * longer read is not std's, and its pages are not cleared). */
    if (pages == PAGE)
      memset(db->page, 0, PAGE);
    if ((err = lend(db, XOUS_PDDB_READ_KEY_STD | (xous_word_t)handle << 16,
                    pages, chunk, &rc, &n)) != XOUS_OK)
      break;
    if ((err = io_error(rc)) != XOUS_OK) {
      db->at_known = false;
      break;
    }
    /* SAFETY: the server's count is held to what was asked for. */
    if (n > chunk) {
      db->at_known = false;
      err = XOUS_INTERNAL_ERROR;
      break;
    }
    memcpy((uint8_t *)buf + done, db->page, n);
    done += n;
    db->at += n;
    if (n < chunk)
      break;
  }
  if (got != NULL)
    *got = done;
  return err;
}

xous_error_t
xous_pddb_write(xous_pddb_t *db, uint32_t handle, uint64_t offset,
                const void *buf, size_t len)
{
  size_t done = 0, rc;
  xous_error_t err;

  if ((err = seek(db, handle, offset)) != XOUS_OK)
    return err;
  do {
    size_t chunk = len - done < XOUS_PDDB_IO_MAX ? len - done
                                                 : XOUS_PDDB_IO_MAX;
    size_t pages = whole_pages(chunk);

    if ((err = room(db, pages)) != XOUS_OK)
      return err;
    if (chunk > 0)
      memcpy(db->page, (const uint8_t *)buf + done, chunk);
    /* What std leaves after the bytes of a one-page write: zeros. */
    if (pages == PAGE)
      memset((uint8_t *)db->page + chunk, 0, PAGE - chunk);
    if ((err = lend(db, XOUS_PDDB_WRITE_KEY_STD | (xous_word_t)handle << 16,
                    pages, chunk, &rc, NULL)) != XOUS_OK)
      return err;
    if ((err = io_error(rc)) != XOUS_OK) {
      db->at_known = false;
      return err;
    }
    done += chunk;
    db->at += chunk;
  } while (done < len);
  return XOUS_OK;
}

xous_error_t
xous_pddb_close(xous_pddb_t *db, uint32_t handle)
{
  xous_word_t kind, w[2];
  xous_error_t err;

  if (db->page == NULL)
    return XOUS_USE_BEFORE_INIT;
  if (handle > 0xffff)
    return XOUS_INVALID_ARGUMENT;
  if (db->at_fd == handle)
    db->at_known = false;
  err = blocking(db, XOUS_PDDB_CLOSE_KEY_STD | (xous_word_t)handle << 16, 0, 0,
                 0, &kind, w);
  if (err != XOUS_OK)
    return err;
  return kind == XOUS_RESULT_SCALAR2 ? XOUS_OK : io_error(w[0]);
}

xous_error_t
xous_pddb_sync(xous_pddb_t *db)
{
  xous_word_t kind, w[2];
  xous_error_t err;

  if (db->page == NULL)
    return XOUS_USE_BEFORE_INIT;
  err = blocking(db, XOUS_PDDB_WRITE_KEY_FLUSH, 0, 0, 0, &kind, w);
  if (err != XOUS_OK)
    return err;
  if (kind != XOUS_RESULT_SCALAR1)
    return XOUS_INTERNAL_ERROR;
  if (w[0] == XOUS_PDDB_RC_OK)
    return XOUS_OK;
  return w[0] == XOUS_PDDB_RC_DISK_FULL ? XOUS_OUT_OF_MEMORY
                                        : XOUS_STORAGE_ERROR;
}

xous_error_t
xous_pddb_delete_key(xous_pddb_t *db, const char *basis, const char *dict,
                     const char *key)
{
  struct xous__senres_writer w;
  xous_error_t err;
  size_t rc;

  if (db->page == NULL)
    return XOUS_USE_BEFORE_INIT;
  if (key == NULL)
    return XOUS_INVALID_STRING;
  record(db, &w, "RmKQ");
  if ((err = put_path(&w, basis, dict, key)) != XOUS_OK ||
      (err = lend_record(db, XOUS_PDDB_DELETE_KEY_STD, &rc)) != XOUS_OK)
    return err;
  if (rc == XOUS_PDDB_RC_ACCESS_DENIED)
    return XOUS_INVALID_STRING;
  return rc == 0 ? XOUS_OK : XOUS_NOT_FOUND;
}

/* ---- lists ------------------------------------------------------------------ */

/* Copies the names of answer record fourcc out of the first cap bytes
 * of the buffer into out, NUL-separated: *copied of *total fitted. */
static xous_error_t
take_names(xous_pddb_t *db, size_t cap, const char *fourcc, char *out,
           size_t size, size_t *copied, size_t *total)
{
  struct xous__senres_reader r;
  size_t used = 0, len;
  const uint8_t *s;
  uint32_t n;

  /* SAFETY: every name is bounds checked within the lent pages, and
   * refused when it holds a NUL (it would read as two). */
  *copied = *total = 0;
  if (!xous__senres_read_begin(&r, db->page, cap, fourcc))
    return XOUS_INTERNAL_ERROR;
  n = xous__senres_get_u32(&r);
  for (; *copied < n; ++*copied) {
    if (!xous__senres_get_str(&r, &s, &len))
      return XOUS_INTERNAL_ERROR;
    if (memchr(s, '\0', len) != NULL)
      return XOUS_INTERNAL_ERROR;
    if (len + 1 > size - used)
      break;
    memcpy(out + used, s, len);
    out[used + len] = '\0';
    used += len + 1;
  }
  *total = n;
  return *copied < n ? XOUS_OUT_OF_MEMORY : XOUS_OK;
}

/* Room for any answer that fits in size bytes of NUL-separated names
 * (a name takes at most 4 times as many bytes in the record): *cap. */
static xous_error_t
list_room(xous_pddb_t *db, size_t size, size_t *cap)
{
  *cap = size > (MAX_BUF - 16) / 4 ? MAX_BUF : whole_pages(16 + 4 * size);
  return room(db, *cap);
}

/* Lends the list request written in the first page. */
static xous_error_t
list(xous_pddb_t *db, xous_word_t op, size_t cap, const char *fourcc,
     char *out, size_t size, size_t *copied, size_t *total)
{
  size_t rc;
  xous_error_t err;

  if ((err = lend(db, op, cap, 0, &rc, NULL)) != XOUS_OK)
    return err;
  /* The real server answers a dictionary that is not there as any other
   * failure. */
  if (rc != 0)
    return op == XOUS_PDDB_LIST_KEY_STD ? XOUS_NOT_FOUND : XOUS_INTERNAL_ERROR;
  return take_names(db, cap, fourcc, out, size, copied, total);
}

static void
put_opt_basis(struct xous__senres_writer *w, const char *basis)
{
  xous__senres_put_u8(w, basis != NULL);
  if (basis != NULL)
    xous__senres_put_str(w, basis, strlen(basis));
}

xous_error_t
xous_pddb_list_bases(xous_pddb_t *db, char *out, size_t size, size_t *count)
{
  struct xous__senres_writer w;
  size_t cap, copied, total;
  xous_error_t err;

  if ((err = list_room(db, size, &cap)) != XOUS_OK)
    return err;
  record(db, &w, "basQ");
  err = list(db, XOUS_PDDB_LIST_BASIS_STD, cap, "basR", out, size, &copied,
             &total);
  if (count != NULL)
    *count = total;
  return err;
}

xous_error_t
xous_pddb_list_dicts(xous_pddb_t *db, const char *basis, char *out,
                     size_t size, size_t *count)
{
  struct xous__senres_writer w;
  size_t cap, copied, total;
  xous_error_t err;

  if (basis != NULL && !name_ok(basis, XOUS_PDDB_MAX_BASIS_NAME, false))
    return XOUS_INVALID_STRING;
  if ((err = list_room(db, size, &cap)) != XOUS_OK)
    return err;
  record(db, &w, "LiDQ");
  put_opt_basis(&w, basis);
  err = list(db, XOUS_PDDB_LIST_DICT_STD, cap, "LiDR", out, size, &copied,
             &total);
  if (count != NULL)
    *count = total;
  return err;
}

static xous_error_t
list_keys(xous_pddb_t *db, const char *basis, const char *dict, char *out,
          size_t size, size_t *copied, size_t *total)
{
  struct xous__senres_writer w;
  size_t cap;
  xous_error_t err;

  if ((basis != NULL && !name_ok(basis, XOUS_PDDB_MAX_BASIS_NAME, false)) ||
      !name_ok(dict, XOUS_PDDB_MAX_DICT_NAME, true))
    return XOUS_INVALID_STRING;
  if ((err = list_room(db, size, &cap)) != XOUS_OK)
    return err;
  record(db, &w, "LiKQ");
  put_opt_basis(&w, basis);
  xous__senres_put_str(&w, dict, strlen(dict));
  return list(db, XOUS_PDDB_LIST_KEY_STD, cap, "LiKR", out, size, copied,
              total);
}

xous_error_t
xous_pddb_list_keys(xous_pddb_t *db, const char *basis, const char *dict,
                    char *out, size_t size, size_t *count)
{
  size_t copied, total;
  xous_error_t err = list_keys(db, basis, dict, out, size, &copied, &total);

  if (count != NULL)
    *count = total;
  return err;
}

xous_error_t
xous_pddb_create_dict(xous_pddb_t *db, const char *basis, const char *dict)
{
  char none[1];
  size_t copied, total;
  xous_error_t err;

  if (db->page == NULL)
    return XOUS_USE_BEFORE_INIT;
  if ((err = create_dict(db, basis, dict)) != XOUS_NOT_FOUND)
    return err;
  /* The real server answers every failure alike: as std's create_dir
   * does, a look tells one that exists from a basis that does not. */
  err = list_keys(db, basis, dict, none, 0, &copied, &total);
  return err == XOUS_OK || err == XOUS_OUT_OF_MEMORY ? XOUS_SERVER_EXISTS
                                                     : XOUS_NOT_FOUND;
}

/* remove_dir_all() of a dictionary: its keys one by one, then itself. */
xous_error_t
xous_pddb_delete_dict(xous_pddb_t *db, const char *basis, const char *dict)
{
  char names[4096];
  struct xous__senres_writer w;
  xous_error_t err;
  size_t copied, total, i, rc;
  const char *k;

  do {
    err = list_keys(db, basis, dict, names, sizeof names, &copied, &total);
    if (err != XOUS_OK && err != XOUS_OUT_OF_MEMORY)
      return err;
    for (i = 0, k = names; i < copied; i++, k += strlen(k) + 1)
      if ((err = xous_pddb_delete_key(db, basis, dict, k)) != XOUS_OK)
        return err;
  } while (copied < total);
  record(db, &w, "RmDQ");
  if ((err = put_path(&w, basis, dict, NULL)) != XOUS_OK ||
      (err = lend_record(db, XOUS_PDDB_DELETE_DICT_STD, &rc)) != XOUS_OK)
    return err;
  return rc == 0 ? XOUS_OK : XOUS_NOT_FOUND;
}

/* ---- the desktop extension ------------------------------------------------ */

static struct xous_pddb_msg *
header(xous_pddb_t *db)
{
  struct xous_pddb_msg *m = db->page;

  memset(m, 0, sizeof *m);
  return m;
}

/* Lends the extension header and n data bytes; the answer's offset word
 * is the error. */
static xous_error_t
call(xous_pddb_t *db, xous_word_t op, size_t n)
{
  size_t rc;
  xous_error_t err;

  ((struct xous_pddb_msg *)db->page)->len = (uint32_t)n;
  err = lend(db, op, PAGE, XOUS_PDDB_DATA_OFFSET + n, &rc, NULL);
  if (err != XOUS_OK)
    return err;
  return rc < XOUS_ERROR_COUNT ? (xous_error_t)rc : XOUS_INTERNAL_ERROR;
}

static xous_error_t
basis_op(xous_pddb_t *db, xous_word_t op, const char *name,
         const char *password)
{
  struct xous_pddb_msg *m;
  size_t pwlen = password == NULL ? 0 : strlen(password), n;
  uint8_t *data = (uint8_t *)db->page + XOUS_PDDB_DATA_OFFSET;
  xous_error_t err;

  if (db->page == NULL)
    return XOUS_USE_BEFORE_INIT;
  if (name == NULL || (n = strlen(name)) > XOUS_PDDB_MAX_BASIS_NAME ||
      pwlen > XOUS_PDDB_MAX_PASSWORD)
    return XOUS_INVALID_STRING;
  m = header(db);
  memcpy(m->basis, name, n);
  m->basis_len = (uint16_t)n;
  if (pwlen > 0)
    memcpy(data, password, pwlen);
  err = call(db, op, pwlen);
  /* The password does not stay in the pages. */
  memset(data, 0, pwlen);
  return err;
}

xous_error_t
xous_pddb_create_basis(xous_pddb_t *db, const char *name, const char *password)
{
  return basis_op(db, XOUS_PDDB_OP_CREATE_BASIS, name, password);
}

xous_error_t
xous_pddb_unlock_basis(xous_pddb_t *db, const char *name, const char *password)
{
  return basis_op(db, XOUS_PDDB_OP_UNLOCK_BASIS, name, password);
}

xous_error_t
xous_pddb_lock_basis(xous_pddb_t *db, const char *name)
{
  return basis_op(db, XOUS_PDDB_OP_LOCK_BASIS, name, NULL);
}

xous_error_t
xous_pddb_delete_basis(xous_pddb_t *db, const char *name)
{
  return basis_op(db, XOUS_PDDB_OP_DELETE_BASIS, name, NULL);
}

xous_error_t
xous_pddb_truncate(xous_pddb_t *db, uint32_t handle, uint64_t len)
{
  struct xous_pddb_msg *m;

  if (db->page == NULL)
    return XOUS_USE_BEFORE_INIT;
  m = header(db);
  m->handle = handle;
  m->offset = len;
  return call(db, XOUS_PDDB_OP_TRUNCATE, 0);
}

xous_error_t
xous_pddb_stat(xous_pddb_t *db, uint32_t handle, xous_pddb_stat_t *st)
{
  struct xous_pddb_msg *m;
  xous_error_t err;

  if (db->page == NULL)
    return XOUS_USE_BEFORE_INIT;
  m = header(db);
  m->handle = handle;
  if ((err = call(db, XOUS_PDDB_OP_STAT, 0)) != XOUS_OK)
    return err;
  /* SAFETY: the answer's name length is checked before it is used. */
  if (m->basis_len > XOUS_PDDB_MAX_BASIS_NAME)
    return XOUS_INTERNAL_ERROR;
  st->len = m->offset;
  memcpy(st->basis, m->basis, m->basis_len);
  st->basis[m->basis_len] = '\0';
  return XOUS_OK;
}
