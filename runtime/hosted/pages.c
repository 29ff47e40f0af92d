/*
 * Taking a range's pages out of reach and giving them back, as a lend
 * needs on both sides: the lender loses a mutably lent range until the
 * return, and a server keeps the windows of the objects lent to it
 * mapped, but out of reach, between lends.
 *
 * A range with few pages mapped (PTEs present) is protected with
 * mprotect, whose cost is a PTE rewritten per mapped page. One with many
 * has its page tables moved away instead: mremap with MREMAP_DONTUNMAP to
 * a stash leaves the range mapped but empty, so making it PROT_NONE is
 * cheap, and mremap back restores the pages with no fault; when both ends
 * are 2 MiB aligned the kernel moves whole page tables, which costs
 * nothing per page. The move back leaves the stash mapped but empty too,
 * ready for the next hide. The range is never left unmapped, so no other
 * thread's mmap can land in it, and neither is the stash once we have it.
 *
 * How many pages a range has mapped comes from the kernel (PAGEMAP_SCAN,
 * Linux 6.7): a server that touched one page of a 16 MiB lend pays two
 * small mprotects, not two moves. A range once moved keeps its pages
 * (they come back with it), so it moves again without being counted.
 * One counted light stays light until the mprotects that hide it are
 * slow (SLOW_HIDE_NS, SLOW_HIDES): an mprotect costs a PTE rewritten per
 * mapped page, so a range that gained many pages since its count (they
 * come from faults) shows it there, and is counted at its next hide.
 * Timing the calls reads the clock, which needs no system call; asking
 * the kernel for the process's page faults would cost a getrusage per
 * lend.
 * Where the kernel cannot say, a range moves from XOUS__MOVE_MIN.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hosted/internal.h"

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

#define PLACEHOLDER (MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE)

/* From more mapped pages than this, moving the page tables costs less
 * than an mprotect pair (both about 13 us for 64 pages on our VM). */
#define MOVE_PAGES 64

/* An mprotect of a light range slower than twice the fastest since its
 * count, and by more than this, may have rewritten more PTEs than the
 * count found: about 25 PTEs on our VM (about 80 ns each), where one
 * mapped page in 16 MiB takes about 1.5 us. Against the range's own
 * fastest, a machine (or a tracer) that slows every call does not count
 * each time; a late call (preempted, interrupted) only brings a count
 * forward. */
#define SLOW_HIDE_NS 2000
/* Slow hides in a row before a count: a range that gained pages is slow
 * at every hide, a call that was merely late seldom twice. */
#define SLOW_HIDES 2

/* PAGEMAP_SCAN (linux/fs.h from 6.7), for older headers. */
struct scan_region {
  uint64_t start, end, categories;
};

struct scan_arg {
  uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
  uint64_t category_inverted, category_mask, category_anyof_mask;
  uint64_t return_mask;
};

#define SCAN_IOCTL _IOWR('f', 16, struct scan_arg)
#define SCAN_PRESENT ((uint64_t)1 << 3) /* PAGE_IS_PRESENT */
/* Room for as many regions as pages: a walk that fills it found enough. */
#define SCAN_REGIONS MOVE_PAGES

/* /proc/self/pagemap: -2 before the first look, -1 when there is none. */
static _Atomic int pagemap = -2;

static int
pagemap_fd(void)
{
  int fd = atomic_load_explicit(&pagemap, memory_order_acquire);
  int expected = -2;

  if (fd != -2)
    return fd;
  fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    fd = -1;
  if (!atomic_compare_exchange_strong(&pagemap, &expected, fd)) {
    if (fd >= 0)
      close(fd); /* another thread opened it first */
    fd = expected;
  }
  return fd;
}

