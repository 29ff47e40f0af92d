/*
 * The memory of a hosted Xous process: every range that MapMemory, the heap
 * or a received message gave it lives in a memory object (memfd, or a POSIX
 * shared-memory object where there is none), so that any page of it can be
 * lent or sent to another process as a remap, never a copy.
 *
 * The table below records, for each mapped range, its object and offset.
 * It is this process's own bookkeeping; no peer can write it.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hosted/internal.h"

#define PAGE ((uintptr_t)XOUS_PAGE_SIZE)
#define HEAP_RESERVE ((size_t)64 << 20)      /* address space kept for it */
#define HEAP_DEFAULT_MAX ((size_t)512 << 10) /* as the device: 512 KiB */

struct entry {
  uintptr_t addr;
  size_t len;
  int fd;
  uint64_t fd_offset;
  int prot;
  int kind;
  xous_sender_t sender; /* BORROWED: the message it came with */
  int heap;             /* the heap: resized, never unmapped */
  int counted;          /* from MapMemory: counts in XOUS_LIMIT_MAPPED */
  int lent;             /* lends of a part of it that wait for return */
  uint32_t object;      /* our name for the object; 0: lent to us */
  void *window;         /* BORROWED: the kept window that maps it (fd and
                         * mapping are the window's), or NULL */
  /* Where the pages of its last mutable lend, of [hidden_addr,
   * hidden_addr+hidden_len), went: kept for the next one. */
  struct xous__hidden hidden;
  uintptr_t hidden_addr;
  size_t hidden_len;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct entry *table;
static size_t used, cap;

static uintptr_t heap_base; /* start of the reservation, 0 until used */
static size_t heap_size;    /* bytes usable now */
static size_t heap_max = HEAP_DEFAULT_MAX;
static int heap_fd = -1;
static size_t mapped;        /* bytes from MapMemory held now */
static uint32_t last_object; /* the last name given to an object */
static size_t mapped_max = XOUS_MAPPED_DEFAULT; /* XOUS_LIMIT_MAPPED */

/* Gives back size bytes of the MapMemory allowance. */
static void
unmapped(size_t size)
{
  pthread_mutex_lock(&lock);
  mapped = mapped >= size ? mapped - size : 0;
  pthread_mutex_unlock(&lock);
}

static int
new_object(size_t size)
{
  int fd;

  /* Sealed against shrinking below: the broker accepts no object that a
   * peer could shrink under the receiver's feet. */
  fd = memfd_create("xous", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0)
    return -1;
  if (ftruncate(fd, (off_t)size) != 0) {
    int e = errno;

    close(fd);
    errno = e;
    return -1;
  }
  if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_SEAL) != 0) {
    int e = errno;

    close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

static int
prot_of(unsigned flags)
{
  int prot = 0;

  if (flags & XOUS_MEM_R)
    prot |= PROT_READ;
  if (flags & XOUS_MEM_W)
    prot |= PROT_READ | PROT_WRITE;
  if (flags & XOUS_MEM_X)
    prot |= PROT_READ | PROT_EXEC;
  /* FREE (no R, W or X) maps a usable range, as xous-rs callers expect. */
  return prot != 0 ? prot : PROT_READ | PROT_WRITE;
}

/* Caller holds lock. */
static struct entry *
add_entry(void)
{
  if (used == cap) {
    size_t ncap = cap != 0 ? cap * 2 : 64;
    struct entry *t = realloc(table, ncap * sizeof *t);

    if (t == NULL)
      return NULL;
    table = t;
    cap = ncap;
  }
  memset(&table[used], 0, sizeof table[used]);
  return &table[used++];
}

/* Caller holds lock: a name for a new object (never 0). */
static uint32_t
name_object(void)
{
  if (++last_object == 0)
    last_object = 1;
  return last_object;
}

/* Caller holds lock: records [addr, addr+len), mapped from fd at offset
 * (the entry owns fd), naming the object when it is ours to lend on; NULL
 * when out of memory. */
static struct entry *
add_mapping(uintptr_t addr, size_t len, int fd, uint64_t offset, int prot,
            int kind)
{
  struct entry *e = add_entry();

  if (e == NULL)
    return NULL;
  e->addr = addr;
  e->len = len;
  e->fd = fd;
  e->fd_offset = offset;
  e->prot = prot;
  e->kind = kind;
  if (kind == XOUS__MAP_OWNED)
    e->object = name_object();
  return e;
}

/* Caller holds lock: whether any range of object is still mapped. */
static bool
object_mapped(uint32_t object)
{
  for (size_t i = 0; i < used; i++)
    if (table[i].object == object)
      return true;
  return false;
}

/* Caller holds lock: the entry holding all of [addr, addr+len), or NULL. */
static struct entry *
find(uintptr_t addr, size_t len)
{
  size_t i;

  for (i = 0; i < used; i++)
    if (addr >= table[i].addr && len <= table[i].len &&
        addr - table[i].addr <= table[i].len - len)
      return &table[i];
  return NULL;
}

/* Caller holds lock: frees the stash e keeps for its next lend. */
static void
drop_hidden(struct entry *e)
{
  xous__pages_forget(&e->hidden, e->hidden_len);
  e->hidden_addr = 0;
  e->hidden_len = 0;
}

/* Caller holds lock: forgets [addr, addr+len) of e, unmapping it, and
 * keeps what is left on either side. */
static xous_error_t
cut(struct entry *e, uintptr_t addr, size_t len)
{
  uintptr_t end = addr + len, e_end = e->addr + e->len;

  /* The stash may map the object: it goes with any part of the range. */
  drop_hidden(e);
  if (addr > e->addr && end < e_end) {
    /* A hole in the middle: the tail becomes an entry of its own, with
     * its own fd so that each entry closes exactly one. */
    struct entry tail = *e;
    struct entry *t;
    ptrdiff_t idx = e - table;

    tail.fd = dup(e->fd);
    if (tail.fd < 0)
      return XOUS_OUT_OF_MEMORY;
    tail.fd_offset = e->fd_offset + (end - e->addr);
    tail.addr = end;
    tail.len = e_end - end;
    t = add_entry();
    if (t == NULL) {
      close(tail.fd);
      return XOUS_OUT_OF_MEMORY;
    }
    *t = tail;
    e = &table[idx];
    e->len = addr - e->addr;
  } else if (addr == e->addr && end == e_end) {
    close(e->fd);
    *e = table[--used];
  } else if (addr == e->addr) {
    e->fd_offset += len;
    e->addr = end;
    e->len -= len;
  } else {
    e->len = addr - e->addr;
  }
  munmap((void *)addr, len);
  return XOUS_OK;
}

static int
check_range(uintptr_t addr, size_t len, xous_word_t r[8])
{
  if (addr == 0 || len == 0) {
    /* MemoryRange::new refuses either: the call does not decode. */
    xous__set_error(r, XOUS_UNHANDLED_SYSCALL);
    return -1;
  }
  if ((addr & (PAGE - 1)) != 0 || (len & (PAGE - 1)) != 0) {
    xous__set_error(r, XOUS_BAD_ALIGNMENT);
    return -1;
  }
  if (addr + len < addr) {
    xous__set_error(r, XOUS_BAD_ADDRESS);
    return -1;
  }
  return 0;
}

/* Whether a fixed range reaches into [0xff00_0000, 4 GiB): the device's
 * kernel area, where MapMemory answers BadAddress. The desktop's own
 * addresses lie above 4 GiB and stay usable. */
static bool
in_kernel_area(uintptr_t virt, size_t size)
{
  const uint64_t start = UINT64_C(0xff000000), end = UINT64_C(1) << 32;

  return virt != 0 && (uint64_t)virt < end && (uint64_t)virt + size > start;
}

void
xous__map_memory(const xous_word_t a[8], xous_word_t r[8])
{
  struct xous__map_args m = xous__map_args_of(a);
  uintptr_t virt = m.virt;
  size_t size = m.size;
  unsigned flags = (unsigned)m.flags;
  int mflags = MAP_SHARED;
  bool reserved = false;
  struct entry *e;
  void *p;
  int fd, prot;

  if (size == 0 || flags > XOUS_MEM_ALL) {
    /* A size of 0 or flags MemoryFlags::from_bits refuses: the call does
     * not decode. */
    xous__set_error(r, XOUS_UNHANDLED_SYSCALL);
    return;
  }
  if ((size & (PAGE - 1)) != 0 || (virt & (PAGE - 1)) != 0) {
    xous__set_error(r, XOUS_BAD_ALIGNMENT);
    return;
  }
  if (in_kernel_area(virt, size)) {
    xous__set_error(r, XOUS_BAD_ADDRESS);
    return;
  }
  if (m.phys != 0) {
    /* No physical memory to name on the desktop: device drivers run on
     * the device only. */
    xous__set_error(r, XOUS_BAD_ADDRESS);
    return;
  }
  pthread_mutex_lock(&lock);
  if (size > mapped_max || mapped > mapped_max - size) {
    pthread_mutex_unlock(&lock);
    xous__set_error(r, XOUS_OUT_OF_MEMORY); /* XOUS_LIMIT_MAPPED */
    return;
  }
  mapped += size; /* held now, so that two threads cannot both pass */
  pthread_mutex_unlock(&lock);
  prot = prot_of(flags);
  if (flags & XOUS_MEM_RESERVE)
    mflags |= MAP_POPULATE;
  if (virt != 0)
    mflags |= MAP_FIXED_NOREPLACE;
  fd = new_object(size);
  if (fd < 0) {
    xous__set_error(r, xous__errno_to_xous(errno));
    unmapped(size);
    return;
  }
  if (virt == 0 && size >= XOUS__MOVE_MIN) {
    /* Aligned, so that a lend of it moves whole page tables (pages.c). */
    void *at = xous__reserve_aligned(size);

    if (at != NULL) {
      virt = (uintptr_t)at;
      mflags |= MAP_FIXED;
      reserved = true;
    }
  }
  p = mmap((void *)virt, size, prot, mflags, fd, 0);
  if (p == MAP_FAILED || (virt != 0 && (uintptr_t)p != virt)) {
    xous_error_t err = p == MAP_FAILED ? xous__errno_to_xous(errno)
                                       : XOUS_BAD_ADDRESS;

    if (p != MAP_FAILED || reserved)
      munmap(p != MAP_FAILED ? p : (void *)virt, size);
    close(fd);
    xous__set_error(r, err);
    unmapped(size);
    return;
  }
  pthread_mutex_lock(&lock);
  e = add_mapping((uintptr_t)p, size, fd, 0, prot, XOUS__MAP_OWNED);
  if (e == NULL) {
    mapped -= size;
    pthread_mutex_unlock(&lock);
    munmap(p, size);
    close(fd);
    xous__set_error(r, XOUS_OUT_OF_MEMORY);
    return;
  }
  e->counted = 1;
  pthread_mutex_unlock(&lock);
  xous__result_set_range(r, (xous_word_t)p, size);
}

void
xous__unmap_memory(const xous_word_t a[8], xous_word_t r[8])
{
  struct xous__range_args u = xous__range_args_of(a);
  uintptr_t addr = u.addr;
  size_t len = u.len;
  struct entry *e;
  xous_error_t err;
  uint32_t gone = 0;

  if (check_range(addr, len, r) != 0)
    return;
  pthread_mutex_lock(&lock);
  e = find(addr, len);
  if (e == NULL || e->heap)
    err = XOUS_BAD_ADDRESS;
  else if (e->kind == XOUS__MAP_BORROWED)
    err = XOUS_SHARE_VIOLATION; /* lent to us: give it back instead */
  else if (e->lent > 0)
    err = XOUS_SHARE_VIOLATION; /* lent out: the device refuses too */
  else {
    int counted = e->counted;
    uint32_t object = e->object;

    err = cut(e, addr, len);
    if (err == XOUS_OK && counted)
      mapped = mapped >= len ? mapped - len : 0;
    if (err == XOUS_OK && object != 0 && !object_mapped(object))
      gone = object;
  }
  pthread_mutex_unlock(&lock);
  if (gone != 0)
    xous__direct_forget(gone); /* servers may keep it for later lends */
  if (err != XOUS_OK)
    xous__set_error(r, err);
  else
    xous__set_ok(r, XOUS_RESULT_OK);
}

/* Caller holds lock. Makes the first heap_size bytes usable. */
static xous_error_t
heap_resize(size_t size)
{
  struct entry *e = NULL;
  size_t i;

  if (heap_base == 0) {
    void *p;

    heap_fd = new_object(HEAP_RESERVE);
    if (heap_fd < 0)
      return XOUS_OUT_OF_MEMORY;
    p = mmap(NULL, HEAP_RESERVE, PROT_NONE, MAP_SHARED, heap_fd, 0);
    if (p == MAP_FAILED) {
      close(heap_fd);
      heap_fd = -1;
      return XOUS_OUT_OF_MEMORY;
    }
    heap_base = (uintptr_t)p;
  }
  if (size > heap_size &&
      mprotect((void *)(heap_base + heap_size), size - heap_size,
               PROT_READ | PROT_WRITE) != 0)
    return XOUS_OUT_OF_MEMORY;
  if (size < heap_size) {
    /* Give the pages back, and make the address fault as on the device. */
    mprotect((void *)(heap_base + size), heap_size - size, PROT_NONE);
    fallocate(heap_fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)size,
              (off_t)(heap_size - size));
  }
  for (i = 0; i < used; i++)
    if (table[i].heap)
      e = &table[i];
  if (e != NULL && size < heap_size)
    drop_hidden(e); /* its stash may map what the heap just gave back */
  if (e == NULL && size != 0) {
    /* The table's entry owns a descriptor of its own. */
    int fd = dup(heap_fd);

    if (fd >= 0)
      e = add_mapping(heap_base, size, fd, 0, PROT_READ | PROT_WRITE,
                      XOUS__MAP_OWNED);
    if (e == NULL) {
      if (fd >= 0)
        close(fd);
      return XOUS_OUT_OF_MEMORY;
    }
    e->heap = 1;
  }
  if (e != NULL)
    e->len = size;
  heap_size = size;
  return XOUS_OK;
}

