/*
 * The two hooks the core asks of a backend (core/internal.h), as the
 * device sees them.
 */
#include "riscv/internal.h"

/* The kernel neither allocates nor frees thread stacks: map one, as
 * xous-rs does, populated at once so that the first touch cannot fault. */
xous_error_t
xous__thread_stack(size_t size, xous_range_t *stack)
{
  size = (size + XOUS_PAGE_SIZE - 1) & ~(size_t)(XOUS_PAGE_SIZE - 1);
  return xous_map_memory(0, 0, size,
                         XOUS_MEM_R | XOUS_MEM_W | XOUS_MEM_RESERVE, stack);
}

/* The kernel lends whole pages of the caller's own memory. */
bool
xous__lendable(const void *buf, size_t len)
{
  uintptr_t addr = (uintptr_t)buf;

  return len != 0 && addr % XOUS_PAGE_SIZE == 0 && len % XOUS_PAGE_SIZE == 0;
}
