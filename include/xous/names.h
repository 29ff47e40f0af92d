/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * <xous/names.h>: the Xous name server, xous-names(8), and its client API,
 * xous_names(3).
 *
 * The name server maps a plain-text name to a server whose SID is a secret.
 * A client asks for a name and gets back a connection (a CID valid in its
 * own process, made by the name server with ConnectForProcess), never the
 * SID. A name may carry a connection limit: the name server counts the
 * connections it has handed out and refuses one too many.
 *
 * Lifetimes, in order:
 *  1. xous_names_register() creates a server with a fresh random SID in
 *     the caller's process and registers the name for it. The SID goes
 *     only to the caller and to the name server.
 *  2. Every lookup of the name (xous_names_connect() and friends) makes a
 *     connection in the caller's table and, for a name with a limit, uses
 *     one of its places and hands out a one-time token for it.
 *  3. xous_names_disconnect() gives a place back with that token; the CID
 *     stays valid until the caller's own xous_disconnect().
 *  4. xous_names_unregister() (only by the registering process) removes the
 *     name; a name whose server has gone is removed at its next lookup.
 *
 * Every function returns XOUS_OK or a Xous error code. No type here is a
 * POSIX type, so the header serves rv32 bare metal and the desktop alike.
 */
#ifndef XOUS_NAMES_H
#define XOUS_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xous/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The name server's well-known SID, as 16 bytes (xous_sid_from_name()). */
#define XOUS_NAMES_SERVER_NAME "xous-name-server"

/* A name is 1 to 64 bytes of UTF-8 without NUL. */
#define XOUS_NAMES_MAX_NAME 64

/* The largest connection limit a name can carry; 0 means no limit. */
#define XOUS_NAMES_MAX_LIMIT 255

/* A one-time token that gives back one place of a name's connection limit.
 * It is 128 random bits and is valid only for the process it was given to. */
typedef struct {
  uint32_t w[4];
} xous_names_token_t;

/* ==== client API ========================================================= */

/* Creates a server with a fresh random SID in the calling process and
 * registers name for it. max_conns limits the number of connections the
 * name server hands out (0: no limit; at most XOUS_NAMES_MAX_LIMIT). *sid
 * receives the SID to receive on; keep it secret. The caller owns the
 * server and destroys it with xous_destroy_server().
 * Errors: XOUS_INVALID_STRING (name), XOUS_INVALID_ARGUMENT (max_conns),
 * XOUS_SERVER_EXISTS (the name is taken), XOUS_OUT_OF_MEMORY (no room). */
xous_error_t xous_names_register(const char *name, unsigned max_conns,
                                 xous_sid_t *sid);

/* Connects to the server registered as name, waiting until the name is
 * registered. *cid (may be NULL) is valid in the caller's process.
 * Errors: XOUS_INVALID_STRING, XOUS_ACCESS_DENIED (the limit is reached),
 * XOUS_OUT_OF_MEMORY (the caller's connection table is full). */
xous_error_t xous_names_connect(const char *name, xous_cid_t *cid);

/* As xous_names_connect(), but XOUS_SERVER_NOT_FOUND at once when name is
 * not registered. */
xous_error_t xous_names_try_connect(const char *name, xous_cid_t *cid);

/* As xous_names_connect() and xous_names_try_connect(); *token (may be
 * NULL) receives the token that gives the place back. For a name without a
 * limit the token is all zeros and gives nothing back. */
xous_error_t xous_names_connect_token(const char *name, xous_cid_t *cid,
                                      xous_names_token_t *token);
xous_error_t xous_names_try_connect_token(const char *name, xous_cid_t *cid,
                                          xous_names_token_t *token);

/* Gives back the place of the connection to name that token stands for.
 * The token is spent: presenting it again gives XOUS_ACCESS_DENIED, as
 * does a token of another process or a made-up one. The CID stays valid
 * until the caller calls xous_disconnect(). */
xous_error_t xous_names_disconnect(const char *name, xous_names_token_t token);

