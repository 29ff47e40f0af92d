/*
 * Servers: the SID registry and each server's message queue, as the Xous
 * kernel keeps them.
 *
 * The sender word a server sees is laid out in core/abi.h; the broker's
 * slots are the ones with XOUS__SENDER_BROKER set. A stale or forged word
 * fails its generation check instead of answering somebody else's
 * message.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "xousd/broker.h"

struct xd_server *
xd_server_find(xous_sid_t sid)
{
  for (unsigned i = 0; i < XOUSD_MAX_SERVERS; i++)
    if (xd.servers[i].used && xous_sid_eq(xd.servers[i].sid, sid))
      return &xd.servers[i];
  return NULL;
}

/* The token of slot n: what the server's library gives back to name it. */
static uint32_t
slot_token(const struct xd_server *s, unsigned n)
{
  return xous__token_make(true, s->slots[n].gen, n);
}

static void
reply_ok(struct xd_thread *t)
{
  xous_word_t r[8];

  xous__result_set(r, XOUS_RESULT_OK, 0, 0, 0, 0, 0);
  xd_reply(t, r, -1, 0);
}

static void
free_slot(struct xd_server *s, unsigned n)
{
  struct xd_slot *sl = &s->slots[n];

  if (sl->fd >= 0)
    close(sl->fd);
  sl->fd = -1;
  sl->state = XD_SLOT_FREE;
  sl->client = NULL;
  s->in_use--;
}

/* Puts a relayed message into the client's ring, with a queue slot of the
 * server already taken for it (xous__page_reserve). */
static void
enqueue(struct xd_server *s, struct xd_thread *t,
        const struct xous__send_args *m, int fd, uint64_t mem_offset)
{
  unsigned n = XOUS_QUEUE_DEPTH, kind = (unsigned)m->kind;
  struct xd_ring *r = xd_direct_ring(s, t->proc->pid);
  struct xous_ring *map = NULL;
  uint32_t token = 0, key = 0;
  struct xous_cell_body body;
  xous_error_t err = XOUS_OK;

  if (r == NULL)
    err = XOUS_OUT_OF_MEMORY;
  else if (kind != XOUS_MSG_SCALAR) {
    /* A slot of our own for what the server must come back for: the
     * object to fetch, the caller to answer. */
    for (n = 0; n < XOUS_QUEUE_DEPTH && s->slots[n].state != XD_SLOT_FREE; n++)
      ;
    if (n == XOUS_QUEUE_DEPTH)
      err = XOUS_SERVER_QUEUE_FULL;
  }
  if (err == XOUS_OK && n < XOUS_QUEUE_DEPTH) {
    struct xd_slot *sl = &s->slots[n];

    sl->gen = xous__gen_next(sl->gen);
    sl->kind = (uint8_t)kind;
    sl->state = xous__is_memory(kind) ? XD_SLOT_QUEUED : XD_SLOT_ACTIVE;
    sl->client_pid = t->proc->pid;
    sl->client = xous__is_blocking(kind) ? t : NULL;
    sl->msg = m->msg;
    sl->fd = fd;
    sl->mem_offset = mem_offset;
    fd = -1; /* the slot owns it now */
    s->in_use++;
    token = slot_token(s, n);
  }
  /* A memory message's pages are at the broker, fetched with the object:
   * the lender's address means nothing to the server. */
  body = xous__cell_body(&m->msg, xous__is_memory(kind), 0);
  if (err == XOUS_OK && (map = xd_ring_map(r)) == NULL)
    err = XOUS_OUT_OF_MEMORY;
  if (err == XOUS_OK) {
    key = xous__ring_next_key(map, t->proc->pid);
    /* SAFETY: the client can break its own ring; the push then gives up
     * and the client alone gets the error. */
    if (xous__ring_push(map,
                        kind | ((t->tid & 0xffu) << 8) | XOUS_CELL_F_BROKER,
                        token, key, &body) != 0)
      err = XOUS_SERVER_QUEUE_FULL;
    xd_ring_unmap(map);
  }
  if (err != XOUS_OK) {
    if (n < XOUS_QUEUE_DEPTH)
      free_slot(s, n);
    if (fd >= 0)
      close(fd);
    xous__page_release(s->page);
    xd_reply_error(t, err);
    return;
  }
  if (n < XOUS_QUEUE_DEPTH)
    s->slots[n].key = key;
  if (xd_trace_on())
    xd_trace("{s:s,s:i,s:i,s:i,s:i,s:o,s:I}", "ev", "send", "pid",
             (int)t->proc->pid, "tid", (int)t->tid, "server", (int)s->index,
             "kind", (int)kind, "id", xd_json_u64(m->msg.id), "slot",
             (json_int_t)key);
  xous__page_ring_bell(s->page, t->proc->pid);
  if (xous__is_blocking(kind)) {
    t->wait = XD_WAIT_REPLY;
    t->wait_server = s;
    t->wait_slot = n;
  } else {
    reply_ok(t);
  }
}

