/*
 * The native PDDB structs, read and written field by field over
 * <xous/rkyv.h> (native_wire.h has the layouts and where they come from).
 */
#include <string.h>

#include <xous/rkyv.h>

#include "native_wire.h"

/* ---- reading helpers: each check is kept in ok ----------------------------- */

struct rd {
  xous_rkyv_reader_t r;
  size_t root;
  bool ok;
};

static void
rd_begin(struct rd *d, const void *arch, size_t used, size_t size,
         size_t align)
{
  xous_rkyv_reader_init(&d->r, arch, used);
  d->ok = xous_rkyv_root(&d->r, size, align, &d->root) == XOUS_OK;
}

/* A u8 tag below n: a bool is 2, an Option is 2. */
static uint8_t
rd_tag(struct rd *d, size_t at, unsigned n)
{
  uint8_t v = 0;

  if (d->ok && xous_rkyv_get_tag(&d->r, d->root + at, n, &v) != XOUS_OK)
    d->ok = false;
  return v;
}

static bool
rd_bool(struct rd *d, size_t at)
{
  return rd_tag(d, at, 2) == 1;
}

static uint32_t
rd_u32(struct rd *d, size_t at)
{
  uint32_t v = 0;

  if (d->ok && xous_rkyv_get_u32(&d->r, d->root + at, &v) != XOUS_OK)
    d->ok = false;
  return v;
}

static void
rd_u32s(struct rd *d, size_t at, uint32_t *v, size_t n)
{
  if (d->ok && xous_rkyv_get_u32s(&d->r, d->root + at, v, n) != XOUS_OK)
    d->ok = false;
}

/* A u64 is two little-endian words at an 8-aligned place. */
static uint64_t
rd_u64(struct rd *d, size_t at)
{
  uint32_t w[2] = { 0, 0 };

  if ((d->root + at) % 8 != 0)
    d->ok = false;
  rd_u32s(d, at, w, 2);
  return (uint64_t)w[1] << 32 | w[0];
}

static void
rd_text(struct rd *d, size_t at, struct xous__pddb_text *t)
{
  t->s = NULL;
  t->len = 0;
  if (d->ok &&
      xous_rkyv_get_str(&d->r, d->root + at, &t->s, &t->len) != XOUS_OK)
    d->ok = false;
}

static xous_error_t
rd_end(const struct rd *d)
{
  return d->ok ? XOUS_OK : XOUS_INVALID_ARGUMENT;
}

/* ---- writing helpers -------------------------------------------------------- */

static xous_rkyv_str_t
wr_text(xous_rkyv_writer_t *w, const struct xous__pddb_text *t)
{
  return xous_rkyv_write_str(w, t->s, t->len);
}

static void
wr_u64(xous_rkyv_writer_t *w, size_t at, uint64_t v)
{
  uint32_t words[2] = { (uint32_t)v, (uint32_t)(v >> 32) };

  xous_rkyv_put_u32s(w, at, words, 2);
}

/* ---- PddbBasisRequest ------------------------------------------------------- */

xous_error_t
xous__pddb_basis_request_read(const void *arch, size_t used,
                              struct xous__pddb_basis_request *m)
{
  struct rd d;

  memset(m, 0, sizeof *m);
  rd_begin(&d, arch, used, XOUS__PDDB_BASIS_REQUEST_SIZE, 4);
  rd_text(&d, 0, &m->name);
  m->code = rd_tag(&d, 8, XOUS__PDDB_REQ_CODES);
  m->has_policy = rd_bool(&d, 12);
  if (m->has_policy) {
    m->policy = rd_tag(&d, 16, 2);
    if (m->policy == 1)
      m->sleeps = rd_u32(&d, 20);
  }
  m->has_key = rd_bool(&d, 24);
  if (m->has_key && d.ok &&
      xous_rkyv_get_bytes(&d.r, d.root + 25, m->key, sizeof m->key) != XOUS_OK)
    d.ok = false;
  return rd_end(&d);
}

