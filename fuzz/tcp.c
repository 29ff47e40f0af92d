/*
 * Fuzz target: the reading of the hosted-mode TCP stream (XOUS-WIRE.md
 * section 7) as xous-hosted does it, runtime/xousd/hosted_frame.c: the
 * input is what a client wrote on its connection. Each frame's nine words
 * are decoded and classified, the payload their words imply is skipped
 * (bounded before anything is taken), TIDs are given and checked as the
 * bridge gives and checks them, and every answer the bridge would write
 * is encoded and decoded back, with the payload rule of envelopes. The
 * stream ends where the bridge would close it, or where the input does.
 */
#include <stdlib.h>
#include <string.h>

#include <xous.h>

#include "xousd/hosted_frame.h"

#define MAX_TID 30

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_round_trip(const struct xous_hosted_frame *f)
{
  uint8_t raw[XOUS_HOSTED_HEADER_BYTES];
  struct xous_hosted_frame back;

  xous__hosted_encode(f, raw);
  xous__hosted_decode(raw, &back);
  if (memcmp(&back, f, sizeof back) != 0)
    abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  size_t pos = 0;
  unsigned next_tid = 2;

  while (size - pos >= XOUS_HOSTED_HEADER_BYTES) {
    struct xous_hosted_frame f, answer = { 0 };
    enum xous_hosted_verdict v;
    uint64_t len, env_len;

    xous__hosted_decode(data + pos, &f);
    pos += XOUS_HOSTED_HEADER_BYTES;
    check_round_trip(&f);
    v = xous__hosted_classify(&f, &len);
    if (v == XOUS_HOSTED_CLOSE)
      break;
    if (len > XOUS_HOSTED_PAYLOAD_MAX)
      abort(); /* classify lets no such frame through */
    if (len > size - pos)
      break; /* cut short: the connection ends */
    if (len > 0) {
      /* The bridge copies the payload out once; so do we. */
      uint8_t *payload = malloc((size_t)len);

      if (payload == NULL)
        abort();
      memcpy(payload, data + pos, (size_t)len);
      free(payload);
    }
    pos += (size_t)len;
    answer.tid = f.tid;
    if (v == XOUS_HOSTED_NEW_THREAD) {
      answer.w[0] = next_tid <= MAX_TID ? XOUS_RESULT_THREAD_ID
                                        : XOUS_RESULT_ERROR;
      answer.w[1] = next_tid <= MAX_TID ? next_tid++
                                        : XOUS_THREAD_NOT_AVAILABLE;
    } else if (f.tid < 1 || f.tid >= next_tid) {
      answer.w[0] = XOUS_RESULT_ERROR;
      answer.w[1] = XOUS_THREAD_NOT_AVAILABLE;
    } else {
      /* An answer with words from the frame itself: an envelope among
       * them must say its own payload, bounded like a request's. */
      memcpy(answer.w, f.w, sizeof answer.w);
      answer.w[0] = f.w[1] % 20;
    }
    check_round_trip(&answer);
    if (xous__hosted_envelope_payload(answer.w, &env_len) == 0 &&
        env_len > XOUS_HOSTED_PAYLOAD_MAX)
      abort();
    /* A lend's answer carries the lend back: as long as the request's. */
    if (xous__hosted_is_lend(f.w) && len != f.w[5])
      abort();
  }
  return 0;
}
