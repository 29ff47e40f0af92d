/*
 * The objects a server keeps for its clients' later lends (ring.h): a
 * client's object crosses the ring's socket once, and each range of it
 * that is lent stays mapped here between lends, out of reach (pages.c),
 * so that a lend costs a cell and the protection changes the device's
 * rules need, not a descriptor, an mmap and a munmap.
 *
 * Lifetimes: an object is kept until its client lets it go (a note),
 * gives its number to another object, or its ring goes; one that is lent
 * then is freed at its last return. Everything is under xous__srv_lock,
 * but the protection changes of a lent window, which only the lend's
 * holder touches: they are made outside it.
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
  w->show = false;
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
  w->show = false;
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
  /* A window of the same range, out of reach since its last return: it
   * is made reachable by the receiving thread once the lock is let go. */
  for (unsigned i = 0; w == NULL && i < KEPT_WINDOWS; i++) {
    struct window *c = &k->windows[i];

    if (c->addr != 0 && !c->lent && c->offset == offset && c->len == len &&
        c->prot == prot) {
      w = c;
      w->show = true;
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

int
xous__srv_window_hide(struct window *w)
{
  if (w->addr == 0)
    return -1; /* it could not be mapped anew: nothing to hide */
  return xous__pages_hide(&w->hidden, w->addr, w->len, w->prot);
}

void
xous__srv_window_unlend(struct window *w, bool hidden)
{
  struct kept *k = w->obj;

  /* Out of reach until the next lend; if it cannot be, it goes. */
  if (!hidden)
    window_unmap(w);
  w->lent = false;
  w->show = false;
  k->lent--;
  if (k->let_go && k->lent == 0)
    kept_free(k);
}

void
xous__srv_window_put(struct window *w)
{
  /* A window never shown is out of reach still. */
  xous__srv_window_unlend(w, w->show || xous__srv_window_hide(w) == 0);
}

/* Makes lent window w reachable, outside the lock; when its pages cannot
 * be given back, maps it anew (lock held for that). Whether it is. */
static bool
window_show(struct window *w)
{
  uint64_t offset = w->offset, len = w->len;
  int prot = w->prot;
  bool ok;

  if (!w->show)
    return true;
  w->show = false;
  if (xous__pages_show(&w->hidden, w->addr, len, prot) == 0)
    return true;
  xous__srv_take();
  window_unmap(w);
  ok = window_map(w->obj, w, offset, len, prot);
  xous__srv_give();
  return ok;
}

void
xous__srv_adopt_window(struct window *w, xous_word_t r[8])
{
  struct xous__envelope e = xous__envelope_of(r);

  if (!window_show(w) ||
      !xous__span_adopt_window(w->addr, w->len, w->obj->fd, w->offset, w->prot,
                               e.sender, w)) {
    struct xous__answer ret = { .sender = e.sender,
                                .tag = XOUS_RESULT_MEMORY_RETURNED,
                                .len = e.msg.mem.len };
    xous_word_t res[8];

    xous__direct_return_window(&ret, w, res);
    xous__set_error(r, XOUS_OUT_OF_MEMORY);
    return;
  }
  xous__envelope_set_addr(r, w->addr);
}
