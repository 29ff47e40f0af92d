/*
 * The ecall itself, inline: a0 = syscall number and a1..a7 = the seven
 * argument words go in; the kernel answers a0 = result tag and a1..a7 =
 * seven result words (ABI.md section 1). The kernel restores every other
 * register, so the ecall clobbers exactly a0..a7, which are all operands.
 *
 * Inline so that a caller whose words are at hand (the message helpers
 * of runtime/core, through xous__syscall_by_value) keeps them in
 * registers from its arguments to the ecall and back: no word is stored
 * on the way. Stores are what an emulated guest pays most for (xous-emu
 * under unicorn 2.0.1 takes a slow path for each), and on the device they
 * are stack traffic the call does not need.
 */
#ifndef XOUS_RISCV_ECALL_H
#define XOUS_RISCV_ECALL_H

#include <xous.h>

static inline void
xous__ecall(xous_word_t r[8], xous_word_t w0, xous_word_t w1, xous_word_t w2,
            xous_word_t w3, xous_word_t w4, xous_word_t w5, xous_word_t w6,
            xous_word_t w7)
{
  register xous_word_t a0 __asm__("a0") = w0;
  register xous_word_t a1 __asm__("a1") = w1;
  register xous_word_t a2 __asm__("a2") = w2;
  register xous_word_t a3 __asm__("a3") = w3;
  register xous_word_t a4 __asm__("a4") = w4;
  register xous_word_t a5 __asm__("a5") = w5;
  register xous_word_t a6 __asm__("a6") = w6;
  register xous_word_t a7 __asm__("a7") = w7;

  /* "memory": a lend or a receive changes what the pages hold. */
  __asm__ volatile("ecall"
                   : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4),
                     "+r"(a5), "+r"(a6), "+r"(a7)
                   :
                   : "memory");
  r[0] = a0;
  r[1] = a1;
  r[2] = a2;
  r[3] = a3;
  r[4] = a4;
  r[5] = a5;
  r[6] = a6;
  r[7] = a7;
}

#endif /* XOUS_RISCV_ECALL_H */
