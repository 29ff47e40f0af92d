/*
 * A program for the virtual-time tests: makes the sleeps it is given, in
 * order, and prints the ticktimer's clock before the first and after each.
 *
 *   xtest-sleeper MS [MS ...]      prints "start T", then "woke T" per sleep
 *   xtest-sleeper --cond MS        a condvar wait of MS: "timed out T"
 *
 * "exit" is printed by an atexit handler: it shows an orderly exit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xous.h>
#include <xous/ticktimer.h>

static unsigned long long
now(void)
{
  uint64_t ms = 0;

  if (xous_ticktimer_elapsed_ms(&ms) != XOUS_OK)
    exit(3);
  return (unsigned long long)ms;
}

static void
say_exit(void)
{
  printf("exit\n");
}

int
main(int argc, char **argv)
{
  setvbuf(stdout, NULL, _IOLBF, 0);
  atexit(say_exit);
  if (argc == 3 && strcmp(argv[1], "--cond") == 0) {
    xous_ticktimer_cond_t c = XOUS_TICKTIMER_COND_INIT;
    xous_ticktimer_mutex_t m = XOUS_TICKTIMER_MUTEX_INIT;
    bool timed_out = false;

    if (xous_ticktimer_mutex_lock(&m) != XOUS_OK)
      return 1;
    printf("start %llu\n", now());
    if (xous_ticktimer_cond_wait(&c, &m,
                                 (xous_word_t)strtoul(argv[2], NULL, 10),
                                 &timed_out) != XOUS_OK)
      return 1;
    printf("%s %llu\n", timed_out ? "timed out" : "notified", now());
    return 0;
  }
  printf("start %llu\n", now());
  for (int i = 1; i < argc; i++) {
    if (xous_ticktimer_sleep_ms((xous_word_t)strtoul(argv[i], NULL, 10)) !=
        XOUS_OK)
      return 1;
    printf("woke %llu\n", now());
  }
  return 0;
}
