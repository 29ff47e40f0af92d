/*
 * xous_syscall() on rv32 Xous: the whole bare-metal word-moving layer,
 * the ecall of riscv/ecall.h with the two calls whose words the device
 * needs to rewrite (CreateThread's entry, ClaimInterrupt's handler).
 */
#include <xous.h>

#include "riscv/ecall.h"
#include "riscv/internal.h"

/* The handlers behind xous__irq_trampoline, by IRQ number (crt0.S). */
void (*xous__irq_handlers[XOUS_IRQ_MAX])(unsigned irq, void *arg);

void
xous_syscall(const xous_word_t args[8], xous_word_t result[8])
{
  void (*old_handler)(unsigned, void *) = NULL;
  bool claim = false;
  xous_word_t a1 = args[1], a2 = args[2], a5 = args[5], irq = args[1];

  /* New threads start with gp = tp = 0: they enter through the
   * trampoline, which sets both before the caller's entry runs. The real
   * entry rides in argument word a5 (arg2), which xous_create_thread()
   * leaves 0; a raw CreateThread that uses arg2 goes to the kernel as it
   * is, and its entry must set gp and tp itself. */
  if (args[0] == XOUS_SYSCALL_CREATE_THREAD && a5 == 0) {
    a5 = a1;
    a1 = (xous_word_t)xous__thread_trampoline;
  }

  /* An interrupt handler starts with only a0, a1, sp and ra set: it
   * enters through a trampoline that sets gp and finds the handler by
   * IRQ number. Put back if the kernel refuses the claim. */
  if (args[0] == XOUS_SYSCALL_CLAIM_INTERRUPT && a1 < XOUS_IRQ_MAX &&
      a2 != 0) {
    claim = true;
    old_handler = xous__irq_handlers[a1];
    xous__irq_handlers[a1] = (void (*)(unsigned, void *))a2;
    a2 = (xous_word_t)xous__irq_trampoline;
  }

  xous__ecall(result, args[0], a1, a2, args[3], args[4], a5, args[6], args[7]);
  if (claim && result[0] != XOUS_RESULT_OK)
    xous__irq_handlers[irq] = old_handler; /* args may be result */
}

/* The kernel does not say when a client died: a parked request is kept
 * until it is answered. */
bool
xous_sender_waiting(xous_sender_t sender)
{
  (void)sender;
  return true;
}

/* Nor does it tell processes that held a PID apart. */
xous_error_t
xous_process_stamp(xous_pid_t pid, uint64_t *stamp)
{
  (void)pid;
  (void)stamp;
  return XOUS_UNHANDLED_SYSCALL;
}
