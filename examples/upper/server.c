/*
 * The upper server: upper-cases strings in the pages a client lends it
 * mutably, in place, so the answer is in the client's buffer when the
 * lend returns and nothing is copied either way.
 */
#include <stdio.h>

#include "upper.h"

/* The one letter conversion this example needs, without <ctype.h> and
 * its locale. */
static unsigned char
upper(unsigned char c)
{
  return c >= 'a' && c <= 'z' ? (unsigned char)(c - 'a' + 'A') : c;
}

static void
convert(const xous_envelope_t *env)
{
  xous_buffer_view_t view;
  xous_error_t err;
  unsigned char *text;
  size_t i;

  err = xous_buffer_from_envelope(env, 0, UPPER_MAX, &view);
  if (err != XOUS_OK || !view.writable || env->body.kind == XOUS_MSG_SEND) {
    /* A bad request is answered, never trusted: 0 bytes processed. */
    if (env->body.kind != XOUS_MSG_SCALAR &&
        env->body.kind != XOUS_MSG_BLOCKING_SCALAR)
      xous_buffer_return(env, 0);
    else if (env->body.kind == XOUS_MSG_BLOCKING_SCALAR)
      xous_return_scalar1(env->sender, 0);
    return;
  }
  text = view.data;
  for (i = 0; i < view.len; i++) {
    /* SAFETY: a MutableLend takes the pages away from the lender until we
     * return them, so no peer writes them meanwhile; each byte is read
     * once, and every byte value is acceptable input. */
    text[i] = upper(text[i]);
  }
  err = xous_buffer_return(env, view.len);
  if (err != XOUS_OK)
    printf("upper-server: return failed: %s\n", xous_strerror(err));
}

int
main(void)
{
  xous_sid_t sid = xous_sid_from_name(UPPER_SERVER_NAME);
  xous_envelope_t env;
  xous_error_t err;

  err = xous_create_server_with_address(sid, NULL);
  if (err != XOUS_OK) {
    printf("upper-server: cannot create the server: %s\n", xous_strerror(err));
    return 1;
  }
  printf("upper-server: pid %u, serving \"%s\"\n",
         (unsigned)xous_get_process_id(), UPPER_SERVER_NAME);
  fflush(stdout);

  for (;;) {
    err = xous_receive_message(sid, &env);
    if (err != XOUS_OK) {
      printf("upper-server: receive failed: %s\n", xous_strerror(err));
      return 1;
    }
    if (env.body.kind == XOUS_MSG_SCALAR && env.body.scalar.id == UPPER_QUIT) {
      printf("upper-server: asked to quit\n");
      xous_destroy_server(sid);
      return 0;
    }
    if (env.body.kind == XOUS_MSG_SCALAR)
      continue; /* nothing to answer */
    convert(&env);
  }
}
