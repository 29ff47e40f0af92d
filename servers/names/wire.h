/*
 * The archives of the name server's rkyv opcodes (<xous/names.h>, wire
 * format), shared by the client library and the server. Portable.
 *
 * Writers fill buf[0..*used] (cap bytes at most). Readers take a local
 * copy of page[0..used] and check everything in it (<xous/rkyv.h>); a
 * name they return points into that copy and is 1..XOUS_NAMES_MAX_NAME
 * bytes of UTF-8 without NUL, else XOUS_INVALID_STRING. Any other flaw
 * of the archive is XOUS_INVALID_ARGUMENT.
 */
#ifndef XOUS_NAMES_WIRE_H
#define XOUS_NAMES_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xous/names.h>
#include <xous/rkyv.h>

/* A decoded (or to be encoded) Return. */
struct xous__names_return {
  uint8_t tag;         /* enum xous_names_return_tag */
  uint32_t words[4];   /* SID: the SID; CID: the token; Authenticate-
                           Request: the challenge */
  uint32_t cid;        /* CID */
  bool has_token;      /* CID: the Option's tag */
  const uint8_t *name; /* AuthenticateRequest */
  size_t name_len;
  uint8_t pubkey_id[20];
};

/* True when name[0..len] is a name: 1..63 bytes of UTF-8 without NUL. */
bool xous__names_valid(const uint8_t *name, size_t len);

xous_error_t xous__names_write_string(void *buf, size_t cap,
                                      const uint8_t *name, size_t len,
                                      size_t *used);
xous_error_t xous__names_write_registration(void *buf, size_t cap,
                                            const uint8_t *name, size_t len,
                                            bool limited, uint32_t limit,
                                            size_t *used);
xous_error_t xous__names_write_disconnect(void *buf, size_t cap,
                                          const uint8_t *name, size_t len,
                                          const uint32_t token[4],
                                          size_t *used);
xous_error_t xous__names_write_auth_lookup(void *buf, size_t cap,
                                           const uint8_t *name, size_t len,
                                           const uint8_t pubkey_id[20],
                                           const uint32_t response[8],
                                           size_t *used);
xous_error_t xous__names_write_return(void *buf, size_t cap,
                                      const struct xous__names_return *ret,
                                      size_t *used);

xous_error_t xous__names_read_string(const void *buf, size_t used,
                                     const uint8_t **name, size_t *len);
xous_error_t xous__names_read_registration(const void *buf, size_t used,
                                           const uint8_t **name, size_t *len,
                                           bool *limited, uint32_t *limit);
xous_error_t xous__names_read_disconnect(const void *buf, size_t used,
                                         const uint8_t **name, size_t *len,
                                         uint32_t token[4]);
xous_error_t xous__names_read_auth_lookup(const void *buf, size_t used,
                                          const uint8_t **name, size_t *len);
/* ret->name of an AuthenticateRequest is only checked as UTF-8 of any
 * length: it is the name server's copy of what was asked. */
xous_error_t xous__names_read_return(const void *buf, size_t used,
                                     struct xous__names_return *ret);

#endif /* XOUS_NAMES_WIRE_H */
