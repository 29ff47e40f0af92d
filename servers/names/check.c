/*
 * Validation of names written by a peer: length, NUL and strict UTF-8.
 */
#include <string.h>

#include "server.h"

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
names__utf8_valid(const uint8_t *s, size_t len)
{
  size_t i = 0;

  while (i < len) {
    size_t n = seq_len(s[i]), k;
    uint8_t lo = 0x80, hi = 0xbf;

    if (n == 0 || n > len - i)
      return false;
    if (n == 1) {
      if (s[i] == 0)
        return false;
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

xous_error_t
names__check_name(const struct xous_names_msg *msg, struct names_name *out)
{
  uint32_t len = msg->name_len;

  if (len == 0 || len > XOUS_NAMES_MAX_NAME)
    return XOUS_INVALID_STRING;
  if (!names__utf8_valid(msg->name, len))
    return XOUS_INVALID_STRING;
  memset(out, 0, sizeof *out);
  out->len = len;
  memcpy(out->bytes, msg->name, len);
  return XOUS_OK;
}
