/*
 * The name server's opcodes, on the wire of the real xous-names
 * (<xous/names.h>, wire format).
 *
 * A lookup answers with a connection that the name server makes in the
 * client's table with ConnectForProcess: the SID never leaves the name
 * server but to the process that registered it. A BlockingConnect of a
 * name not registered yet, or without a free place, is kept as a waiter
 * and answered when the name's server is up and a place is free.
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

/* The request of a rkyv opcode, copied once out of the client's page. */
static uint8_t request[XOUS_PAGE_SIZE];

/* True when a server with sid exists. ConnectForProcess would wait for a
 * missing one, which would stop the name server; a connection of our own,
 * dropped at once, asks without waiting. Only ServerNotFound says the
 * server is gone: a full connection table of ours (another process may
 * fill it) says nothing about it. */
static bool
server_alive(xous_sid_t sid)
{
  xous_cid_t cid;
  xous_error_t err = xous_try_connect(sid, &cid);

  if (err == XOUS_OK)
    (void)xous_disconnect(cid);
  return err != XOUS_SERVER_NOT_FOUND;
}

/* True when the process that registered e has ended. The kernel says so
 * when asked to connect it to the name server, which any process may
 * reach (and the registrant already has: it registered through it). */
static bool
owner_gone(const struct names_entry *e)
{
  xous_cid_t cid;

  return xous_connect_for_process(e->owner,
                                  xous_sid_from_name(XOUS_NAMES_SERVER_NAME),
                                  &cid) == XOUS_PROCESS_NOT_FOUND;
}

/* Looks at e's server: true when it is up (a pending entry becomes
 * live). An entry whose server has gone (its process ended or destroyed
 * it), or whose registrant ended before creating it, is removed, so that
 * the name can be registered again. */
static bool
refresh(struct names_entry *e)
{
  if (server_alive(e->sid)) {
    e->live = true;
    return true;
  }
  if (e->live || owner_gone(e))
    names__remove(e);
  return false;
}

/* The entry of name if its server is up, else NULL. */
static struct names_entry *
find_ready(const struct names_name *name)
{
  struct names_entry *e = names__find(name);

  return e != NULL && refresh(e) ? e : NULL;
}

/* Makes a connection to e's server in pid's table and, for a name with a
 * limit, takes one place and a token for it. XOUS_ACCESS_DENIED when no
 * place is free. */
static xous_error_t
connect_entry(struct names_entry *e, xous_pid_t pid, xous_cid_t *cid,
              uint32_t token[4])
{
  xous_error_t err;

  memset(token, 0, 4 * sizeof token[0]);
  if (e->limited) {
    xous_sid_t t;

    /* The places of clients that died without giving them back are
     * free: the kernel told nobody, so look when one is needed. */
    if (e->count >= e->limit)
      (void)names__tokens_of_the_dead(e);
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
    if (e->limited)
      (void)names__token_spend(e, pid, token);
    memset(token, 0, 4 * sizeof token[0]);
    return err;
  }
  if (e->limited)
    e->count++;
  return XOUS_OK;
}

/* ---- the raw connect form (BlockingConnect, TryConnect) ----------------- */

/* Writes the answer over the client's page and gives it back with offset
 * and valid 0, as the real server does. A client that has died meanwhile
 * cannot be answered, and nothing else is to be done. */
static void
connect_answer(xous_sender_t sender, xous_range_t buf, uint32_t result,
               uint32_t word1, const uint32_t token[4])
{
  uint32_t w[6] = { result, word1, 0, 0, 0, 0 };

  if (token != NULL)
    memcpy(w + 2, token, 4 * sizeof w[0]);
  memcpy(buf.addr, w, token != NULL ? sizeof w : 2 * sizeof w[0]);
  (void)xous_return_memory(sender, buf, 0, 0);
}

/* Tries to connect a raw request to the ready entry e. True when it was
 * answered; false when it has to wait for a place. */
static bool
connect_raw(xous_sender_t sender, xous_range_t buf, struct names_entry *e,
            bool wait)
{
  uint32_t token[4];
  xous_cid_t cid = 0;
  xous_error_t err = connect_entry(e, xous_sender_pid(sender), &cid, token);

  if (err == XOUS_OK)
    connect_answer(sender, buf, 0, cid, token);
  else if (err == XOUS_ACCESS_DENIED && wait)
    return false;
  else if (err == XOUS_ACCESS_DENIED)
    connect_answer(sender, buf, 1, XOUS_NAMES_CONNECT_SERVER_NOT_FOUND, NULL);
  else
    connect_answer(sender, buf, 1, XOUS_NAMES_CONNECT_KERNEL_CONNECT_FAILURE,
                   NULL);
  return true;
}

