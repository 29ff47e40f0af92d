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
 *  1. xous_names_register() asks the name server for the name; it makes a
 *     fresh random SID, and the caller creates its server with it. The
 *     SID goes only to the caller and to the name server.
 *  2. Every lookup of the name (xous_names_connect() and friends) makes a
 *     connection in the caller's table and, for a name with a limit, uses
 *     one of its places and hands out a one-time token for it.
 *  3. xous_names_disconnect() gives a place back with that token; the CID
 *     stays valid until the caller's own xous_disconnect().
 *  4. xous_names_unregister() (with the SID, which only the registering
 *     process knows) removes the name; a name whose server has gone is
 *     removed at its next lookup.
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

/* A name is 1 to 63 bytes of UTF-8 without NUL (the real xous-names
 * asserts that a name is shorter than 64 bytes). */
#define XOUS_NAMES_MAX_NAME 63

/* A one-time token that gives back one place of a name's connection limit.
 * It is 128 random bits and is valid only for the process it was given to. */
typedef struct {
  uint32_t w[4];
} xous_names_token_t;

/* ==== client API ========================================================= */

/* Asks the name server to register name; the name server makes a fresh
 * random SID and answers with it, and this call then creates the server
 * with that SID in the calling process (as Rust's register_name()).
 * max_conns limits the number of connections the name server hands out
 * (0: no limit, sent as None). *sid receives the SID to receive on; keep
 * it secret. The caller owns the server and destroys it with
 * xous_destroy_server().
 * Errors: XOUS_INVALID_STRING (name), XOUS_SERVER_EXISTS (the name server
 * answered Failure: the name is taken, or its table is full), or the
 * error of creating the server. */
xous_error_t xous_names_register(const char *name, unsigned max_conns,
                                 xous_sid_t *sid);

/* Connects to the server registered as name, waiting until the name is
 * registered and, for a name with a limit, until a place is free
 * (BlockingConnect, as Rust std's connect()). *cid (may be NULL) is valid
 * in the caller's process.
 * Errors: XOUS_INVALID_STRING, XOUS_INTERNAL_ERROR (the name server could
 * not make the connection: the caller's table is full, or the server
 * went). */
xous_error_t xous_names_connect(const char *name, xous_cid_t *cid);

/* As xous_names_connect(), but XOUS_SERVER_NOT_FOUND at once when name is
 * not registered or has no place free (TryConnect). */
xous_error_t xous_names_try_connect(const char *name, xous_cid_t *cid);

/* As xous_names_connect() and xous_names_try_connect(); *token (may be
 * NULL) receives the token that gives the place back. For a name without a
 * limit the token is all zeros and gives nothing back. */
xous_error_t xous_names_connect_token(const char *name, xous_cid_t *cid,
                                      xous_names_token_t *token);
xous_error_t xous_names_try_connect_token(const char *name, xous_cid_t *cid,
                                          xous_names_token_t *token);

/* As xous_names_try_connect_token(), through the rkyv Lookup that Rust's
 * request_connection_with_token() sends. *has_token (may be NULL) is
 * false for a name without a limit. XOUS_SERVER_NOT_FOUND when the name
 * server answers AuthenticateRequest (no such name, or no place free),
 * XOUS_INTERNAL_ERROR on Failure. */
xous_error_t xous_names_lookup(const char *name, xous_cid_t *cid,
                               xous_names_token_t *token, bool *has_token);

/* Gives back the place of the connection to name that token stands for.
 * The token is spent: presenting it again gives XOUS_ACCESS_DENIED, as
 * does a token of another process, a made-up one or a name that is not
 * registered (the name server answers all of them with Failure). The CID
 * stays valid until the caller calls xous_disconnect(). */
xous_error_t xous_names_disconnect(const char *name, xous_names_token_t token);

/* Removes the name registered for sid (the SID xous_names_register()
 * gave: knowing it is the authority, as on the device).
 * XOUS_SERVER_NOT_FOUND when no name has that SID. Connections already
 * made stay; the server is the caller's to destroy.
 * Changed for the real protocol: it used to take the name. */
xous_error_t xous_names_unregister(xous_sid_t sid);

/* *done becomes true once every name given to xous-names with --trusted
 * has been registered (at once when there are none). It stays true. */
xous_error_t xous_names_trusted_init_done(bool *done);

/* ==== wire format ========================================================= */

