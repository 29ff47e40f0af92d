/*
 * xous-ticktimer's command line and loop (xous-ticktimer(8)): receive a
 * message, serve it (server.c), answer what fell due, and keep the alarm
 * set for the earliest deadline. With nearly every queue slot held by a
 * parked request the loop stops receiving and waits on the clock instead.
 * An alarm that is a thread (platform.h) does the same catching up at
 * each deadline, under the same lock.
 */
#include <string.h>

#include <xous.h>
#include <xous/ticktimer.h>
#include <xous/version.h>

#include "platform.h"
#include "serve.h"
#include "waiters.h"

/* How often the loop looks for dead clients while it waits on the clock,
 * and while anything is parked at all. */
#define DEAD_LOOK_NS (100 * 1000000ull)
#define LOOK_EVERY_NS (1000 * 1000000ull)

/* Guarded by tt_lock(): the deadline the alarm was last given, and when
 * the last look for dead clients was. */
static uint64_t armed = TT_NEVER;
static uint64_t last_look;

/* The work between messages, with tt_lock() held: answers what fell due,
 * lets go of dead clients' requests when it is time, and sets the alarm
 * for the earliest deadline (while anything is parked, at most a look's
 * interval away). Returns when to stop waiting on the clock instead of
 * receiving, when nearly every queue slot is held; TT_NEVER to receive. */
static uint64_t
catch_up(void)
{
  uint64_t now, earliest, next;

  tt_serve_expire();
  now = tt_clock_ns();
  if (tt_serve_parked() > 0 && (tt_serve_parked() >= TT_PARKED_LIMIT ||
                                now - last_look >= LOOK_EVERY_NS)) {
    tt_serve_let_go_of_the_dead();
    last_look = now;
  }
  earliest = next = tt_serve_earliest();
  if (tt_serve_parked() > 0 && next > last_look + LOOK_EVERY_NS)
    next = last_look + LOOK_EVERY_NS;
  if (next != armed) {
    tt_alarm_set(next);
    armed = next;
  }
  if (tt_serve_parked() >= TT_PARKED_LIMIT && earliest != TT_NEVER &&
      !tt_clock_virtual()) {
    /* In steps: a client that dies meanwhile gives its slot back at the
     * next look. */
    uint64_t step = tt_clock_ns() + DEAD_LOOK_NS;

    return earliest < step ? earliest : step;
  }
  return TT_NEVER;
}

void
tt_alarm_due(void)
{
  tt_lock();
  armed = TT_NEVER; /* the alarm went off: it waits for nothing now */
  (void)catch_up();
  tt_unlock();
}

int
main(int argc, char **argv)
{
  xous_sid_t sid = xous_sid_from_name(XOUS_TICKTIMER_NAME);
  xous_cid_t self = 0;
  xous_error_t err;

  if (argc > 1) {
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
      tt_say(false, "usage: xous-ticktimer\n"
                    "       xous-ticktimer --help | --version\n"
                    "\n"
                    "The Xous ticktimer server (see xous-ticktimer(8)): the\n"
                    "clock, sleeps, and the mutexes and condition variables\n"
                    "of Rust's std. It takes no arguments.");
      return 0;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
      tt_say(false, "xous-ticktimer " XOUS_VERSION_STRING);
      return 0;
    }
    char line[160];
    static const char what[] = "xous-ticktimer: takes no arguments (see "
                               "xous-ticktimer --help), got: ";
    size_t m = strlen(argv[1]);

    if (m > sizeof line - sizeof what)
      m = sizeof line - sizeof what; /* a long argument is cut */
    memcpy(line, what, sizeof what - 1);
    memcpy(line + sizeof what - 1, argv[1], m);
    line[sizeof what - 1 + m] = '\0';
    tt_say(true, line);
    return 2;
  }
  (void)tt_clock_ns(); /* time 0 is now */
  err = xous_create_server_with_address(sid, &self);
  if (err != XOUS_OK)
    return 1;
  tt_serve_init(xous_get_process_id());
  err = tt_alarm_start(self);
  if (err != XOUS_OK)
    return 1;

  tt_lock();
  for (;;) {
    xous_envelope_t env;
    uint64_t wait = catch_up();

    if (wait != TT_NEVER) {
      tt_unlock();
      tt_clock_wait_until(wait);
      tt_lock();
      continue;
    }
    tt_unlock();
    err = xous_receive_message(sid, &env);
    if (err != XOUS_OK)
      return 1;
    tt_lock();
    tt_serve(&env);
  }
}
