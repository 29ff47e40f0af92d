/*
 * A stand-in kernel for fuzzing a server's request handling in-process:
 * it builds the envelopes a server receives from the fuzz input, and
 * answers the server's own syscalls (replies, connects, unmaps) with
 * results also taken from the input, so that both what a client sends and
 * how the kernel answers are explored.
 */
#ifndef XOUS_FUZZ_KERNEL_H
#define XOUS_FUZZ_KERNEL_H

#include <xous.h>

#include "fuzz.h"

#define FK_MAX_PAGES 4

/* The reader the kernel's answers come from (NULL: always success). */
void fk_answers(struct fz_reader *r);
/* How many syscalls the server made since fk_answers(). */
size_t fk_calls(void);

/* Builds one received message from r: its kind, sender, opcode and
 * arguments, and for a memory message 1..FK_MAX_PAGES pages of pages
 * (which must hold FK_MAX_PAGES pages) filled from the input. */
void fk_envelope(struct fz_reader *r, xous_envelope_t *env, uint8_t *pages);

#endif /* XOUS_FUZZ_KERNEL_H */
