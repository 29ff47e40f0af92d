/*
 * What the files of the rv32 backend share: the entry points written in
 * assembly (crt0.S) and the parameter-block tag xous-emu adds.
 */
#ifndef XOUS_RISCV_INTERNAL_H
#define XOUS_RISCV_INTERNAL_H

#include <xous.h>

#include "core/internal.h"

/* Where every thread made by xous_create_thread() starts (crt0.S): a0 is
 * the caller's argument, a1 the caller's entry; it sets gp and a TLS block
 * and runs entry(arg) with ra still at the kernel's thread-exit address. */
void xous__thread_trampoline(void);

/* Where every interrupt handler claimed with xous_claim_interrupt()
 * starts (crt0.S): it sets gp and a TLS block of the handler's own (tp is
 * 0 in interrupt context on the device), calls
 * xous__irq_handlers[a0](a0, a1), then returns to the kernel's
 * IRQ-return address. */
void xous__irq_trampoline(void);
#define XOUS_IRQ_MAX 32
extern void (*xous__irq_handlers[XOUS_IRQ_MAX])(unsigned irq, void *arg);

/* The C half of _start (start.c), entered with gp, tp and the TLS block
 * set up; params is the loader's parameter block (may be 0). */
_Noreturn void xous__start(const void *eh_frame, const void *params);

/* Sends what stdout holds to the console; called before the process ends. */
void xous__stdout_flush(void);

/* The four-byte tag of a parameter block entry, as the loader writes it
 * ("AppP" reads as the little-endian word 0x50707041). */
#define XOUS_TAG(a, b, c, d)                                                  \
  ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 |                 \
   (uint32_t)(d) << 24)

/* The argument list in the parameter block, as Rust std reads it: u16
 * count, then for each argument a u16 length and its bytes (no NUL, no
 * padding). The device's loader writes none (argc is 0); xous-emu does. */
#define XOUS_TAG_ARGS XOUS_TAG('A', 'r', 'g', 'L')

/* The .eh_frame address the loader passed to _start (0 when none): C
 * programs have no unwinder, but one could start from it. */
extern const void *xous__eh_frame;

#endif /* XOUS_RISCV_INTERNAL_H */