/* Removes name. Only the process that registered it may; any other gets
 * XOUS_ACCESS_DENIED. XOUS_SERVER_NOT_FOUND when it is not registered.
 * Connections already made stay; the server is the caller's to destroy. */
xous_error_t xous_names_unregister(const char *name);

/* *done becomes true once every name given to xous-names with --trusted
 * has been registered (at once when there are none). It stays true. */
xous_error_t xous_names_trusted_init_done(bool *done);

/* ==== wire format ========================================================= */

/*
 * The opcodes (the message id). Memory messages carry one page, exactly
 * XOUS_PAGE_SIZE bytes, that starts with a struct xous_names_msg; the
 * name server answers them with ReturnMemory, whose offset word is the
 * xous_error_t of the answer and whose valid word is the number of bytes
 * of the page it wrote (0 when it wrote none).
 *
 *  opcode          kind            reads                   writes
 *  REGISTER        Lend(Mut)       name, max_conns, sid    -
 *  CONNECT         MutableLend     name                    cid, token
 *  TRY_CONNECT     MutableLend     name                    cid, token
 *  DISCONNECT      Lend(Mut)       name, token             -
 *  UNREGISTER      Lend(Mut)       name                    -
 *  TRUSTED_INIT    BlockingScalar  -                       Scalar2(err, done)
 *
 * CONNECT is answered when the name is registered (a deferred answer: the
 * name server serves others meanwhile). A BlockingScalar with any other
 * opcode gets Scalar2(XOUS_INVALID_ARGUMENT, 0); a memory message with an
 * unknown opcode, of the wrong kind or size gets XOUS_INVALID_ARGUMENT; a
 * page moved with Send is freed unread.
 */
enum xous_names_opcode {
  XOUS_NAMES_OP_REGISTER = 1,
  XOUS_NAMES_OP_CONNECT = 2,
  XOUS_NAMES_OP_TRY_CONNECT = 3,
  XOUS_NAMES_OP_DISCONNECT = 4,
  XOUS_NAMES_OP_UNREGISTER = 5,
  XOUS_NAMES_OP_TRUSTED_INIT = 6,
};

/*
 * The request and answer at the start of the lent page, field by field
 * (byte offsets; words in the machine's order, little-endian on both
 * targets):
 *
 *   0  name_len   bytes of name used: 1..64, else XOUS_INVALID_STRING
 *   4  name[64]   UTF-8 (no overlong forms, no surrogates, no NUL); the
 *                 bytes after name_len are ignored
 *  68  max_conns  REGISTER: 0 (no limit) .. XOUS_NAMES_MAX_LIMIT
 *  72  sid[4]     REGISTER: the SID of the caller's server, which must exist
 *  88  token[4]   CONNECT/TRY_CONNECT: written; DISCONNECT: read
 * 104  cid        CONNECT/TRY_CONNECT: written, valid in the caller's process
 * 108  reserved   written as 0, ignored
 *
 * The name server copies the struct out of the page once, validates the
 * copy, and never reads the page again.
 */
struct xous_names_msg {
  uint32_t name_len;
  uint8_t name[XOUS_NAMES_MAX_NAME];
  uint32_t max_conns;
  uint32_t sid[4];
  uint32_t token[4];
  uint32_t cid;
  uint32_t reserved;
};

#ifndef __cplusplus /* C++ spells it static_assert */
_Static_assert(sizeof(struct xous_names_msg) == 112,
               "xous_names_msg is 112 bytes on every target");
_Static_assert(offsetof(struct xous_names_msg, name) == 4, "name at 4");
_Static_assert(offsetof(struct xous_names_msg, max_conns) == 68,
               "max_conns at 68");
_Static_assert(offsetof(struct xous_names_msg, sid) == 72, "sid at 72");
_Static_assert(offsetof(struct xous_names_msg, token) == 88, "token at 88");
_Static_assert(offsetof(struct xous_names_msg, cid) == 104, "cid at 104");
_Static_assert(sizeof(struct xous_names_msg) <= XOUS_PAGE_SIZE,
               "a request fits in the one lent page");
#endif

#ifdef __cplusplus
}
#endif

#endif /* XOUS_NAMES_H */
