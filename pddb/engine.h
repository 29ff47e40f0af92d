/*
 * The PDDB engine: bases, dictionaries and keys over an image of
 * encrypted pages (pddb(7)). Portable: it needs only platform.h. One
 * engine serves one image; it is not thread safe (the server is one loop).
 *
 * Every function returns XOUS_OK or a Xous error:
 *   NotFound          no such basis (or wrong password), dictionary or key
 *   InvalidString     a name that is empty, too long or not UTF-8
 *   InvalidArgument   a bad handle, offset or length
 *   Unavailable       the handle's basis was locked
 *   ServerExists      creating what is already there
 *   OutOfMemory       no free page left, no free slot, no heap
 *   StorageError      the store failed; the engine refuses further work
 */
#ifndef PDDB_ENGINE_H
#define PDDB_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xous.h>
#include <xous/pddb.h>

#include "platform.h"

struct pddb_engine;

/* Progress of a long job: done out of total. */
typedef void (*pddb_progress_fn)(uint32_t done, uint32_t total, void *ctx);
/* One name of a listing: len and basis for keys, 0 and NULL otherwise. */
typedef void (*pddb_name_fn)(const char *name, uint64_t len, const char *basis,
                             void *ctx);

/* The smallest and largest images, in pages. */
#define PDDB_MIN_PAGES 64u
#define PDDB_MAX_PAGES (1u << 22)

/* Makes a new image of npages random pages holding only the System basis;
 * kdf_ops/kdf_mem_kib (0: the default) are the Argon2id cost of its
 * secret bases. */
xous_error_t pddb_format(const char *path, uint32_t npages, uint32_t kdf_ops,
                         uint32_t kdf_mem_kib, pddb_progress_fn progress,
                         void *ctx);
xous_error_t pddb_open(const char *path, struct pddb_engine **out);
/* Why the last pddb_open() or pddb_format() failed with err, in a few
 * words for a message that names the file. */
const char *pddb_open_error(xous_error_t err);
/* Syncs, wipes every key and frees everything. */
xous_error_t pddb_close(struct pddb_engine *e);
/* Wipes every key and frees everything without syncing: the image stays
 * as the last sync left it. */
void pddb_abandon(struct pddb_engine *e);
void pddb_set_progress(struct pddb_engine *e, pddb_progress_fn fn, void *ctx);
uint32_t pddb_page_count(const struct pddb_engine *e);
/* Pages known free (in the System basis's free-space list). */
uint32_t pddb_free_pages(const struct pddb_engine *e);

xous_error_t pddb_basis_create(struct pddb_engine *e, const char *name,
                               const void *pw, size_t pwlen);
xous_error_t pddb_basis_unlock(struct pddb_engine *e, const char *name,
                               const void *pw, size_t pwlen);
xous_error_t pddb_basis_lock(struct pddb_engine *e, const char *name);
xous_error_t pddb_basis_delete(struct pddb_engine *e, const char *name);
/* Open bases, most recently unlocked first, the System basis last. */
xous_error_t pddb_list_bases(struct pddb_engine *e, pddb_name_fn fn,
                             void *ctx);
/* The most recently unlocked open basis, where new keys go (the System
 * basis when no other is open). */
const char *pddb_latest_basis(struct pddb_engine *e);
/* basis NULL: the union of the open bases. */
xous_error_t pddb_list_dicts(struct pddb_engine *e, const char *basis,
                             pddb_name_fn fn, void *ctx);
xous_error_t pddb_list_keys(struct pddb_engine *e, const char *basis,
                            const char *dict, pddb_name_fn fn, void *ctx);

/* Whether the basis name is open; whether dict is a dictionary of basis
 * (NULL: of any open basis) and, unless key is NULL, key one of its keys:
 * what a listing would show, answered without one. False for a name no
 * basis, dictionary or key may have. */
bool pddb_basis_is_open(struct pddb_engine *e, const char *name);
bool pddb_exists(struct pddb_engine *e, const char *basis, const char *dict,
                 const char *key);

