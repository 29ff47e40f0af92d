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

/* The result of a call that promises nothing but "not an error". */
static xous_error_t
not_an_error(const xous_word_t r[8])
{
  return xous__result_error(r);
}

xous_error_t
xous_return_to_parent(xous_pid_t pid, xous_word_t cpu)
{
  const xous_word_t a[8] = { XOUS_SYSCALL_RETURN_TO_PARENT, pid, cpu };
  xous_word_t r[8] = { 0 };

  xous_syscall(a, r);
  return not_an_error(r);
}

xous_error_t
xous_switch_to(xous_pid_t pid, xous_word_t context)
{
  const xous_word_t a[8] = { XOUS_SYSCALL_SWITCH_TO, pid, context };
  xous_word_t r[8] = { 0 };

  xous_syscall(a, r);
  return not_an_error(r);
}

xous_error_t
xous_ready_threads(xous_pid_t pid)
{
  const xous_word_t a[8] = { XOUS_SYSCALL_READY_THREADS, pid };
  xous_word_t r[8] = { 0 };

  xous_syscall(a, r);
  return not_an_error(r);
}

xous_error_t
xous_set_mem_region(xous_pid_t pid, unsigned type, xous_word_t addr,
                    size_t size)
{
  const xous_word_t a[8] = { XOUS_SYSCALL_SET_MEM_REGION, pid, type, addr,
                             (xous_word_t)size };
  xous_word_t r[8] = { 0 };

  xous_syscall(a, r);
  return xous__expect(r, XOUS_RESULT_OK);
}

xous_error_t
xous_create_process(const xous_process_init_t *init, xous_pid_t *pid,
                    xous_cid_t *cid)
{
  xous_word_t r[8] = { 0 };
  xous_error_t err;

  if (init == NULL)
    return XOUS_INVALID_ARGUMENT;
  {
    /* The kernel's ProcessInit, word 7 unused. */
    const xous_word_t a[8] = { XOUS_SYSCALL_CREATE_PROCESS,
                               init->stack_base,
                               init->stack_size,
                               init->text_addr,
                               init->text_size,
                               init->load_addr,
                               init->entry };

    xous_syscall(a, r);
  }
  err = xous__expect(r, XOUS_RESULT_NEW_PROCESS);
  if (err != XOUS_OK)
    return err;
  if (pid != NULL)
    *pid = (xous_pid_t)xous__result_word1(r);
  if (cid != NULL)
    *cid = (xous_cid_t)xous__result_word2(r);
  return XOUS_OK;
}

xous_error_t
xous_set_exception_handler(xous_word_t pc, xous_word_t sp)
{
  const xous_word_t a[8] = { XOUS_SYSCALL_SET_EXCEPTION_HANDLER, pc, sp };
  xous_word_t r[8] = { 0 };

  xous_syscall(a, r);
  return xous__expect(r, XOUS_RESULT_OK);
}

/* VirtToPhys and VirtToPhysPid answer Scalar1(physical address). */
static xous_error_t
physical(const xous_word_t a[8], xous_word_t *phys)
{
  xous_word_t r[8] = { 0 };
  xous_error_t err;

  xous_syscall(a, r);
  err = xous__expect(r, XOUS_RESULT_SCALAR1);
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
  return not_an_error(r);
}
