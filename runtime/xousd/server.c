/*
 * Servers: the SID registry and each server's message queue, as the Xous
 * kernel keeps them.
 *
 * The sender word a server sees (ABI.md §3):
 *   bits 31..24  the client's PID
 *   bits 23..16  the server's index in the table
 *   bits 15..0   for a message that waits for an answer, the slot's
 *                generation (bits 15..7, never 0) and slot number
 *                (bits 6..0); 0 for Scalar and Send, which need none.
 * A stale or forged word fails its generation check instead of answering
 * somebody else's message.
 */
#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "xousd/broker.h"

#define SLOT_BITS 7
#define GEN_MAX 511

static bool
is_blocking(unsigned kind)
{
  return kind == XOUS_MSG_LEND_MUT || kind == XOUS_MSG_LEND ||
         kind == XOUS_MSG_BLOCKING_SCALAR;
}

static bool
is_memory(unsigned kind)
{
  return kind == XOUS_MSG_LEND_MUT || kind == XOUS_MSG_LEND ||
         kind == XOUS_MSG_SEND;
}

static xous_sid_t
sid_of(const uint64_t *w)
{
  xous_sid_t sid;

  for (int i = 0; i < 4; i++)
    sid.w[i] = (uint32_t)w[i];
  return sid;
}

struct xd_server *
xd_server_find(xous_sid_t sid)
{
  for (unsigned i = 0; i < XOUSD_MAX_SERVERS; i++)
    if (xd.servers[i].used && xous_sid_eq(xd.servers[i].sid, sid))
      return &xd.servers[i];
  return NULL;
}

static uint64_t
sender_word(const struct xd_server *s, unsigned n)
{
  const struct xd_slot *sl = &s->slots[n];
  uint64_t token = is_blocking(sl->kind)
                       ? ((uint64_t)sl->gen << SLOT_BITS) | n
                       : 0;

  return ((uint64_t)sl->client_pid << 24) | ((uint64_t)s->index << 16) |
         token;
}

static void
reply_words(struct xd_thread *t, uint64_t tag, uint64_t a1, uint64_t a2,
            uint64_t a3, uint64_t a4, uint64_t a5)
{
  uint64_t w[8] = { tag, a1, a2, a3, a4, a5, 0, 0 };

  xd_reply(t, w, -1, 0);
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

/* Hands the oldest queued message to receiver t. */
static void
deliver(struct xd_server *s, struct xd_thread *t)
{
  unsigned n = s->fifo[s->fifo_head];
  struct xd_slot *sl = &s->slots[n];
  uint64_t w[8];
  uint64_t mem_offset = sl->mem_offset;
  int fd = sl->fd;

  s->fifo_head = (s->fifo_head + 1) % XOUS_QUEUE_DEPTH;
  s->fifo_len--;
  w[0] = XOUS_RESULT_MESSAGE_ENVELOPE;
  w[1] = sender_word(s, n);
  w[2] = sl->kind - 1u; /* envelopes count kinds from 0 */
  w[3] = sl->w[0];
  w[4] = is_memory(sl->kind) ? 0 : sl->w[1]; /* the receiver maps it */
  w[5] = sl->w[2];
  w[6] = sl->w[3];
  w[7] = sl->w[4];
  sl->fd = -1; /* xd_reply passes it on and closes ours */
  t->wait = XD_WAIT_NONE;
  xd_list_del(&t->wait_link);
  s->served++;
  xd.messages++;
  xd_trace("{\"ev\":\"receive\",\"pid\":%u,\"tid\":%u,\"server\":%u,"
           "\"from\":%u,\"kind\":%u,\"id\":%llu,\"slot\":%u}",
           s->owner->pid, t->tid, s->index, sl->client_pid, sl->kind,
           (unsigned long long)sl->w[0], n);
  if (is_blocking(sl->kind)) {
    sl->state = XD_SLOT_ACTIVE;
    if (sl->kind != XOUS_MSG_BLOCKING_SCALAR)
      s->lent++;
  } else {
    free_slot(s, n);
  }
  xd_reply(t, w, fd, mem_offset);
}

/* Puts a message into a free slot. The queue must have room. */
static void
enqueue(struct xd_server *s, struct xd_thread *t, const uint64_t a[8], int fd,
        uint64_t mem_offset)
{
  unsigned n, kind = (unsigned)a[2];
  struct xd_slot *sl;

  for (n = 0; s->slots[n].state != XD_SLOT_FREE; n++)
    ;
  sl = &s->slots[n];
  sl->gen = sl->gen >= GEN_MAX ? 1 : sl->gen + 1;
  sl->kind = (uint8_t)kind;
  sl->state = XD_SLOT_QUEUED;
  sl->client_pid = t->proc->pid;
  sl->client = is_blocking(kind) ? t : NULL;
  memcpy(sl->w, &a[3], 5 * sizeof a[0]);
  sl->fd = fd;
  sl->mem_offset = mem_offset;
  s->in_use++;
  s->fifo[(s->fifo_head + s->fifo_len) % XOUS_QUEUE_DEPTH] = (uint8_t)n;
  s->fifo_len++;
  t->proc->messages_sent++;
  xd_trace("{\"ev\":\"send\",\"pid\":%u,\"tid\":%u,\"server\":%u,"
           "\"kind\":%u,\"id\":%llu,\"slot\":%u}",
           t->proc->pid, t->tid, s->index, kind,
           (unsigned long long)a[3], n);
  if (is_blocking(kind)) {
    t->wait = XD_WAIT_REPLY;
    t->wait_server = s;
    t->wait_slot = n;
  } else {
    reply_words(t, XOUS_RESULT_OK, 0, 0, 0, 0, 0);
  }
}

/* Moves messages along: waiting senders into free slots, queued messages
 * to waiting receivers, until neither can go on. */
static void
pump(struct xd_server *s)
{
  bool moved = true;

  while (moved && s->used) {
    moved = false;
    while (s->in_use < XOUS_QUEUE_DEPTH && !xd_list_empty(&s->senders)) {
      struct xd_thread *t =
          xd_container_of(s->senders.next, struct xd_thread, wait_link);
      int fd = t->held_fd;

      xd_list_del(&t->wait_link);
      t->wait = XD_WAIT_NONE;
      t->held_fd = -1;
      enqueue(s, t, t->held, fd, t->held_offset);
      moved = true;
    }
    while (s->fifo_len > 0 && !xd_list_empty(&s->receivers)) {
      deliver(s, xd_container_of(s->receivers.next, struct xd_thread,
                                 wait_link));
      moved = true;
    }
  }
}

/* Checks a memory object a client sent: a real shared-memory object,
 * large enough, and unable to shrink under the receiver's feet (a shrunk
 * object would make the receiver fault on access). */
static xous_error_t
check_object(int fd, uint64_t offset, uint64_t len)
{
  struct stat st;

  if (fd < 0)
    return XOUS_BAD_ADDRESS;
  if (len == 0 || (len % XOUS_PAGE_SIZE) != 0 ||
      (offset % XOUS_PAGE_SIZE) != 0)
    return XOUS_BAD_ALIGNMENT;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || offset + len < offset ||
      (uint64_t)st.st_size < offset + len)
    return XOUS_BAD_ADDRESS;
#ifdef F_GET_SEALS
  {
    int seals = fcntl(fd, F_GET_SEALS);

    if (seals >= 0 && (seals & F_SEAL_SHRINK) == 0)
      return XOUS_BAD_ADDRESS;
  }
#endif
  return XOUS_OK;
}

