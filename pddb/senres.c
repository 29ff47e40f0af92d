/*
 * senres v1 records (senres.h). Fields are aligned on their size from the
 * start of the page, as the Rust writer does; the reader checks every
 * field against the length it was given.
 */
#include <string.h>

#include "senres.h"

static void
align_read(struct xous__senres_reader *r, size_t a)
{
  r->off = (r->off + a - 1) & ~(a - 1);
}

/* The n bytes of the next field at alignment a, or NULL. */
static const uint8_t *
take(struct xous__senres_reader *r, size_t n, size_t a)
{
  const uint8_t *p;

  if (r->failed)
    return NULL;
  align_read(r, a);
  if (r->off > r->len || r->len - r->off < n) {
    r->failed = true;
    return NULL;
  }
  p = r->buf + r->off;
  r->off += n;
  return p;
}

/* The next n-byte little-endian field, aligned on n; 0 when it is not
 * there. */
static uint64_t
get_le(struct xous__senres_reader *r, size_t n)
{
  const uint8_t *p = take(r, n, n);
  uint64_t v = 0;

  while (p != NULL && n-- > 0)
    v = v << 8 | p[n];
  return v;
}

bool
xous__senres_read_begin(struct xous__senres_reader *r, const void *buf,
                        size_t len, const char fourcc[4])
{
  const uint8_t *p;

  r->buf = buf;
  r->len = len;
  r->off = 0;
  r->failed = false;
  if (xous__senres_get_u32(r) != XOUS__SENRES_MAGIC || r->failed)
    return r->failed = true, false;
  if ((p = take(r, 4, 1)) == NULL || memcmp(p, fourcc, 4) != 0)
    return r->failed = true, false;
  return true;
}

bool
xous__senres_get_bool(struct xous__senres_reader *r)
{
  uint8_t v = xous__senres_get_u8(r);

  if (v > 1)
    r->failed = true;
  return v == 1;
}

bool
xous__senres_get_str(struct xous__senres_reader *r, const uint8_t **s,
                     size_t *n)
{
  uint32_t len = xous__senres_get_u32(r);
  const uint8_t *p = r->failed ? NULL : take(r, len, 1);

  if (p == NULL)
    return false;
  *s = p;
  *n = len;
  return true;
}

/* An Option's tag is a bool's byte: 0 None, 1 Some. */
bool
xous__senres_get_some(struct xous__senres_reader *r)
{
  return xous__senres_get_bool(r);
}

/* Room for n bytes at alignment a: the place, or NULL (overflow). */
static uint8_t *
room(struct xous__senres_writer *w, size_t n, size_t a)
{
  size_t at = (w->off + a - 1) & ~(a - 1);

  if (w->overflow || at > w->cap || w->cap - at < n) {
    w->overflow = true;
    return NULL;
  }
  memset(w->buf + w->off, 0, at - w->off);
  w->off = at + n;
  return w->buf + at;
}

static void
put_le(struct xous__senres_writer *w, uint64_t v, size_t n)
{
  uint8_t *p = room(w, n, n);
  size_t i;

  for (i = 0; p != NULL && i < n; i++, v >>= 8)
    p[i] = (uint8_t)v;
}

/* The fixed-width fields, each as wide as its type and aligned on that. */
#define FIXED(name, type)                                                     \
  type xous__senres_get_##name(struct xous__senres_reader *r)                 \
  {                                                                           \
    return (type)get_le(r, sizeof(type));                                     \
  }                                                                           \
  void xous__senres_put_##name(struct xous__senres_writer *w, type v)         \
  {                                                                           \
    put_le(w, v, sizeof(type));                                               \
  }

FIXED(u8, uint8_t)
FIXED(u16, uint16_t)
FIXED(u32, uint32_t)
FIXED(u64, uint64_t)

void
xous__senres_write_begin(struct xous__senres_writer *w, void *buf, size_t cap,
                         const char fourcc[4])
{
  uint8_t *p;

  w->buf = buf;
  w->cap = cap;
  w->off = 0;
  w->overflow = false;
  put_le(w, XOUS__SENRES_MAGIC, 4);
  if ((p = room(w, 4, 1)) != NULL)
    memcpy(p, fourcc, 4);
}

void
xous__senres_put_str(struct xous__senres_writer *w, const void *s, size_t n)
{
  uint8_t *p;

  if (n > UINT32_MAX) {
    w->overflow = true;
    return;
  }
  xous__senres_put_u32(w, (uint32_t)n);
  if ((p = room(w, n, 1)) != NULL && n > 0)
    memcpy(p, s, n);
}

size_t
xous__senres_reserve_u32(struct xous__senres_writer *w)
{
  xous__senres_put_u32(w, 0);
  return w->off - 4;
}

void
xous__senres_patch_u32(struct xous__senres_writer *w, size_t at, uint32_t v)
{
  size_t i;

  if (w->overflow || at + 4 > w->off)
    return;
  for (i = 0; i < 4; i++, v >>= 8)
    w->buf[at + i] = (uint8_t)v;
}
