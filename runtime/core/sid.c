/*
 * Server IDs from well-known names, SID comparison, and the sender word.
 */
#include "abi.h"
#include "internal.h"

/* The name in parentheses: the function, not the checking macro. */
xous_sid_t(xous_sid_from_name)(const char name[16])
{
  /* Each 4-byte group is read little-endian, as xous-rs's
   * SID::from_bytes does, whatever the host's byte order. */
  const unsigned char *b = (const unsigned char *)name;
  xous_sid_t sid;
  for (int i = 0; i < 4; i++) {
    sid.w[i] = (uint32_t)b[4 * i] | (uint32_t)b[4 * i + 1] << 8 |
               (uint32_t)b[4 * i + 2] << 16 | (uint32_t)b[4 * i + 3] << 24;
  }
  return sid;
}

bool
xous_sid_eq(xous_sid_t a, xous_sid_t b)
{
  return a.w[0] == b.w[0] && a.w[1] == b.w[1] && a.w[2] == b.w[2] &&
         a.w[3] == b.w[3];
}

xous_pid_t
xous_sender_pid(xous_sender_t sender)
{
  return (xous_pid_t)xous__sender_pid(sender);
}