void
xd_send(struct xd_thread *t, const uint64_t a[8], int fd,
        uint64_t mem_offset)
{
  bool try_only = a[0] == XOUS_SYSCALL_TRY_SEND_MESSAGE;
  unsigned kind = (unsigned)a[2];
  struct xd_server *s;
  xous_error_t err = XOUS_OK;

  if (kind < XOUS_MSG_LEND_MUT || kind > XOUS_MSG_BLOCKING_SCALAR)
    err = XOUS_UNHANDLED_SYSCALL; /* an unknown kind does not decode */
  else if (is_memory(kind))
    err = check_object(fd, mem_offset, a[5]);
  else if (fd >= 0)
    err = XOUS_INVALID_ARGUMENT; /* a scalar carries no memory */
  if (err == XOUS_OK && (s = xd_conn_server(t->proc, a[1])) == NULL)
    err = XOUS_SERVER_NOT_FOUND;
  if (err == XOUS_OK && s->in_use == XOUS_QUEUE_DEPTH) {
    if (try_only)
      err = XOUS_SERVER_QUEUE_FULL;
    else {
      /* As the kernel retries the call, the sender waits for a slot. */
      memcpy(t->held, a, sizeof t->held);
      t->held_fd = fd;
      t->held_offset = mem_offset;
      t->wait = XD_WAIT_SPACE;
      t->wait_server = s;
      xd_list_add_tail(&s->senders, &t->wait_link);
      return;
    }
  }
  if (err != XOUS_OK) {
    if (fd >= 0)
      close(fd);
    xd_reply_error(t, err);
    return;
  }
  enqueue(s, t, a, fd, mem_offset);
  pump(s);
}

static struct xd_server *
owned_server(struct xd_thread *t, const uint64_t *sid_words)
{
  struct xd_server *s = xd_server_find(sid_of(sid_words));

  return (s != NULL && s->owner == t->proc) ? s : NULL;
}

