/*
 * The ticktimer's state and its one-message handler (server.c), apart
 * from its command line and loop (main.c), so that a fuzz target can link
 * them.
 */
#ifndef TT_SERVE_H
#define TT_SERVE_H

#include <stdint.h>

#include <xous.h>

/* At this many parked requests the loop waits on the clock: each holds a
 * queue slot, and the alarm's Scalar needs one to get in. */
#define TT_PARKED_LIMIT (XOUS_QUEUE_DEPTH - 4)

/* A fresh server whose own process is self (whose alarm alone may ask for
 * a recalculation). */
void tt_serve_init(xous_pid_t self);
/* Serves one received message: answers it or parks it. */
void tt_serve(const xous_envelope_t *env);
/* Answers the parked requests whose time has come. */
void tt_serve_expire(void);
/* Lets go of the parked requests of clients that died. */
void tt_serve_let_go_of_the_dead(void);
/* How many requests are parked, and the earliest deadline (TT_NEVER). */
unsigned tt_serve_parked(void);
uint64_t tt_serve_earliest(void);

#endif /* TT_SERVE_H */
