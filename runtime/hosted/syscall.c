/*
 * xous_syscall() on the desktop: eight words in, eight words out.
 *
 * Calls that concern only this process (its memory, threads, identity)
 * are answered here; everything else goes to the broker on the calling
 * thread's socket, or straight to the server on the direct path (client.c,
 * server_*.c). Memory messages follow the rules of lend.c.
 */
#include <sched.h>
#include <unistd.h>

#include "hosted/internal.h"

/* Every program that makes a Xous call links this file: it brings
 * stdio.c's XOUS_LINE_BUFFERED constructor along in a static link. */
__attribute__((used)) static const char *const pull_stdio =
    &xous__stdio_linked;

static int
is_memory_kind(xous_word_t send_kind)
{
  return send_kind == XOUS_MSG_LEND_MUT || send_kind == XOUS_MSG_LEND ||
         send_kind == XOUS_MSG_SEND;
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
      xous__send_memory(args, r);
    else if (!xous__direct_send(args, r))
      xous__forward(args, r);
    break;
  case XOUS_SYSCALL_RECEIVE_MESSAGE:
  case XOUS_SYSCALL_TRY_RECEIVE_MESSAGE:
    xous__direct_receive(args, r);
    break;
  case XOUS_SYSCALL_RETURN_MEMORY:
    xous__return_memory(args, r);
    break;
  case XOUS_SYSCALL_REPLY_AND_RECEIVE_NEXT:
    xous__reply_and_receive_next(args, r);
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