xous_error_t
xous__pddb_basis_request_write(void *page, size_t cap,
                               const struct xous__pddb_basis_request *m,
                               size_t *used)
{
  xous_rkyv_writer_t w;
  xous_rkyv_str_t name;
  size_t at;

  xous_rkyv_writer_init(&w, page, cap);
  name = wr_text(&w, &m->name);
  at = xous_rkyv_reserve(&w, XOUS__PDDB_BASIS_REQUEST_SIZE, 4);
  xous_rkyv_put_str(&w, at, &name);
  xous_rkyv_put_u8(&w, at + 8, m->code);
  if (m->has_policy) {
    xous_rkyv_put_u8(&w, at + 12, 1);
    xous_rkyv_put_u8(&w, at + 16, m->policy);
    if (m->policy == 1)
      xous_rkyv_put_u32(&w, at + 20, m->sleeps);
  }
  if (m->has_key) {
    xous_rkyv_put_u8(&w, at + 24, 1);
    xous_rkyv_put_bytes(&w, at + 25, m->key, sizeof m->key);
  }
  return xous_rkyv_finish(&w, used);
}

/* ---- PddbBasisList ---------------------------------------------------------- */

xous_error_t
xous__pddb_basis_list_read(const void *arch, size_t used,
                           struct xous__pddb_text *names, uint32_t *num)
{
  struct rd d;
  size_t i;

  rd_begin(&d, arch, used, XOUS__PDDB_BASIS_LIST_SIZE, 4);
  for (i = 0; i < XOUS__PDDB_BASIS_LIST_LEN; i++)
    rd_text(&d, 8 * i, &names[i]);
  *num = rd_u32(&d, 504);
  return rd_end(&d);
}

xous_error_t
xous__pddb_basis_list_write(void *page, size_t cap,
                            const struct xous__pddb_text *names, size_t n,
                            uint32_t num, size_t *used)
{
  xous_rkyv_writer_t w;
  xous_rkyv_str_t s[XOUS__PDDB_BASIS_LIST_LEN];
  static const struct xous__pddb_text empty = { (const uint8_t *)"", 0 };
  size_t i, at;

  if (n > XOUS__PDDB_BASIS_LIST_LEN)
    n = XOUS__PDDB_BASIS_LIST_LEN;
  xous_rkyv_writer_init(&w, page, cap);
  for (i = 0; i < XOUS__PDDB_BASIS_LIST_LEN; i++)
    s[i] = wr_text(&w, i < n ? &names[i] : &empty);
  at = xous_rkyv_reserve(&w, XOUS__PDDB_BASIS_LIST_SIZE, 4);
  for (i = 0; i < XOUS__PDDB_BASIS_LIST_LEN; i++)
    xous_rkyv_put_str(&w, at + 8 * i, &s[i]);
  xous_rkyv_put_u32(&w, at + 504, num);
  return xous_rkyv_finish(&w, used);
}

/* ---- the head PddbDictRequest and PddbKeyRequest share --------------------- */

/* basis_specified bool at 0, then the basis, dict and key names at 4, 12
 * and 20. */
static void
rd_request_head(struct rd *d, bool *basis_specified,
                struct xous__pddb_text *basis, struct xous__pddb_text *dict,
                struct xous__pddb_text *key)
{
  *basis_specified = rd_bool(d, 0);
  rd_text(d, 4, basis);
  rd_text(d, 12, dict);
  rd_text(d, 20, key);
}

/* Writes the three names, then reserves the root (size, align) and puts
 * the head in it; returns where the root is. */
static size_t
wr_request_head(xous_rkyv_writer_t *w, size_t size, size_t align,
                bool basis_specified, const struct xous__pddb_text *basis,
                const struct xous__pddb_text *dict,
                const struct xous__pddb_text *key)
{
  xous_rkyv_str_t b = wr_text(w, basis), d = wr_text(w, dict),
                  k = wr_text(w, key);
  size_t at = xous_rkyv_reserve(w, size, align);

  xous_rkyv_put_u8(w, at, basis_specified);
  xous_rkyv_put_str(w, at + 4, &b);
  xous_rkyv_put_str(w, at + 12, &d);
  xous_rkyv_put_str(w, at + 20, &k);
  return at;
}

/* ---- PddbDictRequest -------------------------------------------------------- */

xous_error_t
xous__pddb_dict_request_read(const void *arch, size_t used,
                             struct xous__pddb_dict_request *m)
{
  struct rd d;

