/*
 * The objects a server keeps for its clients' later lends (ring.h): a
 * client's object crosses the ring's socket once, and each range of it
 * that is lent stays mapped here between lends, out of reach (pages.c),
 * so that a lend costs a cell and the protection changes the device's
 * rules need, not a descriptor, an mmap and a munmap.
 *
 * Lifetimes: an object is kept until its client lets it go (a note),
 * gives its number to another object, or its ring goes; one that is lent
 * then is freed at its last return. Everything is under xous__srv_lock.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hosted/server.h"

static void
window_unmap(struct window *w)
{
  if (w->addr != 0) {
    xous__pages_forget(&w->hidden, w->len); /* the pages, if moved there */
    munmap((void *)w->addr, w->len);
  }
  w->addr = 0;
  w->hidden = (struct xous__hidden){ 0 };
}

static void
kept_free(struct kept *k)
{
  for (unsigned i = 0; i < KEPT_WINDOWS; i++)
    window_unmap(&k->windows[i]);
  close(k->fd);
  free(k);
}

void
xous__srv_let_go(struct ring *r, unsigned n)
{
  struct kept *k = n >= 1 && n <= XOUS_KEPT_OBJECTS ? r->kept[n] : NULL;

  if (k == NULL)
    return;
  r->kept[n] = NULL;
  k->let_go = true;
  if (k->lent == 0)
    kept_free(k);
}

void
xous__srv_keep(struct ring *r, unsigned n, int fd, uint32_t key)
{
  struct kept *k;
  struct stat st;

  xous__srv_let_go(r, n);
  /* SAFETY: the descriptor is the client's: kept only when it is a
   * sealed memory object (xous__check_object), whose size can only grow,
   * so that every later lend is checked against the size it has now. */
  if (fstat(fd, &st) != 0 || st.st_size < XOUS_PAGE_SIZE ||
      xous__check_object(fd, 0, XOUS_PAGE_SIZE) != XOUS_OK ||
      (k = calloc(1, sizeof *k)) == NULL) {
    close(fd); /* the cells that name it are refused */
    return;
  }
  k->fd = fd;
  k->size = (uint64_t)st.st_size;
  k->key = key;
  r->kept[n] = k;
}

/* Maps a new window of k: aligned when large, so that its page tables
 * can move (pages.c). */
static bool
window_map(struct kept *k, struct window *w, uint64_t offset, uint64_t len,
           int prot)
{
  void *at = xous__reserve_aligned(len);

  if (at == NULL)
    return false;
  if (mmap(at, len, prot, MAP_SHARED | MAP_FIXED, k->fd, (off_t)offset) ==
      MAP_FAILED) {
    munmap(at, len);
    return false;
  }
  w->obj = k;
  w->addr = (uintptr_t)at;
  w->offset = offset;
  w->len = len;
  w->prot = prot;
  w->hidden = (struct xous__hidden){ 0 };
  return true;
}

struct window *
xous__srv_window_lend(struct ring *r, unsigned n, uint64_t offset,
                      uint64_t len, int prot, int *fd, xous_error_t *err)
{
  struct kept *k = n >= 1 && n <= XOUS_KEPT_OBJECTS ? r->kept[n] : NULL;
  struct window *w = NULL;

  *fd = -1;
  *err = XOUS_OK;
  /* SAFETY: offset and len are the client's words: the range must lie in
   * the object as it was when kept (it cannot shrink). */
  if (k == NULL || len == 0 || (len % XOUS_PAGE_SIZE) != 0 ||
      (offset % XOUS_PAGE_SIZE) != 0 || offset > k->size ||
      len > k->size - offset) {
    *err = XOUS_BAD_ADDRESS;
    return NULL;
  }
  for (unsigned i = 0; i < KEPT_WINDOWS; i++) {
    struct window *c = &k->windows[i];

    if (c->addr != 0 && !c->lent && c->offset == offset && c->len == len &&
        c->prot == prot) {
      if (xous__pages_show(&c->hidden, c->addr, len, prot) == 0) {
        w = c;
        break;
      }
      window_unmap(c); /* cannot be given back: map it anew */
    }
  }
  for (unsigned i = 0; w == NULL && i < KEPT_WINDOWS; i++)
    if (k->windows[i].addr == 0)
      w = &k->windows[i];
  for (unsigned i = 0; w == NULL && i < KEPT_WINDOWS; i++)
    if (!k->windows[i].lent) {
      w = &k->windows[i];
      window_unmap(w); /* the range lent before: another now */
    }
  if (w != NULL && w->addr == 0 && !window_map(k, w, offset, len, prot)) {
    *err = XOUS_OUT_OF_MEMORY;
    return NULL;
  }
  if (w == NULL) {
    /* Every window is lent: this lend maps the object as a single
     * message's. */
    *fd = dup(k->fd);
    if (*fd < 0)
      *err = XOUS_OUT_OF_MEMORY;
    return NULL;
  }
  w->lent = true;
  k->lent++;
  return w;
}

void
xous__srv_window_put(struct window *w)
{
  struct kept *k = w->obj;

  /* Out of reach until the next lend; if it cannot be, it goes. */
  if (xous__pages_hide(&w->hidden, w->addr, w->len, w->prot) != 0)
    window_unmap(w);
  w->lent = false;
  k->lent--;
  if (k->let_go && k->lent == 0)
    kept_free(k);
}

void
xous__srv_window_return(void *window)
{
  xous__srv_take();
  xous__srv_window_put(window);
  xous__srv_give();
}

void
xous__srv_adopt_window(struct window *w, xous_word_t r[8])
{
  struct xous__envelope e = xous__envelope_of(r);

  if (!xous__span_adopt_window(w->addr, w->len, w->obj->fd, w->offset, w->prot,
                               e.sender, w)) {
    struct xous__answer ret = { .sender = e.sender,
                                .tag = XOUS_RESULT_MEMORY_RETURNED,
                                .len = e.msg.mem.len };
    xous_word_t res[8];

    xous__srv_window_return(w);
    xous__direct_return(&ret, res);
    xous__set_error(r, XOUS_OUT_OF_MEMORY);
    return;
  }
  xous__envelope_set_addr(r, w->addr);
}