/* Lets waiting senders in while the queue has room; true when some still
 * wait. */
static bool
admit_senders(struct xd_server *s)
{
  while (s->used && !xd_list_empty(&s->senders) &&
         xous__page_reserve(s->page) == 0) {
    struct xd_thread *t = xd_container_of(s->senders.next, struct xd_thread,
                                          wait_link);
    int fd = t->held_fd;

    xd_list_del(&t->wait_link);
    t->wait = XD_WAIT_NONE;
    t->held_fd = -1;
    enqueue(s, t, &t->held, fd, t->held_offset);
  }
  return s->used && !xd_list_empty(&s->senders);
}

/* The queue slots are counted in shared memory, freed by the server's
 * library without a word to the broker: a sender the broker holds for a
 * slot looks again every millisecond. */
static void
on_space_timer(uv_timer_t *h)
{
  bool waiting = false;

  for (unsigned i = 0; i < XOUSD_MAX_SERVERS; i++)
    if (xd.servers[i].used)
      waiting |= admit_senders(&xd.servers[i]);
  if (!waiting)
    uv_timer_stop(h);
}

void
xd_space_init(void)
{
  uv_timer_init(xd.loop, &xd.space_timer);
  uv_unref((uv_handle_t *)&xd.space_timer);
}

void
xd_send(struct xd_thread *t, const xous_word_t a[8], int fd,
        uint64_t mem_offset)
{
  struct xous__send_args m = xous__send_args_of(a);
  struct xd_server *s;
  xous_error_t err = XOUS_OK;

  if (!xous__kind_valid(m.kind))
    err = XOUS_UNHANDLED_SYSCALL; /* an unknown kind does not decode */
  else if (xous__is_memory(m.kind))
    err = xous__check_object(fd, mem_offset, m.msg.mem.len);
  else if (fd >= 0)
    err = XOUS_INVALID_ARGUMENT; /* a scalar carries no memory */
  if (err == XOUS_OK &&
      ((s = xd_conn_server(t->proc, m.cid)) == NULL || s->page == NULL))
    err = XOUS_SERVER_NOT_FOUND;
  if (err == XOUS_OK && xous__page_reserve(s->page) != 0) {
    if (m.try_only)
      err = XOUS_SERVER_QUEUE_FULL;
    else {
      /* As the kernel retries the call, the sender waits for a slot. */
      t->held = m;
      t->held_fd = fd;
      t->held_offset = mem_offset;
      t->wait = XD_WAIT_SPACE;
      t->wait_server = s;
      xd_list_add_tail(&s->senders, &t->wait_link);
      if (!uv_is_active((uv_handle_t *)&xd.space_timer))
        uv_timer_start(&xd.space_timer, on_space_timer, 1, 1);
      return;
    }
  }
  if (err != XOUS_OK) {
    if (fd >= 0)
      close(fd);
    xd_reply_error(t, err);
    return;
  }
  enqueue(s, t, &m, fd, mem_offset);
}

static struct xd_server *
owned_server(struct xd_thread *t, xous_sid_t sid)
{
  struct xd_server *s = xd_server_find(sid);

  return (s != NULL && s->owner == t->proc) ? s : NULL;
}

/* Finds the slot a sender word names, for its server's owner: only a
 * token of ours (bit 15), of the right generation, for the client the
 * word names. */
