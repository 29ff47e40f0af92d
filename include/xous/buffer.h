/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * <xous/buffer.h>: a page buffer for memory messages, the C counterpart of
 * Xous's Buffer, and the helpers of the everyday server pattern.
 *
 * A client keeps its request in an xous_buffer_t: whole pages from
 * xous_map_memory(), so that lending them is a remap and never a copy.
 * The `valid` word of the message says how many bytes of the buffer mean
 * something, in both directions.
 *
 *   client                                  server
 *   xous_buffer_new(sizeof req, &b)
 *   memcpy(b.page, &req, sizeof req)
 *   valid = sizeof req
 *   xous_buffer_lend_mut(&b, cid, OP, &valid) ...
 *                                           xous_receive_message(sid, &env)
 *                                           xous_buffer_from_envelope(&env,
 *                                               sizeof req, sizeof req, &v)
 *                                           xous_buffer_read(&v, &req, ...)
 *                                           xous_buffer_write(&v, &ans, ...)
 *                                           xous_buffer_return(&env, v.len)
 *   ... returns; valid = bytes of the answer
 *   xous_buffer_free(&b)
 *
 * The server never trusts the words of a message: xous_buffer_from_envelope()
 * checks the kind, the range and that `valid` lies within both the buffer
 * and the bounds the server asks for. xous_buffer_read() copies the bytes
 * once into the caller's local, since the lender of an immutable lend may
 * still write its pages while the server reads them.
 *
 * Portable: the same source builds for the device; see xous(3).
 */
#ifndef XOUS_BUFFER_H
#define XOUS_BUFFER_H

#include <xous.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Client side: whole pages owned by the caller. */
typedef struct {
  void *page; /* page aligned; NULL when empty */
  size_t len; /* a page multiple */
} xous_buffer_t;

/* Server side: a checked view of a received buffer. */
typedef struct {
  void *data;    /* the received range, in this process */
  size_t cap;    /* its length in bytes */
  size_t len;    /* the meaningful bytes: the message's valid, checked */
  bool writable; /* true for a MutableLend and a Send */
} xous_buffer_view_t;

/* Maps zeroed pages for at least size bytes (size > 0) into *buf.
 * BadAlignment for size 0, OutOfMemory, as xous_map_memory(). */
xous_error_t xous_buffer_new(size_t size, xous_buffer_t *buf);
/* Unmaps the pages and empties *buf. */
xous_error_t xous_buffer_free(xous_buffer_t *buf);

/* Lends the buffer for reading with opcode; *valid (in) is the number of
 * meaningful bytes, and (out) what the server returned. InvalidArgument
 * when *valid exceeds the buffer, on the way in or out. */
xous_error_t xous_buffer_lend(const xous_buffer_t *buf, xous_cid_t cid,
                              xous_word_t opcode, size_t *valid);
/* The same, mutably: the server may write the pages, and the caller must
 * not touch them until the call returns. */
xous_error_t xous_buffer_lend_mut(xous_buffer_t *buf, xous_cid_t cid,
                                  xous_word_t opcode, size_t *valid);
/* Moves the pages to the server: *buf is empty afterwards. */
xous_error_t xous_buffer_send(xous_buffer_t *buf, xous_cid_t cid,
                              xous_word_t opcode, size_t valid);

/* Checks env before anything of its buffer is used: a memory message
 * (else InvalidArgument), a nonempty range, and min_len <= valid <=
 * max_len with valid within the range (else InvalidArgument). */
xous_error_t xous_buffer_from_envelope(const xous_envelope_t *env,
                                       size_t min_len, size_t max_len,
                                       xous_buffer_view_t *view);
/* Copies size bytes (size <= view->len) out of the buffer into dst: the
 * one read of memory a peer may write. InvalidArgument when too short. */
xous_error_t xous_buffer_read(const xous_buffer_view_t *view, void *dst,
                              size_t size);
/* Writes size bytes (size <= view->cap) at the start of a writable view
 * and makes them its len. InvalidArgument when too long; ShareViolation
 * when the view is read only. */
xous_error_t xous_buffer_write(xous_buffer_view_t *view, const void *src,
                               size_t size);
/* Ends a memory message: a lend is returned with valid (the server loses
 * its pages); a Send is unmapped, since its pages are the server's. */
xous_error_t xous_buffer_return(const xous_envelope_t *env, size_t valid);

#ifdef __cplusplus
}
#endif

#endif /* XOUS_BUFFER_H */
