/*
 * rkyv 0.8 archives, read and written byte by byte (<xous/rkyv.h>).
 *
 * Words are assembled from bytes, so the code is the same on any host
 * order and never makes an unaligned access; the reader checks every
 * range against the archive before it touches it.
 */
#include <string.h>

#include <xous/rkyv.h>

#include "le.h"

/* Above this an out-of-line length does not fit rkyv's encoding. */
#define OUT_OF_LINE_MAX 0x3fffffffu

/* ---- reading ------------------------------------------------------------ */

void
xous_rkyv_reader_init(xous_rkyv_reader_t *r, const void *buf, size_t used)
{
  r->buf = buf;
  r->len = buf == NULL ? 0 : used;
}

/* True when [at, at + n) lies within the archive. */
static bool
in_range(const xous_rkyv_reader_t *r, size_t at, size_t n)
{
  return at <= r->len && n <= r->len - at;
}

xous_error_t
xous_rkyv_root(const xous_rkyv_reader_t *r, size_t size, size_t align,
               size_t *pos)
{
  if (size > r->len || align == 0 || (r->len - size) % align != 0)
    return XOUS_INVALID_ARGUMENT;
  *pos = r->len - size;
  return XOUS_OK;
}

xous_error_t
xous_rkyv_get_u8(const xous_rkyv_reader_t *r, size_t at, uint8_t *v)
{
  if (!in_range(r, at, 1))
    return XOUS_INVALID_ARGUMENT;
  *v = r->buf[at];
  return XOUS_OK;
}

xous_error_t
xous_rkyv_get_u32(const xous_rkyv_reader_t *r, size_t at, uint32_t *v)
{
  return xous_rkyv_get_u32s(r, at, v, 1);
}

xous_error_t
xous_rkyv_get_u32s(const xous_rkyv_reader_t *r, size_t at, uint32_t *v,
                   size_t n)
{
  if (at % 4 != 0 || n > r->len / 4 || !in_range(r, at, n * 4))
    return XOUS_INVALID_ARGUMENT;
  for (size_t i = 0; i < n; i++)
    v[i] = (uint32_t)xous__le_load(r->buf + at + 4 * i, 4);
  return XOUS_OK;
}

xous_error_t
xous_rkyv_get_bytes(const xous_rkyv_reader_t *r, size_t at, void *v, size_t n)
{
  if (!in_range(r, at, n))
    return XOUS_INVALID_ARGUMENT;
  if (n != 0)
    memcpy(v, r->buf + at, n);
  return XOUS_OK;
}

xous_error_t
xous_rkyv_get_tag(const xous_rkyv_reader_t *r, size_t at, unsigned ntags,
                  uint8_t *tag)
{
  uint8_t t;

  if (xous_rkyv_get_u8(r, at, &t) != XOUS_OK || t >= ntags)
    return XOUS_INVALID_ARGUMENT;
  *tag = t;
  return XOUS_OK;
}

xous_error_t
xous_rkyv_get_str(const xous_rkyv_reader_t *r, size_t at, const uint8_t **s,
                  size_t *len)
{
  const uint8_t *repr;
  size_t n, target;

  if (at % XOUS_RKYV_STR_ALIGN != 0 || !in_range(r, at, XOUS_RKYV_STR_SIZE))
    return XOUS_INVALID_ARGUMENT;
  repr = r->buf + at;
  if ((repr[0] & 0xc0) != 0x80) {
    /* Inline: the text ends at the first 0xff, or fills all 8 bytes. */
    for (n = 0; n < XOUS_RKYV_INLINE_MAX && repr[n] != 0xff; n++)
      ;
    target = at;
  } else {
    uint32_t enc = (uint32_t)xous__le_load(repr, 4);
    uint32_t off = (uint32_t)xous__le_load(repr + 4,
                                           4); /* an i32, two's complement */

    n = (enc & 0x3f) | (enc & ~(uint32_t)0xff) >> 2;
    if (n <= XOUS_RKYV_INLINE_MAX)
      return XOUS_INVALID_ARGUMENT; /* rkyv would have inlined it */
    if (off & 0x80000000u) {
      uint32_t back = ~off + 1u; /* the magnitude of a negative offset */

      if (back > at)
        return XOUS_INVALID_ARGUMENT;
      target = at - back;
    } else {
      if (off > r->len - at)
        return XOUS_INVALID_ARGUMENT;
      target = at + off;
    }
    if (!in_range(r, target, n))
      return XOUS_INVALID_ARGUMENT;
  }
  if (!xous_rkyv_utf8_valid(r->buf + target, n))
    return XOUS_INVALID_ARGUMENT;
  *s = r->buf + target;
  *len = n;
  return XOUS_OK;
}

/* The length of the UTF-8 sequence that starts with byte b, 0 if none. */
static size_t
seq_len(uint8_t b)
{
  if (b < 0x80)
    return 1;
  if (b >= 0xc2 && b <= 0xdf)
    return 2; /* 0xc0 and 0xc1 only start overlong forms */
  if (b >= 0xe0 && b <= 0xef)
    return 3;
  if (b >= 0xf0 && b <= 0xf4)
    return 4; /* above 0xf4 is beyond U+10FFFF */
  return 0;
}