  memset(m, 0, sizeof *m);
  rd_begin(&d, arch, used, XOUS__PDDB_DICT_REQUEST_SIZE, 4);
  rd_request_head(&d, &m->basis_specified, &m->basis, &m->dict, &m->key);
  m->index = rd_u32(&d, 28);
  rd_u32s(&d, 32, m->token, 4);
  m->code = rd_tag(&d, 48, XOUS__PDDB_REQ_CODES);
  m->has_bulk_limit = rd_bool(&d, 52);
  if (m->has_bulk_limit)
    m->bulk_limit = rd_u32(&d, 56);
  m->key_count = rd_u32(&d, 60);
  m->found_key_count = rd_u32(&d, 64);
  return rd_end(&d);
}

xous_error_t
xous__pddb_dict_request_write(void *page, size_t cap,
                              const struct xous__pddb_dict_request *m,
                              size_t *used)
{
  xous_rkyv_writer_t w;
  size_t at;

  xous_rkyv_writer_init(&w, page, cap);
  at = wr_request_head(&w, XOUS__PDDB_DICT_REQUEST_SIZE, 4, m->basis_specified,
                       &m->basis, &m->dict, &m->key);
  xous_rkyv_put_u32(&w, at + 28, m->index);
  xous_rkyv_put_u32s(&w, at + 32, m->token, 4);
  xous_rkyv_put_u8(&w, at + 48, m->code);
  if (m->has_bulk_limit) {
    xous_rkyv_put_u8(&w, at + 52, 1);
    xous_rkyv_put_u32(&w, at + 56, m->bulk_limit);
  }
  xous_rkyv_put_u32(&w, at + 60, m->key_count);
  xous_rkyv_put_u32(&w, at + 64, m->found_key_count);
  return xous_rkyv_finish(&w, used);
}

/* ---- PddbKeyRequest --------------------------------------------------------- */

xous_error_t
xous__pddb_key_request_read(const void *arch, size_t used,
                            struct xous__pddb_key_request *m)
{
  struct rd d;

  memset(m, 0, sizeof *m);
  rd_begin(&d, arch, used, XOUS__PDDB_KEY_REQUEST_SIZE, 8);
  rd_request_head(&d, &m->basis_specified, &m->basis, &m->dict, &m->key);
  m->has_token = rd_bool(&d, 28);
  if (m->has_token)
    rd_u32s(&d, 32, m->token, 3);
  m->create_dict = rd_bool(&d, 44);
  m->create_key = rd_bool(&d, 45);
  m->has_alloc_hint = rd_bool(&d, 48);
  if (m->has_alloc_hint)
    m->alloc_hint = rd_u64(&d, 56);
  m->has_cb_sid = rd_bool(&d, 64);
  if (m->has_cb_sid)
    rd_u32s(&d, 68, m->cb_sid, 4);
  m->result = rd_tag(&d, 84, XOUS__PDDB_REQ_CODES);
  return rd_end(&d);
}

xous_error_t
xous__pddb_key_request_write(void *page, size_t cap,
                             const struct xous__pddb_key_request *m,
                             size_t *used)
{
  xous_rkyv_writer_t w;
  size_t at;

  xous_rkyv_writer_init(&w, page, cap);
  at = wr_request_head(&w, XOUS__PDDB_KEY_REQUEST_SIZE, 8, m->basis_specified,
                       &m->basis, &m->dict, &m->key);
  if (m->has_token) {
    xous_rkyv_put_u8(&w, at + 28, 1);
    xous_rkyv_put_u32s(&w, at + 32, m->token, 3);
  }
  xous_rkyv_put_u8(&w, at + 44, m->create_dict);
  xous_rkyv_put_u8(&w, at + 45, m->create_key);
  if (m->has_alloc_hint) {
    xous_rkyv_put_u8(&w, at + 48, 1);
    wr_u64(&w, at + 56, m->alloc_hint);
  }
  if (m->has_cb_sid) {
    xous_rkyv_put_u8(&w, at + 64, 1);
    xous_rkyv_put_u32s(&w, at + 68, m->cb_sid, 4);
  }
  xous_rkyv_put_u8(&w, at + 84, m->result);
  return xous_rkyv_finish(&w, used);
}

/* ---- PddbKeyAttrIpc --------------------------------------------------------- */

xous_error_t
xous__pddb_key_attr_read(const void *arch, size_t used,
                         struct xous__pddb_key_attr *m)
{
  struct rd d;

