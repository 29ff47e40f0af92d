/*
 * Taking a range's pages out of reach and giving them back, as a lend
 * needs on both sides: the lender loses a mutably lent range until the
 * return, and a server keeps the windows of the objects lent to it
 * mapped, but out of reach, between lends.
 *
 * A small range is protected with mprotect (a few PTEs rewritten). A
 * large one has its page tables moved away instead: mremap with
 * MREMAP_DONTUNMAP to a stash leaves the range mapped but empty, so
 * making it PROT_NONE is cheap, and mremap back restores the pages with
 * no fault; when both ends are 2 MiB aligned the kernel moves whole page
 * tables, which costs nothing per page. The range is never left unmapped,
 * so no other thread's mmap can land in it; the stash is a PROT_NONE
 * placeholder of ours whenever it holds no pages.
 */
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hosted/internal.h"

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

#define PLACEHOLDER (MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE)

void *
xous__reserve_aligned(size_t len)
{
  size_t align = len >= XOUS__MOVE_MIN ? XOUS__MOVE_ALIGN : XOUS_PAGE_SIZE;
  uintptr_t raw, at;
  void *p = mmap(NULL, len + align - XOUS_PAGE_SIZE, PROT_NONE, PLACEHOLDER,
                 -1, 0);

  if (p == MAP_FAILED)
    return NULL;
  raw = (uintptr_t)p;
  at = (raw + align - 1) & ~(uintptr_t)(align - 1);
  /* Only the aligned part stays ours. */
  if (at > raw)
    munmap(p, at - raw);
  if (align > XOUS_PAGE_SIZE && at + len < raw + len + align - XOUS_PAGE_SIZE)
    munmap((void *)(at + len), raw + len + align - XOUS_PAGE_SIZE - at - len);
  return (void *)at;
}

/* Takes the placeholder back where the pages just left (a thread may have
 * mapped something there meanwhile: then the stash is given up). */
static void
own_stash(struct xous__hidden *h, size_t len)
{
  void *p = mmap((void *)h->stash, len, PROT_NONE,
                 PLACEHOLDER | MAP_FIXED_NOREPLACE, -1, 0);

  if (p == MAP_FAILED || (uintptr_t)p != h->stash) {
    if (p != MAP_FAILED)
      munmap(p, len);
    h->stash = 0;
  }
}

int
xous__pages_hide(struct xous__hidden *h, uintptr_t addr, size_t len, int prot)
{
  h->moved = false;
  h->prot = prot;
  if (len >= XOUS__MOVE_MIN) {
    if (h->stash == 0)
      h->stash = (uintptr_t)xous__reserve_aligned(len);
    /* The stash's placeholder is replaced; the range stays mapped. */
    if (h->stash != 0 &&
        mremap((void *)addr, len, len,
               MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP,
               (void *)h->stash) != MAP_FAILED)
      h->moved = true;
  }
  /* With its pages moved away the range has no PTEs: this is cheap. */
  return mprotect((void *)addr, len, PROT_NONE);
}

int
xous__pages_show(struct xous__hidden *h, uintptr_t addr, size_t len, int prot)
{
  if (!h->moved)
    return mprotect((void *)addr, len, prot);
  /* The pages, with the protection they had, replace the empty range. */
  if (mremap((void *)h->stash, len, len, MREMAP_MAYMOVE | MREMAP_FIXED,
             (void *)addr) == MAP_FAILED)
    return -1;
  h->moved = false;
  own_stash(h, len);
  if (prot != h->prot && mprotect((void *)addr, len, prot) != 0)
    return -1;
  return 0;
}

void
xous__pages_forget(struct xous__hidden *h, size_t len)
{
  if (h->stash != 0)
    munmap((void *)h->stash, len);
  h->stash = 0;
  h->moved = false;
}
