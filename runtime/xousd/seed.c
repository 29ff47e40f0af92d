/*
 * The broker's randomness: libsodium's, or, for replayable test runs, a
 * stream derived from $XOUS_SEED (set by xous_test(3) and xous-run
 * --seed; test-only: a known seed makes every SID guessable). Each
 * process draws from its own stream, named by its name and the count of
 * its draws, so that the same run makes the same SIDs and tokens however
 * the processes interleave.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "xousd/broker.h"

static bool seeded;
static unsigned char seed_key[crypto_generichash_KEYBYTES];

void
xd_random_init(void)
{
  const char *s = getenv("XOUS_SEED");

  if (s == NULL || s[0] == '\0' || strcmp(s, "0") == 0)
    return;
  seeded = true;
  crypto_generichash(seed_key, sizeof seed_key, (const unsigned char *)s,
                     strlen(s), NULL, 0);
  xd_log(1, "XOUS_SEED is set: SIDs and tokens are replayable, not secret");
}

void
xd_random(struct xd_process *proc, void *buf, size_t len)
{
  unsigned char stream[randombytes_SEEDBYTES], count[8];
  crypto_generichash_state st;
  uint64_t n;

  if (!seeded || proc == NULL) {
    randombytes_buf(buf, len);
    return;
  }
  n = proc->random_draws++;
  for (int i = 0; i < 8; i++)
    count[i] = (unsigned char)(n >> (8 * i));
  crypto_generichash_init(&st, seed_key, sizeof seed_key, sizeof stream);
  crypto_generichash_update(&st, (const unsigned char *)proc->name,
                            strnlen(proc->name, sizeof proc->name));
  crypto_generichash_update(&st, count, sizeof count);
  crypto_generichash_final(&st, stream, sizeof stream);
  randombytes_buf_deterministic(buf, len, stream);
}
