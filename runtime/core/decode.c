/*
 * What the syscall wrappers share: making a call and decoding its result
 * words.
 */
#include <string.h>

#include "abi.h"
#include "internal.h"

xous_error_t
xous__result_error(const xous_word_t r[8])
{
  if (xous__result_is_error(r))
    return xous__error_from_word(xous__result_error_word(r));
  return XOUS_OK;
}

void
xous__words_to_result(const xous_word_t r[8], xous_result_t *res)
{
  res->kind = xous__result_tag(r);
  for (int i = 0; i < 7; i++)
    res->w[i] = r[i + 1];
}

xous_error_t
xous__decode_envelope(const xous_word_t r[8], xous_envelope_t *env)
{
  struct xous__envelope e;

  if (xous__result_tag(r) != XOUS_RESULT_MESSAGE_ENVELOPE) {
    xous_error_t err = xous__result_error(r);
    /* Any other tag, and an Error that claims NoError, means the words
     * were not what a receive can return. */
    return err != XOUS_OK ? err : XOUS_INTERNAL_ERROR;
  }
  /* An envelope carries the SendMessage kinds 0-based (MutableBorrow 0 ..
   * BlockingScalar 4); anything larger is not a message. */
  if (!xous__result_is_envelope(r))
    return XOUS_INTERNAL_ERROR;
  if (env == NULL)
    return XOUS_OK;

  e = xous__envelope_of(r);
  memset(env, 0, sizeof(*env));
  env->sender = e.sender;
  env->body.kind = (xous_msg_kind_t)e.kind;
  if (xous__is_memory(e.kind)) {
    env->body.memory.id = e.msg.id;
    env->body.memory.buf.addr = (void *)e.msg.mem.addr;
    env->body.memory.buf.len = e.msg.mem.len;
    env->body.memory.offset = e.msg.mem.offset;
    env->body.memory.valid = e.msg.mem.valid;
  } else {
    env->body.scalar.id = e.msg.id;
    env->body.scalar.arg1 = e.msg.arg[0];
    env->body.scalar.arg2 = e.msg.arg[1];
    env->body.scalar.arg3 = e.msg.arg[2];
    env->body.scalar.arg4 = e.msg.arg[3];
  }
  return XOUS_OK;
}

/* XOUS_OK when the result has the tag the call promises; otherwise the
 * error it carries, or XOUS_INTERNAL_ERROR for a tag the call cannot give
 * (or an Error that claims NoError), so no out-parameter is left unset
 * behind a success. */
xous_error_t
xous__expect(const xous_word_t r[8], xous_word_t tag)
{
  if (xous__result_tag(r) == tag)
    return XOUS_OK;
  xous_error_t err = xous__result_error(r);
  return err != XOUS_OK ? err : XOUS_INTERNAL_ERROR;
}

xous_error_t
xous__call(const xous_word_t a[8], xous_word_t tag, xous_word_t r[8])
{
  xous_word_t own[8];

  if (r == NULL)
    r = own;
  /* A backend that writes no result must not leave a stale tag behind. */
  memset(r, 0, 8 * sizeof r[0]);
  xous_syscall(a, r);
  return xous__expect(r, tag);
}

void
xous__call_sid(xous_word_t nr, xous_sid_t sid, xous_word_t r[8])
{
  const xous_word_t a[8] = { nr, sid.w[0], sid.w[1], sid.w[2], sid.w[3] };

  memset(r, 0, 8 * sizeof r[0]);
  xous_syscall(a, r);
}
