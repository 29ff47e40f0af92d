/* Between the hosted pieces of the PDDB: scrubbing the stack. */
#ifndef PDDB_HOSTED_SECURE_H
#define PDDB_HOSTED_SECURE_H

#include <stddef.h>

/* How deep the library calls of crypto.c reach into the stack. */
#define PDDB_SCRUB_KDF (24u * 1024u)
#define PDDB_SCRUB_AEAD (6u * 1024u)

/* Clears depth bytes of stack below the caller's frame: where a library
 * call just returned from left its temporaries (libsodium's BLAKE2b leaves
 * the Argon2id result there). */
void xous__pddb_scrub_stack(size_t depth);

#endif /* PDDB_HOSTED_SECURE_H */
