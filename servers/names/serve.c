/*
 * The name server's opcodes (the wire format is in <xous/names.h>).
 *
 * A lookup answers with a connection that the name server makes in the
 * client's table with ConnectForProcess: the SID never leaves the name
 * server. A blocking lookup of a name not registered yet is kept as a
 * waiter and answered when the name is registered.
 */
#include <string.h>

#include "server.h"

struct waiter {
  bool used;
  xous_sender_t sender;
  xous_range_t buf; /* the client's page, lent mutably until answered */
  struct names_name name;
};

static struct waiter waiters[NAMES_MAX_WAITERS];

/* Answers a lend; the error travels in the offset word. A client that has
 * died meanwhile cannot be answered, and nothing else is to be done. */
static void
answer(xous_sender_t sender, xous_range_t buf, xous_error_t err, size_t valid)
{
  (void)xous_return_memory(sender, buf, (size_t)err, err == XOUS_OK ? valid
                                                                    : 0);
}

/* True when a server with sid exists. ConnectForProcess would wait for a
 * missing one, which would stop the name server; a connection of our own,
 * dropped at once, asks without waiting. */
static bool
server_alive(xous_sid_t sid)
{
  xous_cid_t cid;

  if (xous_try_connect(sid, &cid) != XOUS_OK)
    return false;
  (void)xous_disconnect(cid);
  return true;
}

/* The entry of name, or NULL; an entry whose server has gone (its process
 * ended or destroyed it) is removed, so the name can be registered again. */
static struct names_entry *
find_live(const struct names_name *name)
{
  struct names_entry *e = names__find(name);

  if (e != NULL && !server_alive(e->sid)) {
    names__remove(e);
    e = NULL;
  }
  return e;
}

/* Makes a connection to e's server in pid's table and, for a name with a
 * limit, takes one place and a token for it. */
static xous_error_t
connect_entry(struct names_entry *e, xous_pid_t pid, xous_cid_t *cid,
              uint32_t token[4])
{
  xous_error_t err;

  memset(token, 0, 4 * sizeof token[0]);
  if (e->limit != 0) {
    xous_sid_t t;

    if (e->count >= e->limit)
      return XOUS_ACCESS_DENIED;
    /* CreateServerId gives 128 random bits: a token nobody can guess. */
    err = xous_create_server_id(&t);
    if (err != XOUS_OK)
      return err;
    memcpy(token, t.w, sizeof t.w);
    err = names__token_add(e, pid, token);
    if (err != XOUS_OK)
      return err;
  }
  err = xous_connect_for_process(pid, e->sid, cid);
  if (err != XOUS_OK) {
    if (e->limit != 0)
      (void)names__token_spend(e, pid, token);
    memset(token, 0, 4 * sizeof token[0]);
    return err;
  }
  if (e->limit != 0)
    e->count++;
  return XOUS_OK;
}

/* Writes the answer to a lookup into the client's page (lent mutably). */
static void
write_lookup(xous_range_t buf, const struct names_name *name, xous_cid_t cid,
             const uint32_t token[4])
{
  struct xous_names_msg out;

  memset(&out, 0, sizeof out);
  out.name_len = name->len;
  memcpy(out.name, name->bytes, name->len);
  memcpy(out.token, token, sizeof out.token);
  out.cid = cid;
  memcpy(buf.addr, &out, sizeof out);
}

/* Answers a lookup of the live entry e. */
static void
serve_lookup(xous_sender_t sender, xous_range_t buf, struct names_entry *e)
{
  uint32_t token[4];
  xous_cid_t cid = 0;
  xous_error_t err;

  err = connect_entry(e, xous_sender_pid(sender), &cid, token);
  if (err == XOUS_OK)
    write_lookup(buf, &e->name, cid, token);
  answer(sender, buf, err, sizeof(struct xous_names_msg));
}

/* Answers every waiter for e's name, now that it is registered. */
static void
wake_waiters(struct names_entry *e)
{
  for (size_t i = 0; i < NAMES_MAX_WAITERS; i++) {
    struct waiter *w = &waiters[i];

    if (!w->used || w->name.len != e->name.len ||
        memcmp(w->name.bytes, e->name.bytes, e->name.len) != 0)
      continue;
    w->used = false;
    serve_lookup(w->sender, w->buf, e);
  }
}

static void
op_lookup(const xous_envelope_t *env, const struct names_name *name,
          bool wait)
{
  const xous_memory_msg_t *m = &env->body.memory;
  struct names_entry *e = find_live(name);

  if (e != NULL) {
    serve_lookup(env->sender, m->buf, e);
    return;
  }
  if (!wait) {
    answer(env->sender, m->buf, XOUS_SERVER_NOT_FOUND, 0);
    return;
  }
  for (size_t i = 0; i < NAMES_MAX_WAITERS; i++)
    if (!waiters[i].used) {
      waiters[i].used = true;
      waiters[i].sender = env->sender;
      waiters[i].buf = m->buf;
      waiters[i].name = *name;
      return; /* answered by wake_waiters() */
    }
  answer(env->sender, m->buf, XOUS_OUT_OF_MEMORY, 0);
}