  memset(m, 0, sizeof *m);
  rd_begin(&d, arch, used, XOUS__PDDB_KEY_ATTR_SIZE, 8);
  m->len = rd_u64(&d, 0);
  m->reserved = rd_u64(&d, 8);
  m->age = rd_u64(&d, 16);
  rd_text(&d, 24, &m->dict);
  rd_text(&d, 32, &m->basis);
  m->flags = rd_u32(&d, 40);
  m->index = rd_u32(&d, 44);
  rd_u32s(&d, 48, m->token, 3);
  m->code = rd_tag(&d, 60, XOUS__PDDB_REQ_CODES);
  return rd_end(&d);
}

xous_error_t
xous__pddb_key_attr_write(void *page, size_t cap,
                          const struct xous__pddb_key_attr *m, size_t *used)
{
  xous_rkyv_writer_t w;
  xous_rkyv_str_t dict, basis;
  size_t at;

  xous_rkyv_writer_init(&w, page, cap);
  dict = wr_text(&w, &m->dict);
  basis = wr_text(&w, &m->basis);
  at = xous_rkyv_reserve(&w, XOUS__PDDB_KEY_ATTR_SIZE, 8);
  wr_u64(&w, at, m->len);
  wr_u64(&w, at + 8, m->reserved);
  wr_u64(&w, at + 16, m->age);
  xous_rkyv_put_str(&w, at + 24, &dict);
  xous_rkyv_put_str(&w, at + 32, &basis);
  xous_rkyv_put_u32(&w, at + 40, m->flags);
  xous_rkyv_put_u32(&w, at + 44, m->index);
  xous_rkyv_put_u32s(&w, at + 48, m->token, 3);
  xous_rkyv_put_u8(&w, at + 60, m->code);
  return xous_rkyv_finish(&w, used);
}

/* ---- PddbKeyList ------------------------------------------------------------ */

xous_error_t
xous__pddb_key_list_read(const void *arch, size_t used,
                         struct xous__pddb_key_list *m)
{
  struct rd d;

  memset(m, 0, sizeof *m);
  rd_begin(&d, arch, used, XOUS__PDDB_KEY_LIST_SIZE, 4);
  rd_u32s(&d, 0, m->token, 4);
  if (d.ok && xous_rkyv_get_bytes(&d.r, d.root + 16, m->data,
                                  sizeof m->data) != XOUS_OK)
    d.ok = false;
  m->retcode = rd_tag(&d, 4080, XOUS__PDDB_RETCODES);
  m->end = rd_bool(&d, 4081);
  return rd_end(&d);
}

xous_error_t
xous__pddb_key_list_write(void *page, size_t cap,
                          const struct xous__pddb_key_list *m, size_t *used)
{
  xous_rkyv_writer_t w;
  size_t at;

  xous_rkyv_writer_init(&w, page, cap);
  at = xous_rkyv_reserve(&w, XOUS__PDDB_KEY_LIST_SIZE, 4);
  xous_rkyv_put_u32s(&w, at, m->token, 4);
  xous_rkyv_put_bytes(&w, at + 16, m->data, sizeof m->data);
  xous_rkyv_put_u8(&w, at + 4080, m->retcode);
  xous_rkyv_put_u8(&w, at + 4081, m->end);
  return xous_rkyv_finish(&w, used);
}

/* ---- PddbKeyRecord ---------------------------------------------------------- */

xous_error_t
xous__pddb_key_record_read(const void *arch, size_t used,
                           struct xous__pddb_key_record *m)
{
  struct rd d;
  uint32_t off, n;
  size_t at, target;

  memset(m, 0, sizeof *m);
  rd_begin(&d, arch, used, XOUS__PDDB_KEY_RECORD_SIZE, 4);
  rd_text(&d, 0, &m->name);
  m->len = rd_u32(&d, 8);
  m->reserved = rd_u32(&d, 12);
  m->age = rd_u32(&d, 16);
  m->index = rd_u32(&d, 20);
  if (m->index == 0)
    d.ok = false; /* a NonZeroU32 */
  rd_text(&d, 24, &m->basis);
  m->has_data = rd_bool(&d, 32);
  if (m->has_data) {
    off = rd_u32(&d, 36);
    n = rd_u32(&d, 40);
    at = d.root + 36;
    /* The offset is an i32 from the pointer to the bytes. */
    if (off & 0x80000000u) {
      uint32_t back = ~off + 1u;

      if (back > at)
        d.ok = false;
      target = at - back;
    } else {
      target = at + off;
    }
    if (d.ok && (target > used || n > used - target))
      d.ok = false;
    if (d.ok) {
      m->data = (const uint8_t *)arch + target;
      m->data_len = n;
    }
  }
  return rd_end(&d);
}

