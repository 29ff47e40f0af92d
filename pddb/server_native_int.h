/*
 * What the parts of the native API's server share (server_native.c
 * dispatches and serves the bases, server_native_keys.c the tokens and
 * the keys, server_native_lists.c the listings and the bulk read).
 */
#ifndef PDDB_SERVER_NATIVE_INT_H
#define PDDB_SERVER_NATIVE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xous.h>
#include <xous/pddb.h>

#include "engine.h"
#include "native_wire.h"

/* The most bytes of an rkyv request the server copies and reads. */
#define XOUS__PDDB_NATIVE_ARCHIVE_MAX 4096u

/* One request: the lent page, and the copy of its archive that the
 * handlers read (the lender may still write the page). */
struct xous__native_req {
  struct pddb_engine *e;
  xous_pid_t pid;
  uint8_t *page;
  size_t cap;
  const uint8_t *arch; /* the copy: arch[0..used] */
  size_t used;
  size_t answer_used; /* the offset word of the answer */
};

/* Each serves one opcode. An answer written into the page sets
 * r->answer_used; a request that does not decode leaves the page and
 * answer_used (= the request's used) as they are. */
void xous__native_key_request(struct xous__native_req *r);
void xous__native_delete_key(struct xous__native_req *r, bool whole_dict);
void xous__native_key_attributes(struct xous__native_req *r);
void xous__native_read_write(struct xous__native_req *r, bool write);
/* KeyDrop: Scalar1 PddbRetcode Ok when the token was known, BasisLost
 * otherwise. */
unsigned xous__native_key_drop(struct pddb_engine *e, const uint32_t t[3]);
/* Tells every key's callback server that a basis is about to go. */
void xous__native_notify_keys(struct pddb_engine *e);

void xous__native_key_count(struct xous__native_req *r);
void xous__native_list_keys(struct xous__native_req *r);
void xous__native_dict_count(struct xous__native_req *r);
void xous__native_dict_name(struct xous__native_req *r);
void xous__native_bulk_read(struct xous__native_req *r);

/* server_native_misc.c: the device's own opcodes (see there). */
bool xous__native_is_device_op(unsigned op);
/* True for those of them that take a page. */
bool xous__native_is_page_op(unsigned op);
void xous__native_device_scalar(struct pddb_engine *e,
                                const xous_envelope_t *env, unsigned op);
void xous__native_rekey(struct xous__native_req *r);
void xous__native_bulk_delete(struct xous__native_req *r);
/* True when the BasisMonitor in env is kept, to be answered later. */
bool xous__native_basis_monitor(struct xous__native_req *r,
                                const xous_envelope_t *env);
/* Answers the kept BasisMonitors: the open bases changed. */
void xous__native_bases_changed(struct pddb_engine *e);

/* The open bases, most recently unlocked first. */
struct xous__native_bases {
  char names[XOUS_PDDB_MAX_OPEN_BASES][XOUS_PDDB_MAX_BASIS_NAME + 1];
  size_t n;
};
void xous__native_open_bases(struct pddb_engine *e,
                             struct xous__native_bases *b);

/* Copies a String's text into dst (cap bytes, NUL terminated); false
 * when it does not fit or holds a NUL. */
bool xous__native_cname(char *dst, size_t cap,
                        const struct xous__pddb_text *t);
/* The text of a C string. */
struct xous__pddb_text xous__native_text(const char *s);

#endif /* PDDB_SERVER_NATIVE_INT_H */
