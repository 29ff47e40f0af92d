/*
 * The counter server: registers COUNTER_NAME with the name server, which
 * makes a server with a fresh secret SID, then keeps one counter for every
 * client until told to quit. Only <xous.h> and <xous/names.h> are used, so
 * the same source builds for the device.
 */
#include <stdio.h>

#include "counter.h"

/* Answers a message this server does not understand, so that no client is
 * left waiting: a blocking scalar gets 0, a lend gets its memory back with
 * an error in the offset word, and moved memory is freed. */
static void
refuse(const xous_envelope_t *env)
{
  switch (env->body.kind) {
  case XOUS_MSG_BLOCKING_SCALAR:
    xous_return_scalar1(env->sender, 0);
    break;
  case XOUS_MSG_LEND:
  case XOUS_MSG_LEND_MUT:
    xous_return_memory(env->sender, env->body.memory.buf,
                       XOUS_INVALID_ARGUMENT, 0);
    break;
  case XOUS_MSG_SEND:
    xous_unmap_memory(env->body.memory.buf);
    break;
  default:
    break;
  }
}

int
main(void)
{
  xous_envelope_t env;
  xous_sid_t sid;
  xous_word_t value = 0, before, served = 0;
  xous_error_t err;

  err = xous_names_register(COUNTER_NAME, 0, &sid);
  if (err != XOUS_OK) {
    printf("counter-server: cannot register \"%s\": %s\n", COUNTER_NAME,
           xous_strerror(err));
    return 1;
  }
  printf("counter-server: pid %u, registered \"%s\" with the name server\n",
         (unsigned)xous_get_process_id(), COUNTER_NAME);
  fflush(stdout);

  for (;;) {
    const xous_scalar_msg_t *m = &env.body.scalar;
    bool blocking;

    err = xous_receive_message(sid, &env);
    if (err != XOUS_OK) {
      printf("counter-server: receive failed: %s\n", xous_strerror(err));
      return 1;
    }
    served++;
    blocking = env.body.kind == XOUS_MSG_BLOCKING_SCALAR;
    /* Scalar words are copies in the envelope, so they need no further
     * care; only the kind decides whether an answer is owed. */
    if (!blocking && env.body.kind != XOUS_MSG_SCALAR) {
      refuse(&env);
      continue;
    }
    before = value;
    switch (m->id) {
    case COUNTER_INCREMENT:
      value++;
      break;
    case COUNTER_GET:
      break;
    case COUNTER_ADD_AND_GET:
      value += m->arg1;
      break;
    case COUNTER_RESET:
      value = 0;
      break;
    case COUNTER_QUIT:
      /* Said before the answer, so that a client that waited for it
       * (and whoever waited for that client) finds it said. */
      printf("counter-server: asked to quit; the counter is %lu after %lu "
             "messages\n",
             (unsigned long)value, (unsigned long)served);
      fflush(stdout);
      if (blocking)
        xous_return_scalar1(env.sender, value);
      /* Unregister first, so that nobody is handed a connection to a
       * server that is going away. */
      xous_names_unregister(sid);
      xous_destroy_server(sid);
      return 0;
    default:
      refuse(&env);
      continue;
    }
    /* The answer is the counter once the opcode is done, but Reset's is
     * the value it ended. */
    if (blocking)
      xous_return_scalar1(env.sender, m->id == COUNTER_RESET ? before : value);
  }
}
