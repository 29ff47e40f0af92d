/*
 * Connection tables: per process, CIDs 2..33 as on the device. A slot
 * remembers the server's index and generation, so a CID to a destroyed
 * server never reaches a new server that took its place.
 */
#include <string.h>

#include <xous/names.h>

#include "xousd/broker.h"

static bool
conn_live(const struct xd_conn *c)
{
  return c->used && xd.servers[c->server_index].used &&
         xd.servers[c->server_index].gen == c->server_gen;
}

struct xd_server *
xd_conn_server(struct xd_process *proc, uint64_t cid)
{
  struct xd_conn *c;

  if (proc == NULL || cid < XOUS_FIRST_CID ||
      cid >= XOUS_FIRST_CID + (uint64_t)xd.opt.max_connections ||
      cid >= XOUS_FIRST_CID + XOUS_MAX_CONNECTIONS)
    return NULL;
  c = &proc->conns[cid - XOUS_FIRST_CID];
  return conn_live(c) ? &xd.servers[c->server_index] : NULL;
}

uint64_t
xd_conn_make(struct xd_process *proc, struct xd_server *s)
{
  unsigned i, limit = proc->max_conns; /* XOUS_LIMIT_CONNECTIONS */
  int free_slot = -1, stale_slot = -1;

  if (limit > XOUS_MAX_CONNECTIONS)
    limit = XOUS_MAX_CONNECTIONS;
  for (i = 0; i < limit; i++) {
    struct xd_conn *c = &proc->conns[i];

    if (conn_live(c) && c->server_index == s->index)
      return i + XOUS_FIRST_CID; /* a reconnect gives the same CID */
    if (!c->used && free_slot < 0)
      free_slot = (int)i;
    else if (c->used && !conn_live(c) && stale_slot < 0)
      stale_slot = (int)i;
  }
  /* A slot whose server is gone is reused only when no other is free. */
  if (free_slot < 0)
    free_slot = stale_slot;
  if (free_slot < 0)
    return 0;
  proc->conns[free_slot].used = true;
  proc->conns[free_slot].server_index = s->index;
  proc->conns[free_slot].server_gen = s->gen;
  return (uint64_t)free_slot + XOUS_FIRST_CID;
}

static void
finish_connect(struct xd_thread *t, struct xd_process *target,
               struct xd_server *s)
{
  uint64_t cid = xd_conn_make(target, s);
  xous_word_t r[8];

  if (cid == 0) {
    xd_reply_error(t, XOUS_OUT_OF_MEMORY); /* all 32 slots used */
    return;
  }
  xd_trace("{s:s,s:i,s:i,s:I}", "ev", "connect", "pid", (int)target->pid,
           "server", (int)s->index, "cid", (json_int_t)cid);
  xous__result_set1(r, XOUS_RESULT_CONNECTION_ID, cid);
  xd_reply(t, r, -1, 0);
}

/* Whether proc may place connections in target's table with
 * ConnectForProcess: target itself, or the name server, which does so
 * for a client that asked it for a name (the name server is the process
 * that owns its well-known SID, created first at boot). Anyone else could
 * fill another's 32 slots, the name server's among them, and make its
 * connects fail for good. */
static bool
acts_for(const struct xd_process *proc, const struct xd_process *target)
{
  const struct xd_server *names;

  if (proc == target)
    return true;
  names = xd_server_find(xous_sid_from_name(XOUS_NAMES_SERVER_NAME));
  return names != NULL && names->owner == proc;
}

void
xd_connect(struct xd_thread *t, const xous_word_t a[8])
{
  /* TryConnect does not wait for the server; ConnectForProcess connects
   * another process, named before the SID. */
  bool try_only = xous__call_number(a) == XOUS_SYSCALL_TRY_CONNECT;
  bool for_process = xous__call_number(a) == XOUS_SYSCALL_CONNECT_FOR_PROCESS;
  struct xous__connect_for_args cf = xous__connect_for_args_of(a);
  struct xd_process *target = t->proc;
  struct xd_server *s;
  xous_sid_t sid = for_process ? cf.sid : xous__sid_arg(a);

  if (for_process && cf.pid == 0) {
    /* PID::new refuses 0: the call does not decode. */
    xd_reply_error(t, XOUS_UNHANDLED_SYSCALL);
    return;
  }
  if (for_process) {
    target = xd_process_by_pid((unsigned)(cf.pid <= 0xff ? cf.pid : 0));
    if (target == NULL) {
      xd_reply_error(t, XOUS_PROCESS_NOT_FOUND);
      return;
    }
    if (!acts_for(t->proc, target)) {
      xd_reply_error(t, XOUS_ACCESS_DENIED);
      return;
    }
  }
  s = xd_server_find(sid);
  if (s != NULL) {
    finish_connect(t, target, s);
    return;
  }
  if (try_only) {
    xd_reply_error(t, XOUS_SERVER_NOT_FOUND);
    return;
  }
  /* As the kernel retries Connect, the caller waits for the server. */
  t->wait = XD_WAIT_CONNECT;
  t->wait_sid = sid;
  t->for_proc = for_process ? target : NULL;
  xd_list_add_tail(&xd.connecting, &t->wait_link);
}

void
xd_connect_wake(struct xd_server *s)
{
  struct xd_link *l = xd.connecting.next;

  while (l != &xd.connecting) {
    struct xd_thread *t = xd_container_of(l, struct xd_thread, wait_link);

    l = l->next;
    if (!xous_sid_eq(t->wait_sid, s->sid))
      continue;
    xd_list_del(&t->wait_link);
    t->wait = XD_WAIT_NONE;
    finish_connect(t, t->for_proc != NULL ? t->for_proc : t->proc, s);
  }
}

void
xd_disconnect(struct xd_thread *t, const xous_word_t a[8])
{
  xous_word_t cid = xous__arg1(a);
  xous_word_t r[8];

  if (cid < XOUS_FIRST_CID || cid >= XOUS_FIRST_CID + XOUS_MAX_CONNECTIONS ||
      !t->proc->conns[cid - XOUS_FIRST_CID].used) {
    xd_reply_error(t, XOUS_SERVER_NOT_FOUND);
    return;
  }
  memset(&t->proc->conns[cid - XOUS_FIRST_CID], 0, sizeof(struct xd_conn));
  xous__result_set(r, XOUS_RESULT_OK, 0, 0, 0, 0, 0);
  xd_reply(t, r, -1, 0);
}
