/*
 * memset and memcpy a word at a time where both ends allow it. picolibc's
 * size-optimised ones move a byte per step, and every message call clears
 * and copies its eight words with them: on the device that is a few dozen
 * stores more per call; under xous-emu each guest store costs the
 * emulator (unicorn 2.0) a slow path of its own, and these bytes were
 * most of an emulated round trip. libxous.a comes before libc on the
 * link line, so programs take these.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A word that may alias whatever the bytes were declared as. */
typedef uint32_t __attribute__((may_alias)) xous__word32;

/* Not turned back into calls to themselves. */
#define NO_LOOP_CALLS                                                         \
  __attribute__((optimize("no-tree-loop-distribute-patterns")))

NO_LOOP_CALLS void *
memset(void *dst, int c, size_t n)
{
  unsigned char *d = dst;
  uint32_t w = (uint32_t)(unsigned char)c * 0x01010101u;

  for (; n > 0 && ((uintptr_t)d & 3u) != 0; n--)
    *d++ = (unsigned char)c;
  for (; n >= 4; n -= 4, d += 4)
    *(xous__word32 *)(void *)d = w;
  for (; n > 0; n--)
    *d++ = (unsigned char)c;
  return dst;
}

NO_LOOP_CALLS void *
memcpy(void *restrict dst, const void *restrict src, size_t n)
{
  unsigned char *d = dst;
  const unsigned char *s = src;

  if ((((uintptr_t)d ^ (uintptr_t)s) & 3u) == 0) {
    for (; n > 0 && ((uintptr_t)d & 3u) != 0; n--)
      *d++ = *s++;
    for (; n >= 4; n -= 4, d += 4, s += 4)
      *(xous__word32 *)(void *)d = *(const xous__word32 *)(const void *)s;
  }
  for (; n > 0; n--)
    *d++ = *s++;
  return dst;
}