static xous_error_t
op_register(xous_pid_t pid, const struct xous_names_msg *msg,
            const struct names_name *name)
{
  struct names_entry *e;
  xous_sid_t sid;

  if (msg->max_conns > XOUS_NAMES_MAX_LIMIT)
    return XOUS_INVALID_ARGUMENT;
  memcpy(sid.w, msg->sid, sizeof sid.w);
  if (find_live(name) != NULL)
    return XOUS_SERVER_EXISTS;
  /* Only a server that exists can be named: a lookup never waits on a SID
   * that nobody serves. */
  if (!server_alive(sid))
    return XOUS_SERVER_NOT_FOUND;
  e = names__add(name);
  if (e == NULL)
    return XOUS_OUT_OF_MEMORY;
  e->sid = sid;
  e->owner = pid;
  e->limit = msg->max_conns;
  names__trusted_seen(name);
  return XOUS_OK;
}

static xous_error_t
op_disconnect(xous_pid_t pid, const struct xous_names_msg *msg,
              const struct names_name *name)
{
  struct names_entry *e = names__find(name);

  if (e == NULL)
    return XOUS_SERVER_NOT_FOUND;
  if (e->limit == 0 || !names__token_spend(e, pid, msg->token))
    return XOUS_ACCESS_DENIED;
  e->count--;
  return XOUS_OK;
}

static xous_error_t
op_unregister(xous_pid_t pid, const struct names_name *name)
{
  struct names_entry *e = names__find(name);

  if (e == NULL)
    return XOUS_SERVER_NOT_FOUND;
  if (e->owner != pid)
    return XOUS_ACCESS_DENIED;
  names__remove(e);
  return XOUS_OK;
}

/* A lend (mutable or not) of one page holding a request. */
static void
serve_memory(xous_envelope_t *env)
{
  const xous_memory_msg_t *m = &env->body.memory;
  xous_pid_t pid = xous_sender_pid(env->sender);
  bool mut = env->body.kind == XOUS_MSG_LEND_MUT;
  struct xous_names_msg msg;
  struct names_name name;
  xous_error_t err;

  if (m->buf.len != XOUS_PAGE_SIZE || m->buf.addr == NULL) {
    answer(env->sender, m->buf, XOUS_INVALID_ARGUMENT, 0);
    return;
  }
  /* SAFETY: the page belongs to the client, which may still write it (a
   * Lend leaves it mapped there). It is read exactly once, into msg, and
   * only the copy is validated and used. */
  memcpy(&msg, m->buf.addr, sizeof msg);
  err = names__check_name(&msg, &name);
  if (err != XOUS_OK) {
    answer(env->sender, m->buf, err, 0);
    return;
  }
  switch (m->id) {
  case XOUS_NAMES_OP_REGISTER:
    err = op_register(pid, &msg, &name);
    if (err == XOUS_OK) {
      answer(env->sender, m->buf, XOUS_OK, 0);
      wake_waiters(names__find(&name));
      return;
    }
    break;
  case XOUS_NAMES_OP_CONNECT:
  case XOUS_NAMES_OP_TRY_CONNECT:
    if (!mut) {
      err = XOUS_INVALID_ARGUMENT; /* the answer needs a writable page */
      break;
    }
    op_lookup(env, &name, m->id == XOUS_NAMES_OP_CONNECT);
    return;
  case XOUS_NAMES_OP_DISCONNECT:
    err = op_disconnect(pid, &msg, &name);
    break;
  case XOUS_NAMES_OP_UNREGISTER:
    err = op_unregister(pid, &name);
    break;
  default:
    err = XOUS_INVALID_ARGUMENT;
    break;
  }
  answer(env->sender, m->buf, err, 0);
}

void
names__serve(xous_envelope_t *env)
{
  switch (env->body.kind) {
  case XOUS_MSG_LEND:
  case XOUS_MSG_LEND_MUT:
    serve_memory(env);
    break;
  case XOUS_MSG_SEND:
    /* Nothing to answer, and the pages are ours now: free them unread. */
    if (env->body.memory.buf.len != 0)
      (void)xous_unmap_memory(env->body.memory.buf);
    break;
  case XOUS_MSG_BLOCKING_SCALAR:
    if (env->body.scalar.id == XOUS_NAMES_OP_TRUSTED_INIT)
      (void)xous_return_scalar2(env->sender, XOUS_OK,
                                names__trusted_done() ? 1 : 0);
    else
      (void)xous_return_scalar2(env->sender, XOUS_INVALID_ARGUMENT, 0);
    break;
  default:
    break; /* a Scalar asks for nothing, and no opcode is a Scalar */
  }
}