/* Lets go of the waiters whose clients died: each holds a slot of our
 * queue and a place in the table, and nobody would take their answer.
 * Answering gives the lent page and the slot back. */
static void
let_go_of_the_dead(void)
{
  for (size_t i = 0; i < NAMES_MAX_WAITERS; i++) {
    struct waiter *w = &waiters[i];

    if (w->used && !xous_sender_waiting(w->sender)) {
      w->used = false;
      connect_answer(w->sender, w->buf, 1,
                     XOUS_NAMES_CONNECT_KERNEL_CONNECT_FAILURE, NULL);
    }
  }
}

/* Answers every waiter for name that can be answered now. */
static void
wake_waiters(const struct names_name *name)
{
  for (size_t i = 0; i < NAMES_MAX_WAITERS; i++) {
    struct waiter *w = &waiters[i];
    struct names_entry *e;

    if (!w->used || w->name.len != name->len ||
        memcmp(w->name.bytes, name->bytes, name->len) != 0)
      continue;
    e = find_ready(name);
    if (e == NULL)
      return;
    if (connect_raw(w->sender, w->buf, e, true))
      w->used = false;
  }
}

/* The entry waiter i waits for, or NULL: no waiter there, or its name is
 * in no entry. */
static struct names_entry *
waited_for(size_t i)
{
  return waiters[i].used ? names__find(&waiters[i].name) : NULL;
}

/* A BlockingConnect that waits for a place of a full name gets the place
 * of a holder that died, at the next request the name server gets (the
 * kernel tells it of no death, and it does not poll). */
static void
wake_for_places_of_the_dead(void)
{
  for (size_t i = 0; i < NAMES_MAX_WAITERS; i++) {
    struct names_entry *e = waited_for(i);

    if (e != NULL && e->live && e->limited && e->count >= e->limit &&
        names__tokens_of_the_dead(e) > 0)
      wake_waiters(&e->name);
  }
}

static void
op_connect(const xous_envelope_t *env, bool wait)
{
  const xous_memory_msg_t *m = &env->body.memory;
  size_t valid = m->valid != 0 ? m->valid : m->buf.len;
  uint8_t bytes[XOUS_NAMES_MAX_NAME];
  struct names_name name;
  struct names_entry *e;

  if (m->buf.addr == NULL || m->buf.len < XOUS_NAMES_CONNECT_LEN_OFFSET + 4) {
    (void)xous_return_memory(env->sender, m->buf, 0, 0);
    return;
  }
  if (valid > m->buf.len) {
    connect_answer(env->sender, m->buf, 1,
                   XOUS_NAMES_CONNECT_INVALID_MEMORY_BUFFER, NULL);
    return;
  }
  if (valid == 0 || valid > XOUS_NAMES_MAX_NAME) {
    connect_answer(env->sender, m->buf, 1, XOUS_NAMES_CONNECT_INVALID_STRING,
                   NULL);
    return;
  }
  /* SAFETY: the name is read once from the client's page into bytes; only
   * the copy is checked and used. */
  memcpy(bytes, m->buf.addr, valid);
  if (!xous__names_valid(bytes, valid)) {
    connect_answer(env->sender, m->buf, 1, XOUS_NAMES_CONNECT_INVALID_STRING,
                   NULL);
    return;
  }
  names__name_set(&name, bytes, valid);
  e = find_ready(&name);
  if (e != NULL && connect_raw(env->sender, m->buf, e, wait))
    return;
  if (!wait) {
    connect_answer(env->sender, m->buf, 1, XOUS_NAMES_CONNECT_SERVER_NOT_FOUND,
                   NULL);
    return;
  }
  /* A new waiter is the moment to drop the dead ones: lookups are rare,
   * and it is when a place may be needed. */
  let_go_of_the_dead();
  for (size_t i = 0; i < NAMES_MAX_WAITERS; i++)
    if (!waiters[i].used) {
      waiters[i].used = true;
      waiters[i].sender = env->sender;
      waiters[i].buf = m->buf;
      waiters[i].name = name;
      return; /* answered by wake_waiters() */
    }
  connect_answer(env->sender, m->buf, 1,
                 XOUS_NAMES_CONNECT_KERNEL_CONNECT_FAILURE, NULL);
}

/* True when an entry is pending. */
static bool
any_pending(void)
{
  for (struct names_entry *e = names__next(NULL); e != NULL;
       e = names__next(e))
    if (!e->live)
      return true;
  return false;
}

