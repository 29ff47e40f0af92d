/*
 * The kernel calls that only system programs on the device make: the
 * scheduler's (ReturnToParent, SwitchTo, ReadyThreads), the loader's
 * (CreateProcess, SetMemRegion), physical addresses (VirtToPhys,
 * VirtToPhysPid), exception handlers and platform calls. Each wrapper
 * puts the words where ABI.md says and decodes the answer; the backend
 * decides. On the device the kernel answers; on the desktop, where there
 * is no scheduler, loader or physical memory to reach, every one of them
 * answers UnhandledSyscall (xous(3) says so per call).
 */
#include "core/abi.h"
#include "core/internal.h"

/* The scheduler's calls, ReturnToParent (pid, cpu), SwitchTo (pid,
 * context) and ReadyThreads (pid): they promise nothing but "not an
 * error". */
static xous_error_t
scheduler_call(xous_word_t nr, xous_pid_t pid, xous_word_t word)
{
  const xous_word_t a[8] = { nr, pid, word };
  xous_word_t r[8] = { 0 };

  xous_syscall(a, r);
  return xous__result_error(r);
}

xous_error_t
xous_return_to_parent(xous_pid_t pid, xous_word_t cpu)
{
  return scheduler_call(XOUS_SYSCALL_RETURN_TO_PARENT, pid, cpu);
}

xous_error_t
xous_switch_to(xous_pid_t pid, xous_word_t context)
{
  return scheduler_call(XOUS_SYSCALL_SWITCH_TO, pid, context);
}

xous_error_t
xous_ready_threads(xous_pid_t pid)
{
  return scheduler_call(XOUS_SYSCALL_READY_THREADS, pid, 0);
}

xous_error_t
xous_set_mem_region(xous_pid_t pid, unsigned type, xous_word_t addr,
                    size_t size)
{
  const xous_word_t a[8] = { XOUS_SYSCALL_SET_MEM_REGION, pid, type, addr,
                             (xous_word_t)size };

  return xous__call(a, XOUS_RESULT_OK, NULL);
}

xous_error_t
xous_create_process(const xous_process_init_t *init, xous_pid_t *pid,
                    xous_cid_t *cid)
{
  if (init == NULL)
    return XOUS_INVALID_ARGUMENT;

  /* The kernel's ProcessInit, word 7 unused. */
  const xous_word_t a[8] = { XOUS_SYSCALL_CREATE_PROCESS,
                             init->stack_base,
                             init->stack_size,
                             init->text_addr,
                             init->text_size,
                             init->load_addr,
                             init->entry };
  xous_word_t r[8];
  xous_error_t err = xous__call(a, XOUS_RESULT_NEW_PROCESS, r);

  /* NewProcess: the PID, then the CID the parent holds to it. */
  if (err == XOUS_OK && pid != NULL)
    *pid = (xous_pid_t)xous__result_word1(r);
  if (err == XOUS_OK && cid != NULL)
    *cid = (xous_cid_t)xous__result_word2(r);
  return err;
}

xous_error_t
xous_set_exception_handler(xous_word_t pc, xous_word_t sp)
{
  const xous_word_t a[8] = { XOUS_SYSCALL_SET_EXCEPTION_HANDLER, pc, sp };

  return xous__call(a, XOUS_RESULT_OK, NULL);
}

/* VirtToPhys and VirtToPhysPid answer Scalar1(physical address). */
static xous_error_t
physical(const xous_word_t a[8], xous_word_t *phys)
{
  xous_word_t r[8];
  xous_error_t err = xous__call(a, XOUS_RESULT_SCALAR1, r);

  if (err == XOUS_OK && phys != NULL)
    *phys = xous__result_word1(r);
  return err;
}

xous_error_t
xous_virt_to_phys(xous_word_t virt, xous_word_t *phys)
{
  const xous_word_t a[8] = { XOUS_SYSCALL_VIRT_TO_PHYS, virt };

  return physical(a, phys);
}

xous_error_t
xous_virt_to_phys_pid(xous_pid_t pid, xous_word_t virt, xous_word_t *phys)
{
  const xous_word_t a[8] = { XOUS_SYSCALL_VIRT_TO_PHYS_PID, pid, virt };

  return physical(a, phys);
}

xous_error_t
xous_platform_specific(const xous_word_t args[7], xous_result_t *res)
{
  xous_word_t a[8] = { XOUS_SYSCALL_PLATFORM_SPECIFIC };
  xous_word_t r[8] = { 0 };

  if (args == NULL)
    return XOUS_INVALID_ARGUMENT;
  for (int i = 0; i < 7; i++)
    a[1 + i] = args[i];
  xous_syscall(a, r);
  if (res != NULL)
    xous__words_to_result(r, res);
  return xous__result_error(r);
}
