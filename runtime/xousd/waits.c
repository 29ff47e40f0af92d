/*
 * What each thread of a process waits in, for xousctl ps, from what the
 * broker knows: the waits it holds itself (a send on a full queue, a
 * Connect, a call it relays), the answer slots of the process's rings (a
 * call on the direct path, with the message id the caller wrote beside
 * it), and the receiver bits of the server pages of the servers the
 * process owns. A thread in none of them is running, as far as Xous can
 * tell (it may be in a host call, or in JoinThread, which the library
 * answers itself).
 */
#include <stdio.h>
#include <string.h>

#include "xousd/broker.h"

enum wait_kind { W_NONE, W_RUNNING, W_RECEIVE, W_CALL, W_SEND, W_CONNECT };

static const char *const wait_names[] = {
  [W_NONE] = "",     [W_RUNNING] = "running", [W_RECEIVE] = "receive",
  [W_CALL] = "call", [W_SEND] = "send",       [W_CONNECT] = "connect",
};

struct wait {
  enum wait_kind kind;
  int server;       /* index, or -1 */
  long long opcode; /* the message id of a call, or -1 */
};

/* The waits the broker holds for the threads it has sockets of. */
static void
broker_waits(const struct xd_process *proc, struct wait w[XOUS_RING_ANSWERS])
{
  for (const struct xd_link *l = proc->threads.next; l != &proc->threads;
       l = l->next) {
    const struct xd_thread *t = xd_container_of(l, struct xd_thread,
                                                proc_link);
    struct wait *x;

    if (t->tid >= XOUS_RING_ANSWERS)
      continue;
    x = &w[t->tid];
    x->kind = W_RUNNING;
    switch (t->wait) {
    case XD_WAIT_SPACE:
      x->kind = W_SEND;
      x->server = t->wait_server != NULL ? t->wait_server->index : -1;
      break;
    case XD_WAIT_CONNECT:
      x->kind = W_CONNECT;
      break;
    case XD_WAIT_REPLY:
      x->kind = W_CALL;
      if (t->wait_server != NULL && t->wait_slot < XOUS_QUEUE_DEPTH) {
        x->server = t->wait_server->index;
        x->opcode = (long long)(t->wait_server->slots[t->wait_slot].msg.id &
                                0xffffffffu);
      }
      break;
    case XD_WAIT_NONE:
      break;
    }
  }
}

/* Calls on the direct path: an answer slot of one of the process's rings
 * whose caller waits. */
static void
ring_waits(const struct xd_process *proc, struct wait w[XOUS_RING_ANSWERS])
{
  /* A PID is 8 bits: every one has its place in s->rings. */
  for (unsigned i = 0; i < XOUSD_MAX_SERVERS; i++) {
    const struct xd_server *s = &xd.servers[i];
    const struct xd_ring *r = s->used ? s->rings[proc->pid] : NULL;
    struct xous_ring *map;

    /* An orphan ring is a dead client's, whose PID may be another's now. */
    if (r == NULL || r->orphan || r->fd < 0 || (map = xd_ring_map(r)) == NULL)
      continue;
    for (unsigned tid = 0; tid < XOUS_RING_ANSWERS; tid++) {
      /* SAFETY: the client and the server write these words; they are
       * copied once and shown, never used. */
      uint32_t state = atomic_load_explicit(&map->answers[tid].state,
                                            memory_order_relaxed);
      uint32_t id = map->answers[tid].id;

      if (state != XOUS_ANSWER_WAITING && state != XOUS_ANSWER_ASLEEP)
        continue;
      w[tid].kind = W_CALL;
      w[tid].server = s->index;
      w[tid].opcode = id;
    }
    xd_ring_unmap(map);
  }
}

/* Receives: the receiver bits of the pages of the servers proc owns. */
static void
receive_waits(const struct xd_process *proc, struct wait w[XOUS_RING_ANSWERS])
{
  for (unsigned i = 0; i < XOUSD_MAX_SERVERS; i++) {
    const struct xd_server *s = &xd.servers[i];
    uint64_t bits;

    if (!s->used || s->owner != proc || s->page == NULL)
      continue;
    /* SAFETY: any client of the server can write the bits: shown only,
     * and only for TIDs that can be. */
    bits = atomic_load_explicit(&s->page->receivers, memory_order_relaxed);
    for (unsigned tid = 0; tid < XOUS_RING_ANSWERS; tid++)
      if ((bits >> tid & 1) != 0 && w[tid].kind != W_CALL) {
        w[tid].kind = W_RECEIVE;
        w[tid].server = s->index;
        w[tid].opcode = -1;
      }
  }
}

json_t *
xd_thread_states(const struct xd_process *proc)
{
  struct wait w[XOUS_RING_ANSWERS];
  json_t *list = json_array();

  for (unsigned tid = 0; tid < XOUS_RING_ANSWERS; tid++)
    w[tid] = (struct wait){ W_NONE, -1, -1 };
  broker_waits(proc, w);
  ring_waits(proc, w);
  receive_waits(proc, w);
  for (unsigned tid = 0; tid < XOUS_RING_ANSWERS && list != NULL; tid++) {
    json_t *t;

    if (w[tid].kind == W_NONE)
      continue;
    t = json_pack("{s:i,s:s}", "tid", (int)tid, "state",
                  wait_names[w[tid].kind]);
    if (t != NULL && w[tid].server >= 0)
      json_object_set_new(t, "server", json_integer(w[tid].server));
    if (t != NULL && w[tid].opcode >= 0)
      json_object_set_new(t, "opcode", json_integer(w[tid].opcode));
    if (t == NULL || json_array_append_new(list, t) != 0) {
      json_decref(list);
      list = NULL;
    }
  }
  return list;
}
