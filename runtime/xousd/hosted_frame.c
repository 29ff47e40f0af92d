/*
 * The payload rule of the hosted-mode protocol: which frames carry bytes
 * after their nine words, and how many.
 */
#include <xous.h>

#include "xousd/hosted_frame.h"

static uint64_t
load_le(const uint8_t *p)
{
  uint64_t v = 0;

  for (int i = 7; i >= 0; i--)
    v = (v << 8) | p[i];
  return v;
}

static void
store_le(uint8_t *p, uint64_t v)
{
  for (int i = 0; i < 8; i++, v >>= 8)
    p[i] = (uint8_t)v;
}

void
xous__hosted_decode(const uint8_t raw[XOUS_HOSTED_HEADER_BYTES],
                    struct xous_hosted_frame *f)
{
  f->tid = load_le(raw);
  for (int i = 0; i < 8; i++)
    f->w[i] = load_le(raw + 8 * (i + 1));
}

void
xous__hosted_encode(const struct xous_hosted_frame *f,
                    uint8_t raw[XOUS_HOSTED_HEADER_BYTES])
{
  store_le(raw, f->tid);
  for (int i = 0; i < 8; i++)
    store_le(raw + 8 * (i + 1), f->w[i]);
}

static bool
is_memory_kind(uint64_t kind)
{
  return kind == XOUS_MSG_LEND_MUT || kind == XOUS_MSG_LEND ||
         kind == XOUS_MSG_SEND;
}

int
xous__hosted_request_payload(const uint64_t w[8], uint64_t *len)
{
  uint64_t n = 0;

  switch (w[0]) {
  case XOUS_SYSCALL_SEND_MESSAGE:
  case XOUS_SYSCALL_TRY_SEND_MESSAGE:
    if (is_memory_kind(w[2]))
      n = w[5];
    break;
  case XOUS_SYSCALL_RETURN_MEMORY:
    n = w[3];
    break;
  case XOUS_SYSCALL_REPLY_AND_RECEIVE_NEXT:
    if (w[7] == XOUS_HOSTED_REPLY_MEMORY)
      n = w[4];
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

  /* Envelope kinds count from 0: MutableBorrow, Borrow, Move. */
  if (r[0] == XOUS_RESULT_MESSAGE_ENVELOPE && r[2] <= 2)
    n = r[5];
  *len = n;
  return n > XOUS_HOSTED_PAYLOAD_MAX ? -1 : 0;
}

enum xous_hosted_verdict
xous__hosted_classify(const struct xous_hosted_frame *f, uint64_t *len)
{
  if (xous__hosted_request_payload(f->w, len) != 0)
    return XOUS_HOSTED_CLOSE;
  if (f->w[0] == XOUS_SYSCALL_CREATE_THREAD && f->tid != 0 &&
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
  return (w[0] == XOUS_SYSCALL_SEND_MESSAGE ||
          w[0] == XOUS_SYSCALL_TRY_SEND_MESSAGE) &&
         (w[2] == XOUS_MSG_LEND_MUT || w[2] == XOUS_MSG_LEND);
}