static xous_error_t
slot_of(struct xd_thread *t, xous_sender_t sender, enum xd_slot_state state,
        struct xd_server **sp, unsigned *np)
{
  unsigned idx = xous__sender_index(sender);
  unsigned token = xous__sender_token(sender);
  unsigned n = xous__token_slot(token), gen = xous__token_gen(token);
  struct xd_server *s;

  if (!xous__sender_fits(sender) || idx >= XOUSD_MAX_SERVERS)
    return XOUS_SERVER_NOT_FOUND;
  s = &xd.servers[idx];
  if (!s->used || s->owner != t->proc)
    return XOUS_SERVER_NOT_FOUND;
  if (!xous__token_broker(token) || gen == 0 || s->slots[n].state != state ||
      s->slots[n].gen != gen ||
      s->slots[n].client_pid != xous__sender_pid(sender))
    return XOUS_DOUBLE_FREE; /* nothing waits for this answer */
  *sp = s;
  *np = n;
  return XOUS_OK;
}

void
xd_server_drop_unfetched(struct xd_server *s, unsigned pid)
{
  /* Senders waiting for a slot get it from the space timer. */
  for (unsigned n = 0; n < XOUS_QUEUE_DEPTH; n++) {
    struct xd_slot *sl = &s->slots[n];

    if (sl->state != XD_SLOT_QUEUED || sl->client_pid != pid)
      continue;
    free_slot(s, n);
    if (s->page != NULL)
      xous__page_release(s->page);
  }
}

void
xd_fetch(struct xd_thread *t, xous_sender_t sender)
{
  struct xd_server *s;
  struct xd_slot *sl;
  unsigned n;
  xous_error_t err = slot_of(t, sender, XD_SLOT_QUEUED, &s, &n);
  struct xous__envelope env;
  xous_word_t r[8];
  int fd;

  if (err != XOUS_OK) {
    xd_reply_error(t, err);
    return;
  }
  sl = &s->slots[n];
  /* A Send needs no answer: its sender word has no slot, as a Scalar's. */
  env.sender = sl->kind == XOUS_MSG_SEND ? xous__sender_untokened(sender)
                                         : sender;
  env.kind = sl->kind;
  env.msg = sl->msg;
  env.msg.mem.addr = 0; /* the receiver maps it */
  xous__envelope_words(&env, r);
  fd = sl->fd;
  sl->fd = -1; /* xd_reply passes it on and closes ours */
  if (sl->kind == XOUS_MSG_SEND) {
    free_slot(s, n);
    xous__page_release(s->page); /* received: its queue slot is free */
    admit_senders(s);
  } else {
    sl->state = XD_SLOT_ACTIVE;
    s->lent++;
  }
  xd_reply(t, r, fd, sl->mem_offset);
}

/* Applies one answer to a relayed blocking message. */
static xous_error_t
answer(struct xd_thread *t, const struct xous__answer *ans)
{
  bool memory = xous__answer_is_memory(ans);
  struct xd_server *s;
  struct xd_slot *sl;
  unsigned n;
  xous_error_t err = slot_of(t, ans->sender, XD_SLOT_ACTIVE, &s, &n);

  if (err != XOUS_OK)
    return err;
  sl = &s->slots[n];
  /* A reply of the wrong kind gets the kernel's DoubleFree; the kernel
   * also drops the message, stranding its caller, where this keeps it for
   * the right answer. */
  if (memory != (sl->kind != XOUS_MSG_BLOCKING_SCALAR))
    return XOUS_DOUBLE_FREE;
  if (memory && xous__is_memory(sl->kind) && sl->msg.mem.len != ans->len)
    return XOUS_BAD_ADDRESS; /* not the length that was lent */
  xd_trace("{s:s,s:i,s:i,s:i,s:i,s:I}", "ev", "reply", "pid",
           (int)t->proc->pid, "tid", (int)t->tid, "server", (int)s->index,
           "to", (int)sl->client_pid, "slot", (json_int_t)sl->key);
  if (!xd_fault_hold_answer(s, n, ans))
    xd_answer_deliver(s, n, ans);
  return XOUS_OK;
}

