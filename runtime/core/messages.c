/*
 * The message syscalls: SendMessage, TrySendMessage, ReceiveMessage,
 * TryReceiveMessage, ReturnMemory, ReturnScalar1/2/5 and
 * ReplyAndReceiveNext.
 */
#include <string.h>

#include "internal.h"

static bool
is_memory_kind(xous_msg_kind_t kind)
{
  return kind == XOUS_MSG_LEND_MUT || kind == XOUS_MSG_LEND ||
         kind == XOUS_MSG_SEND;
}

/* SendMessage and TrySendMessage share their words: cid, the send code,
 * the id, then the four memory or scalar words. */
static xous_error_t
send(xous_word_t nr, xous_cid_t cid, const xous_message_t *msg,
     xous_result_t *res)
{
  if (msg == NULL || msg->kind < XOUS_MSG_LEND_MUT ||
      msg->kind > XOUS_MSG_BLOCKING_SCALAR)
    return XOUS_INVALID_ARGUMENT;

  xous_word_t a[8] = { nr, cid, (xous_word_t)msg->kind };
  if (is_memory_kind(msg->kind)) {
    a[3] = msg->memory.id;
    a[4] = (xous_word_t)msg->memory.buf.addr;
    a[5] = msg->memory.buf.len;
    a[6] = msg->memory.offset;
    a[7] = msg->memory.valid;
  } else {
    a[3] = msg->scalar.id;
    a[4] = msg->scalar.arg1;
    a[5] = msg->scalar.arg2;
    a[6] = msg->scalar.arg3;
    a[7] = msg->scalar.arg4;
  }
  xous_word_t r[8] = { 0 };
  xous_syscall(a, r);
  /* The caller sees the raw result even on error: what a reply carries
   * depends on the kind, and only the caller knows what it expects. */
  if (res != NULL)
    xous__words_to_result(r, res);
  return xous__result_error(r);
}

xous_error_t
xous_send_message(xous_cid_t cid, const xous_message_t *msg,
                  xous_result_t *res)
{
  return send(XOUS_SYSCALL_SEND_MESSAGE, cid, msg, res);
}

xous_error_t
xous_try_send_message(xous_cid_t cid, const xous_message_t *msg,
                      xous_result_t *res)
{
  return send(XOUS_SYSCALL_TRY_SEND_MESSAGE, cid, msg, res);
}

xous_error_t
xous_receive_message(xous_sid_t sid, xous_envelope_t *env)
{
  const xous_word_t a[8] = { XOUS_SYSCALL_RECEIVE_MESSAGE, sid.w[0], sid.w[1],
                             sid.w[2], sid.w[3] };
  xous_word_t r[8] = { 0 };
  xous_syscall(a, r);
  return xous__decode_envelope(r, env);
}

xous_error_t
xous_try_receive_message(xous_sid_t sid, xous_envelope_t *env, bool *received)
{
  const xous_word_t a[8] = { XOUS_SYSCALL_TRY_RECEIVE_MESSAGE, sid.w[0],
                             sid.w[1], sid.w[2], sid.w[3] };
  xous_word_t r[8] = { 0 };
  xous_syscall(a, r);
  if (received != NULL)
    *received = false;
  if (r[0] == XOUS_RESULT_NONE)
    return XOUS_OK;
  xous_error_t err = xous__decode_envelope(r, env);
  if (err == XOUS_OK && received != NULL)
    *received = true;
  return err;
}

xous_error_t
xous_return_memory(xous_sender_t sender, xous_range_t buf, size_t offset,
                   size_t valid)
{
  const xous_word_t a[8] = { XOUS_SYSCALL_RETURN_MEMORY,
                             sender,
                             (xous_word_t)buf.addr,
                             buf.len,
                             offset,
                             valid };
  xous_word_t r[8] = { 0 };
  xous_syscall(a, r);
  return xous__expect(r, XOUS_RESULT_OK);
}

xous_error_t
xous_return_scalar1(xous_sender_t sender, xous_word_t a1)
{
  const xous_word_t a[8] = { XOUS_SYSCALL_RETURN_SCALAR1, sender, a1 };
  xous_word_t r[8] = { 0 };
  xous_syscall(a, r);
  return xous__expect(r, XOUS_RESULT_OK);
}

