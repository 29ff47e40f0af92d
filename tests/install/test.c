/*
 * A test of that server, built against the installed xous-test.pc only,
 * from outside the tree: starts a system, spawns the server, waits for its
 * name, calls it, injects a failure, advances virtual time and stops.
 * Prints the system's directory on its last line, for the caller to see
 * that it is gone. Exits 0 when every step did what it should.
 */
#include <stdio.h>
#include <string.h>

#include <xous.h>
#include <xous/names.h>
#include <xous/test.h>

#define BOUND_MS 10000

static int
fail(const char *what)
{
  printf("install test: %s\n", what);
  return 1;
}

int
main(int argc, char **argv)
{
  xous_test_options_t opt = { .virtual_time = true };
  const char *server[] = { argc > 1 ? argv[1] : "./server", NULL };
  xous_test_t *t = NULL;
  xous_test_proc_t *p = NULL;
  xous_word_t ret[5];
  xous_cid_t cid;
  uint64_t now = 0;
  char dir[256];

  if (xous_test_start(&opt, &t) != XOUS_OK)
    return fail("the system did not start");
  snprintf(dir, sizeof dir, "%s", xous_test_dir(t));
  if (xous_test_spawn(t, server, &p) != XOUS_OK)
    return fail("the server did not start");
  if (xous_test_wait_name(t, "install-check", BOUND_MS) != XOUS_OK)
    return fail("the server did not register its name");
  if (xous_names_connect("install-check", &cid) != XOUS_OK ||
      xous_blocking_scalar(cid, 1, 20, 22, 0, 0, ret) != XOUS_OK ||
      ret[0] != 42)
    return fail("the server did not answer 42");
  if (xous_test_fail_call(t, xous_get_process_id(), XOUS_SYSCALL_SEND_MESSAGE,
                          1, XOUS_SERVER_QUEUE_FULL) != XOUS_OK ||
      xous_blocking_scalar(cid, 1, 1, 1, 0, 0, ret) != XOUS_SERVER_QUEUE_FULL)
    return fail("the injected failure did not happen");
  if (xous_blocking_scalar(cid, 1, 1, 1, 0, 0, ret) != XOUS_OK || ret[0] != 2)
    return fail("the call after the failure did not work");
  if (xous_test_advance_ms(t, 3600 * 1000) != XOUS_OK ||
      xous_test_elapsed_ms(t, &now) != XOUS_OK || now != 3600 * 1000)
    return fail("virtual time did not move by an hour");
  xous_test_stop(t);
  printf("%s\n", dir);
  return 0;
}
