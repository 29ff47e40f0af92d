/*
 * The one internal contract between the target-neutral core (runtime/core)
 * and a backend (runtime/hosted or runtime/riscv). The core encodes every
 * syscall into eight words and calls xous_syscall(); a backend provides
 * xous_syscall() and the two hooks below, nothing more.
 */
#ifndef XOUS_CORE_INTERNAL_H
#define XOUS_CORE_INTERNAL_H

#include <xous.h>

/* Stack for a new thread. A backend whose threads bring their own stack
 * (the desktop) sets *stack to {NULL, size}; bare metal maps one. */
xous_error_t xous__thread_stack(size_t size, xous_range_t *stack);

/* True when [buf, buf+len) can be lent or sent as it is, without a bounce
 * copy: page aligned, a page multiple, and backed by memory the backend
 * can hand to another process. */
bool xous__lendable(const void *buf, size_t len);

/* Makes a call whose eight words the caller has at hand, as
 * xous_syscall() would, for the message helpers (Scalar, BlockingScalar).
 * The device build (XOUS_INLINE_ECALL, runtime/riscv/cross.mk) makes the
 * ecall inline, so that the words go from the caller's registers to the
 * kernel and back without a store; elsewhere the words are the array
 * xous_syscall() takes. Not for CreateThread or ClaimInterrupt, whose
 * words the device's xous_syscall() rewrites. */
#ifdef XOUS_INLINE_ECALL
#include "riscv/ecall.h"
#define xous__syscall_by_value xous__ecall
#else
static inline void
xous__syscall_by_value(xous_word_t r[8], xous_word_t w0, xous_word_t w1,
                       xous_word_t w2, xous_word_t w3, xous_word_t w4,
                       xous_word_t w5, xous_word_t w6, xous_word_t w7)
{
  const xous_word_t a[8] = { w0, w1, w2, w3, w4, w5, w6, w7 };

  /* A backend that writes no result must not leave a stale tag behind. */
  for (int i = 0; i < 8; i++)
    r[i] = 0;
  xous_syscall(a, r);
}
#endif

/* Making a call and decoding its result, shared by the wrappers
 * (decode.c). */
/* Makes the call a; XOUS_OK when its result carries tag, else its error
 * (xous__expect). r gets the result words unless it is NULL. */
xous_error_t xous__call(const xous_word_t a[8], xous_word_t tag,
                        xous_word_t r[8]);
/* Makes call nr of a server named by its SID (its four words in a1..a4):
 * CreateServerWithAddress, DestroyServer, Connect, TryConnect and the
 * receives. */
void xous__call_sid(xous_word_t nr, xous_sid_t sid, xous_word_t r[8]);
xous_error_t xous__result_error(const xous_word_t r[8]);
void xous__words_to_result(const xous_word_t r[8], xous_result_t *res);
xous_error_t xous__decode_envelope(const xous_word_t r[8],
                                   xous_envelope_t *env);
/* XOUS_OK when r carries the tag a call promises, else its error. */
xous_error_t xous__expect(const xous_word_t r[8], xous_word_t tag);
/* Encodes an error code into a result word (22 becomes 0xffffffff). */
xous_word_t xous__error_word(xous_error_t err);
/* Decodes an error word (unknown values become XOUS_UNKNOWN_ERROR).
 * Inline, so that a message helper that decodes an answer stays a leaf
 * function on the device, with nothing to save on its stack. */
static inline xous_error_t
xous__error_from_word(xous_word_t w)
{
  /* Every word the kernel does not know, 0xffffffff included, decodes as
   * UnknownError, as Error::from_usize does. 22 itself is UnknownError. */
  if (w >= XOUS_ERROR_COUNT)
    return XOUS_UNKNOWN_ERROR;
  return (xous_error_t)w;
}

#endif /* XOUS_CORE_INTERNAL_H */
