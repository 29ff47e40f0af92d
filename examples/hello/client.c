/*
 * The hello client: connects to the hello server (waiting for it to
 * start), greets it, asks it to add, and tells it to quit.
 */
#include <stdio.h>

#include "hello.h"

int
main(void)
{
  xous_sid_t sid = xous_sid_from_name(HELLO_SERVER_NAME);
  xous_word_t ret[5];
  xous_cid_t cid;
  xous_error_t err;

  err = xous_connect(sid, &cid);
  if (err != XOUS_OK) {
    printf("hello-client: cannot connect: %s\n", xous_strerror(err));
    return 1;
  }
  printf("hello-client: pid %u, connected to \"%s\" as CID %u\n",
         (unsigned)xous_get_process_id(), HELLO_SERVER_NAME, (unsigned)cid);

  for (xous_word_t i = 1; i <= 3; i++)
    xous_scalar(cid, HELLO_GREET, i, 0, 0, 0);

  err = xous_blocking_scalar(cid, HELLO_ADD, 1, 2, 3, 4, ret);
  if (err != XOUS_OK || ret[0] != 10) {
    printf("hello-client: add failed: %s (got %lu)\n", xous_strerror(err),
           (unsigned long)ret[0]);
    return 1;
  }
  printf("hello-client: 1 + 2 + 3 + 4 = %lu\n", (unsigned long)ret[0]);

  err = xous_blocking_scalar(cid, HELLO_UPTIME, 0, 0, 0, 0, ret);
  if (err != XOUS_OK) {
    printf("hello-client: uptime failed: %s\n", xous_strerror(err));
    return 1;
  }
  printf("hello-client: the server has served %lu messages; it sees us as "
         "pid %lu\n",
         (unsigned long)ret[0], (unsigned long)ret[1]);

  xous_scalar(cid, HELLO_QUIT, 0, 0, 0, 0);
  printf("hello-client: done\n");
  return 0;
}
