/*
 * The counter client: finds the counter server through the name server
 * (waiting until it has registered), sends increments, reads the counter,
 * adds to it, and optionally resets it or tells the server to quit.
 *
 *   counter-client [--reset] [--increments N] [--add N] [--quit]
 *
 * The defaults are 3 increments and an add of 10.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "counter.h"

/* Parses a decimal word; the freestanding headers have no strtoul. */
static bool
parse_word(const char *s, xous_word_t *out)
{
  xous_word_t v = 0;

  if (s == NULL || *s == '\0')
    return false;
  for (; *s != '\0'; s++) {
    if (*s < '0' || *s > '9' || v > ((xous_word_t)-1 - 9) / 10)
      return false;
    v = v * 10 + (xous_word_t)(*s - '0');
  }
  *out = v;
  return true;
}

static int
usage(void)
{
  printf("usage: counter-client [--reset] [--increments N] [--add N] "
         "[--quit]\n");
  return 2;
}

int
main(int argc, char **argv)
{
  xous_word_t increments = 3, add = 10, ret[5];
  bool reset = false, quit = false;
  xous_cid_t cid;
  xous_error_t err;

  /* One line at a time, so that xous-run shows each as it happens. */
  setvbuf(stdout, NULL, _IOLBF, 0);
  for (int i = 1; i < argc; i++) {
    bool ok = true;

    if (strcmp(argv[i], "--reset") == 0)
      reset = true;
    else if (strcmp(argv[i], "--quit") == 0)
      quit = true;
    else if (strcmp(argv[i], "--increments") == 0 && i + 1 < argc)
      ok = parse_word(argv[++i], &increments);
    else if (strcmp(argv[i], "--add") == 0 && i + 1 < argc)
      ok = parse_word(argv[++i], &add);
    else
      ok = false;
    if (!ok)
      return usage();
  }

  /* The name server hands out a connection, never the server's SID. */
  err = xous_names_connect(COUNTER_NAME, &cid);
  if (err != XOUS_OK) {
    printf("counter-client: cannot find \"%s\": %s\n", COUNTER_NAME,
           xous_strerror(err));
    return 1;
  }
  printf("counter-client: pid %u, connected to \"%s\" through the name "
         "server\n",
         (unsigned)xous_get_process_id(), COUNTER_NAME);

  if (reset) {
    err = xous_blocking_scalar(cid, COUNTER_RESET, 0, 0, 0, 0, ret);
    if (err != XOUS_OK)
      goto failed;
    printf("counter-client: reset; the counter was %lu\n",
           (unsigned long)ret[0]);
  }

  /* Increments do not wait for an answer; the server's queue keeps them in
   * order, so the get below sees every one of them. */
  for (xous_word_t i = 0; i < increments; i++) {
    err = xous_scalar(cid, COUNTER_INCREMENT, 0, 0, 0, 0);
    if (err != XOUS_OK)
      goto failed;
  }
  err = xous_blocking_scalar(cid, COUNTER_GET, 0, 0, 0, 0, ret);
  if (err != XOUS_OK)
    goto failed;
  printf("counter-client: sent %lu increments; the counter is %lu\n",
         (unsigned long)increments, (unsigned long)ret[0]);

  err = xous_blocking_scalar(cid, COUNTER_ADD_AND_GET, add, 0, 0, 0, ret);
  if (err != XOUS_OK)
    goto failed;
  printf("counter-client: added %lu; the counter is %lu\n", (unsigned long)add,
         (unsigned long)ret[0]);

  if (quit) {
    /* Blocking, so that the server has ended its work when this client
     * ends: whatever waits for the client (xous-run's `wait` line, a
     * script) may then stop the server without losing its last words. */
    err = xous_blocking_scalar(cid, COUNTER_QUIT, 0, 0, 0, 0, ret);
    if (err != XOUS_OK)
      goto failed;
    printf("counter-client: asked the server to quit\n");
  }
  xous_disconnect(cid);
  return 0;

failed:
  printf("counter-client: the server did not answer: %s\n",
         xous_strerror(err));
  return 1;
}