xous_error_t
xous_return_scalar2(xous_sender_t sender, xous_word_t a1, xous_word_t a2)
{
  const xous_word_t a[8] = { XOUS_SYSCALL_RETURN_SCALAR2, sender, a1, a2 };
  xous_word_t r[8] = { 0 };
  xous_syscall(a, r);
  return xous__expect(r, XOUS_RESULT_OK);
}

xous_error_t
xous_return_scalar5(xous_sender_t sender, xous_word_t a1, xous_word_t a2,
                    xous_word_t a3, xous_word_t a4, xous_word_t a5)
{
  const xous_word_t a[8] = {
    XOUS_SYSCALL_RETURN_SCALAR5, sender, a1, a2, a3, a4, a5
  };
  xous_word_t r[8] = { 0 };
  xous_syscall(a, r);
  return xous__expect(r, XOUS_RESULT_OK);
}

/*
 * Words of ReplyAndReceiveNext: a1 = sender, a2..a6 = reply, a7 = type.
 * A scalar reply puts its 1 or 2 words in a3 (and a4) and its 5 words in
 * a2..a6, with a7 = the word count; the kernel gives the client
 * Scalar1(a3), Scalar2(a3, a4) or Scalar5(a2..a6). A memory reply repeats
 * id, addr and len in a2..a4, puts offset and valid in a5, a6 and has
 * a7 = XOUS_REPLY_MEMORY; the client gets MemoryReturned(a5, a6).
 */
static xous_error_t
encode_reply(const xous_envelope_t *env, const xous_word_t reply[5],
             unsigned nwords, xous_word_t a[8])
{
  /* A NULL reply answers with zeros. */
  static const xous_word_t zeros[5];
  if (reply == NULL)
    reply = zeros;

  a[0] = XOUS_SYSCALL_REPLY_AND_RECEIVE_NEXT;
  a[1] = env->sender;
  switch (env->body.kind) {
  case XOUS_MSG_BLOCKING_SCALAR:
    if (nwords == 1) {
      a[3] = reply[0];
    } else if (nwords == 2) {
      a[3] = reply[0];
      a[4] = reply[1];
    } else if (nwords == 5) {
      for (int i = 0; i < 5; i++)
        a[2 + i] = reply[i];
    } else {
      return XOUS_INVALID_ARGUMENT;
    }
    a[7] = nwords;
    return XOUS_OK;
  case XOUS_MSG_LEND_MUT:
  case XOUS_MSG_LEND:
    a[2] = env->body.memory.id;
    a[3] = (xous_word_t)env->body.memory.buf.addr;
    a[4] = env->body.memory.buf.len;
    a[5] = reply[0];
    a[6] = reply[1];
    a[7] = XOUS_REPLY_MEMORY;
    return XOUS_OK;
  default:
    return XOUS_INVALID_ARGUMENT;
  }
}

xous_error_t
xous_reply_and_receive_next(xous_sid_t sid, xous_envelope_t *env,
                            const xous_word_t reply[5], unsigned nwords)
{
  if (env == NULL)
    return XOUS_INVALID_ARGUMENT;
  /* Nobody waits for an answer to a Scalar or a Send (the kernel has no
   * slot to reply to), and sender 0 means no message is held: receive. */
  if (env->sender == 0 || env->body.kind == XOUS_MSG_SCALAR ||
      env->body.kind == XOUS_MSG_SEND)
    return xous_receive_message(sid, env);

  xous_word_t a[8] = { 0 };
  xous_error_t err = encode_reply(env, reply, nwords, a);
  if (err != XOUS_OK)
    return err;
  xous_word_t r[8] = { 0 };
  xous_syscall(a, r);
  err = xous__decode_envelope(r, env);
  /* The old message must not be answered twice: after a failure env holds
   * no message, so a caller that simply calls again only receives. */
  if (err != XOUS_OK)
    memset(env, 0, sizeof(*env));
  return err;
}