void
xous__increase_heap(const xous_word_t a[8], xous_word_t r[8])
{
  size_t bytes = xous__heap_args_of(a).bytes;
  size_t old;
  xous_error_t err = XOUS_OK;

  if (xous__heap_args_of(a).flags > XOUS_MEM_ALL) {
    /* MemoryFlags::from_bits refuses them: the call does not decode. */
    xous__set_error(r, XOUS_UNHANDLED_SYSCALL);
    return;
  }
  if ((bytes & (PAGE - 1)) != 0) {
    xous__set_error(r, XOUS_BAD_ALIGNMENT);
    return;
  }
  pthread_mutex_lock(&lock);
  old = heap_size;
  if (bytes == 0) {
    if (heap_base == 0)
      err = heap_resize(0);
    pthread_mutex_unlock(&lock);
    if (err != XOUS_OK) {
      xous__set_error(r, err);
      return;
    }
    xous__result_set_range(r, heap_base, old != 0 ? old : PAGE);
    return;
  }
  if (bytes > heap_max || heap_size > heap_max - bytes)
    err = XOUS_OUT_OF_MEMORY;
  else
    err = heap_resize(heap_size + bytes);
  pthread_mutex_unlock(&lock);
  if (err != XOUS_OK) {
    xous__set_error(r, err);
    return;
  }
  xous__result_set_range(r, heap_base + old, bytes);
}

