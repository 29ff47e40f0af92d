/*
 * The PDDB crypto on libsodium (device counterpart: the same primitives in
 * the firmware's crypto engine), and the heap.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "../platform.h"

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

void
pddb_crypto_random(void *buf, size_t len)
{
  ensure_init();
  randombytes_buf(buf, len);
}

uint32_t
pddb_crypto_uniform(uint32_t upper)
{
  ensure_init();
  return randombytes_uniform(upper);
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
  ensure_init();
  if (ops < crypto_pwhash_OPSLIMIT_MIN)
    ops = crypto_pwhash_OPSLIMIT_MIN;
  if ((size_t)mem_kib * 1024u < crypto_pwhash_MEMLIMIT_MIN)
    mem_kib = crypto_pwhash_MEMLIMIT_MIN / 1024u;
  if (crypto_pwhash(key, PDDB_KEY_BYTES, pw, pwlen, salt, ops,
                    (size_t)mem_kib * 1024u, crypto_pwhash_ALG_ARGON2ID13) != 0)
    return XOUS_OUT_OF_MEMORY;
  return XOUS_OK;
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
}

bool
pddb_crypto_open(uint8_t *out, const uint8_t *in, size_t len,
                 const uint8_t *ad, size_t adlen,
                 const uint8_t nonce[PDDB_NONCE_BYTES],
                 const uint8_t key[PDDB_KEY_BYTES])
{
  unsigned long long mlen;

  return crypto_aead_xchacha20poly1305_ietf_decrypt(
             out, &mlen, NULL, in, len + PDDB_TAG_BYTES, ad, adlen, nonce,
             key) == 0;
}

void *
pddb_secure_alloc(size_t size)
{
  void *p;

  ensure_init();
  p = calloc(1, size);
  if (p == NULL)
    return NULL;
  /* A failed lock (RLIMIT_MEMLOCK) still leaves usable, wiped memory. */
  (void)sodium_mlock(p, size);
  return p;
}

void
pddb_secure_free(void *p, size_t size)
{
  if (p == NULL)
    return;
  /* sodium_munlock() zeroes the range before unlocking it. */
  sodium_munlock(p, size);
  sodium_memzero(p, size);
  free(p);
}

void
pddb_wipe(void *p, size_t len)
{
  sodium_memzero(p, len);
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
