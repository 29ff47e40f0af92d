/*
 * The payload rule of the hosted-mode protocol: which frames carry bytes
 * after their nine words, and how many; and moving them whole.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <xous.h>

#include "core/abi.h"
#include "core/le.h"
#include "xousd/hosted_frame.h"

/* The protocol's words are 64-bit, and the codec reads them in place. */
_Static_assert(sizeof(xous_word_t) == sizeof(uint64_t),
               "the hosted-mode protocol needs a 64-bit host");

void
xous__hosted_decode(const uint8_t raw[XOUS_HOSTED_HEADER_BYTES],
                    struct xous_hosted_frame *f)
{
  f->tid = xous__le_load(raw, 8);
  for (int i = 0; i < 8; i++)
    f->w[i] = xous__le_load(raw + 8 * (i + 1), 8);
}

void
xous__hosted_encode(const struct xous_hosted_frame *f,
                    uint8_t raw[XOUS_HOSTED_HEADER_BYTES])
{
  xous__le_store(raw, f->tid, 8);
  for (int i = 0; i < 8; i++)
    xous__le_store(raw + 8 * (i + 1), f->w[i], 8);
}

int
xous__hosted_request_payload(const uint64_t w[8], uint64_t *len)
{
  uint64_t n = 0;

  switch (xous__call_number(w)) {
  case XOUS_SYSCALL_SEND_MESSAGE:
  case XOUS_SYSCALL_TRY_SEND_MESSAGE: {
    struct xous__send_args s = xous__send_args_of(w);

    if (xous__is_memory(s.kind))
      n = s.msg.mem.len;
    break;
  }
  case XOUS_SYSCALL_RETURN_MEMORY:
    n = xous__answer_of_return(w).len;
    break;
  case XOUS_SYSCALL_REPLY_AND_RECEIVE_NEXT:
    if (xous__reply_type(w) == XOUS_HOSTED_REPLY_MEMORY) {
      uint64_t a[8];

      /* The protocol's sentinel is usize::MAX, the codec's the 32-bit
       * one: read the words as the memory answer they are. */
      memcpy(a, w, sizeof a);
      xous__reply_set_type(a, XOUS_REPLY_MEMORY);
      n = xous__answer_of_reply(a).len;
    }
    break;
  default:
    break;
  }
  *len = n;
  return n > XOUS_HOSTED_PAYLOAD_MAX ? -1 : 0;
}

int
xous__hosted_envelope_payload(const uint64_t r[8], uint64_t *len)
{
  uint64_t n = 0;

  if (xous__result_is_envelope(r)) {
    struct xous__envelope e = xous__envelope_of(r);

    if (xous__is_memory(e.kind))
      n = e.msg.mem.len;
  }
  *len = n;
  return n > XOUS_HOSTED_PAYLOAD_MAX ? -1 : 0;
}

enum xous_hosted_verdict
xous__hosted_classify(const struct xous_hosted_frame *f, uint64_t *len)
{
  if (xous__hosted_request_payload(f->w, len) != 0)
    return XOUS_HOSTED_CLOSE;
  if (xous__call_number(f->w) == XOUS_SYSCALL_CREATE_THREAD && f->tid != 0 &&
      f->tid <= UINT32_MAX)
    return XOUS_HOSTED_NEW_THREAD;
  /* A made-up TID asks for a real one and nothing else. */
  if (f->tid == 0 || f->tid > UINT32_MAX || f->tid >= XOUS_HOSTED_FAKE_TID)
    return XOUS_HOSTED_CLOSE;
  return XOUS_HOSTED_CALL;
}

bool
xous__hosted_is_lend(const uint64_t w[8])
{
  xous_word_t nr = xous__call_number(w), kind = xous__send_args_of(w).kind;

  return (nr == XOUS_SYSCALL_SEND_MESSAGE ||
          nr == XOUS_SYSCALL_TRY_SEND_MESSAGE) &&
         (kind == XOUS_MSG_LEND_MUT || kind == XOUS_MSG_LEND);
}

/* Moves exactly len bytes between p and the stream fd, reading or sending
 * as often as it takes (a send never raises SIGPIPE). */
static int
whole(int fd, uint8_t *p, size_t len, bool out)
{
  while (len > 0) {
    ssize_t n = out ? send(fd, p, len, MSG_NOSIGNAL) : read(fd, p, len);

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return -1;
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

int
xous__hosted_read_all(int fd, void *buf, size_t len)
{
  return whole(fd, buf, len, false);
}

int
xous__hosted_write_all(int fd, const void *buf, size_t len)
{
  return whole(fd, (uint8_t *)buf, len, true); /* only read from */
}
