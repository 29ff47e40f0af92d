/*
 * The frames of the Xous hosted-mode TCP protocol (XOUS-WIRE.md section
 * 7), as Rust programs built with the xous crate for the host speak it.
 *
 * After the handshake (16 key bytes in, 1 PID byte out) both directions
 * carry frames of nine little-endian 64-bit words, a TID then the eight
 * syscall (or result) words, followed by payload bytes whose length no
 * field states: the words themselves say whether bytes follow and how
 * many. Getting that rule wrong desynchronises the stream for good, so it
 * lives here alone, for the bridge, the test peer and the fuzz target.
 */
#ifndef XOUSD_HOSTED_FRAME_H
#define XOUSD_HOSTED_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XOUS_HOSTED_KEY_BYTES 16
#define XOUS_HOSTED_HEADER_BYTES (9 * 8)
/* The TIDs a client makes up for a thread that has none yet. */
#define XOUS_HOSTED_FAKE_TID 65536u
/* The most payload one frame may carry: more is refused (the connection
 * closes), so that a peer cannot make the listener take any amount of
 * memory with one header. */
#define XOUS_HOSTED_PAYLOAD_MAX (64u << 20)
/* The memory return sentinel of ReplyAndReceiveNext (usize::MAX). */
#define XOUS_HOSTED_REPLY_MEMORY UINT64_MAX

struct xous_hosted_frame {
  uint64_t tid;
  uint64_t w[8];
};

/* Reads a header of XOUS_HOSTED_HEADER_BYTES little-endian bytes. */
void xous__hosted_decode(const uint8_t raw[XOUS_HOSTED_HEADER_BYTES],
                         struct xous_hosted_frame *f);
/* Writes a header as XOUS_HOSTED_HEADER_BYTES little-endian bytes. */
void xous__hosted_encode(const struct xous_hosted_frame *f,
                         uint8_t raw[XOUS_HOSTED_HEADER_BYTES]);

/* The payload that follows a request (client to kernel): a5 bytes for a
 * memory SendMessage or TrySendMessage, a3 for ReturnMemory, a4 for
 * ReplyAndReceiveNext with a7 all ones, else none. Returns 0, or -1 when
 * the length is over XOUS_HOSTED_PAYLOAD_MAX. */
int xous__hosted_request_payload(const uint64_t w[8], uint64_t *len);

/* The payload that follows a result when it is a message envelope of a
 * memory kind (r0 = 9, r2 in 0..2): r5 bytes, else none. Returns 0, or -1
 * over the limit. A lender's own answer carries its buffer too; the
 * caller knows that from its call, not from the words. */
int xous__hosted_envelope_payload(const uint64_t r[8], uint64_t *len);

/* What a listener does with a request it has read the words of. */
enum xous_hosted_verdict {
  XOUS_HOSTED_CALL,       /* a call of a client thread */
  XOUS_HOSTED_NEW_THREAD, /* CreateThread: a new TID, for any asker */
  XOUS_HOSTED_CLOSE,      /* no client sends this: the stream is garbage */
};

/* Classifies a request and gives its payload length: CLOSE for a payload
 * over the limit, TID 0, a TID past 32 bits, or a call other than
 * CreateThread from a made-up TID. */
enum xous_hosted_verdict
xous__hosted_classify(const struct xous_hosted_frame *f, uint64_t *len);

/* Whether a request is a lend (MutableBorrow or Borrow) whose answer, of
 * whatever kind but RetryCall, is followed by the lent bytes. */
bool xous__hosted_is_lend(const uint64_t w[8]);

/* Reads exactly len bytes from the blocking stream fd (a frame's header or
 * payload): 0, or -1 when the stream ends or fails first. */
int xous__hosted_read_all(int fd, void *buf, size_t len);
/* Sends exactly len bytes on the stream socket fd: 0, or -1 when it fails
 * first (a closed peer raises no SIGPIPE). */
int xous__hosted_write_all(int fd, const void *buf, size_t len);

#endif /* XOUSD_HOSTED_FRAME_H */
