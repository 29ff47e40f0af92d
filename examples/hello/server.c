/*
 * The hello server: a Xous server in one file, using only <xous.h>.
 * It registers a well-known SID and answers three opcodes until told to
 * quit. The same source builds for the device.
 */
#include <stdio.h>

#include "hello.h"

int
main(void)
{
  xous_sid_t sid = xous_sid_from_name(HELLO_SERVER_NAME);
  xous_envelope_t env;
  xous_word_t served = 0;
  xous_error_t err;

  err = xous_create_server_with_address(sid, NULL);
  if (err != XOUS_OK) {
    printf("hello-server: cannot create the server: %s\n", xous_strerror(err));
    return 1;
  }
  printf("hello-server: pid %u, serving \"%s\"\n",
         (unsigned)xous_get_process_id(), HELLO_SERVER_NAME);
  fflush(stdout);

  for (;;) {
    const xous_scalar_msg_t *m = &env.body.scalar;

    err = xous_receive_message(sid, &env);
    if (err != XOUS_OK) {
      printf("hello-server: receive failed: %s\n", xous_strerror(err));
      return 1;
    }
    served++;
    switch (m->id) {
    case HELLO_ADD:
      xous_return_scalar1(env.sender, m->arg1 + m->arg2 + m->arg3 + m->arg4);
      break;
    case HELLO_GREET:
      printf("hello-server: hello, process %u (greeting #%lu)\n",
             (unsigned)xous_sender_pid(env.sender), (unsigned long)m->arg1);
      fflush(stdout);
      break;
    case HELLO_UPTIME:
      xous_return_scalar2(env.sender, served, xous_sender_pid(env.sender));
      break;
    case HELLO_QUIT:
      printf("hello-server: asked to quit after %lu messages\n",
             (unsigned long)served);
      xous_destroy_server(sid);
      return 0;
    default:
      /* An unknown opcode that waits for an answer still gets one. */
      if (env.body.kind == XOUS_MSG_BLOCKING_SCALAR)
        xous_return_scalar1(env.sender, 0);
      break;
    }
  }
}
