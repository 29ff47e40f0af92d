/*
 * A tiny rv32 program for tests/check_emu: runs under xous-emu and
 * reports through its exit status (0 = every check passed, else the
 * number of the first failed check), since a device process has no
 * console of its own. With the argument "crash" it stores through a
 * NULL pointer instead, to show that a guest fault is contained.
 *
 * It expects the native hello server (examples/hello) to be running and
 * tells it to quit at the end.
 */
#include <stdlib.h>
#include <string.h>

#include <xous.h>

#include "../../examples/hello/hello.h"

static void *
twice(void *arg)
{
  return (void *)((uintptr_t)arg * 2);
}

int
main(int argc, char **argv)
{
  xous_word_t ret[5];
  xous_cid_t cid;
  xous_tid_t tid;
  void *joined = NULL;
  unsigned char *p;

  if (argc >= 2 && strcmp(argv[1], "crash") == 0) {
    volatile int *volatile nowhere = NULL;

    *nowhere = 1;
    return 99;
  }
  if (argc < 1 || argv[0] == NULL)
    return 9; /* xous-emu passes the program's own name */
  if (xous_get_process_id() < 2)
    return 10;
  if (xous_get_thread_id() == 0)
    return 11;
  if (xous_connect(xous_sid_from_name(HELLO_SERVER_NAME), &cid) != XOUS_OK)
    return 12;
  if (xous_blocking_scalar(cid, HELLO_ADD, 1, 2, 3, 4, ret) != XOUS_OK ||
      ret[0] != 10)
    return 13;
  /* The heap (sbrk over IncreaseHeap), beyond one page. */
  p = malloc(3 * XOUS_PAGE_SIZE);
  if (p == NULL)
    return 14;
  memset(p, 0xa5, 3 * XOUS_PAGE_SIZE);
  if (p[3 * XOUS_PAGE_SIZE - 1] != 0xa5)
    return 15;
  free(p);
  /* A thread: its own CPU, its value back through JoinThread. */
  if (xous_create_thread(twice, (void *)21, 0, &tid) != XOUS_OK)
    return 16;
  if (xous_join_thread(tid, &joined) != XOUS_OK || joined != (void *)42)
    return 17;
  if (xous_scalar(cid, HELLO_QUIT, 0, 0, 0, 0) != XOUS_OK)
    return 18;
  return 0;
}