void
names__serve_reset(void)
{
  names__table_init();
  memset(waiters, 0, sizeof waiters);
}

bool
names__pending_waiters(void)
{
  for (size_t i = 0; i < NAMES_MAX_WAITERS; i++) {
    struct names_entry *e = waited_for(i);

    if (e != NULL && !e->live)
      return true;
  }
  return false;
}

void
names__recheck(void)
{
  for (struct names_entry *e = names__next(NULL); e != NULL;
       e = names__next(e))
    if (!e->live && refresh(e))
      wake_waiters(&e->name);
}

/* ---- the rkyv opcodes ---------------------------------------------------- */

/* Writes ret as a fresh archive from byte 0 of the client's page and gives
 * it back with offset = its length and valid as it came, as xous-ipc's
 * Buffer::replace() does. */
static void
rkyv_answer(const xous_envelope_t *env, const struct xous__names_return *ret)
{
  const xous_memory_msg_t *m = &env->body.memory;
  size_t used = 0;

  if (xous__names_write_return(m->buf.addr, m->buf.len, ret, &used) != XOUS_OK)
    used = 0;
  (void)xous_return_memory(env->sender, m->buf, used, m->valid);
}

/* Answers with a Return that is its tag alone, or its tag and four
 * words (a SID's). */
static void
answer(const xous_envelope_t *env, uint8_t tag, const uint32_t words[4])
{
  struct xous__names_return ret;

  memset(&ret, 0, sizeof ret);
  ret.tag = tag;
  if (words != NULL)
    memcpy(ret.words, words, sizeof ret.words);
  rkyv_answer(env, &ret);
}

static void
fail(const xous_envelope_t *env)
{
  answer(env, XOUS_NAMES_RETURN_FAILURE, NULL);
}

/* True when pid may be handed one more SID: it has fewer than
 * NAMES_MAX_PENDING names whose server it has not created yet, so that a
 * process that registers without ever serving fills no table. */
static bool
may_register(xous_pid_t pid)
{
  unsigned pending = 0;

  for (struct names_entry *e = names__next(NULL); e != NULL;
       e = names__next(e))
    if (e->owner == pid && !e->live && !refresh(e) && e->used)
      pending++;
  return pending < NAMES_MAX_PENDING;
}

static void
op_register(const xous_envelope_t *env, size_t used)
{
  struct names_name name;
  struct names_entry *e;
  const uint8_t *s;
  size_t len;
  bool limited;
  uint32_t limit;
  xous_sid_t sid;

  if (xous__names_read_registration(request, used, &s, &len, &limited,
                                    &limit) != XOUS_OK) {
    fail(env);
    return;
  }
  names__name_set(&name, s, len);
  e = names__find(&name);
  if (e != NULL && !refresh(e) && !e->used)
    e = NULL; /* its server or its registrant has gone */
  if (e != NULL || !may_register(xous_sender_pid(env->sender)) ||
      xous_create_server_id(&sid) != XOUS_OK ||
      (e = names__add(&name)) == NULL) {
    fail(env);
    return;
  }
  e->sid = sid;
  e->owner = xous_sender_pid(env->sender);
  e->limited = limited;
  e->limit = limit;
  names__trusted_seen(&name);
  answer(env, XOUS_NAMES_RETURN_SID, sid.w);
  /* The registrant creates the server after this answer; until then
   * the waiters stay (the main loop polls, names__recheck()). */
}

static void
op_lookup(const xous_envelope_t *env, size_t used)
{
  struct xous__names_return ret;
  struct names_name name;
  struct names_entry *e;
  const uint8_t *s;
  size_t len;
  xous_error_t err = XOUS_SERVER_NOT_FOUND;

  if (xous__names_read_string(request, used, &s, &len) != XOUS_OK) {
    fail(env);
    return;
  }
  names__name_set(&name, s, len);
  memset(&ret, 0, sizeof ret);
  e = find_ready(&name);
  if (e != NULL)
    err = connect_entry(e, xous_sender_pid(env->sender), &ret.cid, ret.words);
  if (err == XOUS_OK) {
    ret.tag = XOUS_NAMES_RETURN_CID;
    ret.has_token = e->limited;
  } else if (err == XOUS_SERVER_NOT_FOUND || err == XOUS_ACCESS_DENIED) {
    /* As the real server: no such name (or no place) asks the client to
     * authenticate, with a fresh challenge; nobody can answer it yet. */
    xous_sid_t challenge;

    if (xous_create_server_id(&challenge) != XOUS_OK) {
      fail(env);
      return;
    }
    ret.tag = XOUS_NAMES_RETURN_AUTHENTICATE_REQUEST;
    ret.name = s;
    ret.name_len = len;
    memcpy(ret.words, challenge.w, sizeof ret.words);
  } else {
    ret.tag = XOUS_NAMES_RETURN_FAILURE;
  }
  rkyv_answer(env, &ret);
}

