/*
 * What the broker does with each frame: hellos make processes and
 * threads, syscalls go to the table that answers them.
 */
#include <string.h>
#include <unistd.h>

#include "xousd/broker.h"
#include "xousd/hosted_listen.h"

static void
answer_hello(struct xd_peer *p, uint16_t type, uint64_t w0)
{
  struct xous_wire_frame f = xous__wire_frame(type);

  f.w[0] = w0;
  if (xous__wire_send(p->fd, &f, -1) != 0 || type == XOUS_WIRE_ERROR)
    xd_peer_close(p);
}

static void
hello(struct xd_peer *p, const struct xous_wire_frame *f)
{
  xous_error_t err = XOUS_OK;

  if (f->type == XOUS_WIRE_HELLO_PROCESS) {
    char name[XOUS_WIRE_NAME_MAX + 1];
    struct xd_process *proc;

    /* SAFETY: the peer's name need not be terminated: copy and end it. */
    memcpy(name, f->name, XOUS_WIRE_NAME_MAX);
    name[XOUS_WIRE_NAME_MAX] = '\0';
    /* A hosted-mode bridge joins as the PID reserved for its program. */
    proc = xd_hosted_claim(p->os_pid);
    if (proc != NULL)
      proc->peer = p;
    else
      proc = xd_process_new(p, name, &err);
    if (proc == NULL) {
      answer_hello(p, XOUS_WIRE_ERROR, err);
      return;
    }
    p->role = XD_PEER_PROCESS;
    p->proc = proc;
    answer_hello(p, XOUS_WIRE_WELCOME, proc->pid);
  } else if (f->type == XOUS_WIRE_HELLO_THREAD) {
    struct xd_process *proc = xd_process_by_pid(
        f->w[0] <= 0xff ? (unsigned)f->w[0] : 0);
    struct xd_thread *t;

    /* A thread joins only the process it really belongs to. */
    if (proc == NULL || proc->os_pid != p->os_pid || f->tid == 0) {
      answer_hello(p, XOUS_WIRE_ERROR, XOUS_ACCESS_DENIED);
      return;
    }
    t = xd_thread_new(p, proc, f->tid);
    if (t == NULL) {
      answer_hello(p, XOUS_WIRE_ERROR, XOUS_OUT_OF_MEMORY);
      return;
    }
    p->role = XD_PEER_THREAD;
    p->thread = t;
    p->owned = t;
    answer_hello(p, XOUS_WIRE_WELCOME, proc->pid);
  } else if (f->type == XOUS_WIRE_CTL) {
    p->role = XD_PEER_CTL;
    xd_ctl(p, f);
  } else {
    xd_peer_close(p);
  }
}

/* The calls one function of the broker answers whole, by number; the
 * others need more than the thread and the words (do_syscall). */
static void (*const answers[XOUS_SYSCALL_COUNT])(struct xd_thread *t,
                                                 const xous_word_t a[8]) = {
  [XOUS_SYSCALL_CREATE_SERVER_WITH_ADDRESS] = xd_create_server,
  [XOUS_SYSCALL_CREATE_SERVER] = xd_create_server,
  [XOUS_SYSCALL_CREATE_SERVER_ID] = xd_create_server,
  [XOUS_SYSCALL_DESTROY_SERVER] = xd_destroy_server,
  [XOUS_SYSCALL_CONNECT] = xd_connect,
  [XOUS_SYSCALL_TRY_CONNECT] = xd_connect,
  [XOUS_SYSCALL_CONNECT_FOR_PROCESS] = xd_connect,
  [XOUS_SYSCALL_DISCONNECT] = xd_disconnect,
  [XOUS_SYSCALL_RETURN_MEMORY] = xd_return,
  [XOUS_SYSCALL_RETURN_SCALAR1] = xd_return,
  [XOUS_SYSCALL_RETURN_SCALAR2] = xd_return,
  [XOUS_SYSCALL_RETURN_SCALAR5] = xd_return,
  [XOUS_SYSCALL_ADJUST_PROCESS_LIMIT] = xd_adjust_limit,
};

static void
do_syscall(struct xd_thread *t, const struct xous_wire_frame *f, int fd)
{
  xous_word_t a[8], r[8];
  xous_word_t nr;

  for (int i = 0; i < 8; i++)
    a[i] = (xous_word_t)f->w[i];
  nr = xous__call_number(a);
  if (xd_fault_check(t, nr)) {
    if (fd >= 0)
      close(fd);
    return;
  }
  if (nr != XOUS_SYSCALL_SEND_MESSAGE && nr != XOUS_SYSCALL_TRY_SEND_MESSAGE &&
      fd >= 0) {
    close(fd); /* only a memory message carries an object */
    fd = -1;
  }
  if (nr < XOUS_SYSCALL_COUNT && answers[nr] != NULL) {
    answers[nr](t, a);
    return;
  }
  switch (nr) {
  case XOUS_SYSCALL_SEND_MESSAGE:
  case XOUS_SYSCALL_TRY_SEND_MESSAGE:
    xd_send(t, a, fd, f->mem_offset);
    break;
  case XOUS__SYSCALL_HOSTED:
    xd_hosted_call(t, a);
    break;
  case XOUS_SYSCALL_GET_PROCESS_ID:
    xous__result_set1(r, XOUS_RESULT_PROCESS_ID, t->proc->pid);
    xd_reply(t, r, -1, 0);
    break;
  case XOUS_SYSCALL_GET_THREAD_ID:
    xous__result_set1(r, XOUS_RESULT_THREAD_ID, t->tid);
    xd_reply(t, r, -1, 0);
    break;
  case XOUS_SYSCALL_SHUTDOWN:
    xous__result_set(r, XOUS_RESULT_OK, 0, 0, 0, 0, 0);
    xd_reply(t, r, -1, 0);
    xd_log(1, "shutdown requested by process %u", t->proc->pid);
    xd_shutdown();
    break;
  default:
    /* ReceiveMessage and ReplyAndReceiveNext among them: a server's
     * library takes its messages from shared memory, never from here. */
    xd_reply_error(t, XOUS_UNHANDLED_SYSCALL);
    break;
  }
}

void
xd_dispatch(struct xd_peer *p, const struct xous_wire_frame *f, int fd)
{
  switch (p->role) {
  case XD_PEER_NEW:
    if (fd >= 0)
      close(fd);
    hello(p, f);
    break;
  case XD_PEER_THREAD:
    if (f->type != XOUS_WIRE_SYSCALL || p->thread == NULL ||
        p->thread->proc == NULL || p->thread->wait != XD_WAIT_NONE) {
      /* One call at a time per thread: anything else breaks the protocol. */
      if (fd >= 0)
        close(fd);
      xd_peer_close(p);
      return;
    }
    do_syscall(p->thread, f, fd);
    break;
  case XD_PEER_CTL:
    if (fd >= 0)
      close(fd);
    if (f->type == XOUS_WIRE_CTL)
      xd_ctl(p, f);
    else
      xd_peer_close(p);
    break;
  default: /* a process socket only says hello, then stays quiet */
    if (fd >= 0)
      close(fd);
    xd_peer_close(p);
    break;
  }
}
