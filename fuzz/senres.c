/*
 * Fuzz target: the senres v1 reader (pddb/senres.c), which decodes the
 * records Rust std's file calls lend to the PDDB. The first byte is a
 * program: each pair of its bits picks the next field's type (u8, u16,
 * u32/u64, string); the rest of the input is the record, in a buffer of
 * exactly its length so that AddressSanitizer sees any read past it. A
 * record that reads whole must write again to the same fields.
 */
#include <stdlib.h>
#include <string.h>

#include "../pddb/senres.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const fourccs[] = { "KyOQ", "PthQ", "StaQ", "RmKQ",
                                       "LiKQ" };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static uint8_t again[4096];
  struct xous__senres_reader r, r2;
  struct xous__senres_writer w;
  const uint8_t *s, *s2;
  size_t n, n2, i;
  uint8_t prog, *rec;
  uint64_t v[8];
  int kinds[8], f;

  if (size < 1)
    return 0;
  prog = data[0];
  rec = malloc(size - 1 ? size - 1 : 1);
  if (rec == NULL)
    return 0;
  memcpy(rec, data + 1, size - 1);
  for (f = 0; f < 5; f++) {
    if (!xous__senres_read_begin(&r, rec, size - 1, fourccs[f]))
      continue;
    xous__senres_write_begin(&w, again, sizeof again, fourccs[f]);
    for (i = 0; i < 4; i++) {
      kinds[i] = (prog >> (2 * i)) & 3;
      switch (kinds[i]) {
      case 0:
        v[i] = xous__senres_get_some(&r);
        xous__senres_put_u8(&w, (uint8_t)v[i]);
        break;
      case 1:
        v[i] = xous__senres_get_u16(&r);
        xous__senres_put_u16(&w, (uint16_t)v[i]);
        break;
      case 2:
        v[i] = xous__senres_get_u64(&r);
        xous__senres_put_u64(&w, v[i]);
        break;
      default:
        if (xous__senres_get_str(&r, &s, &n))
          xous__senres_put_str(&w, s, n);
        break;
      }
    }
    if (r.failed || w.overflow)
      continue;
    if (!xous__senres_read_begin(&r2, again, w.off, fourccs[f]))
      abort();
    /* The fields written again read back as the same values. */
    xous__senres_read_begin(&r, rec, size - 1, fourccs[f]);
    for (i = 0; i < 4; i++) {
      switch (kinds[i]) {
      case 0:
        if (xous__senres_get_some(&r2) != (v[i] != 0))
          abort();
        break;
      case 1:
        if (xous__senres_get_u16(&r2) != v[i])
          abort();
        break;
      case 2:
        if (xous__senres_get_u64(&r2) != v[i])
          abort();
        break;
      default: {
        /* Skip the earlier fields of the original, then compare. */
        size_t k;

        xous__senres_read_begin(&r, rec, size - 1, fourccs[f]);
        for (k = 0; k < i; k++) {
          if (kinds[k] == 0)
            (void)xous__senres_get_some(&r);
          else if (kinds[k] == 1)
            (void)xous__senres_get_u16(&r);
          else if (kinds[k] == 2)
            (void)xous__senres_get_u64(&r);
          else
            (void)xous__senres_get_str(&r, &s, &n);
        }
        if (!xous__senres_get_str(&r, &s, &n) ||
            !xous__senres_get_str(&r2, &s2, &n2) || n != n2 ||
            (n > 0 && memcmp(s, s2, n) != 0))
          abort();
      } break;
      }
    }
    if (r2.failed)
      abort();
  }
  free(rec);
  return 0;
}