static void
op_disconnect(const xous_envelope_t *env, size_t used)
{
  struct names_name name;
  struct names_entry *e;
  uint32_t token[4];
  const uint8_t *s;
  size_t len;

  if (xous__names_read_disconnect(request, used, &s, &len, token) != XOUS_OK) {
    fail(env);
    return;
  }
  names__name_set(&name, s, len);
  e = names__find(&name);
  if (e == NULL || !e->limited ||
      !names__token_spend(e, xous_sender_pid(env->sender), token)) {
    fail(env);
    return;
  }
  e->count--;
  answer(env, XOUS_NAMES_RETURN_SUCCESS, NULL);
  wake_waiters(&name); /* a place is free */
}

/* A MutableLend. The rkyv opcodes carry the archive's length in offset. */
static void
serve_mutable(const xous_envelope_t *env)
{
  const xous_memory_msg_t *m = &env->body.memory;
  size_t used = m->offset;

  switch (m->id) {
  case XOUS_NAMES_OP_BLOCKING_CONNECT:
  case XOUS_NAMES_OP_TRY_CONNECT:
    op_connect(env, m->id == XOUS_NAMES_OP_BLOCKING_CONNECT);
    return;
  case XOUS_NAMES_OP_REGISTER:
  case XOUS_NAMES_OP_LOOKUP:
  case XOUS_NAMES_OP_AUTHENTICATED_LOOKUP:
  case XOUS_NAMES_OP_DISCONNECT:
    break;
  default:
    (void)xous_return_memory(env->sender, m->buf, 0, 0);
    return;
  }
  if (m->buf.addr == NULL || m->buf.len < XOUS_NAMES_RETURN_SIZE) {
    (void)xous_return_memory(env->sender, m->buf, 0, 0);
    return;
  }
  if (used > m->buf.len || used > sizeof request) {
    fail(env);
    return;
  }
  /* SAFETY: the archive is read once from the client's page into
   * request; the decoders check every offset and length of the copy. */
  memcpy(request, m->buf.addr, used);
  switch (m->id) {
  case XOUS_NAMES_OP_REGISTER:
    op_register(env, used);
    break;
  case XOUS_NAMES_OP_LOOKUP:
    op_lookup(env, used);
    break;
  case XOUS_NAMES_OP_DISCONNECT:
    op_disconnect(env, used);
    break;
  default:
    /* AuthenticatedLookup: nobody can answer a challenge yet, so every
     * one fails (the real server stops on it, unimplemented). */
    fail(env);
    break;
  }
}

static void
serve_blocking_scalar(const xous_envelope_t *env)
{
  const xous_scalar_msg_t *s = &env->body.scalar;
  xous_word_t yes = 0;

  if (s->id == XOUS_NAMES_OP_UNREGISTER) {
    xous_sid_t sid = { { (uint32_t)s->arg1, (uint32_t)s->arg2,
                         (uint32_t)s->arg3, (uint32_t)s->arg4 } };
    struct names_entry *e = names__find_sid(sid);

    if (e != NULL) {
      names__remove(e);
      yes = 1;
    }
  } else if (s->id == XOUS_NAMES_OP_TRUSTED_INIT_DONE) {
    yes = names__trusted_done() ? 1 : 0;
  }
  /* Anything else (a connect without its page, an opcode of a memory
   * message, one above 7) gets Scalar1(0). */
  (void)xous_return_scalar1(env->sender, yes);
}

void
names__serve(xous_envelope_t *env)
{
  switch (env->body.kind) {
  case XOUS_MSG_LEND_MUT:
    serve_mutable(env);
    break;
  case XOUS_MSG_LEND:
    /* Every opcode writes its answer: a page lent read-only comes back
     * unread (the real server stops on it). */
    (void)xous_return_memory(env->sender, env->body.memory.buf, 0, 0);
    break;
  case XOUS_MSG_SEND:
    /* Nothing to answer, and the pages are ours now: free them unread. */
    if (env->body.memory.buf.len != 0)
      (void)xous_unmap_memory(env->body.memory.buf);
    break;
  case XOUS_MSG_BLOCKING_SCALAR:
    serve_blocking_scalar(env);
    break;
  default:
    break; /* a Scalar asks for nothing, and no opcode is a Scalar */
  }
  if (any_pending())
    names__recheck();
  wake_for_places_of_the_dead();
}
