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

/*
 * The loop of a server's main(), played by the input: its first byte cuts
 * the rest (in 256ths) into the messages the server receives and the
 * kernel's answers to its own calls, which fk_begin() starts giving and
 * fk_end() stops. A target reads its own bytes (a step, a clock) from
 * run.msgs between messages.
 */
struct fk_run {
  struct fz_reader msgs;
  struct fz_reader kernel;
};

void fk_begin(struct fk_run *run, const uint8_t *data, size_t size);
/* The next message (its memory in fk_pages()), or false once the messages
 * are spent. */
bool fk_next(struct fk_run *run, xous_envelope_t *env);
void fk_end(struct fk_run *run);
/* The FK_MAX_PAGES pages a memory message of fk_next() is lent in. */
uint8_t *fk_pages(void);

#endif /* XOUS_FUZZ_KERNEL_H */
