/*
 * The sleeper: sleeps on the ticktimer server a few times, printing how
 * many milliseconds each sleep took by the ticktimer's own clock, and
 * reports through the log server, once at each level, so that xous-log's
 * filtering (--log-level) can be seen at work.
 *
 *   sleeper [--sleeps N] [--ms M]
 *
 * Sleep i (from 1) asks for i * M milliseconds; the defaults are 3 sleeps
 * and 100 ms. Only <xous.h> and the servers' client headers are used, so
 * the same source builds for the device.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define XOUS_LOG_MODULE "sleeper"
#include <xous.h>
#include <xous/log.h>
#include <xous/ticktimer.h>

/* Parses a small decimal number; the freestanding headers have no
 * strtoul. */
static bool
parse_word(const char *s, xous_word_t *out)
{
  xous_word_t v = 0;

  if (s == NULL || *s == '\0')
    return false;
  for (; *s != '\0'; s++) {
    if (*s < '0' || *s > '9' || v > 100000)
      return false;
    v = v * 10 + (xous_word_t)(*s - '0');
  }
  *out = v;
  return true;
}

static int
fail(const char *what, xous_error_t err)
{
  printf("sleeper: %s failed: %s\n", what, xous_strerror(err));
  xous_log_error("%s failed: %s", what, xous_strerror(err));
  return 1;
}

int
main(int argc, char **argv)
{
  xous_word_t sleeps = 3, ms = 100;
  uint64_t start, before, after;
  char version[64];
  xous_error_t err;

  /* One line at a time, so that xous-run shows each as it happens. */
  setvbuf(stdout, NULL, _IOLBF, 0);
  for (int i = 1; i < argc; i++) {
    bool ok = false;

    if (strcmp(argv[i], "--sleeps") == 0 && i + 1 < argc)
      ok = parse_word(argv[++i], &sleeps);
    else if (strcmp(argv[i], "--ms") == 0 && i + 1 < argc)
      ok = parse_word(argv[++i], &ms);
    if (!ok) {
      printf("usage: sleeper [--sleeps N] [--ms M]\n");
      return 2;
    }
  }

  printf("sleeper: pid %u\n", (unsigned)xous_get_process_id());
  err = xous_ticktimer_version(version, sizeof version, NULL);
  if (err != XOUS_OK)
    return fail("asking the ticktimer's version", err);
  xous_log_trace("the ticktimer is version %s", version);
  xous_log_info("%lu sleeps, %lu ms apart", (unsigned long)sleeps,
                (unsigned long)ms);

  err = xous_ticktimer_elapsed_ms(&start);
  if (err != XOUS_OK)
    return fail("reading the ticktimer", err);
  for (xous_word_t i = 1; i <= sleeps; i++) {
    xous_word_t asked = i * ms;

    /* The sleep is a deferred reply: the ticktimer serves other clients
     * while this one waits. */
    if ((err = xous_ticktimer_elapsed_ms(&before)) != XOUS_OK ||
        (err = xous_ticktimer_sleep_ms(asked)) != XOUS_OK ||
        (err = xous_ticktimer_elapsed_ms(&after)) != XOUS_OK)
      return fail("sleeping", err);
    printf("sleeper: asked for %lu ms, slept %llu ms\n", (unsigned long)asked,
           (unsigned long long)(after - before));
    xous_log_debug("sleep %lu of %lu: asked for %lu ms, slept %llu ms",
                   (unsigned long)i, (unsigned long)sleeps,
                   (unsigned long)asked, (unsigned long long)(after - before));
    /* The ticktimer promises at least the time asked for. */
    if (after - before < asked)
      xous_log_error("sleep %lu came back early", (unsigned long)i);
  }
  printf("sleeper: %llu ms elapsed in all\n",
         (unsigned long long)(after - start));

  /* One record at each level, to show how xous-log shows and filters
   * them: with the default --log-level info, the last two are dropped. */
  xous_log_error("an error record: %d of 5 levels", 1);
  xous_log_warn("a warning record: %d of 5 levels", 2);
  xous_log_info("an info record: %d of 5 levels", 3);
  xous_log_debug("a debug record: %d of 5 levels", 4);
  err = xous_log_trace("a trace record: %d of 5 levels", 5);
  if (err != XOUS_OK)
    return fail("logging", err);
  printf("sleeper: done\n");
  return 0;
}