void
xous__decrease_heap(const xous_word_t a[8], xous_word_t r[8])
{
  size_t bytes = xous__heap_args_of(a).bytes;
  xous_error_t err;

  if ((bytes & (PAGE - 1)) != 0) {
    xous__set_error(r, XOUS_BAD_ALIGNMENT);
    return;
  }
  pthread_mutex_lock(&lock);
  if (bytes > heap_size)
    err = XOUS_OUT_OF_MEMORY; /* past the heap, as the kernel refuses it */
  else if (bytes == heap_size)
    err = XOUS_BAD_ADDRESS; /* the kernel panics here; we refuse */
  else
    err = heap_resize(heap_size - bytes);
  pthread_mutex_unlock(&lock);
  if (err != XOUS_OK) {
    xous__set_error(r, err);
    return;
  }
  xous__result_set_range(r, heap_base, heap_size);
}

void
xous__update_memory_flags(const xous_word_t a[8], xous_word_t r[8])
{
  struct xous__range_args u = xous__range_args_of(a);
  uintptr_t addr = u.addr;
  size_t len = u.len;
  unsigned flags = (unsigned)u.flags;
  struct entry *e;
  int prot;

  if (flags > XOUS_MEM_ALL) {
    xous__set_error(r, XOUS_UNHANDLED_SYSCALL); /* it does not decode */
    return;
  }
  if (u.pid != 0) {
    /* The kernel changes no flags for a named process, its own included. */
    xous__set_error(r, XOUS_PROCESS_NOT_CHILD);
    return;
  }
  if (check_range(addr, len, r) != 0)
    return;
  prot = prot_of(flags);
  pthread_mutex_lock(&lock);
  e = find(addr, len);
  if (e == NULL || e->kind == XOUS__MAP_BORROWED) {
    pthread_mutex_unlock(&lock);
    xous__set_error(r, XOUS_BAD_ADDRESS);
    return;
  }
  if (mprotect((void *)addr, len, prot) != 0) {
    pthread_mutex_unlock(&lock);
    xous__set_error(r, xous__errno_to_xous(errno));
    return;
  }
  if (addr == e->addr && len == e->len)
    e->prot = prot;
  drop_hidden(e); /* its stash maps the pages as they were */
  pthread_mutex_unlock(&lock);
  xous__set_ok(r, XOUS_RESULT_OK);
}

