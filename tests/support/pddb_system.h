/*
 * A PDDB for the suites that talk to its server: a real xousd, xous-names
 * and xous-pddb on a new image, and the cheap key derivation every PDDB
 * suite runs with. Linked into the PDDB suites only (it needs the engine
 * to format the image).
 */
#ifndef XOUS_TEST_PDDB_SYSTEM_H
#define XOUS_TEST_PDDB_SYSTEM_H

#include <xous.h>
#include <xous/buffer.h>

/* Argon2id at its smallest cost ($XOUS_PDDB_KDF_*), for every engine and
 * server of the process and its children: from main(). */
void pddb_system_cheap_kdf(void);
/* Starts a broker, xous-names and xous-pddb on a new image of 256 pages
 * named image_name in the test's directory; connects *cid to the server
 * by its name and makes *page, a page to lend it. */
void pddb_system_start(const char *image_name, xous_cid_t *cid,
                       xous_buffer_t *page);

#endif /* XOUS_TEST_PDDB_SYSTEM_H */
