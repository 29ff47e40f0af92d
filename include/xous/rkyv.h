/*
 * <xous/rkyv.h>: reading and writing the rkyv 0.8 archives that the Xous
 * services exchange in a lent page (xous-ipc's Buffer), for exactly the
 * shapes they use: String, Option<T>, fixed arrays, repr(C) structs and
 * u8-tagged enums, little-endian, aligned, with 32-bit relative pointers
 * (rkyv's defaults, which xous-core uses on every target).
 *
 * The layout rules, as rkyv 0.8.8 writes them:
 *  - An archive is written from byte 0: first the dependencies (the bytes
 *    of a String too long to be inline), then zeros up to the root's
 *    alignment, then the root. The root is the last bytes of
 *    page[0..used], and `used` travels in the message's offset word.
 *  - A struct is laid out as repr(C): each field at its own alignment.
 *  - An enum is a u8 tag (declaration order) followed by the variant's
 *    fields as a repr(C) struct; the enum is as large as its largest
 *    variant, and every byte not written is zero.
 *  - Option<T> is an enum: tag 0 None, 1 Some, the T at its alignment.
 *  - String is 8 bytes, aligned to 4. Up to 8 bytes are inline: the 8
 *    bytes are 0xff and the text is copied over them (the first 0xff ends
 *    it). Longer: a u32 length, encoded as (len & 0x3f) | 0x80 |
 *    (len & ~0x3f) << 2, and an i32 offset from the String to its bytes.
 *    It is inline iff (byte 0 & 0xc0) != 0x80.
 *
 * The reader is for archives a peer wrote: every position, length and
 * offset is checked against the archive before it is used, the text of a
 * String must be UTF-8, a tag must name a variant, and any failure is
 * XOUS_INVALID_ARGUMENT, never a read outside the archive. It reads the
 * buffer it is given and nothing else, so a server first copies the page
 * once into a local (the lender may still write it) and reads the copy.
 *
 * The writer writes into a caller's buffer and never past its end; an
 * archive that does not fit makes xous_rkyv_finish() fail with
 * XOUS_OUT_OF_MEMORY.
 *
 *   xous_rkyv_writer_t w;              // Registration { name, conn_limit }
 *   xous_rkyv_writer_init(&w, page, XOUS_PAGE_SIZE);
 *   xous_rkyv_str_t name = xous_rkyv_write_str(&w, "hello-example-sv", 16);
 *   size_t root = xous_rkyv_reserve(&w, 16, 4);
 *   xous_rkyv_put_str(&w, root + 0, &name);
 *   xous_rkyv_put_u8(&w, root + 8, 1);   // Some
 *   xous_rkyv_put_u32(&w, root + 12, 1);
 *   err = xous_rkyv_finish(&w, &used);   // used = 32
 *
 * Portable: freestanding C, the same on the device and the desktop. See
 * xous_rkyv(3).
 */
#ifndef XOUS_RKYV_H
#define XOUS_RKYV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xous/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Size and alignment of an ArchivedString. */
#define XOUS_RKYV_STR_SIZE 8
#define XOUS_RKYV_STR_ALIGN 4
/* The longest String kept inline. */
#define XOUS_RKYV_INLINE_MAX 8

/* ==== reading ============================================================ */

typedef struct {
  const uint8_t *buf; /* the archive: page[0..used], already copied */
  size_t len;         /* used */
} xous_rkyv_reader_t;

void xous_rkyv_reader_init(xous_rkyv_reader_t *r, const void *buf,
                           size_t used);

/* The position of a root of size bytes (align: its alignment): the last
 * size bytes of the archive, which must be aligned. */
xous_error_t xous_rkyv_root(const xous_rkyv_reader_t *r, size_t size,
                            size_t align, size_t *pos);

/* Scalars at position at (a u32 must be 4-aligned). */
xous_error_t xous_rkyv_get_u8(const xous_rkyv_reader_t *r, size_t at,
                              uint8_t *v);
xous_error_t xous_rkyv_get_u32(const xous_rkyv_reader_t *r, size_t at,
                               uint32_t *v);
/* A [u32; n] at at (4-aligned) into v[0..n]. */
xous_error_t xous_rkyv_get_u32s(const xous_rkyv_reader_t *r, size_t at,
                                uint32_t *v, size_t n);
/* A [u8; n] at at into v[0..n]. */
xous_error_t xous_rkyv_get_bytes(const xous_rkyv_reader_t *r, size_t at,
                                 void *v, size_t n);

/* A u8 tag at at that must be below ntags (an enum's variants; 2 for an
 * Option, where 1 is Some). */
xous_error_t xous_rkyv_get_tag(const xous_rkyv_reader_t *r, size_t at,
                               unsigned ntags, uint8_t *tag);

/* A String at at (4-aligned): *s points at its text inside the archive,
 * *len is its length. The text lies wholly within the archive and is
 * UTF-8; an out-of-line String of 8 bytes or fewer is refused, as rkyv's
 * own checker refuses it. */
xous_error_t xous_rkyv_get_str(const xous_rkyv_reader_t *r, size_t at,
                               const uint8_t **s, size_t *len);

/* True when s[0..len] is UTF-8 as Rust's str requires (no overlong
 * forms, no surrogates, nothing above U+10FFFF; NUL is allowed). */
bool xous_rkyv_utf8_valid(const uint8_t *s, size_t len);

/* ==== writing ============================================================ */

typedef struct {
  uint8_t *buf;
  size_t cap;
  size_t pos;       /* bytes written so far: `used` once finished */
  xous_error_t err; /* the first failure, kept */
} xous_rkyv_writer_t;

/* A String whose dependency has been written: the text and, when it is
 * out of line, where its bytes are. */
typedef struct {
  const uint8_t *s;
  size_t len;
  size_t pos;
} xous_rkyv_str_t;

void xous_rkyv_writer_init(xous_rkyv_writer_t *w, void *buf, size_t cap);

/* Writes the bytes of a String longer than XOUS_RKYV_INLINE_MAX (nothing
 * for a shorter one) and returns what xous_rkyv_put_str() needs. The text
 * must stay valid until then. Call it for each String field in field
 * order, before xous_rkyv_reserve() of the object that holds them. */
xous_rkyv_str_t xous_rkyv_write_str(xous_rkyv_writer_t *w, const void *s,
                                    size_t len);

/* Pads with zeros to align and appends size zero bytes for an object (the
 * root, at the end); returns its position. */
size_t xous_rkyv_reserve(xous_rkyv_writer_t *w, size_t size, size_t align);

/* Fields of a reserved object, at absolute positions. */
void xous_rkyv_put_u8(xous_rkyv_writer_t *w, size_t at, uint8_t v);
void xous_rkyv_put_u32(xous_rkyv_writer_t *w, size_t at, uint32_t v);
void xous_rkyv_put_u32s(xous_rkyv_writer_t *w, size_t at, const uint32_t *v,
                        size_t n);
void xous_rkyv_put_bytes(xous_rkyv_writer_t *w, size_t at, const void *v,
                         size_t n);
void xous_rkyv_put_str(xous_rkyv_writer_t *w, size_t at,
                       const xous_rkyv_str_t *str);

/* *used = the archive's length. XOUS_OUT_OF_MEMORY when it did not fit,
 * XOUS_INVALID_ARGUMENT when a put was outside what was reserved. */
xous_error_t xous_rkyv_finish(const xous_rkyv_writer_t *w, size_t *used);

#ifdef __cplusplus
}
#endif

#endif /* XOUS_RKYV_H */