void
xous__adjust_limit(const xous_word_t a[8], xous_word_t r[8])
{
  struct xous__limit_args l = xous__limit_args_of(a);
  xous_word_t index = l.index, expected = l.expected, proposed = l.proposed;
  xous_word_t value;

  pthread_mutex_lock(&lock);
  if (index == 1) {
    /* Heap maximum: as large as the reservation, never below the heap. */
    if (expected == heap_max && (proposed & (PAGE - 1)) == 0 &&
        proposed <= HEAP_RESERVE && proposed >= heap_size)
      heap_max = proposed;
    value = heap_max;
  } else if (index == 2) {
    if (expected == heap_size && proposed < heap_max &&
        (proposed & (PAGE - 1)) == 0)
      (void)heap_resize(proposed);
    value = heap_size;
  } else if (index == XOUS_LIMIT_MAPPED) {
    /* Any page multiple that is not below what is mapped now. */
    if (expected == mapped_max && (proposed & (PAGE - 1)) == 0 &&
        proposed >= mapped)
      mapped_max = proposed;
    value = mapped_max;
  } else {
    pthread_mutex_unlock(&lock);
    xous__set_error(r, XOUS_INVALID_LIMIT);
    return;
  }
  pthread_mutex_unlock(&lock);
  xous__result_set2(r, XOUS_RESULT_SCALAR2, index, value);
}

