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

static void
rd_bytes(struct rd *d, size_t at, uint8_t *v, size_t n)
{
  if (d->ok && xous_rkyv_get_bytes(&d->r, d->root + at, v, n) != XOUS_OK)
    d->ok = false;
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

/* ---- field layouts ------------------------------------------------------------
 * A struct is a table of its fields in archive order: where a field stands
 * in the archive (at), where in the C struct (c, an offsetof), what it is
 * and, for a tag or an array, how many. A field with gate set is a tag
 * that decides the next field: that one (and whatever it gates) is there
 * only when this one is 1, an Option's Some or an enum's variant 1. Both
 * ways read the same table, so reader and writer cannot disagree. */

enum kind {
  K_BOOL,  /* bool: a tag below 2 */
  K_TAG,   /* uint8_t: a tag below n */
  K_U8,    /* uint8_t, any value */
  K_U16,   /* uint16_t */
  K_U32,   /* uint32_t */
  K_U64,   /* uint64_t, 8-aligned */
  K_WORDS, /* uint32_t[n] */
  K_BYTES, /* uint8_t[n] */
  K_TEXT   /* struct xous__pddb_text: a String, never gated */
};

struct field {
  uint16_t at, c, n;
  uint8_t kind;
  bool gate;
};

struct layout {
  const struct field *f;
  size_t nf;
  size_t size, align; /* the archived root's */
  size_t csize;       /* sizeof the C struct */
};

#define LAYOUT(fields, size, align, type)                                     \
  {                                                                           \
    fields, sizeof fields / sizeof fields[0], size, align, sizeof(type)       \
  }

/* The most Strings one struct has (PddbDictRequest, PddbKeyRequest). */
#define TEXTS_MAX 3

/* Past field i when a gate before it is closed: i and all it gates. */
static size_t
past(const struct layout *l, size_t i)
{
  while (l->f[i].gate)
    i++;
  return i;
}

static void
rd_fields(struct rd *d, const struct layout *l, void *m)
{
  size_t i;

  for (i = 0; i < l->nf; i++) {
    const struct field *f = &l->f[i];
    void *v = (uint8_t *)m + f->c;
    uint8_t b[2] = { 0, 0 };
    uint32_t got = 0;

    switch (f->kind) {
    case K_BOOL:
      got = *(bool *)v = rd_bool(d, f->at);
      break;
    case K_TAG:
      got = *(uint8_t *)v = rd_tag(d, f->at, f->n);
      break;
    case K_U8:
      rd_bytes(d, f->at, v, 1);
      break;
    case K_U16:
      rd_bytes(d, f->at, b, 2);
      *(uint16_t *)v = (uint16_t)(b[0] | b[1] << 8);
      break;
    case K_U32:
      *(uint32_t *)v = rd_u32(d, f->at);
      break;
    case K_U64:
      *(uint64_t *)v = rd_u64(d, f->at);
      break;
    case K_WORDS:
      rd_u32s(d, f->at, v, f->n);
      break;
    case K_BYTES:
      rd_bytes(d, f->at, v, f->n);
      break;
    case K_TEXT:
      rd_text(d, f->at, v);
      break;
    }
    if (f->gate && got != 1)
      i = past(l, i + 1);
  }
}

/* The Strings go first, in field order: they are the root's dependencies. */
static void
wr_texts(xous_rkyv_writer_t *w, const struct layout *l, const void *m,
         xous_rkyv_str_t *s)
{
  size_t i, k = 0;

  for (i = 0; i < l->nf; i++)
    if (l->f[i].kind == K_TEXT)
      s[k++] = wr_text(w, (const struct xous__pddb_text *)((const uint8_t *)m +
                                                           l->f[i].c));
}

/* The root at at, which xous_rkyv_reserve() zeroed: a closed gate's
 * field stays zero. */
static void
wr_fields(xous_rkyv_writer_t *w, size_t at, const struct layout *l,
          const void *m, const xous_rkyv_str_t *s)
{
  size_t i, k = 0;

  for (i = 0; i < l->nf; i++) {
    const struct field *f = &l->f[i];
    const void *v = (const uint8_t *)m + f->c;
    uint16_t h;
    uint8_t b[2];
    uint32_t got = 0;

    switch (f->kind) {
    case K_BOOL:
      got = *(const bool *)v;
      xous_rkyv_put_u8(w, at + f->at, (uint8_t)got);
      break;
    case K_TAG:
    case K_U8:
      got = *(const uint8_t *)v;
      xous_rkyv_put_u8(w, at + f->at, (uint8_t)got);
      break;
    case K_U16:
      h = *(const uint16_t *)v;
      b[0] = (uint8_t)h;
      b[1] = (uint8_t)(h >> 8);
      xous_rkyv_put_bytes(w, at + f->at, b, 2);
      break;
    case K_U32:
      xous_rkyv_put_u32(w, at + f->at, *(const uint32_t *)v);
      break;
    case K_U64:
      wr_u64(w, at + f->at, *(const uint64_t *)v);
      break;
    case K_WORDS:
      xous_rkyv_put_u32s(w, at + f->at, v, f->n);
      break;
    case K_BYTES:
      xous_rkyv_put_bytes(w, at + f->at, v, f->n);
      break;
    case K_TEXT:
      xous_rkyv_put_str(w, at + f->at, &s[k++]);
      break;
    }
    if (f->gate && got != 1)
      i = past(l, i + 1);
  }
}

/* Every check is made before the result says OK; m is zeroed first, so
 * a field that is not there (a closed gate's) reads as zero. */
static xous_error_t
decode(const struct layout *l, const void *arch, size_t used, void *m)
{
  struct rd d;

  memset(m, 0, l->csize);
  rd_begin(&d, arch, used, l->size, l->align);
  rd_fields(&d, l, m);
  return rd_end(&d);
}

static xous_error_t
encode(const struct layout *l, void *page, size_t cap, const void *m,
       size_t *used)
{
  xous_rkyv_writer_t w;
  xous_rkyv_str_t s[TEXTS_MAX];
  size_t at;

  xous_rkyv_writer_init(&w, page, cap);
  wr_texts(&w, l, m, s);
  at = xous_rkyv_reserve(&w, l->size, l->align);
  wr_fields(&w, at, l, m, s);
  return xous_rkyv_finish(&w, used);
}

/* A struct read and written whole by its table. */
#define CODEC(name)                                                           \
  xous_error_t xous__pddb_##name##_read(const void *arch, size_t used,        \
                                        struct xous__pddb_##name *m)          \
  {                                                                           \
    return decode(&name, arch, used, m);                                      \
  }                                                                           \
  xous_error_t xous__pddb_##name##_write(void *page, size_t cap,              \
                                         const struct xous__pddb_##name *m,   \
                                         size_t *used)                        \
  {                                                                           \
    return encode(&name, page, cap, m, used);                                 \
  }

