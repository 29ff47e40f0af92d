/*
 * The upper client: lends a string to the upper server and prints it
 * after the server has upper-cased it in place. With arguments, it sends
 * those words; without, a greeting. With --quit, it stops the server.
 */
#include <stdio.h>
#include <string.h>

#include "upper.h"

int
main(int argc, char **argv)
{
  xous_sid_t sid = xous_sid_from_name(UPPER_SERVER_NAME);
  const char *text = "hello from the upper client";
  xous_buffer_t buf;
  xous_cid_t cid;
  xous_error_t err;
  size_t valid;
  int quit = 0;

  if (argc > 1 && strcmp(argv[1], "--quit") == 0) {
    quit = 1;
    argc--;
    argv++;
  }
  if (argc > 1)
    text = argv[1];
  if (strlen(text) > UPPER_MAX) {
    printf("upper-client: at most %d bytes\n", UPPER_MAX);
    return 1;
  }

  err = xous_connect(sid, &cid);
  if (err != XOUS_OK) {
    printf("upper-client: cannot connect: %s\n", xous_strerror(err));
    return 1;
  }
  /* Whole pages of our own: the lend is a remap, not a copy. */
  err = xous_buffer_new(UPPER_MAX, &buf);
  if (err != XOUS_OK) {
    printf("upper-client: no buffer: %s\n", xous_strerror(err));
    return 1;
  }
  valid = strlen(text);
  memcpy(buf.page, text, valid);

  /* Until this returns, our own pages are out of reach: touching them
   * from another thread would fault, as on the device. */
  err = xous_buffer_lend_mut(&buf, cid, UPPER_CONVERT, &valid);
  if (err != XOUS_OK) {
    printf("upper-client: lend failed: %s\n", xous_strerror(err));
    return 1;
  }
  printf("upper-client: %.*s\n", (int)valid, (const char *)buf.page);

  xous_buffer_free(&buf);
  if (quit)
    xous_scalar(cid, UPPER_QUIT, 0, 0, 0, 0);
  return 0;
}