/* What a lend of addr.. needs of the mapping e that holds it. Under lock. */
static void
describe_span(const struct entry *e, uintptr_t addr, struct xous__span *span)
{
  span->fd = e->fd;
  span->fd_offset = e->fd_offset + (addr - e->addr);
  span->prot = e->prot;
  span->kind = e->kind;
  span->object = e->kind == XOUS__MAP_OWNED ? e->object : 0;
}

xous_error_t
xous__span_find(uintptr_t addr, size_t len, struct xous__span *span)
{
  struct entry *e;

  if (len == 0 || (addr & (PAGE - 1)) != 0 || (len & (PAGE - 1)) != 0)
    return XOUS_BAD_ALIGNMENT;
  pthread_mutex_lock(&lock);
  e = find(addr, len);
  if (e == NULL) {
    pthread_mutex_unlock(&lock);
    return XOUS_BAD_ADDRESS;
  }
  describe_span(e, addr, span);
  pthread_mutex_unlock(&lock);
  return XOUS_OK;
}

bool
xous__lendable(const void *buf, size_t len)
{
  struct xous__span s;

  return xous__span_find((uintptr_t)buf, len, &s) == XOUS_OK &&
         s.kind == XOUS__MAP_OWNED;
}

xous_error_t
xous__thread_stack(size_t size, xous_range_t *stack)
{
  /* pthreads bring their own stacks. */
  stack->addr = NULL;
  stack->len = size;
  return XOUS_OK;
}