/* Whether [addr, addr+len) has more than MOVE_PAGES pages mapped. */
static bool
many_mapped(uintptr_t addr, size_t len)
{
  struct scan_region v[SCAN_REGIONS];
  struct scan_arg a = { .size = sizeof a,
                        .start = addr,
                        .end = addr + len,
                        .vec = (uintptr_t)v,
                        .vec_len = SCAN_REGIONS,
                        .max_pages = MOVE_PAGES + 1,
                        .category_mask = SCAN_PRESENT,
                        .return_mask = SCAN_PRESENT };
  int fd = pagemap_fd();
  long n;
  uint64_t pages = 0;

  n = fd >= 0 ? ioctl(fd, SCAN_IOCTL, &a) : -1;
  if (n < 0) {
    int expected = fd;

    /* No such ioctl here (before 6.7): from the size alone, as before. */
    if (fd >= 0 && (errno == ENOTTY || errno == EINVAL) &&
        atomic_compare_exchange_strong(&pagemap, &expected, -1))
      close(fd);
    return len >= XOUS__MOVE_MIN;
  }
  for (long i = 0; i < n && i < SCAN_REGIONS; i++)
    pages += (v[i].end - v[i].start) / XOUS_PAGE_SIZE;
  /* A walk that filled every region found MOVE_PAGES pages at least. */
  return pages > MOVE_PAGES || n >= SCAN_REGIONS;
}

/* Whether the range of h should move: heavy once, heavy for good; light
 * until a slow hide says it may have more pages mapped (pages_hide). */
static bool
should_move(struct xous__hidden *h, uintptr_t addr, size_t len)
{
  if (h->heavy || len <= (size_t)MOVE_PAGES * XOUS_PAGE_SIZE)
    return h->heavy;
  if (h->light)
    return false;
  h->heavy = many_mapped(addr, len);
  h->light = !h->heavy;
  h->fast_ns = 0; /* the hides from here say what light costs */
  h->slow = 0;
  return h->heavy;
}

void
xous__pages_after_fork(void)
{
  /* The descriptor names the parent's pages: the child looks anew. */
  int fd = atomic_exchange(&pagemap, -2);

  if (fd >= 0)
    close(fd);
}

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

int
xous__pages_hide(struct xous__hidden *h, uintptr_t addr, size_t len, int prot)
{
  uint64_t t0, took;
  int rc;

  h->moved = false;
  h->prot = prot;
  if (should_move(h, addr, len)) {
    if (h->stash == 0)
      h->stash = (uintptr_t)xous__reserve_aligned(len);
    /* What is at the stash is replaced; the range stays mapped. */
    if (h->stash != 0 &&
        mremap((void *)addr, len, len,
               MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP,
               (void *)h->stash) != MAP_FAILED)
      h->moved = true;
  }
  /* With its pages moved away the range has no PTEs: this is cheap. */
  if (!h->light)
    return mprotect((void *)addr, len, PROT_NONE);
  t0 = xous__now_ns();
  rc = mprotect((void *)addr, len, PROT_NONE);
  took = xous__now_ns() - t0;
  if (h->fast_ns == 0 || took < h->fast_ns)
    h->fast_ns = took;
  if (took <= 2 * h->fast_ns + SLOW_HIDE_NS)
    h->slow = 0;
  else if (++h->slow >= SLOW_HIDES)
    h->light = false; /* counted again at the next hide */
  return rc;
}

int
xous__pages_show(struct xous__hidden *h, uintptr_t addr, size_t len, int prot)
{
  if (!h->moved)
    return mprotect((void *)addr, len, prot);
  /* The pages, with the protection they had, replace the empty range;
   * the stash stays mapped, empty, for the next hide. */
  if (mremap((void *)h->stash, len, len,
             MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP,
             (void *)addr) == MAP_FAILED)
    return -1;
  h->moved = false;
  if (prot != h->prot && mprotect((void *)addr, len, prot) != 0)
    return -1;
  return 0;
}

void
xous__pages_forget(struct xous__hidden *h, size_t len)
{
  if (h->stash != 0)
    munmap((void *)h->stash, len);
  *h = (struct xous__hidden){ 0 };
}
