/*
 * The PDDB crypto on libsodium (device counterpart: the same primitives in
 * the firmware's crypto engine), and the heap. Every call that takes a key
 * or a password scrubs the stack after libsodium returns (secure.c): its
 * hashing leaves register spills of its state behind, and after Argon2id
 * they hold the derived key.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "../platform.h"
#include "secure.h"

static void
ensure_init(void)
{
  static int done;

  if (!done) {
    if (sodium_init() < 0)
      abort();
    done = 1;
  }
}

void *
pddb_alloc(size_t size)
{
  return calloc(1, size ? size : 1);
}

void *
pddb_realloc(void *p, size_t size)
{
  return realloc(p, size ? size : 1);
}

void
pddb_free(void *p)
{
  free(p);
}

/* For replayable test runs (xous_test(3)): with $XOUS_SEED set, the
 * bytes come from a stream derived from it and the count of draws, so the
 * same run makes the same keys. Test-only: such keys are not secret. */
static bool
seeded_random(void *buf, size_t len)
{
  static int state = -1; /* -1 unknown, 0 unseeded, 1 seeded */
  static unsigned char key[crypto_generichash_KEYBYTES];
  static uint64_t draws;
  unsigned char stream[randombytes_SEEDBYTES], count[8];

  if (state < 0) {
    const char *s = getenv("XOUS_SEED");

    state = s != NULL && s[0] != '\0' && strcmp(s, "0") != 0;
    if (state)
      crypto_generichash(key, sizeof key, (const unsigned char *)s, strlen(s),
                         (const unsigned char *)"pddb", 4);
  }
  if (!state)
    return false;
  for (int i = 0; i < 8; i++)
    count[i] = (unsigned char)(draws >> (8 * i));
  draws++;
  crypto_generichash(stream, sizeof stream, count, sizeof count, key,
                     sizeof key);
  randombytes_buf_deterministic(buf, len, stream);
  return true;
}

void
pddb_crypto_random(void *buf, size_t len)
{
  ensure_init();
  if (!seeded_random(buf, len))
    randombytes_buf(buf, len);
}

uint32_t
pddb_crypto_uniform(uint32_t upper)
{
  uint32_t r, floor;

  ensure_init();
  if (upper < 2 || !seeded_random(&r, sizeof r))
    return upper < 2 ? 0 : randombytes_uniform(upper);
  /* Rejection, as randombytes_uniform() does, so that no value is
   * likelier than another. */
  floor = (uint32_t)(-upper) % upper;
  while (r < floor)
    (void)seeded_random(&r, sizeof r);
  return r % upper;
}

void
pddb_crypto_hash(uint8_t *out, size_t outlen, const void *in, size_t inlen)
{
  ensure_init();
  crypto_generichash(out, outlen, in, inlen, NULL, 0);
}

xous_error_t
pddb_crypto_kdf(uint8_t key[PDDB_KEY_BYTES], const void *pw, size_t pwlen,
                const uint8_t salt[PDDB_SALT_BYTES], uint32_t ops,
                uint32_t mem_kib)
{
  int rc;

  ensure_init();
  if (ops < crypto_pwhash_OPSLIMIT_MIN)
    ops = crypto_pwhash_OPSLIMIT_MIN;
  if ((size_t)mem_kib * 1024u < crypto_pwhash_MEMLIMIT_MIN)
    mem_kib = crypto_pwhash_MEMLIMIT_MIN / 1024u;
  /* Straight into the caller's locked memory; libsodium's own copy of the
   * result is wiped by it, the stack by the scrub. */
  rc = crypto_pwhash(key, PDDB_KEY_BYTES, pw, pwlen, salt, ops,
                     (size_t)mem_kib * 1024u, crypto_pwhash_ALG_ARGON2ID13);
  xous__pddb_scrub_stack(PDDB_SCRUB_KDF);
  return rc == 0 ? XOUS_OK : XOUS_OUT_OF_MEMORY;
}

void
pddb_crypto_seal(uint8_t *out, const uint8_t *in, size_t len,
                 const uint8_t *ad, size_t adlen,
                 const uint8_t nonce[PDDB_NONCE_BYTES],
                 const uint8_t key[PDDB_KEY_BYTES])
{
  unsigned long long clen;

  crypto_aead_xchacha20poly1305_ietf_encrypt(out, &clen, in, len, ad, adlen,
                                             NULL, nonce, key);
  xous__pddb_scrub_stack(PDDB_SCRUB_AEAD);
}

bool
pddb_crypto_open(uint8_t *out, const uint8_t *in, size_t len,
                 const uint8_t *ad, size_t adlen,
                 const uint8_t nonce[PDDB_NONCE_BYTES],
                 const uint8_t key[PDDB_KEY_BYTES])
{
  unsigned long long mlen;
  int rc = crypto_aead_xchacha20poly1305_ietf_decrypt(out, &mlen, NULL, in,
                                                      len + PDDB_TAG_BYTES, ad,
                                                      adlen, nonce, key);

  xous__pddb_scrub_stack(PDDB_SCRUB_AEAD);
  return rc == 0;
}

static uint32_t
env_u32(const char *name, uint32_t dflt)
{
  const char *s = getenv(name);
  char *end;
  unsigned long v;

  if (s == NULL || *s == '\0')
    return dflt;
  v = strtoul(s, &end, 10);
  if (*end != '\0' || v == 0 || v > 0xffffffffUL)
    return dflt;
  return (uint32_t)v;
}

void
pddb_crypto_default_cost(uint32_t *ops, uint32_t *mem_kib)
{
  *ops = env_u32("XOUS_PDDB_KDF_OPS", crypto_pwhash_OPSLIMIT_INTERACTIVE);
  *mem_kib = env_u32("XOUS_PDDB_KDF_MEM_KIB",
                     (uint32_t)(crypto_pwhash_MEMLIMIT_INTERACTIVE / 1024u));
}