bool
xous_rkyv_utf8_valid(const uint8_t *s, size_t len)
{
  size_t i = 0;

  while (i < len) {
    size_t n = seq_len(s[i]), k;
    uint8_t lo = 0x80, hi = 0xbf;

    if (n == 0 || n > len - i)
      return false;
    if (n == 1) {
      i++;
      continue;
    }
    /* The second byte's range rules out overlong forms, surrogates and
     * code points above U+10FFFF (RFC 3629, section 4). */
    if (s[i] == 0xe0)
      lo = 0xa0;
    else if (s[i] == 0xed)
      hi = 0x9f;
    else if (s[i] == 0xf0)
      lo = 0x90;
    else if (s[i] == 0xf4)
      hi = 0x8f;
    if (s[i + 1] < lo || s[i + 1] > hi)
      return false;
    for (k = 2; k < n; k++)
      if (s[i + k] < 0x80 || s[i + k] > 0xbf)
        return false;
    i += n;
  }
  return true;
}

/* ---- writing ------------------------------------------------------------ */

void
xous_rkyv_writer_init(xous_rkyv_writer_t *w, void *buf, size_t cap)
{
  w->buf = buf;
  w->cap = buf == NULL ? 0 : cap;
  w->pos = 0;
  w->err = XOUS_OK;
}

static void
fail(xous_rkyv_writer_t *w, xous_error_t err)
{
  if (w->err == XOUS_OK)
    w->err = err;
}

/* Appends n bytes (zeros when src is NULL). */
static void
append(xous_rkyv_writer_t *w, const void *src, size_t n)
{
  if (w->err != XOUS_OK)
    return;
  if (n > w->cap - w->pos) {
    fail(w, XOUS_OUT_OF_MEMORY);
    return;
  }
  if (src != NULL)
    memcpy(w->buf + w->pos, src, n);
  else
    memset(w->buf + w->pos, 0, n);
  w->pos += n;
}

xous_rkyv_str_t
xous_rkyv_write_str(xous_rkyv_writer_t *w, const void *s, size_t len)
{
  xous_rkyv_str_t out = { s, len, 0 };

  if (len > OUT_OF_LINE_MAX) {
    fail(w, XOUS_INVALID_ARGUMENT);
    out.len = 0;
    return out;
  }
  if (len > XOUS_RKYV_INLINE_MAX) {
    out.pos = w->pos;
    append(w, s, len); /* u8 bytes: no alignment before them */
  }
  return out;
}

size_t
xous_rkyv_reserve(xous_rkyv_writer_t *w, size_t size, size_t align)
{
  size_t pad, at;

  if (align == 0 || (align & (align - 1)) != 0) {
    fail(w, XOUS_INVALID_ARGUMENT);
    return w->pos;
  }
  pad = (align - (w->pos & (align - 1))) & (align - 1);
  append(w, NULL, pad);
  at = w->pos;
  append(w, NULL, size);
  return at;
}

/* True when [at, at + n) has been written (reserved). */
static bool
writable(xous_rkyv_writer_t *w, size_t at, size_t n)
{
  if (w->err != XOUS_OK)
    return false;
  if (at > w->pos || n > w->pos - at) {
    fail(w, XOUS_INVALID_ARGUMENT);
    return false;
  }
  return true;
}

void
xous_rkyv_put_u8(xous_rkyv_writer_t *w, size_t at, uint8_t v)
{
  if (writable(w, at, 1))
    w->buf[at] = v;
}

void
xous_rkyv_put_u32(xous_rkyv_writer_t *w, size_t at, uint32_t v)
{
  xous_rkyv_put_u32s(w, at, &v, 1);
}

void
xous_rkyv_put_u32s(xous_rkyv_writer_t *w, size_t at, const uint32_t *v,
                   size_t n)
{
  if (n > w->cap / 4 || !writable(w, at, 4 * n))
    return;
  for (size_t i = 0; i < n; i++)
    xous__le_store(w->buf + at + 4 * i, v[i], 4);
}

void
xous_rkyv_put_bytes(xous_rkyv_writer_t *w, size_t at, const void *v, size_t n)
{
  if (writable(w, at, n) && n != 0)
    memcpy(w->buf + at, v, n);
}

void
xous_rkyv_put_str(xous_rkyv_writer_t *w, size_t at, const xous_rkyv_str_t *str)
{
  uint8_t *p;

  if (!writable(w, at, XOUS_RKYV_STR_SIZE))
    return;
  p = w->buf + at;
  if (str->len <= XOUS_RKYV_INLINE_MAX) {
    memset(p, 0xff, XOUS_RKYV_STR_SIZE);
    if (str->len != 0)
      memcpy(p, str->s, str->len);
  } else {
    uint32_t len = (uint32_t)str->len;
    /* The bytes were written before the String, so the offset is
     * negative: at - pos back from here, in two's complement. */
    uint32_t back = (uint32_t)(at - str->pos);

    if (str->pos >= at) {
      fail(w, XOUS_INVALID_ARGUMENT);
      return;
    }
    xous__le_store(p, (len & 0x3f) | 0x80 | (len & ~(uint32_t)0x3f) << 2, 4);
    xous__le_store(p + 4, ~back + 1u, 4);
  }
}

xous_error_t
xous_rkyv_finish(const xous_rkyv_writer_t *w, size_t *used)
{
  if (w->err != XOUS_OK)
    return w->err;
  *used = w->pos;
  return XOUS_OK;
}
