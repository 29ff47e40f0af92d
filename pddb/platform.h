/*
 * What the PDDB engine needs from the machine, behind two small
 * interfaces: the page store (a fixed number of fixed-size pages, written
 * in transactions) and the crypto (AEAD, password stretching, random
 * bytes, locked memory for keys), plus the heap. The desktop versions are
 * in hosted/ (SQLite and libsodium); on the device the store is the SPI
 * flash and the crypto the same primitives in firmware.
 */
#ifndef PDDB_PLATFORM_H
#define PDDB_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xous.h>

/* One page of the image, the unit of the store. */
#define PDDB_PAGE_SIZE 4096u
#define PDDB_KEY_BYTES 32u
#define PDDB_NONCE_BYTES 24u
#define PDDB_TAG_BYTES 16u
#define PDDB_SALT_BYTES 16u

/* ---- heap ---------------------------------------------------------------- */

void *pddb_alloc(size_t size); /* zeroed, or NULL */
void *pddb_realloc(void *p, size_t size);
void pddb_free(void *p);

/* ---- page store ------------------------------------------------------------ */

struct pddb_store;

/* Creates a new, empty image file at path (it must not exist). */
xous_error_t pddb_store_create(const char *path, struct pddb_store **out);
/* Opens an existing image; AccessDenied when another process holds it. */
xous_error_t pddb_store_open(const char *path, struct pddb_store **out);
/* Why the last pddb_store_create() or pddb_store_open() failed, in a few
 * words ("no such file", "truncated: ..."), or NULL when it did not. */
const char *pddb_store_error(void);
/* The pages an image of about bytes holds in this store, and the bytes an
 * image of pages takes: what a size asked for at format becomes. */
uint32_t pddb_store_pages_for(uint64_t bytes);
uint64_t pddb_store_bytes_for(uint32_t pages);
void pddb_store_close(struct pddb_store *s);
/* Number of pages in the image. */
uint32_t pddb_store_pages(const struct pddb_store *s);
/* Reads page nr (PDDB_PAGE_SIZE bytes) into buf. */
xous_error_t pddb_store_read(struct pddb_store *s, uint32_t nr, uint8_t *buf);
/* Calls fn for every page in order with its first head bytes; stops
 * early when fn returns false. */
xous_error_t pddb_store_scan(struct pddb_store *s, size_t head,
                             bool (*fn)(uint32_t nr, const uint8_t *bytes,
                                        void *ctx),
                             void *ctx);
/* Transactions: writes between begin and commit land all or none. */
xous_error_t pddb_store_begin(struct pddb_store *s);
xous_error_t pddb_store_commit(struct pddb_store *s);
void pddb_store_rollback(struct pddb_store *s);
/* Appends page number pddb_store_pages() (format only). */
xous_error_t pddb_store_append(struct pddb_store *s, const uint8_t *buf);
/* Overwrites page nr in place. */
xous_error_t pddb_store_write(struct pddb_store *s, uint32_t nr,
                              const uint8_t *buf);

/* ---- crypto ------------------------------------------------------------------ */

void pddb_crypto_random(void *buf, size_t len);
uint32_t pddb_crypto_uniform(uint32_t upper); /* 0 .. upper-1 */
/* A keyed or plain hash (BLAKE2b) of in into out (16..64 bytes). */
void pddb_crypto_hash(uint8_t *out, size_t outlen, const void *in,
                      size_t inlen);
/* Argon2id: key = stretch(password, salt) with ops passes over mem_kib
 * KiB. OutOfMemory when the machine cannot afford it. */
xous_error_t pddb_crypto_kdf(uint8_t key[PDDB_KEY_BYTES], const void *pw,
                             size_t pwlen, const uint8_t salt[PDDB_SALT_BYTES],
                             uint32_t ops, uint32_t mem_kib);
/* AEAD (XChaCha20-Poly1305): out gets len + PDDB_TAG_BYTES bytes. */
void pddb_crypto_seal(uint8_t *out, const uint8_t *in, size_t len,
                      const uint8_t *ad, size_t adlen,
                      const uint8_t nonce[PDDB_NONCE_BYTES],
                      const uint8_t key[PDDB_KEY_BYTES]);
/* Opens len + PDDB_TAG_BYTES bytes of in into out (len bytes); false when
 * they do not authenticate under key. */
bool pddb_crypto_open(uint8_t *out, const uint8_t *in, size_t len,
                      const uint8_t *ad, size_t adlen,
                      const uint8_t nonce[PDDB_NONCE_BYTES],
                      const uint8_t key[PDDB_KEY_BYTES]);
/* ---- secrets ------------------------------------------------------------------ */

/* Memory for keys and passwords, zeroed: locked (never swapped), guarded,
 * out of core dumps, and wiped when freed. Secrets live only there: they
 * are derived or read straight into it and never copied out. */
void *pddb_secure_alloc(size_t size);
void pddb_secure_free(void *p, size_t size);
/* Wipes len bytes at p in a way the compiler cannot drop. */
void pddb_wipe(void *p, size_t len);
/* Makes the process unreadable to other processes of its user (no core
 * dumps, no ptrace, no /proc/PID/mem); its administrator still can. */
void pddb_protect_process(void);
/* The default Argon2id cost, or the one set for tests with
 * $XOUS_PDDB_KDF_OPS and $XOUS_PDDB_KDF_MEM_KIB. */
void pddb_crypto_default_cost(uint32_t *ops, uint32_t *mem_kib);

/* ---- speaking ---------------------------------------------------------------- */

/* Writes one line made of the strings given (a NULL ends them) to the
 * standard output (to_stdout) or the standard error. */
void pddb_say(bool to_stdout, const char *first, ...);

/* ---- stopping ---------------------------------------------------------------- */

/* The Scalar id that asks the server to sync and exit; the server takes
 * it only from its own process. */
#define PDDB_OP_STOP 0x5354u
/* Arranges for the host's request to stop (SIGTERM, SIGINT on the
 * desktop) to reach server sid as a Scalar PDDB_OP_STOP. */
xous_error_t pddb_stop_on_signal(xous_sid_t sid);

#endif /* PDDB_PLATFORM_H */
