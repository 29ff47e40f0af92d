/*
 * sbrk() for picolibc's malloc, over IncreaseHeap. The kernel grows the
 * heap (from 0x2000_0000) by whole pages and returns the new part; sbrk
 * hands it out byte by byte. Shrinking only moves the break: pages stay
 * mapped, as picolibc's own sbrk would leave them.
 */
#include <errno.h>
#include <stdint.h>

#include "riscv/internal.h"

void *sbrk(ptrdiff_t incr);

static uintptr_t heap_base;  /* where the kernel put the heap */
static uintptr_t heap_brk;   /* the break: first byte not handed out */
static uintptr_t heap_limit; /* end of the pages the kernel gave */

static int
grow(size_t need)
{
  size_t bytes = (need + XOUS_PAGE_SIZE - 1) & ~(size_t)(XOUS_PAGE_SIZE - 1);
  xous_range_t r;

  if (bytes < need ||
      xous_increase_heap(bytes, XOUS_MEM_R | XOUS_MEM_W, &r) != XOUS_OK)
    return -1;
  if (heap_limit == 0) {
    heap_base = heap_brk = (uintptr_t)r.addr;
  } else if ((uintptr_t)r.addr != heap_limit) {
    /* Not contiguous: malloc could not use it as one arena. */
    return -1;
  }
  heap_limit = (uintptr_t)r.addr + r.len;
  return 0;
}

void *
sbrk(ptrdiff_t incr)
{
  uintptr_t old;

  if (heap_limit == 0 && grow(incr > 0 ? (size_t)incr : 1) != 0)
    goto fail;
  old = heap_brk;
  if (incr > 0 && (size_t)incr > heap_limit - heap_brk &&
      grow((size_t)incr - (heap_limit - heap_brk)) != 0)
    goto fail;
  if (incr < 0 && (uintptr_t)-incr > heap_brk - heap_base)
    goto fail;
  heap_brk += (uintptr_t)incr;
  return (void *)old;
fail:
  errno = ENOMEM;
  return (void *)-1;
}
