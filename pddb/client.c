/*
 * The PDDB client API, xous_pddb(3): each call fills the connection's page
 * buffer with a struct xous_pddb_msg and its data and lends it mutably to
 * the server, which answers in the same pages. Portable.
 */
#include <string.h>

#include <xous.h>
#include <xous/names.h>
#include <xous/pddb.h>

#define BUF_BYTES (XOUS_PDDB_DATA_OFFSET + XOUS_PDDB_IO_MAX)

static xous_error_t
setup(xous_pddb_t *db, xous_error_t err)
{
  xous_buffer_t b;

  if (err != XOUS_OK)
    return err;
  if ((err = xous_buffer_new(BUF_BYTES, &b)) != XOUS_OK)
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
}

/* Copies a name into a header field; InvalidString when too long. */
static xous_error_t
set_name(char *field, uint16_t *len, size_t max, const char *s)
{
  size_t n = s == NULL ? 0 : strlen(s);

  if (n > max)
    return XOUS_INVALID_STRING;
  if (n > 0)
    memcpy(field, s, n);
  *len = (uint16_t)n;
  return XOUS_OK;
}

static struct xous_pddb_msg *
header(xous_pddb_t *db)
{
  struct xous_pddb_msg *m = db->page;

  memset(m, 0, sizeof *m);
  return m;
}

static xous_error_t
names(struct xous_pddb_msg *m, const char *basis, const char *dict,
      const char *key)
{
  xous_error_t err;

  if ((err = set_name(m->basis, &m->basis_len, XOUS_PDDB_MAX_BASIS_NAME,
                      basis)) != XOUS_OK ||
      (err = set_name(m->dict, &m->dict_len, XOUS_PDDB_MAX_DICT_NAME, dict)) !=
          XOUS_OK ||
      (err = set_name(m->key, &m->key_len, XOUS_PDDB_MAX_KEY_NAME, key)) !=
          XOUS_OK)
    return err;
  return XOUS_OK;
}

/* Lends the buffer; *data_out (may be NULL) gets the answer's data bytes. */
static xous_error_t
call(xous_pddb_t *db, xous_word_t op, size_t data_len, size_t *data_out)
{
  size_t off = 0, valid = 0;
  xous_error_t err;

  if (db->page == NULL)
    return XOUS_USE_BEFORE_INIT;
  ((struct xous_pddb_msg *)db->page)->len = (uint32_t)data_len;
  err = xous_lend_mut(db->cid, op, db->page, db->page_len, 0,
                      XOUS_PDDB_DATA_OFFSET + data_len, &off, &valid);
  if (err != XOUS_OK)
    return err;
  if (off != XOUS_OK)
    return (xous_error_t)off;
  if (valid > XOUS_PDDB_IO_MAX)
    return XOUS_INTERNAL_ERROR;
  if (data_out != NULL)
    *data_out = valid;
  return XOUS_OK;
}

static uint8_t *
data(xous_pddb_t *db)
{
  return (uint8_t *)db->page + XOUS_PDDB_DATA_OFFSET;
}

