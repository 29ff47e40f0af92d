/*
 * Keeping the PDDB's secrets on the desktop (device counterpart: keys in
 * the firmware's protected RAM, no core dumps at all): memory for keys
 * and passwords from sodium_malloc(), the stack scrubbed after library
 * code that leaves copies on it, and a process nobody else may read.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <sodium.h>

#include "../platform.h"
#include "secure.h"

/* The most stack a scrub may clear, above what libsodium's Argon2id
 * (about 7 KiB) and AEAD (about 3 KiB) use. */
#define SCRUB_MAX (32u * 1024u)

#if defined(__has_attribute)
#if __has_attribute(no_sanitize_address)
/* Under ASan the area must be on the real stack, not a fake frame. */
#define ON_REAL_STACK __attribute__((no_sanitize_address))
#endif
#endif
#ifndef ON_REAL_STACK
#define ON_REAL_STACK
#endif

void *
pddb_secure_alloc(size_t size)
{
  void *p;

  if (sodium_init() < 0)
    abort();
  /* Guard pages around it, locked in RAM where RLIMIT_MEMLOCK allows,
   * left out of core dumps; sodium_malloc() fills it with 0xdb. */
  p = sodium_malloc(size ? size : 1);
  if (p != NULL)
    memset(p, 0, size);
  return p;
}

void
pddb_secure_free(void *p, size_t size)
{
  (void)size;
  /* sodium_free() wipes the whole allocation before it unmaps it. */
  if (p != NULL)
    sodium_free(p);
}

void
pddb_wipe(void *p, size_t len)
{
  sodium_memzero(p, len);
}

/* The frame of this function lies where the frames of the library call
 * just returned from lay; clearing it wipes what that call left behind. */
__attribute__((noinline)) ON_REAL_STACK void
xous__pddb_scrub_stack(size_t depth)
{
  unsigned char area[SCRUB_MAX];

  if (depth > sizeof area)
    depth = sizeof area;
  /* The top of the array is nearest the caller. */
  sodium_memzero(area + sizeof area - depth, depth);
}

void
pddb_protect_process(void)
{
  struct rlimit none = { 0, 0 };

  /* Not dumpable: no core file, and /proc/PID/mem and ptrace are closed
   * to other processes of the same user (root can still read). */
  (void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  (void)setrlimit(RLIMIT_CORE, &none);
}
