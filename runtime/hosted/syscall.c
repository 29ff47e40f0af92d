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
__attribute__((
    used)) static const char *const pull_stdio = &xous__stdio_linked;

/* The calls that move messages: after the broker died they must stop
 * too, even where the direct path would not notice. */
static bool
is_message_call(xous_word_t call)
{
  switch (call) {
  case XOUS_SYSCALL_SEND_MESSAGE:
  case XOUS_SYSCALL_TRY_SEND_MESSAGE:
  case XOUS_SYSCALL_RECEIVE_MESSAGE:
  case XOUS_SYSCALL_TRY_RECEIVE_MESSAGE:
  case XOUS_SYSCALL_RETURN_MEMORY:
  case XOUS_SYSCALL_REPLY_AND_RECEIVE_NEXT:
  case XOUS_SYSCALL_RETURN_SCALAR1:
  case XOUS_SYSCALL_RETURN_SCALAR2:
  case XOUS_SYSCALL_RETURN_SCALAR5:
    return true;
  default:
    return false;
  }
}

/* The calls one function answers whole, by number: this process's
 * memory and threads, a server's receives and answers, and the calls
 * that are the broker's alone. The others are sorted out below. */
static void (*const answers[XOUS_SYSCALL_COUNT])(const xous_word_t a[8],
                                                 xous_word_t r[8]) = {
  [XOUS_SYSCALL_MAP_MEMORY] = xous__map_memory,
  [XOUS_SYSCALL_UNMAP_MEMORY] = xous__unmap_memory,
  [XOUS_SYSCALL_INCREASE_HEAP] = xous__increase_heap,
  [XOUS_SYSCALL_DECREASE_HEAP] = xous__decrease_heap,
  [XOUS_SYSCALL_UPDATE_MEMORY_FLAGS] = xous__update_memory_flags,
  [XOUS_SYSCALL_CREATE_THREAD] = xous__create_thread,
  [XOUS_SYSCALL_JOIN_THREAD] = xous__join_thread,
  [XOUS_SYSCALL_RECEIVE_MESSAGE] = xous__direct_receive,
  [XOUS_SYSCALL_TRY_RECEIVE_MESSAGE] = xous__direct_receive,
  [XOUS_SYSCALL_RETURN_MEMORY] = xous__return_memory,
  [XOUS_SYSCALL_REPLY_AND_RECEIVE_NEXT] = xous__reply_and_receive_next,
  [XOUS_SYSCALL_CONNECT] = xous__forward,
  [XOUS_SYSCALL_TRY_CONNECT] = xous__forward,
  [XOUS_SYSCALL_CONNECT_FOR_PROCESS] = xous__forward,
  [XOUS_SYSCALL_SHUTDOWN] = xous__forward,
};

void
xous_syscall(const xous_word_t args[8], xous_word_t r[8])
{
  xous_word_t nr = xous__call_number(args);

  if (atomic_load_explicit(&xous__broker_gone, memory_order_relaxed) &&
      is_message_call(nr)) {
    xous__set_error(r, XOUS_INTERNAL_ERROR);
    return;
  }
  if (nr < XOUS_SYSCALL_COUNT && answers[nr] != NULL) {
    answers[nr](args, r);
    return;
  }
  switch (nr) {
  case XOUS_SYSCALL_ADJUST_PROCESS_LIMIT: {
    /* The broker keeps the tables these limits guard; the rest are this
     * process's own. */
    xous_word_t index = xous__limit_args_of(args).index;

    if (index == XOUS_LIMIT_SERVERS || index == XOUS_LIMIT_CONNECTIONS)
      xous__forward(args, r);
    else if (index == XOUS_LIMIT_THREADS)
      xous__adjust_thread_limit(args, r);
    else
      xous__adjust_limit(args, r);
    break;
  }
  case XOUS_SYSCALL_YIELD:
  case XOUS_SYSCALL_WAIT_EVENT:
    /* No result is written, as on the device: r keeps the arguments. */
    sched_yield();
    for (int i = 0; i < 8; i++)
      r[i] = args[i];
    break;
  case XOUS_SYSCALL_GET_THREAD_ID:
    xous__result_set1(r, XOUS_RESULT_THREAD_ID, xous__tid());
    break;
  case XOUS_SYSCALL_GET_PROCESS_ID: {
    xous_pid_t pid = xous__pid();

    if (pid == 0) {
      xous__set_error(r, XOUS_INTERNAL_ERROR);
      break;
    }
    xous__result_set1(r, XOUS_RESULT_PROCESS_ID, pid);
    break;
  }
  case XOUS_SYSCALL_TERMINATE_PROCESS:
    /* The broker sees the process socket hang up: that is the death. */
    _exit((int)(xous__arg1(args) & 0xff));
  case XOUS_SYSCALL_CLAIM_INTERRUPT:
  case XOUS_SYSCALL_FREE_INTERRUPT:
    if (xous__call_number(args) == XOUS_SYSCALL_CLAIM_INTERRUPT &&
        args[2] == 0)
      xous__set_error(r, XOUS_UNHANDLED_SYSCALL); /* no handler: no decode */
    else
      xous__set_error(r, XOUS_INTERRUPT_NOT_FOUND); /* no IRQs here */
    break;
  case XOUS_SYSCALL_SEND_MESSAGE:
  case XOUS_SYSCALL_TRY_SEND_MESSAGE: {
    struct xous__send_args m = xous__send_args_of(args);

    if (!xous__kind_valid(m.kind))
      xous__set_error(r, XOUS_UNHANDLED_SYSCALL); /* does not decode */
    else if (xous__is_memory(m.kind))
      xous__send_memory(args, r);
    else if (!xous__direct_send(&m, r))
      xous__forward(args, r);
    break;
  }
  case XOUS_SYSCALL_CREATE_SERVER_WITH_ADDRESS:
  case XOUS_SYSCALL_CREATE_SERVER:
  case XOUS_SYSCALL_CREATE_SERVER_ID:
  case XOUS_SYSCALL_DESTROY_SERVER:
    if (xous__direct_holds_lends(xous__sid_arg(args))) {
      xous__set_error(r, XOUS_SERVER_QUEUE_FULL); /* memory is still lent */
      break;
    }
    xous__forward(args, r);
    if (!xous__result_is_error(r))
      xous__direct_destroyed(xous__sid_arg(args));
    /* The new server's page is mapped now, while the call may still
     * fail: a receive then needs no descriptor of its own. */
    if (xous__result_tag(r) == XOUS_RESULT_NEW_SERVER_ID)
      xous__direct_server_open(xous__result_sid(r));
    break;
  case XOUS_SYSCALL_DISCONNECT:
    /* Our mappings go first: no call may start on the old ring after. */
    xous__direct_disconnect(xous__arg1(args));
    xous__forward(args, r);
    break;
  case XOUS_SYSCALL_RETURN_SCALAR1:
  case XOUS_SYSCALL_RETURN_SCALAR2:
  case XOUS_SYSCALL_RETURN_SCALAR5: {
    struct xous__answer ans = xous__answer_of_return(args);

    xous__direct_return(&ans, r);
    break;
  }
  default:
    xous__set_error(r, XOUS_UNHANDLED_SYSCALL);
    break;
  }
}