void
xd_answer_deliver(struct xd_server *s, unsigned n,
                  const struct xous__answer *ans)
{
  struct xd_slot *sl = &s->slots[n];
  struct xd_thread *client = sl->client;

  if (xous__answer_is_memory(ans))
    s->lent--;
  if (client != NULL) {
    xous_word_t r[8];

    xous__result_set_answer(r, ans);
    xd_reply(client, r, -1, 0);
  }
  /* A client that died meanwhile gets nothing: the answer is dropped. */
  if (client != NULL)
    client->wait = XD_WAIT_NONE;
  free_slot(s, n);
  xous__page_release(s->page);
  admit_senders(s);
}

void
xd_return(struct xd_thread *t, const xous_word_t a[8])
{
  struct xous__answer ans = xous__answer_of_return(a);
  xous_error_t err = answer(t, &ans);

  if (err != XOUS_OK)
    xd_reply_error(t, err);
  else
    reply_ok(t);
}

static void
new_sid(struct xd_process *proc, xous_sid_t *sid)
{
  do
    xd_random(proc, sid->w, sizeof sid->w);
  while (xd_server_find(*sid) != NULL);
}

void
xd_create_server(struct xd_thread *t, const xous_word_t a[8])
{
  /* CreateServer and CreateServerId make the SID, CreateServerId no
   * server; CreateServerWithAddress takes the caller's. */
  xous_word_t nr = xous__call_number(a);
  bool random = nr != XOUS_SYSCALL_CREATE_SERVER_WITH_ADDRESS;
  bool id_only = nr == XOUS_SYSCALL_CREATE_SERVER_ID;
  xous_sid_t sid;
  struct xd_server *s = NULL;
  xous_word_t r[8];
  uint64_t cid;
  unsigned i;

  if (id_only) {
    new_sid(t->proc, &sid);
    xous__result_set_sid(r, XOUS_RESULT_SERVER_ID, sid, 0);
    xd_reply(t, r, -1, 0);
    return;
  }
  if (random)
    new_sid(t->proc, &sid);
  else
    sid = xous__sid_arg(a);
  if (xd_server_find(sid) != NULL) {
    xd_reply_error(t, XOUS_SERVER_EXISTS);
    return;
  }
  if (xd_servers_owned(t->proc) >= t->proc->max_servers) {
    /* The per-process limit (XOUS_LIMIT_SERVERS): one process must not
     * take the table from everybody else. */
    xd_log(1, "process %u owns %u servers: its limit", t->proc->pid,
           t->proc->max_servers);
    xd_reply_error(t, XOUS_OUT_OF_MEMORY);
    return;
  }
  for (i = 0; i < XOUSD_MAX_SERVERS && i < xd.opt.max_servers; i++)
    if (!xd.servers[i].used) {
      s = &xd.servers[i];
      break;
    }
  if (s == NULL) {
    xd_reply_error(t, XOUS_SERVER_NOT_FOUND); /* a full table, as the kernel */
    return;
  }
  {
    uint32_t gen = s->gen;

    memset(s, 0, sizeof *s);
    s->gen = gen + 1;
  }
  s->used = true;
  s->index = (uint8_t)i;
  s->sid = sid;
  s->owner = t->proc;
  s->page_fd = -1;
  for (i = 0; i < XOUS_QUEUE_DEPTH; i++)
    s->slots[i].fd = -1;
  xd_list_init(&s->senders);
  if (xd_direct_server_open(s) != 0) {
    xd_log(0, "cannot make a server page: %s", strerror(errno));
    s->used = false;
    s->gen++;
    xd_reply_error(t, XOUS_OUT_OF_MEMORY);
    return;
  }

  /* The creator is connected to its own server, as on the device. */
  cid = xd_conn_make(t->proc, s);
  if (cid == 0) {
    xd_direct_server_close(s);
    s->used = false;
    s->gen++;
    xd_reply_error(t, XOUS_OUT_OF_MEMORY); /* no connection slot left */
    return;
  }
  xd_log(1, "process %u created server %u", t->proc->pid, s->index);
  xd_trace("{s:s,s:i,s:i}", "ev", "server", "pid", (int)t->proc->pid, "server",
           (int)s->index);
  xous__result_set_sid(r, XOUS_RESULT_NEW_SERVER_ID, sid, cid);
  xd_reply(t, r, -1, 0);
  xd_connect_wake(s);
}