xous_error_t
xous__pddb_key_record_write(void *page, size_t cap,
                            const struct xous__pddb_key_record *m,
                            size_t *used)
{
  xous_rkyv_writer_t w;
  xous_rkyv_str_t name, basis;
  size_t data_at = 0, at;

  xous_rkyv_writer_init(&w, page, cap);
  name = wr_text(&w, &m->name);
  basis = wr_text(&w, &m->basis);
  if (m->has_data) {
    /* A Vec<u8>'s bytes, unaligned, after the Strings' in field order. */
    data_at = xous_rkyv_reserve(&w, m->data_len, 1);
    xous_rkyv_put_bytes(&w, data_at, m->data, m->data_len);
  }
  at = xous_rkyv_reserve(&w, XOUS__PDDB_KEY_RECORD_SIZE, 4);
  xous_rkyv_put_str(&w, at, &name);
  xous_rkyv_put_u32(&w, at + 8, m->len);
  xous_rkyv_put_u32(&w, at + 12, m->reserved);
  xous_rkyv_put_u32(&w, at + 16, m->age);
  xous_rkyv_put_u32(&w, at + 20, m->index);
  xous_rkyv_put_str(&w, at + 24, &basis);
  if (m->has_data) {
    xous_rkyv_put_u8(&w, at + 32, 1);
    /* data_at precedes the pointer: a negative i32. */
    xous_rkyv_put_u32(&w, at + 36,
                      (uint32_t)0 - (uint32_t)(at + 36 - data_at));
    xous_rkyv_put_u32(&w, at + 40, (uint32_t)m->data_len);
  }
  return xous_rkyv_finish(&w, used);
}

/* ---- PddbBuf and BulkReadHeader --------------------------------------------- */

static uint32_t
load32(const uint8_t *p)
{
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}

static void
store32(uint8_t *p, uint32_t v)
{
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}

xous_error_t
xous__pddb_buf_read(const void *page, size_t len, struct xous__pddb_buf *m)
{
  const uint8_t *p = page;
  int i;

  if (page == NULL || len < XOUS__PDDB_BUF_HEADER)
    return XOUS_INVALID_ARGUMENT;
  for (i = 0; i < 3; i++)
    m->token[i] = load32(p + 4 * i);
  m->retcode = p[12];
  m->reserved = p[13];
  m->len = (uint16_t)(p[14] | p[15] << 8);
  m->position = (uint64_t)load32(p + 20) << 32 | load32(p + 16);
  /* The retcode is the server's to write: whatever a request holds
   * there is not looked at. */
  if (m->len > XOUS__PDDB_BUF_DATA)
    return XOUS_INVALID_ARGUMENT;
  return XOUS_OK;
}

void
xous__pddb_buf_write(void *page, const struct xous__pddb_buf *m)
{
  uint8_t *p = page;
  int i;

  for (i = 0; i < 3; i++)
    store32(p + 4 * i, m->token[i]);
  p[12] = m->retcode;
  p[13] = m->reserved;
  p[14] = (uint8_t)m->len;
  p[15] = (uint8_t)(m->len >> 8);
  store32(p + 16, (uint32_t)m->position);
  store32(p + 20, (uint32_t)(m->position >> 32));
}

void
xous__pddb_bulk_header_read(const void *page, struct xous__pddb_bulk_header *m)
{
  const uint8_t *p = page;
  int i;

  m->code = load32(p);
  m->starting_key_index = load32(p + 4);
  m->len = load32(p + 8);
  m->total = load32(p + 12);
  for (i = 0; i < 4; i++)
    m->token[i] = load32(p + 16 + 4 * i);
}

void
xous__pddb_bulk_header_write(void *page,
                             const struct xous__pddb_bulk_header *m)
{
  uint8_t *p = page;
  int i;

  store32(p, m->code);
  store32(p + 4, m->starting_key_index);
  store32(p + 8, m->len);
  store32(p + 12, m->total);
  for (i = 0; i < 4; i++)
    store32(p + 16 + 4 * i, m->token[i]);
}