static void
receive_on(struct xd_thread *t, struct xd_server *s, bool try_only)
{
  if (s->fifo_len > 0) {
    deliver(s, t);
    pump(s); /* a slot may have freed: let a waiting sender in */
    return;
  }
  if (try_only) {
    reply_words(t, XOUS_RESULT_NONE, 0, 0, 0, 0, 0);
    return;
  }
  t->wait = XD_WAIT_RECEIVE;
  t->wait_server = s;
  xd_list_add_tail(&s->receivers, &t->wait_link);
}

void
xd_receive(struct xd_thread *t, const uint64_t a[8])
{
  struct xd_server *s = owned_server(t, &a[1]);

  if (s == NULL) {
    xd_reply_error(t, XOUS_SERVER_NOT_FOUND);
    return;
  }
  receive_on(t, s, a[0] == XOUS_SYSCALL_TRY_RECEIVE_MESSAGE);
}

/* Finds the message a sender word names, for its server's owner. */
static xous_error_t
answering(struct xd_thread *t, uint64_t sender, struct xd_server **sp,
          unsigned *np)
{
  unsigned idx = (unsigned)(sender >> 16) & 0xff;
  unsigned n = (unsigned)sender & ((1u << SLOT_BITS) - 1);
  unsigned gen = (unsigned)(sender & 0xffff) >> SLOT_BITS;
  struct xd_server *s;

  if ((sender >> 32) != 0 || idx >= XOUSD_MAX_SERVERS)
    return XOUS_SERVER_NOT_FOUND;
  s = &xd.servers[idx];
  if (!s->used || s->owner != t->proc)
    return XOUS_SERVER_NOT_FOUND;
  if (gen == 0 || s->slots[n].state != XD_SLOT_ACTIVE ||
      s->slots[n].gen != gen)
    return XOUS_DOUBLE_FREE; /* nothing waits for this answer */
  *sp = s;
  *np = n;
  return XOUS_OK;
}

/* Applies one answer; the words are in ReplyAndReceiveNext order:
 * a[1] sender, a[2..6] values, type. */
static xous_error_t
answer(struct xd_thread *t, uint64_t sender, bool memory, unsigned nwords,
       const uint64_t v[5])
{
  struct xd_server *s;
  struct xd_slot *sl;
  struct xd_thread *client;
  unsigned n;
  xous_error_t err = answering(t, sender, &s, &n);

  if (err != XOUS_OK)
    return err;
  sl = &s->slots[n];
  if (memory != (sl->kind != XOUS_MSG_BLOCKING_SCALAR))
    return XOUS_INVALID_ARGUMENT; /* a lend needs ReturnMemory, and back */
  client = sl->client;
  xd_trace("{\"ev\":\"reply\",\"pid\":%u,\"tid\":%u,\"server\":%u,"
           "\"to\":%u,\"slot\":%u}",
           t->proc->pid, t->tid, s->index, sl->client_pid, n);
  if (memory) {
    s->lent--;
    if (client != NULL)
      reply_words(client, XOUS_RESULT_MEMORY_RETURNED, v[0], v[1], 0, 0, 0);
  } else if (client != NULL) {
    if (nwords == 1)
      reply_words(client, XOUS_RESULT_SCALAR1, v[0], 0, 0, 0, 0);
    else if (nwords == 2)
      reply_words(client, XOUS_RESULT_SCALAR2, v[0], v[1], 0, 0, 0);
    else
      reply_words(client, XOUS_RESULT_SCALAR5, v[0], v[1], v[2], v[3], v[4]);
  }
  /* A client that died meanwhile gets nothing: the answer is dropped. */
  if (client != NULL)
    client->wait = XD_WAIT_NONE;
  free_slot(s, n);
  pump(s);
  return XOUS_OK;
}

void
xd_return(struct xd_thread *t, const uint64_t a[8])
{
  xous_error_t err;
  uint64_t v[5] = { 0 };

  switch (a[0]) {
  case XOUS_SYSCALL_RETURN_SCALAR1:
    v[0] = a[2];
    err = answer(t, a[1], false, 1, v);
    break;
  case XOUS_SYSCALL_RETURN_SCALAR2:
    v[0] = a[2];
    v[1] = a[3];
    err = answer(t, a[1], false, 2, v);
    break;
  case XOUS_SYSCALL_RETURN_SCALAR5:
    memcpy(v, &a[2], sizeof v);
    err = answer(t, a[1], false, 5, v);
    break;
  default: { /* ReturnMemory: sender, addr, len, offset, valid */
    struct xd_server *s;
    unsigned n;

    err = answering(t, a[1], &s, &n);
    if (err == XOUS_OK && is_memory(s->slots[n].kind) &&
        s->slots[n].w[2] != a[3])
      err = XOUS_BAD_ADDRESS; /* not the length that was lent */
    if (err == XOUS_OK) {
      v[0] = a[4];
      v[1] = a[5];
      err = answer(t, a[1], true, 0, v);
    }
    break;
  }
  }
  if (err != XOUS_OK)
    xd_reply_error(t, err);
  else
    reply_words(t, XOUS_RESULT_OK, 0, 0, 0, 0, 0);
}