xous_error_t
xous__span_lend_begin(uintptr_t addr, size_t len, int kind,
                      struct xous__span *span, struct xous__hidden *h)
{
  struct entry *e;
  xous_error_t err = XOUS_OK;

  *h = (struct xous__hidden){ 0 };
  /* The kernel's lend refuses a range off the page grid as BadAlignment,
   * its move (send_memory) as BadAddress. */
  if (len == 0 || (addr & (PAGE - 1)) != 0 || (len & (PAGE - 1)) != 0)
    return kind == XOUS_MSG_SEND ? XOUS_BAD_ADDRESS : XOUS_BAD_ALIGNMENT;
  pthread_mutex_lock(&lock);
  e = find(addr, len);
  if (e == NULL)
    err = XOUS_BAD_ADDRESS;
  /* Memory lent to us may be lent on, within what we were allowed; it can
   * never be moved away. */
  else if (e->kind == XOUS__MAP_BORROWED &&
           (kind == XOUS_MSG_SEND ||
            (kind == XOUS_MSG_LEND_MUT && (e->prot & PROT_WRITE) == 0)))
    err = XOUS_SHARE_VIOLATION;
  if (err != XOUS_OK) {
    pthread_mutex_unlock(&lock);
    return err;
  }
  describe_span(e, addr, span);
  if (kind != XOUS_MSG_SEND)
    e->lent++;
  if (kind == XOUS_MSG_LEND_MUT && e->hidden_addr == addr &&
      e->hidden_len == len) {
    *h = e->hidden;
    e->hidden = (struct xous__hidden){ 0 };
    e->hidden_addr = 0;
    e->hidden_len = 0;
  }
  pthread_mutex_unlock(&lock);
  return XOUS_OK;
}

void
xous__span_lend_end(uintptr_t addr, size_t len, struct xous__hidden *h)
{
  struct entry *e;
  /* Nothing to keep, or the pages are still there. */
  bool keep = h->stash != 0 && !h->moved;

  pthread_mutex_lock(&lock);
  e = find(addr, len);
  if (e != NULL && e->lent > 0)
    e->lent--;
  if (keep && e != NULL) {
    drop_hidden(e); /* another range's, or another thread's */
    e->hidden = *h;
    e->hidden_addr = addr;
    e->hidden_len = len;
  } else if (keep) {
    xous__pages_forget(h, len); /* the range went meanwhile */
  }
  pthread_mutex_unlock(&lock);
  if (keep)
    *h = (struct xous__hidden){ 0 };
}

