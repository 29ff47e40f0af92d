/*
 * What the ticktimer server needs from its platform: a clock and an alarm.
 * The desktop versions are in hosted/; each names its device counterpart.
 */
#ifndef TICKTIMER_PLATFORM_H
#define TICKTIMER_PLATFORM_H

#include <xous.h>

/* A deadline that never comes. */
#define TT_NEVER UINT64_MAX

/* Nanoseconds since the first call, in the clock's own precision;
 * monotonic. Deadlines are kept in this unit. */
uint64_t tt_clock_ns(void);
/* tt_clock_ns() in whole milliseconds (ElapsedMs). */
uint64_t tt_clock_ms(void);
/* How far behind the true time a reading of tt_clock_ns() can be: 1 ms on
 * a counter of whole milliseconds, the resolution of CLOCK_MONOTONIC on
 * the desktop. A deadline adds it so that a sleep is never short. */
uint64_t tt_clock_slack_ns(void);
/* One line for the person who started the server: on standard error when
 * err, else on standard output (the desktop); the console (the device). */
void tt_say(bool err, const char *line);
/* Returns once tt_clock_ns() >= ns, without receiving messages. */
void tt_clock_wait_until(uint64_t ns);
/* True when the clock is virtual: a desktop test clock that moves only
 * when tt_clock_set() moves it (xous-ticktimer(8), XOUS_VIRTUAL_TIME). The
 * device's clock never is. */
bool tt_clock_virtual(void);
/* Moves a virtual clock on to ns (never back); false when the clock is
 * not virtual. */
bool tt_clock_set(uint64_t ns);

/* Starts the alarm. At each deadline set with tt_alarm_set() the server
 * answers what fell due, one of two ways. The device's alarm (an
 * interrupt, which cannot wait for a lock, or a polling thread in its
 * place) sends a XOUS_TICKTIMER_RECALCULATE_SLEEP Scalar on self_cid, a
 * connection of the server to itself, so that the loop blocked in
 * receive wakes up and answers. The desktop's alarm, a thread of the
 * server, calls tt_alarm_due() instead, which answers the due requests
 * from that thread (any thread of a server may answer what it received):
 * one wake-up after the timer's, the client's, instead of the loop's and
 * then the client's. */
xous_error_t tt_alarm_start(xous_cid_t self_cid);
/* Replaces the alarm's deadline (tt_clock_ns() time); TT_NEVER disarms.
 * Called with tt_lock() held. */
void tt_alarm_set(uint64_t deadline_ns);
/* The server's state (the parked requests, the alarm's deadline) is
 * touched with this held: by the loop between receives, and by the
 * desktop's alarm thread in tt_alarm_due(). Nothing on the device, where
 * only the loop touches it. */
void tt_lock(void);
void tt_unlock(void);

/* The server's side of an alarm thread (main.c): answers what fell due
 * and sets the alarm for what comes next. Takes tt_lock() itself. */
void tt_alarm_due(void);

#endif /* TICKTIMER_PLATFORM_H */