void
xd_reply_and_receive(struct xd_thread *t, const uint64_t a[8])
{
  uint64_t type = a[7];
  unsigned idx = (unsigned)(a[1] >> 16) & 0xff;
  xous_error_t err;
  uint64_t v[5] = { 0 };

  if (type == XOUS_REPLY_MEMORY) {
    struct xd_server *s;
    unsigned n;

    err = answering(t, a[1], &s, &n);
    if (err == XOUS_OK && s->slots[n].w[2] != a[4])
      err = XOUS_BAD_ADDRESS;
    if (err == XOUS_OK) {
      v[0] = a[5];
      v[1] = a[6];
      err = answer(t, a[1], true, 0, v);
    }
  } else if (type == 1) {
    v[0] = a[3];
    err = answer(t, a[1], false, 1, v);
  } else if (type == 2) {
    v[0] = a[3];
    v[1] = a[4];
    err = answer(t, a[1], false, 2, v);
  } else {
    memcpy(v, &a[2], sizeof v);
    err = answer(t, a[1], false, 5, v);
  }
  if (err != XOUS_OK) {
    xd_reply_error(t, err);
    return;
  }
  /* The server the answer came from is the one to receive on next. */
  receive_on(t, &xd.servers[idx], false);
}

static void
new_sid(xous_sid_t *sid)
{
  do
    randombytes_buf(sid->w, sizeof sid->w);
  while (xd_server_find(*sid) != NULL);
}

void
xd_create_server(struct xd_thread *t, const uint64_t a[8], bool random,
                 bool id_only)
{
  xous_sid_t sid;
  struct xd_server *s = NULL;
  uint64_t cid;
  unsigned i;

  if (id_only) {
    new_sid(&sid);
    reply_words(t, XOUS_RESULT_SERVER_ID, sid.w[0], sid.w[1], sid.w[2],
                sid.w[3], 0);
    return;
  }
  if (random)
    new_sid(&sid);
  else
    sid = sid_of(&a[1]);
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
  for (i = 0; i < XOUS_QUEUE_DEPTH; i++)
    s->slots[i].fd = -1;
  xd_list_init(&s->receivers);
  xd_list_init(&s->senders);

  /* The creator is connected to its own server, as on the device. */
  cid = xd_conn_make(t->proc, s);
  if (cid == 0) {
    s->used = false;
    s->gen++;
    xd_reply_error(t, XOUS_OUT_OF_MEMORY); /* no connection slot left */
    return;
  }
  xd_log(1, "process %u created server %u", t->proc->pid, s->index);
  xd_trace("{\"ev\":\"server\",\"pid\":%u,\"server\":%u}", t->proc->pid,
           s->index);
  reply_words(t, XOUS_RESULT_NEW_SERVER_ID, sid.w[0], sid.w[1], sid.w[2],
              sid.w[3], cid);
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
    struct xd_thread *t =
        xd_container_of(s->senders.next, struct xd_thread, wait_link);

    xd_list_del(&t->wait_link);
    t->wait = XD_WAIT_NONE;
    if (t->held_fd >= 0)
      close(t->held_fd);
    t->held_fd = -1;
    xd_reply_error(t, XOUS_SERVER_NOT_FOUND);
  }
  while (!xd_list_empty(&s->receivers)) {
    struct xd_thread *t =
        xd_container_of(s->receivers.next, struct xd_thread, wait_link);

    xd_list_del(&t->wait_link);
    t->wait = XD_WAIT_NONE;
    xd_reply_error(t, XOUS_SERVER_NOT_FOUND);
  }
  s->fifo_len = 0;
  s->gen++;
  xd_trace("{\"ev\":\"destroy\",\"server\":%u}", s->index);
}

void
xd_destroy_server(struct xd_thread *t, const uint64_t a[8])
{
  struct xd_server *s = owned_server(t, &a[1]);

  if (s == NULL) {
    xd_reply_error(t, XOUS_SERVER_NOT_FOUND);
    return;
  }
  if (s->lent > 0) {
    xd_reply_error(t, XOUS_SERVER_QUEUE_FULL); /* memory is still lent */
    return;
  }
  /* Answer the caller first: it may be one of the receivers. */
  reply_words(t, XOUS_RESULT_OK, 0, 0, 0, 0, 0);
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
xd_adjust_limit(struct xd_thread *t, const uint64_t a[8])
{
  uint64_t index = a[1], expected = a[2], proposed = a[3];
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
  reply_words(t, XOUS_RESULT_SCALAR2, index, *value, 0, 0, 0);
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