/* owner tells clients apart: a handle works only for its owner. */
xous_error_t pddb_key_open(struct pddb_engine *e, const char *basis,
                           const char *dict, const char *key, unsigned flags,
                           uint32_t owner, uint32_t *handle);
xous_error_t pddb_key_read(struct pddb_engine *e, uint32_t owner, uint32_t h,
                           uint64_t offset, void *buf, size_t len,
                           size_t *got);
/* Reads the first PDDB_AHEAD_BYTES of the key of handle h (fewer when
 * it is shorter) for the read that usually follows an open, so that a
 * server can do it between answering the open and receiving the read;
 * the next pddb_key_read() of h within them is a copy. Kept for one read
 * only, and wiped at once when a key changes, h closes or its basis
 * goes. Does nothing for a handle opened to empty its key, or when the
 * read fails (the read will fail itself). */
#define PDDB_AHEAD_BYTES 4096u
void pddb_key_read_ahead(struct pddb_engine *e, uint32_t owner, uint32_t h);
/* Writes all len bytes, or (OutOfMemory: the image is full) none. A key
 * opened with XOUS_PDDB_TRUNCATE is emptied by its first write, read,
 * stat or close, so that until then it keeps its old value. */
xous_error_t pddb_key_write(struct pddb_engine *e, uint32_t owner, uint32_t h,
                            uint64_t offset, const void *buf, size_t len);
/* One part of a write that arrives in several: the parts with more set
 * are kept aside (they must follow each other) and land, with the last
 * part, as one pddb_key_write(). A write whose last part never comes
 * (its handle closed, its owner gone, its basis locked) changes nothing.
 * OutOfMemory when more than 64 MiB would be kept aside. */
xous_error_t pddb_key_write_part(struct pddb_engine *e, uint32_t owner,
                                 uint32_t h, uint64_t offset, const void *buf,
                                 size_t len, bool more);
xous_error_t pddb_key_truncate(struct pddb_engine *e, uint32_t owner,
                               uint32_t h, uint64_t len);
xous_error_t pddb_key_stat(struct pddb_engine *e, uint32_t owner, uint32_t h,
                           uint64_t *len, const char **basis);
xous_error_t pddb_key_close(struct pddb_engine *e, uint32_t owner, uint32_t h);
/* Closes every handle of owner (a client that went away). */
void pddb_close_owner(struct pddb_engine *e, uint32_t owner);
/* True when every handle slot is taken, so that an open would fail. */
bool pddb_handles_full(const struct pddb_engine *e);
/* Up to max distinct owners of open handles into out; returns how many. */
uint32_t pddb_handle_owners(const struct pddb_engine *e, uint32_t *out,
                            uint32_t max);
xous_error_t pddb_key_delete(struct pddb_engine *e, const char *basis,
                             const char *dict, const char *key);
xous_error_t pddb_dict_delete(struct pddb_engine *e, const char *basis,
                              const char *dict);
/* Makes an empty dictionary (basis NULL: in the most recently unlocked
 * basis); ServerExists when it is there. */
xous_error_t pddb_dict_create(struct pddb_engine *e, const char *basis,
                              const char *dict);

/* Writes every change to the image in one transaction. */
xous_error_t pddb_sync(struct pddb_engine *e);
bool pddb_dirty(const struct pddb_engine *e);

/* The key a basis name and password stretch to in this image: what
 * unlock derives. For tests that look for key material. */
xous_error_t pddb_derive_key(struct pddb_engine *e, const char *name,
                             const void *pw, size_t pwlen,
                             uint8_t key[PDDB_KEY_BYTES]);

/* True when s (len bytes) is a valid name of at most max bytes. */
bool pddb_name_valid(const char *s, size_t len, size_t max);
/* Copies a name of n bytes taken from a message into dst (cap bytes) as a
 * C string; false when it does not fit or holds a NUL. Whether it is a
 * valid name is for the call it is given to. */
bool pddb_name_copy(char *dst, size_t cap, const void *s, size_t n);

#endif /* PDDB_ENGINE_H */
