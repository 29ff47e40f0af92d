/*
 * xous_syscall() on the desktop: eight words in, eight words out.
 *
 * Calls that concern only this process (its memory, threads, identity)
 * are answered here; everything else goes to the broker on the calling
 * thread's socket. Memory messages carry their memory object along: the
 * lender passes the object's fd with the words, and the receiver maps the
 * same pages, so nothing is copied.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hosted/internal.h"

static int
is_memory_kind(xous_word_t send_kind)
{
  return send_kind == XOUS_MSG_LEND_MUT || send_kind == XOUS_MSG_LEND ||
         send_kind == XOUS_MSG_SEND;
}

/* A result that may carry a message: map what came with it. */
void
xous__adopt_envelope(xous_word_t r[8], int fd, uint64_t mem_offset)
{
  xous_word_t env_kind = r[2]; /* 0-based in an envelope */
  int prot;
  uintptr_t addr;

  if (r[0] != XOUS_RESULT_MESSAGE_ENVELOPE || env_kind > 2) {
    if (fd >= 0)
      close(fd); /* nothing should have come: do not keep it */
    return;
  }
  if (fd < 0) {
    /* The broker always sends the object with a memory message. */
    xous__set_error(r, XOUS_INTERNAL_ERROR);
    return;
  }
  prot = env_kind == 1 ? PROT_READ : PROT_READ | PROT_WRITE;
  addr = xous__span_adopt(fd, mem_offset, (size_t)r[5], prot,
                          env_kind == 2 ? XOUS__MAP_OWNED
                                        : XOUS__MAP_BORROWED,
                          r[1]);
  if (addr == 0) {
    /* The pages cannot be mapped here: give a lend straight back, so that
     * the lender is not left waiting for an answer nobody can give. */
    if (env_kind != 2) {
      xous_word_t ret[8] = { XOUS_SYSCALL_RETURN_MEMORY, r[1], 0, r[5] };
      xous_word_t res[8];

      xous__direct_return(ret, res);
    }
    xous__set_error(r, XOUS_OUT_OF_MEMORY);
    return;
  }
  r[4] = addr;
}

/* SendMessage / TrySendMessage of a memory message. */
static void
send_memory(const xous_word_t a[8], xous_word_t r[8])
{
  uintptr_t addr = a[4];
  size_t len = a[5];
  struct xous__span span;
  xous_error_t err;
  uint64_t off;
  int got_fd;

  if (len == 0) {
    xous__set_error(r, XOUS_UNHANDLED_SYSCALL); /* does not decode */
    return;
  }
  err = xous__span_find(addr, len, &span);
  /* Memory lent to us may be lent on, within what we were allowed; it can
   * never be moved away. */
  if (err == XOUS_OK && span.kind == XOUS__MAP_BORROWED &&
      (a[2] == XOUS_MSG_SEND ||
       (a[2] == XOUS_MSG_LEND_MUT && (span.prot & PROT_WRITE) == 0)))
    err = XOUS_SHARE_VIOLATION;
  if (err != XOUS_OK) {
    xous__set_error(r, err);
    return;
  }
  /* While mutably lent, the lender cannot touch the pages, as on the
   * device: a use-after-lend bug faults here too. */
  if (a[2] == XOUS_MSG_LEND_MUT &&
      xous__span_protect(addr, len, PROT_NONE) != 0) {
    xous__set_error(r, xous__errno_to_xous(errno));
    return;
  }
  off = span.fd_offset;
  if (!xous__direct_send_memory(a, span.fd, off, r)) {
    xous__broker_call(a, span.fd, r, &off, &got_fd);
    if (got_fd >= 0)
      close(got_fd);
  }
  if (a[2] == XOUS_MSG_LEND_MUT)
    (void)xous__span_protect(addr, len, span.prot);
  if (a[2] == XOUS_MSG_SEND && r[0] != XOUS_RESULT_ERROR)
    xous__span_release(addr, len); /* the pages moved */
}

static void
return_memory(const xous_word_t a[8], xous_word_t r[8])
{
  xous_error_t err = xous__span_return(a[1], a[2], a[3]);

  if (err == XOUS_BAD_ADDRESS) {
    xous__set_error(r, err);
    return;
  }
  /* Unmapped (or never ours): the answer goes to the lender. */
  xous__direct_return(a, r);
}

static void
reply_and_receive_next(const xous_word_t a[8], xous_word_t r[8])
{
  if (a[7] == XOUS_REPLY_MEMORY) {
    xous_error_t err = xous__span_return(a[1], a[3], a[4]);

    if (err == XOUS_BAD_ADDRESS) {
      xous__set_error(r, err);
      return;
    }
  }
  xous__direct_reply_and_receive(a, r);
}

void
xous__forward(const xous_word_t a[8], xous_word_t r[8])
{
  int fd;

  xous__broker_call(a, -1, r, NULL, &fd);
  if (fd >= 0)
    close(fd);
}

