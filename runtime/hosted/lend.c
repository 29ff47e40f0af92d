/*
 * Memory messages on the desktop: what may be lent or sent, and what
 * happens to the pages on both sides. Memory messages carry their memory
 * object along: the lender passes the object's fd with the words, and the
 * receiver maps the same pages, so nothing is copied.
 *
 *  1. A range lent to us may be lent on within what we were allowed; it
 *     can never be moved away with a Send.
 *  2. While mutably lent, the lender's pages are not accessible to it.
 *  3. Sent pages leave the sender; lent pages come back on ReturnMemory
 *     (or ReplyAndReceiveNext with a memory answer).
 *  4. A server keeps what it was lent mapped, out of reach, for the next
 *     lend of the same range (server_kept.c); the lender's pages leave it
 *     the same way (pages.c): ranges with many pages mapped move their
 *     page tables, and keep their stash for the next lend (memory.c).
 */
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hosted/internal.h"

/* A result that may carry a message: map what came with it. */
void
xous__adopt_envelope(xous_word_t r[8], int fd, uint64_t mem_offset)
{
  struct xous__envelope e = xous__envelope_of(r);
  int prot;
  uintptr_t addr;

  if (!xous__result_is_envelope(r) || !xous__is_memory(e.kind)) {
    if (fd >= 0)
      close(fd); /* nothing should have come: do not keep it */
    return;
  }
  if (fd < 0) {
    /* The broker always sends the object with a memory message. */
    xous__set_error(r, XOUS_INTERNAL_ERROR);
    return;
  }
  prot = e.kind == XOUS_MSG_LEND ? PROT_READ : PROT_READ | PROT_WRITE;
  addr = xous__span_adopt(fd, mem_offset, (size_t)e.msg.mem.len, prot,
                          e.kind == XOUS_MSG_SEND ? XOUS__MAP_OWNED
                                                  : XOUS__MAP_BORROWED,
                          e.sender);
  if (addr == 0) {
    /* The pages cannot be mapped here: give a lend straight back, so that
     * the lender is not left waiting for an answer nobody can give. */
    if (e.kind != XOUS_MSG_SEND) {
      struct xous__answer ret = { .sender = e.sender,
                                  .tag = XOUS_RESULT_MEMORY_RETURNED,
                                  .len = e.msg.mem.len };
      xous_word_t res[8];

      xous__direct_return(&ret, res);
    }
    xous__set_error(r, XOUS_OUT_OF_MEMORY);
    return;
  }
  xous__envelope_set_addr(r, addr);
}

/* SendMessage / TrySendMessage of a memory message. */
void
xous__send_memory(const xous_word_t a[8], xous_word_t r[8])
{
  struct xous__send_args m = xous__send_args_of(a);
  uintptr_t addr = m.msg.mem.addr;
  size_t len = m.msg.mem.len;
  struct xous__span span;
  struct xous__hidden hidden = { 0 };
  xous_error_t err;
  uint64_t off;
  int got_fd;

  if (addr == 0 || len == 0) {
    xous__set_error(r, XOUS_UNHANDLED_SYSCALL); /* does not decode */
    return;
  }
  /* One look-up finds the range, checks that it may go (memory lent to
   * us may be lent on, within what we were allowed, never moved away),
   * counts a lend and takes the stash of its last mutable lend. */
  err = xous__span_lend_begin(addr, len, m.kind, &span, &hidden);
  if (err != XOUS_OK) {
    xous__set_error(r, err);
    return;
  }
  /* While mutably lent, the lender cannot touch the pages, as on the
   * device: a use-after-lend bug faults here too. */
  if (m.kind == XOUS_MSG_LEND_MUT &&
      xous__pages_hide(&hidden, addr, len, span.prot) != 0) {
    err = xous__errno_to_xous(errno);
    xous__pages_forget(&hidden, len);
    xous__span_lend_end(addr, len, &hidden);
    xous__set_error(r, err);
    return;
  }
  off = span.fd_offset;
  if (!xous__direct_send_memory(&m, span.fd, off, span.object, r)) {
    xous__broker_call(a, span.fd, r, &off, &got_fd);
    if (got_fd >= 0)
      close(got_fd);
  }
  if (m.kind == XOUS_MSG_LEND_MUT)
    (void)xous__pages_show(&hidden, addr, len, span.prot);
  /* Uncounted, with the stash kept for the next lend. */
  if (m.kind != XOUS_MSG_SEND)
    xous__span_lend_end(addr, len, &hidden);
  if (m.kind == XOUS_MSG_SEND && !xous__result_is_error(r))
    xous__span_release(addr, len); /* the pages moved */
}

void
xous__return_memory(const xous_word_t a[8], xous_word_t r[8])
{
  struct xous__answer ans = xous__answer_of_return(a);
  void *window;
  xous_error_t err;

  if (ans.addr == 0 || ans.len == 0) {
    xous__set_error(r, XOUS_UNHANDLED_SYSCALL); /* no range: no decode */
    return;
  }
  err = xous__span_return(ans.sender, ans.addr, ans.len, &window);
  if (err == XOUS_BAD_ADDRESS) {
    xous__set_error(r, err);
    return;
  }
  /* Unmapped (or never ours, or a window out of reach again): the answer
   * goes to the lender. */
  xous__direct_return_window(&ans, window, r);
}

void
xous__reply_and_receive_next(const xous_word_t a[8], xous_word_t r[8])
{
  struct xous__answer ans = xous__answer_of_reply(a);
  void *window = NULL;

  if (xous__answer_is_memory(&ans)) {
    xous_error_t err = xous__span_return(ans.sender, ans.addr, ans.len,
                                         &window);

    if (err == XOUS_BAD_ADDRESS) {
      xous__set_error(r, err);
      return;
    }
  }
  xous__direct_reply_and_receive(&ans, window, r);
}