/*
 * The wire of the real xous-names (xous-core's api/xous-api-names), so
 * that a C program and a Rust one, on the desktop or on the device, talk
 * to either name server. The opcodes (the message id):
 *
 *  opcode               kind            request            answer
 *  0 REGISTER           MutableLend     rkyv Registration  rkyv Return
 *  1 LOOKUP             MutableLend     rkyv String        rkyv Return
 *  2 AUTHENTICATED_...  MutableLend     rkyv AuthLookup    rkyv Return
 *  3 UNREGISTER         BlockingScalar  the SID's 4 words  Scalar1(1 ok/0)
 *  4 DISCONNECT         MutableLend     rkyv Disconnect    rkyv Return
 *  5 TRUSTED_INIT_DONE  BlockingScalar  -                  Scalar1(1/0)
 *  6 BLOCKING_CONNECT   MutableLend     raw page           raw, in place
 *  7 TRY_CONNECT        MutableLend     raw page           raw, in place
 *
 * rkyv requests: the archive is written from byte 0 of one page
 * (<xous/rkyv.h>), lent with offset = its length (`used`) and valid =
 * the page's length. The answer is a fresh archive from byte 0, its
 * length in the ReturnMemory offset word, valid unchanged.
 *   Registration { name: String @0, conn_limit: Option<u32> @8 } 16 bytes
 *   String (Lookup)                                               8 bytes
 *   AuthenticatedLookup { name @0, pubkey_id [u8; 20] @8,
 *                         response [u32; 8] @28 }                60 bytes
 *   Disconnect { name @0, token [u32; 4] @8 }                    24 bytes
 *   Return, 48 bytes, a u8 tag at 0 then the variant at 4:
 *     0 AuthenticateRequest { name @4, pubkey_id @12, challenge @32 }
 *     1 Failure   2 SID([u32; 4] @4)
 *     3 CID((cid u32 @4, Option<[u32; 4]>: tag @8, words @12))
 *     4 Success
 *
 * Raw connect: name bytes at 0 (up to 64), their length as a u32 at 64,
 * and valid = the name's length. The answer is written over the page:
 * u32 0 = 0 and u32 1 = the CID and u32 2..5 = the token (zeros for a
 * name without a limit), or u32 0 = 1 and u32 1 = a ConnectError; offset
 * and valid come back 0.
 *
 * This name server on an opcode of 8 or more (the real one stops):
 * a memory message comes back unchanged with offset and valid 0, a
 * BlockingScalar gets Scalar1(0), a Scalar is ignored.
 */
enum xous_names_opcode {
  XOUS_NAMES_OP_REGISTER = 0,
  XOUS_NAMES_OP_LOOKUP = 1,
  XOUS_NAMES_OP_AUTHENTICATED_LOOKUP = 2,
  XOUS_NAMES_OP_UNREGISTER = 3,
  XOUS_NAMES_OP_DISCONNECT = 4,
  XOUS_NAMES_OP_TRUSTED_INIT_DONE = 5,
  XOUS_NAMES_OP_BLOCKING_CONNECT = 6,
  XOUS_NAMES_OP_TRY_CONNECT = 7,
};

/* The variants of the rkyv Return answer. */
enum xous_names_return_tag {
  XOUS_NAMES_RETURN_AUTHENTICATE_REQUEST = 0,
  XOUS_NAMES_RETURN_FAILURE = 1,
  XOUS_NAMES_RETURN_SID = 2,
  XOUS_NAMES_RETURN_CID = 3,
  XOUS_NAMES_RETURN_SUCCESS = 4,
};

/* Size of the archived Return. */
#define XOUS_NAMES_RETURN_SIZE 48

/* The raw connect page. */
#define XOUS_NAMES_CONNECT_NAME_BYTES 64
#define XOUS_NAMES_CONNECT_LEN_OFFSET 64

/* The error word of a raw connect answer (Rust's ConnectError). */
enum xous_names_connect_error {
  XOUS_NAMES_CONNECT_INVALID_MEMORY_BUFFER = 1,
  XOUS_NAMES_CONNECT_KERNEL_CONNECT_FAILURE = 2,
  XOUS_NAMES_CONNECT_INVALID_STRING = 3,
  XOUS_NAMES_CONNECT_INVALID_MESSAGE_TYPE = 4,
  XOUS_NAMES_CONNECT_SERVER_NOT_FOUND = 5,
};

#ifdef __cplusplus
}
#endif

#endif /* XOUS_NAMES_H */