/* Fails every call waiting on s and takes it out of the table. */
void
xd_server_destroy(struct xd_server *s)
{
  unsigned n;

  s->used = false; /* first: nothing below may queue on it again */
  for (n = 0; n < XOUS_QUEUE_DEPTH; n++) {
    struct xd_slot *sl = &s->slots[n];

    if (sl->state == XD_SLOT_FREE)
      continue;
    if (sl->client != NULL) {
      sl->client->wait = XD_WAIT_NONE;
      xd_reply_error(sl->client, XOUS_SERVER_NOT_FOUND);
    }
    free_slot(s, n);
  }
  while (!xd_list_empty(&s->senders)) {
    struct xd_thread *t = xd_container_of(s->senders.next, struct xd_thread,
                                          wait_link);

    xd_list_del(&t->wait_link);
    t->wait = XD_WAIT_NONE;
    if (t->held_fd >= 0)
      close(t->held_fd);
    t->held_fd = -1;
    xd_reply_error(t, XOUS_SERVER_NOT_FOUND);
  }
  /* Everyone on the direct path: receivers, callers waiting for an
   * answer, senders waiting for a slot, all wake and find it dead. */
  xd_direct_server_close(s);
  s->gen++;
  xd_trace("{s:s,s:i}", "ev", "destroy", "server", (int)s->index);
}

void
xd_destroy_server(struct xd_thread *t, const xous_word_t a[8])
{
  struct xd_server *s = owned_server(t, xous__sid_arg(a));

  if (s == NULL) {
    xd_reply_error(t, XOUS_SERVER_NOT_FOUND);
    return;
  }
  if (s->lent > 0) {
    xd_reply_error(t, XOUS_SERVER_QUEUE_FULL); /* memory is still lent */
    return;
  }
  /* Answer the caller first: it may be one of the receivers. */
  reply_ok(t);
  xd_server_destroy(s);
}

unsigned
xd_servers_owned(const struct xd_process *proc)
{
  unsigned i, n = 0;

  for (i = 0; i < XOUSD_MAX_SERVERS; i++)
    n += xd.servers[i].used && xd.servers[i].owner == proc;
  return n;
}

/* AdjustProcessLimit(index, expected, proposed): the limit changes only
 * when expected is the value in force, and only within the ceiling the
 * broker was started with, so a process can lower its own limits and
 * raise them back, never past what the system allows. The answer is
 * Scalar2(index, value in force), as the kernel's. */
void
xd_adjust_limit(struct xd_thread *t, const xous_word_t a[8])
{
  struct xous__limit_args l = xous__limit_args_of(a);
  xous_word_t index = l.index, expected = l.expected, proposed = l.proposed;
  xous_word_t r[8];
  unsigned *value, ceiling;

  if (index == XOUS_LIMIT_SERVERS) {
    value = &t->proc->max_servers;
    ceiling = xd.opt.process_servers;
  } else if (index == XOUS_LIMIT_CONNECTIONS) {
    value = &t->proc->max_conns;
    ceiling = xd.opt.max_connections;
  } else {
    xd_reply_error(t, XOUS_INVALID_LIMIT);
    return;
  }
  if (expected == *value && proposed >= 1 && proposed <= ceiling)
    *value = (unsigned)proposed;
  xous__result_set2(r, XOUS_RESULT_SCALAR2, index, *value);
  xd_reply(t, r, -1, 0);
}

void
xd_forget_client(struct xd_thread *t)
{
  switch (t->wait) {
  case XD_WAIT_REPLY: {
    struct xd_server *s = t->wait_server;

    if (s != NULL && s->slots[t->wait_slot].client == t)
      s->slots[t->wait_slot].client = NULL; /* the answer will be dropped */
    break;
  }
  case XD_WAIT_SPACE:
    if (t->held_fd >= 0)
      close(t->held_fd);
    t->held_fd = -1;
    break;
  default:
    break;
  }
  xd_list_del(&t->wait_link);
  t->wait = XD_WAIT_NONE;
}
