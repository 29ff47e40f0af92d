/*
 * Little-endian integers in byte buffers, as the wire formats (rkyv, the
 * hosted-mode frames) and the loader's parameter block hold them: the n
 * bytes of a value, lowest first, whatever the host's own order.
 *
 * Private to the runtime and free of any host header, like abi.h.
 */
#ifndef XOUS_CORE_LE_H
#define XOUS_CORE_LE_H

#include <stdint.h>

/* Writes the low n bytes of v (n up to 8) at p. */
static inline void
xous__le_store(uint8_t *p, uint64_t v, unsigned n)
{
  for (unsigned i = 0; i < n; i++, v >>= 8)
    p[i] = (uint8_t)v;
}

/* Reads n bytes (up to 8) at p as one value. */
static inline uint64_t
xous__le_load(const uint8_t *p, unsigned n)
{
  uint64_t v = 0;

  while (n-- > 0)
    v = (v << 8) | p[n];
  return v;
}

#endif /* XOUS_CORE_LE_H */
