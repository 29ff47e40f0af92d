/*
 * Decoding of result words shared by the syscall wrappers.
 */
#include <string.h>

#include "internal.h"

xous_error_t
xous__result_error(const xous_word_t r[8])
{
  if (r[0] == XOUS_RESULT_ERROR)
    return xous__error_from_word(r[1]);
  return XOUS_OK;
}

void
xous__words_to_result(const xous_word_t r[8], xous_result_t *res)
{
  res->kind = r[0];
  for (int i = 0; i < 7; i++)
    res->w[i] = r[i + 1];
}

xous_error_t
xous__decode_envelope(const xous_word_t r[8], xous_envelope_t *env)
{
  if (r[0] != XOUS_RESULT_MESSAGE_ENVELOPE) {
    xous_error_t err = xous__result_error(r);
    /* Any other tag, and an Error that claims NoError, means the words
     * were not what a receive can return. */
    return err != XOUS_OK ? err : XOUS_INTERNAL_ERROR;
  }
  /* An envelope carries the SendMessage kinds 0-based (MutableBorrow 0 ..
   * BlockingScalar 4); anything larger is not a message. */
  if (r[2] > XOUS_MSG_BLOCKING_SCALAR - 1)
    return XOUS_INTERNAL_ERROR;
  if (env == NULL)
    return XOUS_OK;

  memset(env, 0, sizeof(*env));
  env->sender = r[1];
  env->body.kind = (xous_msg_kind_t)(r[2] + 1);
  switch (env->body.kind) {
  case XOUS_MSG_LEND_MUT:
  case XOUS_MSG_LEND:
  case XOUS_MSG_SEND:
    env->body.memory.id = r[3];
    env->body.memory.buf.addr = (void *)r[4];
    env->body.memory.buf.len = r[5];
    env->body.memory.offset = r[6];
    env->body.memory.valid = r[7];
    break;
  case XOUS_MSG_SCALAR:
  case XOUS_MSG_BLOCKING_SCALAR:
    env->body.scalar.id = r[3];
    env->body.scalar.arg1 = r[4];
    env->body.scalar.arg2 = r[5];
    env->body.scalar.arg3 = r[6];
    env->body.scalar.arg4 = r[7];
    break;
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
  if (r[0] == tag)
    return XOUS_OK;
  xous_error_t err = xous__result_error(r);
  return err != XOUS_OK ? err : XOUS_INTERNAL_ERROR;
}