/* The tables below, each over its struct S. */
#define F(kind, at, member, n, gate)                                          \
  {                                                                           \
    at, offsetof(S, member), n, kind, gate                                    \
  }
#define BOOL(at, member) F(K_BOOL, at, member, 0, false)
#define SOME(at, member) F(K_BOOL, at, member, 0, true) /* an Option's tag */
#define TAG(at, member, n) F(K_TAG, at, member, n, false)
#define VARIANT(at, member, n) F(K_TAG, at, member, n, true)
#define U8(at, member) F(K_U8, at, member, 0, false)
#define U16(at, member) F(K_U16, at, member, 0, false)
#define U32(at, member) F(K_U32, at, member, 0, false)
#define U64(at, member) F(K_U64, at, member, 0, false)
#define WORDS(at, member, n) F(K_WORDS, at, member, n, false)
#define BYTES(at, member, n) F(K_BYTES, at, member, n, false)
#define TEXT(at, member) F(K_TEXT, at, member, 0, false)
/* A struct's table: its fields (the rest of the arguments) over S. */
#define TABLE(name, size, align, ...)                                         \
  static const struct field name##_fields[] = { __VA_ARGS__ };                \
  static const struct layout name = LAYOUT(name##_fields, size, align,        \
                                           struct xous__pddb_##name)

/* Both requests start with the key's path: basis_specified, basis, dict,
 * key. */
#define PATH                                                                  \
  BOOL(0, basis_specified), TEXT(4, basis), TEXT(12, dict), TEXT(20, key)

/* ---- PddbBasisRequest ------------------------------------------------------- */

/* policy is an enum tag: its variant 1, ClearAfterSleeps, holds sleeps. */
#define S struct xous__pddb_basis_request
TABLE(basis_request, XOUS__PDDB_BASIS_REQUEST_SIZE, 4, TEXT(0, name),
      TAG(8, code, XOUS__PDDB_REQ_CODES), SOME(12, has_policy),
      VARIANT(16, policy, 2), U32(20, sleeps), SOME(24, has_key),
      BYTES(25, key, XOUS__PDDB_BASIS_KEY_BYTES));
CODEC(basis_request)
#undef S

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

/* ---- PddbDictRequest -------------------------------------------------------- */

#define S struct xous__pddb_dict_request
TABLE(dict_request, XOUS__PDDB_DICT_REQUEST_SIZE, 4, PATH, U32(28, index),
      WORDS(32, token, 4), TAG(48, code, XOUS__PDDB_REQ_CODES),
      SOME(52, has_bulk_limit), U32(56, bulk_limit), U32(60, key_count),
      U32(64, found_key_count));
CODEC(dict_request)
#undef S

/* ---- PddbKeyRequest --------------------------------------------------------- */

#define S struct xous__pddb_key_request
TABLE(key_request, XOUS__PDDB_KEY_REQUEST_SIZE, 8, PATH, SOME(28, has_token),
      WORDS(32, token, 3), BOOL(44, create_dict), BOOL(45, create_key),
      SOME(48, has_alloc_hint), U64(56, alloc_hint), SOME(64, has_cb_sid),
      WORDS(68, cb_sid, 4), TAG(84, result, XOUS__PDDB_REQ_CODES));
CODEC(key_request)
#undef S

/* ---- PddbKeyAttrIpc --------------------------------------------------------- */

#define S struct xous__pddb_key_attr
TABLE(key_attr, XOUS__PDDB_KEY_ATTR_SIZE, 8, U64(0, len), U64(8, reserved),
      U64(16, age), TEXT(24, dict), TEXT(32, basis), U32(40, flags),
      U32(44, index), WORDS(48, token, 3),
      TAG(60, code, XOUS__PDDB_REQ_CODES));
CODEC(key_attr)
#undef S

/* ---- PddbKeyList ------------------------------------------------------------ */

#define S struct xous__pddb_key_list
TABLE(key_list, XOUS__PDDB_KEY_LIST_SIZE, 4, WORDS(0, token, 4),
      BYTES(16, data, XOUS__PDDB_KEY_LIST_DATA),
      TAG(4080, retcode, XOUS__PDDB_RETCODES), BOOL(4081, end));
CODEC(key_list)
#undef S

/* ---- PddbKeyRecord ---------------------------------------------------------- */

/* The table stops at data's tag: the Vec behind it is read by hand. */
#define S struct xous__pddb_key_record
TABLE(key_record, XOUS__PDDB_KEY_RECORD_SIZE, 4, TEXT(0, name), U32(8, len),
      U32(12, reserved), U32(16, age), U32(20, index), TEXT(24, basis),
      BOOL(32, has_data));
#undef S

xous_error_t
xous__pddb_key_record_read(const void *arch, size_t used,
                           struct xous__pddb_key_record *m)
{
  struct rd d;
  uint32_t off, n;
  size_t at, target;

  memset(m, 0, sizeof *m);
  rd_begin(&d, arch, used, key_record.size, key_record.align);
  rd_fields(&d, &key_record, m);
  if (m->index == 0)
    d.ok = false; /* a NonZeroU32 */
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
  xous_rkyv_str_t s[TEXTS_MAX];
  size_t data_at = 0, at;

  xous_rkyv_writer_init(&w, page, cap);
  wr_texts(&w, &key_record, m, s);
  if (m->has_data) {
    /* A Vec<u8>'s bytes, unaligned, after the Strings' in field order. */
    data_at = xous_rkyv_reserve(&w, m->data_len, 1);
    xous_rkyv_put_bytes(&w, data_at, m->data, m->data_len);
  }
  at = xous_rkyv_reserve(&w, key_record.size, key_record.align);
  wr_fields(&w, at, &key_record, m, s);
  if (m->has_data) {
    /* data_at precedes the pointer: a negative i32. */
    xous_rkyv_put_u32(&w, at + 36,
                      (uint32_t)0 - (uint32_t)(at + 36 - data_at));
    xous_rkyv_put_u32(&w, at + 40, (uint32_t)m->data_len);
  }
  return xous_rkyv_finish(&w, used);
}

/* ---- PddbBuf and BulkReadHeader ---------------------------------------------
 * repr(C) headers at the start of a page, not archives: the same tables
 * with the root at byte 0 and nothing before it. */

#define S struct xous__pddb_buf
TABLE(buf, XOUS__PDDB_BUF_HEADER, 8, WORDS(0, token, 3), U8(12, retcode),
      U8(13, reserved), U16(14, len), U64(16, position));
#undef S

#define S struct xous__pddb_bulk_header
TABLE(bulk_header, XOUS__PDDB_BULK_HEADER, 4, U32(0, code),
      U32(4, starting_key_index), U32(8, len), U32(12, total),
      WORDS(16, token, 4));
#undef S

xous_error_t
xous__pddb_buf_read(const void *page, size_t len, struct xous__pddb_buf *m)
{
  if (page == NULL || len < XOUS__PDDB_BUF_HEADER ||
      decode(&buf, page, XOUS__PDDB_BUF_HEADER, m) != XOUS_OK)
    return XOUS_INVALID_ARGUMENT;
  /* The retcode is the server's to write: whatever a request holds
   * there is not looked at. */
  if (m->len > XOUS__PDDB_BUF_DATA)
    return XOUS_INVALID_ARGUMENT;
  return XOUS_OK;
}

/* Only the header's bytes are written: the data after it stays. */
void
xous__pddb_buf_write(void *page, const struct xous__pddb_buf *m)
{
  size_t used;

  (void)encode(&buf, page, XOUS__PDDB_BUF_HEADER, m, &used);
}

void
xous__pddb_bulk_header_read(const void *page, struct xous__pddb_bulk_header *m)
{
  (void)decode(&bulk_header, page, XOUS__PDDB_BULK_HEADER, m);
}

void
xous__pddb_bulk_header_write(void *page,
                             const struct xous__pddb_bulk_header *m)
{
  size_t used;

  (void)encode(&bulk_header, page, XOUS__PDDB_BULK_HEADER, m, &used);
}
