/*
 * senres v1, the record format Rust std's file calls use with the PDDB
 * (opcodes 26..41, pddb(7)): a page that starts with the magic word
 * 0x344cb6ca and a fourcc naming the record, then fields, each at its
 * natural alignment, little-endian: u8/bool, u16, u32, u64; a string is
 * a u32 length and its bytes (no padding after); an Option is a u8 tag
 * (0 None, 1 Some) and the value. Portable: no allocation, no libc
 * beyond memcpy.
 */
#ifndef PDDB_SENRES_H
#define PDDB_SENRES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XOUS__SENRES_MAGIC 0x344cb6cau

/* A reader over a copy-free view of len bytes; every get checks the
 * bounds and sets failed instead of reading past the end. */
struct xous__senres_reader {
  const uint8_t *buf;
  size_t len, off;
  bool failed;
};

struct xous__senres_writer {
  uint8_t *buf;
  size_t cap, off;
  bool overflow;
};

/* False unless buf starts with the magic and the fourcc. */
bool xous__senres_read_begin(struct xous__senres_reader *r, const void *buf,
                             size_t len, const char fourcc[4]);
uint8_t xous__senres_get_u8(struct xous__senres_reader *r);
/* A bool is 0 or 1; anything else fails the reader. */
bool xous__senres_get_bool(struct xous__senres_reader *r);
uint16_t xous__senres_get_u16(struct xous__senres_reader *r);
uint32_t xous__senres_get_u32(struct xous__senres_reader *r);
uint64_t xous__senres_get_u64(struct xous__senres_reader *r);
/* A string: *s points into the buffer (not NUL terminated), *n its
 * length; false (and the reader failed) when it does not fit. */
bool xous__senres_get_str(struct xous__senres_reader *r, const uint8_t **s,
                          size_t *n);
/* An Option tag: true for Some; a tag other than 0 or 1 fails. */
bool xous__senres_get_some(struct xous__senres_reader *r);

void xous__senres_write_begin(struct xous__senres_writer *w, void *buf,
                              size_t cap, const char fourcc[4]);
void xous__senres_put_u8(struct xous__senres_writer *w, uint8_t v);
void xous__senres_put_u16(struct xous__senres_writer *w, uint16_t v);
void xous__senres_put_u32(struct xous__senres_writer *w, uint32_t v);
void xous__senres_put_u64(struct xous__senres_writer *w, uint64_t v);
void xous__senres_put_str(struct xous__senres_writer *w, const void *s,
                          size_t n);
/* Where the next field goes, and a u32 written later at such a place. */
size_t xous__senres_reserve_u32(struct xous__senres_writer *w);
void xous__senres_patch_u32(struct xous__senres_writer *w, size_t at,
                            uint32_t v);

#endif /* PDDB_SENRES_H */
