/*
 * Fuzz target: the rkyv reader (<xous/rkyv.h>) and the name server's
 * archive decoders (servers/names/wire.c) on any bytes. The first byte
 * picks the decoder; the rest is the archive, in a buffer of exactly its
 * length so that AddressSanitizer sees any read past it. An archive that
 * decodes must encode again to one that decodes to the same values.
 */
#include <stdlib.h>
#include <string.h>

#include <xous/rkyv.h>

#include "../servers/names/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t again[XOUS_PAGE_SIZE];

/* Encodes name again (as a Lookup) and checks it reads back the same. */
static void
check_name_again(const uint8_t *name, size_t len)
{
  const uint8_t *n2;
  size_t used, len2;

  if (xous__names_write_string(again, sizeof again, name, len, &used) !=
          XOUS_OK ||
      xous__names_read_string(again, used, &n2, &len2) != XOUS_OK ||
      len2 != len || memcmp(n2, name, len) != 0)
    abort();
}

static void
generic(const uint8_t *buf, size_t used, uint8_t sel)
{
  xous_rkyv_reader_t r;
  const uint8_t *s;
  uint32_t w[8];
  uint8_t tag;
  size_t len, at = (size_t)sel * 4;

  xous_rkyv_reader_init(&r, buf, used);
  if (xous_rkyv_get_str(&r, at, &s, &len) == XOUS_OK &&
      (s < buf || len > used || (size_t)(s - buf) > used - len))
    abort(); /* a String said to be valid lies outside the archive */
  (void)xous_rkyv_get_u32s(&r, at, w, 8);
  (void)xous_rkyv_get_tag(&r, at, 5, &tag);
  (void)xous_rkyv_get_bytes(&r, at, w, 20);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct xous__names_return ret;
  const uint8_t *name;
  uint8_t *buf;
  uint32_t token[4], limit;
  size_t len, used;
  bool limited;
  uint8_t sel;

  if (size == 0)
    return 0;
  sel = data[0];
  size--;
  buf = malloc(size != 0 ? size : 1);
  if (buf == NULL)
    return 0;
  if (size != 0)
    memcpy(buf, data + 1, size);
  switch (sel % 6) {
  case 0:
    if (xous__names_read_registration(buf, size, &name, &len, &limited,
                                      &limit) == XOUS_OK)
      check_name_again(name, len);
    break;
  case 1:
    if (xous__names_read_string(buf, size, &name, &len) == XOUS_OK)
      check_name_again(name, len);
    break;
  case 2:
    if (xous__names_read_disconnect(buf, size, &name, &len, token) == XOUS_OK)
      check_name_again(name, len);
    break;
  case 3:
    (void)xous__names_read_auth_lookup(buf, size, &name, &len);
    break;
  case 4:
    if (xous__names_read_return(buf, size, &ret) == XOUS_OK) {
      struct xous__names_return back;

      if (xous__names_write_return(again, sizeof again, &ret, &used) !=
              XOUS_OK ||
          xous__names_read_return(again, used, &back) != XOUS_OK ||
          back.tag != ret.tag || back.cid != ret.cid ||
          back.has_token != ret.has_token ||
          memcmp(back.words, ret.words, sizeof ret.words) != 0)
        abort();
    }
    break;
  default:
    generic(buf, size, (uint8_t)(sel / 6));
    break;
  }
  free(buf);
  return 0;
}
