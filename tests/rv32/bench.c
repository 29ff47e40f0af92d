/*
 * The rv32 half of bench/bench_emu: a guest whose work the host times.
 *   bench.elf spin N   runs N rounds of a 4-instruction loop (4N guest
 *                      instructions), so that instructions per second
 *                      follow from the time xous-emu takes;
 *   bench.elf ping N   makes N BlockingScalar round trips to the native
 *                      benchmark server (bench/server.c, BENCH_PING).
 * Both with N = 0 give the start-up time to subtract. The exit status is
 * 0 when every answer was right.
 */
#include <stdlib.h>
#include <string.h>

#include <xous.h>

#include "../../bench/bench.h"

static unsigned long
spin(unsigned long n)
{
  unsigned long acc = 0, x = 0;

  if (n == 0)
    return 0;
  __asm__ volatile("1:\n\t"
                   "addi %0, %0, -1\n\t"
                   "xor %1, %1, %0\n\t"
                   "add %2, %2, %1\n\t"
                   "bnez %0, 1b"
                   : "+r"(n), "+r"(x), "+r"(acc));
  return acc;
}

int
main(int argc, char **argv)
{
  unsigned long n;
  xous_word_t ret[5];
  xous_cid_t cid;

  if (argc < 3)
    return 2;
  n = strtoul(argv[2], NULL, 10);
  if (strcmp(argv[1], "spin") == 0) {
    volatile unsigned long sink = spin(n);

    (void)sink;
    return 0;
  }
  if (strcmp(argv[1], "ping") != 0)
    return 2;
  if (xous_connect(xous_sid_from_name(BENCH_NAME_SEPARATE), &cid) != XOUS_OK)
    return 3;
  for (unsigned long i = 0; i < n; i++)
    if (xous_blocking_scalar(cid, BENCH_PING, i, 0, 0, 0, ret) != XOUS_OK ||
        ret[0] != i + 1)
      return 4;
  return 0;
}