void
xous__span_release(uintptr_t addr, size_t len)
{
  struct entry *e;
  uint32_t object = 0;

  pthread_mutex_lock(&lock);
  e = find(addr, len);
  if (e != NULL)
    object = e->object;
  if (e != NULL && e->counted && cut(e, addr, len) == XOUS_OK)
    mapped = mapped >= len ? mapped - len : 0;
  else if (e != NULL)
    (void)cut(e, addr, len);
  if (object != 0 && object_mapped(object))
    object = 0;
  pthread_mutex_unlock(&lock);
  if (object != 0)
    xous__direct_forget(object);
}

uintptr_t
xous__span_adopt(int fd, uint64_t offset, size_t len, int prot, int kind,
                 xous_sender_t sender)
{
  struct entry *e;
  void *p;

  if (len == 0 || (len & (PAGE - 1)) != 0 || (offset & (PAGE - 1)) != 0) {
    close(fd);
    return 0;
  }
  p = mmap(NULL, len, prot, MAP_SHARED, fd, (off_t)offset);
  if (p == MAP_FAILED) {
    close(fd);
    return 0;
  }
  pthread_mutex_lock(&lock);
  /* Sent to us (XOUS__MAP_OWNED), the object is ours to lend on. */
  e = add_mapping((uintptr_t)p, len, fd, offset, prot, kind);
  if (e == NULL) {
    pthread_mutex_unlock(&lock);
    munmap(p, len);
    close(fd);
    return 0;
  }
  e->sender = sender;
  pthread_mutex_unlock(&lock);
  return (uintptr_t)p;
}

bool
xous__span_adopt_window(uintptr_t addr, size_t len, int fd, uint64_t offset,
                        int prot, xous_sender_t sender, void *window)
{
  struct entry *e;

  pthread_mutex_lock(&lock);
  e = add_mapping(addr, len, fd, offset, prot, XOUS__MAP_BORROWED);
  if (e != NULL) {
    e->sender = sender;
    e->window = window;
  }
  pthread_mutex_unlock(&lock);
  return e != NULL;
}

xous_error_t
xous__span_return(xous_sender_t sender, uintptr_t addr, size_t len,
                  void **window)
{
  xous_error_t err = XOUS_DOUBLE_FREE;
  size_t i;

  *window = NULL;
  pthread_mutex_lock(&lock);
  for (i = 0; i < used; i++) {
    struct entry *e = &table[i];

    if (e->kind != XOUS__MAP_BORROWED || e->sender != sender)
      continue;
    if (e->addr != addr || e->len != len) {
      err = XOUS_BAD_ADDRESS;
      break;
    }
    if (e->window != NULL) {
      /* The window stays mapped, out of reach, for the next lend. */
      drop_hidden(e); /* lent on: the stash must not outlive the lend */
      *window = e->window;
      *e = table[--used];
      err = XOUS_OK;
      break;
    }
    err = cut(e, addr, len);
    break;
  }
  pthread_mutex_unlock(&lock);
  return err;
}

/* Held across fork() (fork.c): see xous__threads_fork_lock(). */
void
xous__memory_fork_lock(void)
{
  pthread_mutex_lock(&lock);
}

void
xous__memory_fork_unlock(void)
{
  pthread_mutex_unlock(&lock);
}

void
xous__memory_after_fork(void)
{
  /* MAP_SHARED mappings stay shared with the parent after fork: a child
   * joins as a new process and must not lend the parent's objects. */
  size_t i;

  for (i = 0; i < used; i++) {
    drop_hidden(&table[i]);
    if (table[i].window == NULL)
      close(table[i].fd); /* a window's is the server state's */
  }
  used = 0;
  xous__pages_after_fork();
  mapped = 0;
}