static xous_error_t
basis_op(xous_pddb_t *db, xous_word_t op, const char *name,
         const char *password)
{
  struct xous_pddb_msg *m;
  size_t pwlen = password == NULL ? 0 : strlen(password);
  xous_error_t err;

  if (db->page == NULL)
    return XOUS_USE_BEFORE_INIT;
  m = header(db);
  if (name == NULL || (err = names(m, name, NULL, NULL)) != XOUS_OK)
    return XOUS_INVALID_STRING;
  if (pwlen > XOUS_PDDB_MAX_PASSWORD)
    return XOUS_INVALID_STRING;
  if (pwlen > 0)
    memcpy(data(db), password, pwlen);
  err = call(db, op, pwlen, NULL);
  /* The password does not stay in the pages. */
  memset(data(db), 0, pwlen);
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

static xous_error_t
list(xous_pddb_t *db, xous_word_t op, const char *basis, const char *dict,
     char *out, size_t size, size_t *count)
{
  struct xous_pddb_msg *m;
  size_t n = 0;
  xous_error_t err;

  if (db->page == NULL)
    return XOUS_USE_BEFORE_INIT;
  m = header(db);
  if ((err = names(m, basis, dict, NULL)) != XOUS_OK)
    return err;
  if ((err = call(db, op, 0, &n)) != XOUS_OK)
    return err;
  if (n > size)
    return XOUS_OUT_OF_MEMORY;
  memcpy(out, data(db), n);
  if (count != NULL)
    *count = m->count;
  return XOUS_OK;
}

xous_error_t
xous_pddb_list_bases(xous_pddb_t *db, char *out, size_t size, size_t *count)
{
  return list(db, XOUS_PDDB_OP_LIST_BASES, NULL, NULL, out, size, count);
}

xous_error_t
xous_pddb_list_dicts(xous_pddb_t *db, const char *basis, char *out,
                     size_t size, size_t *count)
{
  return list(db, XOUS_PDDB_OP_LIST_DICTS, basis, NULL, out, size, count);
}

xous_error_t
xous_pddb_list_keys(xous_pddb_t *db, const char *basis, const char *dict,
                    char *out, size_t size, size_t *count)
{
  return list(db, XOUS_PDDB_OP_LIST_KEYS, basis, dict, out, size, count);
}

xous_error_t
xous_pddb_open(xous_pddb_t *db, const char *basis, const char *dict,
               const char *key, unsigned flags, uint32_t *handle)
{
  struct xous_pddb_msg *m;
  xous_error_t err;

  if (db->page == NULL)
    return XOUS_USE_BEFORE_INIT;
  m = header(db);
  if ((err = names(m, basis, dict, key)) != XOUS_OK)
    return err;
  m->flags = flags;
  if ((err = call(db, XOUS_PDDB_OP_OPEN, 0, NULL)) != XOUS_OK)
    return err;
  *handle = m->handle;
  return XOUS_OK;
}

xous_error_t
xous_pddb_read(xous_pddb_t *db, uint32_t handle, uint64_t offset, void *buf,
               size_t len, size_t *got)
{
  size_t done = 0;
  xous_error_t err = XOUS_OK;

  while (done < len) {
    struct xous_pddb_msg *m;
    size_t chunk = len - done < XOUS_PDDB_IO_MAX ? len - done
                                                 : XOUS_PDDB_IO_MAX;
    size_t n = 0;

    if (db->page == NULL)
      return XOUS_USE_BEFORE_INIT;
    m = header(db);
    m->handle = handle;
    m->offset = offset + done;
    m->count = (uint32_t)chunk; /* bytes wanted */
    if ((err = call(db, XOUS_PDDB_OP_READ, 0, &n)) != XOUS_OK || n > chunk)
      break;
    memcpy((uint8_t *)buf + done, data(db), n);
    done += n;
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
  size_t done = 0;
  xous_error_t err;

  do {
    struct xous_pddb_msg *m;
    size_t chunk = len - done < XOUS_PDDB_IO_MAX ? len - done
                                                 : XOUS_PDDB_IO_MAX;

    if (db->page == NULL)
      return XOUS_USE_BEFORE_INIT;
    m = header(db);
    m->handle = handle;
    m->offset = offset + done;
    /* A write of several requests lands whole or not at all. */
    m->flags = done + chunk < len ? XOUS_PDDB_MORE : 0;
    if (chunk > 0)
      memcpy(data(db), (const uint8_t *)buf + done, chunk);
    if ((err = call(db, XOUS_PDDB_OP_WRITE, chunk, NULL)) != XOUS_OK)
      return err;
    done += chunk;
  } while (done < len);
  return XOUS_OK;
}

static xous_error_t
handle_op(xous_pddb_t *db, xous_word_t op, uint32_t handle, uint64_t value,
          struct xous_pddb_msg **out)
{
  struct xous_pddb_msg *m;

  if (db->page == NULL)
    return XOUS_USE_BEFORE_INIT;
  m = header(db);
  m->handle = handle;
  m->offset = value;
  if (out != NULL)
    *out = m;
  return call(db, op, 0, NULL);
}

xous_error_t
xous_pddb_truncate(xous_pddb_t *db, uint32_t handle, uint64_t len)
{
  return handle_op(db, XOUS_PDDB_OP_TRUNCATE, handle, len, NULL);
}

xous_error_t
xous_pddb_stat(xous_pddb_t *db, uint32_t handle, xous_pddb_stat_t *st)
{
  struct xous_pddb_msg *m;
  xous_error_t err = handle_op(db, XOUS_PDDB_OP_STAT, handle, 0, &m);

  if (err != XOUS_OK)
    return err;
  st->len = m->offset;
  if (m->basis_len > XOUS_PDDB_MAX_BASIS_NAME)
    return XOUS_INTERNAL_ERROR;
  memcpy(st->basis, m->basis, m->basis_len);
  st->basis[m->basis_len] = '\0';
  return XOUS_OK;
}

xous_error_t
xous_pddb_close(xous_pddb_t *db, uint32_t handle)
{
  return handle_op(db, XOUS_PDDB_OP_CLOSE, handle, 0, NULL);
}

xous_error_t
xous_pddb_delete_key(xous_pddb_t *db, const char *basis, const char *dict,
                     const char *key)
{
  xous_error_t err;

  if (db->page == NULL)
    return XOUS_USE_BEFORE_INIT;
  if ((err = names(header(db), basis, dict, key)) != XOUS_OK)
    return err;
  return call(db, XOUS_PDDB_OP_DELETE_KEY, 0, NULL);
}

xous_error_t
xous_pddb_delete_dict(xous_pddb_t *db, const char *basis, const char *dict)
{
  xous_error_t err;

  if (db->page == NULL)
    return XOUS_USE_BEFORE_INIT;
  if ((err = names(header(db), basis, dict, NULL)) != XOUS_OK)
    return err;
  return call(db, XOUS_PDDB_OP_DELETE_DICT, 0, NULL);
}

xous_error_t
xous_pddb_sync(xous_pddb_t *db)
{
  if (db->page == NULL)
    return XOUS_USE_BEFORE_INIT;
  header(db);
  return call(db, XOUS_PDDB_OP_SYNC, 0, NULL);
}