void
xous_syscall(const xous_word_t args[8], xous_word_t r[8])
{
  switch (args[0]) {
  case XOUS_SYSCALL_MAP_MEMORY:
    xous__map_memory(args, r);
    break;
  case XOUS_SYSCALL_UNMAP_MEMORY:
    xous__unmap_memory(args, r);
    break;
  case XOUS_SYSCALL_INCREASE_HEAP:
    xous__increase_heap(args, r);
    break;
  case XOUS_SYSCALL_DECREASE_HEAP:
    xous__decrease_heap(args, r);
    break;
  case XOUS_SYSCALL_UPDATE_MEMORY_FLAGS:
    xous__update_memory_flags(args, r);
    break;
  case XOUS_SYSCALL_ADJUST_PROCESS_LIMIT:
    /* The broker keeps the tables these limits guard; the rest are this
     * process's own. */
    if (args[1] == XOUS_LIMIT_SERVERS || args[1] == XOUS_LIMIT_CONNECTIONS)
      xous__forward(args, r);
    else if (args[1] == XOUS_LIMIT_THREADS)
      xous__adjust_thread_limit(args, r);
    else
      xous__adjust_limit(args, r);
    break;
  case XOUS_SYSCALL_YIELD:
  case XOUS_SYSCALL_WAIT_EVENT:
    /* No result is written, as on the device: r keeps the arguments. */
    sched_yield();
    for (int i = 0; i < 8; i++)
      r[i] = args[i];
    break;
  case XOUS_SYSCALL_GET_THREAD_ID:
    xous__set_ok(r, XOUS_RESULT_THREAD_ID);
    r[1] = xous__tid();
    break;
  case XOUS_SYSCALL_GET_PROCESS_ID: {
    xous_pid_t pid = xous__pid();

    if (pid == 0) {
      xous__set_error(r, XOUS_INTERNAL_ERROR);
      break;
    }
    xous__set_ok(r, XOUS_RESULT_PROCESS_ID);
    r[1] = pid;
    break;
  }
  case XOUS_SYSCALL_CREATE_THREAD:
    xous__create_thread(args, r);
    break;
  case XOUS_SYSCALL_JOIN_THREAD:
    xous__join_thread(args, r);
    break;
  case XOUS_SYSCALL_TERMINATE_PROCESS:
    /* The broker sees the process socket hang up: that is the death. */
    _exit((int)(args[1] & 0xff));
  case XOUS_SYSCALL_CLAIM_INTERRUPT:
  case XOUS_SYSCALL_FREE_INTERRUPT:
    xous__set_error(r, XOUS_INTERRUPT_NOT_FOUND); /* no IRQs here */
    break;
  case XOUS_SYSCALL_SEND_MESSAGE:
  case XOUS_SYSCALL_TRY_SEND_MESSAGE:
    if (is_memory_kind(args[2]))
      send_memory(args, r);
    else if (!xous__direct_send(args, r))
      xous__forward(args, r);
    break;
  case XOUS_SYSCALL_RECEIVE_MESSAGE:
  case XOUS_SYSCALL_TRY_RECEIVE_MESSAGE:
    xous__direct_receive(args, r);
    break;
  case XOUS_SYSCALL_RETURN_MEMORY:
    return_memory(args, r);
    break;
  case XOUS_SYSCALL_REPLY_AND_RECEIVE_NEXT:
    reply_and_receive_next(args, r);
    break;
  case XOUS_SYSCALL_CREATE_SERVER_WITH_ADDRESS:
  case XOUS_SYSCALL_CREATE_SERVER:
  case XOUS_SYSCALL_CREATE_SERVER_ID:
  case XOUS_SYSCALL_DESTROY_SERVER:
    if (xous__direct_holds_lends(&args[1])) {
      xous__set_error(r, XOUS_SERVER_QUEUE_FULL); /* memory is still lent */
      break;
    }
    xous__forward(args, r);
    if (r[0] != XOUS_RESULT_ERROR)
      xous__direct_destroyed(args);
    break;
  case XOUS_SYSCALL_DISCONNECT:
    /* Our mappings go first: no call may start on the old ring after. */
    xous__direct_disconnect(args[1]);
    xous__forward(args, r);
    break;
  case XOUS_SYSCALL_RETURN_SCALAR1:
  case XOUS_SYSCALL_RETURN_SCALAR2:
  case XOUS_SYSCALL_RETURN_SCALAR5:
    xous__direct_return(args, r);
    break;
  case XOUS_SYSCALL_CONNECT:
  case XOUS_SYSCALL_TRY_CONNECT:
  case XOUS_SYSCALL_CONNECT_FOR_PROCESS:
  case XOUS_SYSCALL_SHUTDOWN:
    xous__forward(args, r);
    break;
  default:
    xous__set_error(r, XOUS_UNHANDLED_SYSCALL);
    break;
  }
}
