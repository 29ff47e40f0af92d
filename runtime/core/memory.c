/*
 * The memory syscalls: MapMemory, UnmapMemory, IncreaseHeap, DecreaseHeap,
 * UpdateMemoryFlags.
 */
#include "abi.h"
#include "internal.h"

static xous_error_t
range_result(const xous_word_t r[8], xous_range_t *out)
{
  xous_error_t err = xous__expect(r, XOUS_RESULT_MEMORY_RANGE);
  if (err == XOUS_OK && out != NULL) {
    struct xous__range m = xous__result_range(r);

    out->addr = (void *)m.addr;
    out->len = m.size;
  }
  return err;
}

xous_error_t
xous_map_memory(xous_word_t phys, xous_word_t virt, size_t size,
                unsigned flags, xous_range_t *out)
{
  const xous_word_t a[8] = { XOUS_SYSCALL_MAP_MEMORY, phys, virt, size,
                             flags };
  xous_word_t r[8] = { 0 };
  xous_syscall(a, r);
  return range_result(r, out);
}

xous_error_t
xous_unmap_memory(xous_range_t range)
{
  const xous_word_t a[8] = { XOUS_SYSCALL_UNMAP_MEMORY,
                             (xous_word_t)range.addr, range.len };

  return xous__call(a, XOUS_RESULT_OK, NULL);
}

xous_error_t
xous_increase_heap(size_t bytes, unsigned flags, xous_range_t *out)
{
  const xous_word_t a[8] = { XOUS_SYSCALL_INCREASE_HEAP, bytes, flags };
  xous_word_t r[8] = { 0 };
  xous_syscall(a, r);
  return range_result(r, out);
}

xous_error_t
xous_decrease_heap(size_t bytes, xous_range_t *out)
{
  const xous_word_t a[8] = { XOUS_SYSCALL_DECREASE_HEAP, bytes };
  xous_word_t r[8] = { 0 };
  xous_syscall(a, r);
  return range_result(r, out);
}

xous_error_t
xous_update_memory_flags(xous_range_t range, unsigned flags, xous_pid_t pid)
{
  const xous_word_t a[8] = { XOUS_SYSCALL_UPDATE_MEMORY_FLAGS,
                             (xous_word_t)range.addr, range.len, flags, pid };

  return xous__call(a, XOUS_RESULT_OK, NULL);
}
