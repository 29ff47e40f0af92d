/*
 * The message syscalls: SendMessage, TrySendMessage, ReceiveMessage,
 * TryReceiveMessage, ReturnMemory, ReturnScalar1/2/5 and
 * ReplyAndReceiveNext.
 */
#include <string.h>

#include "abi.h"
#include "internal.h"

/* SendMessage and TrySendMessage share their words: cid, the send code,
 * the id, then the four memory or scalar words. */
static xous_error_t
send(xous_word_t nr, xous_cid_t cid, const xous_message_t *msg,
     xous_result_t *res)
{
  if (msg == NULL || msg->kind < XOUS_MSG_LEND_MUT ||
      msg->kind > XOUS_MSG_BLOCKING_SCALAR)
    return XOUS_INVALID_ARGUMENT;

  struct xous__send_args s = { nr == XOUS_SYSCALL_TRY_SEND_MESSAGE,
                               cid,
                               (xous_word_t)msg->kind,
                               { 0 } };
  if (xous__is_memory(msg->kind)) {
    s.msg.id = msg->memory.id;
    s.msg.mem.addr = (xous_word_t)msg->memory.buf.addr;
    s.msg.mem.len = msg->memory.buf.len;
    s.msg.mem.offset = msg->memory.offset;
    s.msg.mem.valid = msg->memory.valid;
  } else {
    s.msg.id = msg->scalar.id;
    s.msg.arg[0] = msg->scalar.arg1;
    s.msg.arg[1] = msg->scalar.arg2;
    s.msg.arg[2] = msg->scalar.arg3;
    s.msg.arg[3] = msg->scalar.arg4;
  }
  xous_word_t a[8], r[8] = { 0 };
  xous__send_args_words(&s, a);
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
  xous_word_t r[8];

  xous__call_sid(XOUS_SYSCALL_RECEIVE_MESSAGE, sid, r);
  return xous__decode_envelope(r, env);
}

xous_error_t
xous_try_receive_message(xous_sid_t sid, xous_envelope_t *env, bool *received)
{
  xous_word_t r[8];

  xous__call_sid(XOUS_SYSCALL_TRY_RECEIVE_MESSAGE, sid, r);
  if (received != NULL)
    *received = false;
  if (xous__result_tag(r) == XOUS_RESULT_NONE)
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

  return xous__call(a, XOUS_RESULT_OK, NULL);
}

xous_error_t
xous_return_scalar1(xous_sender_t sender, xous_word_t a1)
{
  const xous_word_t a[8] = { XOUS_SYSCALL_RETURN_SCALAR1, sender, a1 };

  return xous__call(a, XOUS_RESULT_OK, NULL);
}

xous_error_t
xous_return_scalar2(xous_sender_t sender, xous_word_t a1, xous_word_t a2)
{
  const xous_word_t a[8] = { XOUS_SYSCALL_RETURN_SCALAR2, sender, a1, a2 };

  return xous__call(a, XOUS_RESULT_OK, NULL);
}

xous_error_t
xous_return_scalar5(xous_sender_t sender, xous_word_t a1, xous_word_t a2,
                    xous_word_t a3, xous_word_t a4, xous_word_t a5)
{
  const xous_word_t a[8] = {
    XOUS_SYSCALL_RETURN_SCALAR5, sender, a1, a2, a3, a4, a5
  };

  return xous__call(a, XOUS_RESULT_OK, NULL);
}

/*
 * The answer ReplyAndReceiveNext gives (core/abi.h puts it in words): a
 * BlockingScalar gets Scalar1, Scalar2 or Scalar5 of the reply's first
 * nwords words, a lend its buffer back with offset and valid from the
 * reply's first two.
 */
static xous_error_t
reply_answer(const xous_envelope_t *env, const xous_word_t reply[5],
             unsigned nwords, struct xous__answer *ans)
{
  /* A NULL reply answers with zeros. */
  static const xous_word_t zeros[5];
  if (reply == NULL)
    reply = zeros;

  memset(ans, 0, sizeof *ans);
  ans->sender = env->sender;
  switch (env->body.kind) {
  case XOUS_MSG_BLOCKING_SCALAR:
    if (nwords == 1)
      ans->tag = XOUS_RESULT_SCALAR1;
    else if (nwords == 2)
      ans->tag = XOUS_RESULT_SCALAR2;
    else if (nwords == 5)
      ans->tag = XOUS_RESULT_SCALAR5;
    else
      return XOUS_INVALID_ARGUMENT;
    for (unsigned i = 0; i < nwords; i++)
      ans->v[i] = reply[i];
    return XOUS_OK;
  case XOUS_MSG_LEND_MUT:
  case XOUS_MSG_LEND:
    ans->tag = XOUS_RESULT_MEMORY_RETURNED;
    ans->id = env->body.memory.id;
    ans->addr = (xous_word_t)env->body.memory.buf.addr;
    ans->len = env->body.memory.buf.len;
    ans->v[0] = reply[0];
    ans->v[1] = reply[1];
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

  struct xous__answer ans;
  xous_error_t err = reply_answer(env, reply, nwords, &ans);
  if (err != XOUS_OK)
    return err;
  xous_word_t a[8], r[8] = { 0 };
  xous__answer_reply_words(&ans, a);
  xous_syscall(a, r);
  err = xous__decode_envelope(r, env);
  /* The old message must not be answered twice: after a failure env holds
   * no message, so a caller that simply calls again only receives. */
  if (err != XOUS_OK)
    memset(env, 0, sizeof(*env));
  return err;
}
