/*
 * Threads, processes, events and interrupts: CreateThread, JoinThread,
 * GetThreadId, GetProcessId, Yield, WaitEvent, TerminateProcess, Shutdown,
 * ClaimInterrupt, FreeInterrupt, AdjustProcessLimit.
 */
#include "abi.h"
#include "internal.h"

/* What xous-rs maps for a thread when the caller does not say. */
#define DEFAULT_STACK_SIZE (128u * 1024u)

xous_error_t
xous_create_thread(void *(*entry)(void *), void *arg, size_t stack_size,
                   xous_tid_t *tid)
{
  if (entry == NULL)
    return XOUS_INVALID_ARGUMENT;

  /* The kernel never allocates or frees a thread stack; the backend
   * provides one (or {NULL, size} where threads bring their own). */
  xous_range_t stack;
  xous_error_t err = xous__thread_stack(stack_size != 0 ? stack_size
                                                        : DEFAULT_STACK_SIZE,
                                        &stack);
  if (err != XOUS_OK)
    return err;

  /* The new thread starts with a0 = arg and returns to the kernel's exit
   * address, whose a0 becomes the JoinThread value: entry's signature
   * needs no trampoline here. */
  const xous_word_t a[8] = { XOUS_SYSCALL_CREATE_THREAD, (xous_word_t)entry,
                             (xous_word_t)stack.addr, stack.len,
                             (xous_word_t)arg };
  xous_word_t r[8] = { 0 };
  xous_syscall(a, r);
  err = xous__expect(r, XOUS_RESULT_THREAD_ID);
  if (err != XOUS_OK) {
    /* No thread owns the stack: give back what the backend mapped. */
    if (stack.addr != NULL)
      (void)xous_unmap_memory(stack);
    return err;
  }
  if (tid != NULL)
    *tid = xous__result_word1(r);
  return XOUS_OK;
}

xous_error_t
xous_join_thread(xous_tid_t tid, void **ret)
{
  const xous_word_t a[8] = { XOUS_SYSCALL_JOIN_THREAD, tid };
  xous_word_t r[8];
  xous_error_t err = xous__call(a, XOUS_RESULT_SCALAR1, r);
  if (err == XOUS_OK && ret != NULL)
    *ret = (void *)xous__result_word1(r);
  return err;
}

/* GetThreadId and GetProcessId: the one word of the result tag. No
 * thread of a process has ID 0 (that is IRQ context) and no process has
 * PID 0, so 0 says the call failed. */
static xous_word_t
id_call(xous_word_t nr, xous_word_t tag)
{
  const xous_word_t a[8] = { nr };
  xous_word_t r[8];

  return xous__call(a, tag, r) == XOUS_OK ? xous__result_word1(r) : 0;
}

xous_tid_t
xous_get_thread_id(void)
{
  return id_call(XOUS_SYSCALL_GET_THREAD_ID, XOUS_RESULT_THREAD_ID);
}

xous_pid_t
xous_get_process_id(void)
{
  return (xous_pid_t)id_call(XOUS_SYSCALL_GET_PROCESS_ID,
                             XOUS_RESULT_PROCESS_ID);
}

/* Yield and WaitEvent write no result: the words come back holding the
 * call's own arguments, so only an Error tag means anything. */
static xous_error_t
no_result_call(xous_word_t nr)
{
  const xous_word_t a[8] = { nr };
  xous_word_t r[8] = { 0 };
  xous_syscall(a, r);
  return xous__result_error(r);
}

xous_error_t
xous_yield(void)
{
  return no_result_call(XOUS_SYSCALL_YIELD);
}

xous_error_t
xous_wait_event(void)
{
  return no_result_call(XOUS_SYSCALL_WAIT_EVENT);
}

_Noreturn void
xous_terminate_process(uint32_t code)
{
  const xous_word_t a[8] = { XOUS_SYSCALL_TERMINATE_PROCESS, code };
  xous_word_t r[8];
  /* The kernel never returns from TerminateProcess; if a backend does,
   * asking again is all that is left to do. */
  for (;;)
    xous_syscall(a, r);
}

xous_error_t
xous_shutdown(void)
{
  const xous_word_t a[8] = { XOUS_SYSCALL_SHUTDOWN };

  return xous__call(a, XOUS_RESULT_OK, NULL);
}

xous_error_t
xous_claim_interrupt(unsigned irq, void (*handler)(unsigned irq, void *arg),
                     void *arg)
{
  const xous_word_t a[8] = { XOUS_SYSCALL_CLAIM_INTERRUPT, irq,
                             (xous_word_t)handler, (xous_word_t)arg };

  return xous__call(a, XOUS_RESULT_OK, NULL);
}

xous_error_t
xous_free_interrupt(unsigned irq)
{
  const xous_word_t a[8] = { XOUS_SYSCALL_FREE_INTERRUPT, irq };

  return xous__call(a, XOUS_RESULT_OK, NULL);
}

xous_error_t
xous_adjust_process_limit(unsigned index, xous_word_t current,
                          xous_word_t proposed, xous_word_t *limit)
{
  const xous_word_t a[8] = { XOUS_SYSCALL_ADJUST_PROCESS_LIMIT, index, current,
                             proposed };
  xous_word_t r[8];
  /* Scalar2(index, value in force): the limit is applied only when
   * current matched, so the caller learns the value either way. */
  xous_error_t err = xous__call(a, XOUS_RESULT_SCALAR2, r);
  if (err == XOUS_OK && limit != NULL)
    *limit = xous__result_word2(r);
  return err;
}
