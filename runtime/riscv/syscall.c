/*
 * xous_syscall() on rv32 Xous: the whole bare-metal word-moving layer.
 *
 * a0 = syscall number and a1..a7 = the seven argument words go in; the
 * kernel answers a0 = result tag and a1..a7 = seven result words
 * (ABI.md section 1). The kernel restores every other register, so the
 * ecall clobbers exactly a0..a7, which are all operands here.
 */
#include <xous.h>

#include "riscv/internal.h"

/* The handlers behind xous__irq_trampoline, by IRQ number (crt0.S). */
void (*xous__irq_handlers[XOUS_IRQ_MAX])(unsigned irq, void *arg);

void
xous_syscall(const xous_word_t args[8], xous_word_t result[8])
{
  void (*old_handler)(unsigned, void *) = NULL;
  bool claim = false;

  register xous_word_t a0 __asm__("a0") = args[0];
  register xous_word_t a1 __asm__("a1") = args[1];
  register xous_word_t a2 __asm__("a2") = args[2];
  register xous_word_t a3 __asm__("a3") = args[3];
  register xous_word_t a4 __asm__("a4") = args[4];
  register xous_word_t a5 __asm__("a5") = args[5];
  register xous_word_t a6 __asm__("a6") = args[6];
  register xous_word_t a7 __asm__("a7") = args[7];

  /* New threads start with gp = tp = 0: they enter through the
   * trampoline, which sets both before the caller's entry runs. The real
   * entry rides in argument word a5 (arg2), which xous_create_thread()
   * leaves 0; a raw CreateThread that uses arg2 goes to the kernel as it
   * is, and its entry must set gp and tp itself. */
  if (a0 == XOUS_SYSCALL_CREATE_THREAD && a5 == 0) {
    a5 = a1;
    a1 = (xous_word_t)xous__thread_trampoline;
  }

  /* An interrupt handler starts with only a0, a1, sp and ra set: it
   * enters through a trampoline that sets gp and finds the handler by
   * IRQ number. Put back if the kernel refuses the claim. */
  if (a0 == XOUS_SYSCALL_CLAIM_INTERRUPT && a1 < XOUS_IRQ_MAX && a2 != 0) {
    claim = true;
    old_handler = xous__irq_handlers[a1];
    xous__irq_handlers[a1] = (void (*)(unsigned, void *))a2;
    a2 = (xous_word_t)xous__irq_trampoline;
  }

  /* "memory": a lend or a receive changes what the pages hold. */
  __asm__ volatile("ecall"
                   : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4),
                     "+r"(a5), "+r"(a6), "+r"(a7)
                   :
                   : "memory");

  if (claim && a0 != XOUS_RESULT_OK)
    xous__irq_handlers[args[1]] = old_handler;
  result[0] = a0;
  result[1] = a1;
  result[2] = a2;
  result[3] = a3;
  result[4] = a4;
  result[5] = a5;
  result[6] = a6;
  result[7] = a7;
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
