/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * <xous/ticktimer.h>: the ticktimer server and its client API; see
 * xous_ticktimer(3) and xous-ticktimer(8).
 *
 * The server lives at the well-known SID made from "ticktimer-server". Its
 * opcodes carry the Xous ticktimer's numbers (xous-api-ticktimer), which
 * Rust's std for Xous uses directly, so the same clients work unchanged:
 *
 *  op  name               kind            arguments        answer
 *   0  ElapsedMs          BlockingScalar  -                Scalar2(ms low 32 bits, ms high 28 bits)
 *   1  SleepMs            BlockingScalar  arg1 = ms        Scalar1(0) once ms have passed
 *   2  RecalculateSleep   Scalar          (the server's own alarm; others are ignored)
 *   3  SuspendResume      -               (not on the desktop; ignored)
 *   4  PingWdt            Scalar          -                none (Scalar1(0) if blocking)
 *   5  GetVersion         MutableLend     rkyv VersionString rkyv VersionString, offset = its length
 *   6  LockMutex          BlockingScalar  arg1 = key       Scalar5(0, args) at once if a token is
 *                                                          stored, else Scalar1(0) when one comes
 *   7  UnlockMutex        Scalar or BS    arg1 = key       Scalar5(1 woke a waiter / 0 token stored, args)
 *   8  WaitForCondition   BlockingScalar  arg1 = key,      Scalar1(0 notified, 1 timed out)
 *                                         arg2 = ms (0 = forever)
 *   9  NotifyCondition    Scalar or BS    arg1 = key,      Scalar5(number woken, args)
 *                                         arg2 = count (0 = all)
 *  10  FreeMutex          Scalar or BS    arg1 = key       Scalar1(number of waiters released)
 *  11  FreeCondition      Scalar or BS    arg1 = key       Scalar1(number of waiters released)
 *
 * As the real ticktimer's legacy replies, an answer given at once to
 * LockMutex, UnlockMutex or NotifyCondition is Scalar5 of the request with
 * the value in place of the id ("args": arg1..arg4 unchanged); deferred
 * answers are Scalar1. Only a BlockingScalar is served for SleepMs,
 * LockMutex and WaitForCondition: sent as a Scalar they are skipped.
 *
 * Keys are words chosen by the client (the address of its mutex or condvar)
 * and are private to the sending process: the server keys every mutex and
 * condvar by (sender PID, key), the PID taken from the message envelope.
 *
 * The server's mutex is a wake-up service, not a lock: LockMutex waits for
 * an "unlock token" of the key and UnlockMutex hands one to the oldest
 * waiter or stores it. The lock itself is an atomic word in the client
 * (xous_ticktimer_mutex_t); the server is asked only under contention.
 *
 * An answer other than those above is a Xous error code: a request that
 * cannot be parked (no room) is answered at once with OutOfMemory (3), a
 * waiter of a freed mutex with 1 (the C client reports InvalidArgument).
 */
#ifndef XOUS_TICKTIMER_H
#define XOUS_TICKTIMER_H

#include <xous/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The 16-byte name of the well-known SID. */
#define XOUS_TICKTIMER_NAME "ticktimer-server"

/* The opcodes (message IDs), same numbers as the Xous ticktimer. */
enum {
  XOUS_TICKTIMER_ELAPSED_MS = 0,
  XOUS_TICKTIMER_SLEEP_MS = 1,
  XOUS_TICKTIMER_RECALCULATE_SLEEP = 2,
  XOUS_TICKTIMER_SUSPEND_RESUME = 3,
  XOUS_TICKTIMER_PING_WDT = 4,
  XOUS_TICKTIMER_GET_VERSION = 5,
  XOUS_TICKTIMER_LOCK_MUTEX = 6,
  XOUS_TICKTIMER_UNLOCK_MUTEX = 7,
  XOUS_TICKTIMER_WAIT_FOR_CONDITION = 8,
  XOUS_TICKTIMER_NOTIFY_CONDITION = 9,
  XOUS_TICKTIMER_FREE_MUTEX = 10,
  XOUS_TICKTIMER_FREE_CONDITION = 11,
};

/* A desktop extension, outside the real range: the test clock. With a
 * virtual clock (xous-ticktimer(8), XOUS_VIRTUAL_TIME=1), a BlockingScalar
 * with arg1 and arg2 the low and high 32 bits of ms moves the clock on by
 * ms, answering every sleep and timed wait that falls due in deadline
 * order, and is answered with Scalar5(error, now low, now high, 0, 0) once
 * they all have been: error is 0, or XOUS_UNAVAILABLE on a real clock. */
#define XOUS_TICKTIMER_ADVANCE_VIRTUAL 0x7e710001u
/* The same extension: BlockingScalar answered with Scalar5(virtual (1 or
 * 0), now low, now high, timed requests parked, the earliest deadline's
 * distance from now in ms or 0xffffffff for none), so that a test knows
 * when a sleep it caused has reached the server. */
#define XOUS_TICKTIMER_VIRTUAL_STATE 0x7e710002u

/* The answer to WaitForCondition. */
#define XOUS_TICKTIMER_NOTIFIED 0
#define XOUS_TICKTIMER_TIMED_OUT 1

/*
 * A mutex for threads of one process, blocking through the ticktimer (the
 * way Rust's std does it on Xous). locked counts the holder and the
 * threads waiting: 0 unlocked, 1 held, 2 or more contended. contended
 * says whether the server was ever asked, so that free has work to do.
 * Initialise with XOUS_TICKTIMER_MUTEX_INIT (or zeroes); the key sent to
 * the server is the mutex's address, so a mutex must not move while used.
 */
typedef struct {
  XOUS_ATOMIC(xous_word_t) locked;
  XOUS_ATOMIC(xous_word_t) contended;
} xous_ticktimer_mutex_t;
#define XOUS_TICKTIMER_MUTEX_INIT                                             \
  {                                                                           \
    0, 0                                                                      \
  }

/*
 * A condition variable used with an xous_ticktimer_mutex_t. counter is the
 * number of waiters not yet notified; timed_out the number of them that
 * gave up, not yet subtracted. Initialise with XOUS_TICKTIMER_COND_INIT.
 */
typedef struct {
  XOUS_ATOMIC(xous_word_t) counter;
  XOUS_ATOMIC(xous_word_t) timed_out;
} xous_ticktimer_cond_t;
#define XOUS_TICKTIMER_COND_INIT                                              \
  {                                                                           \
    0, 0                                                                      \
  }

/*
 * Every call connects to the server on first use (waiting until it
 * exists, as xous_connect() does) and keeps the connection for the life
 * of the process. All are safe to call from any thread.
 */

/* Milliseconds since the server started; never goes back. */
xous_error_t xous_ticktimer_elapsed_ms(uint64_t *ms);
/* Returns after at least ms milliseconds; other clients are served
 * meanwhile. 0 returns at once. */
xous_error_t xous_ticktimer_sleep_ms(xous_word_t ms);
/* Copies the server's version text into buf (size bytes, NUL terminated,
 * truncated if need be); *len (may be NULL) receives the full length. */
xous_error_t xous_ticktimer_version(char *buf, size_t size, size_t *len);
/* Asks the server to reset the watchdog (nothing to reset on the desktop). */
xous_error_t xous_ticktimer_ping_watchdog(void);

xous_error_t xous_ticktimer_mutex_lock(xous_ticktimer_mutex_t *m);
/* True when m was free and is now held by the caller. */
bool xous_ticktimer_mutex_try_lock(xous_ticktimer_mutex_t *m);
/* Unlocking a mutex that is not locked gives InvalidArgument. */
xous_error_t xous_ticktimer_mutex_unlock(xous_ticktimer_mutex_t *m);
/* Forgets the server's state for m (only if it was ever contended). Call
 * it before the memory of an unlocked m is reused. */
xous_error_t xous_ticktimer_mutex_free(xous_ticktimer_mutex_t *m);

/* Unlocks m, waits until notified or until timeout_ms pass (0 = forever),
 * then locks m again. *timed_out (may be NULL) says which happened. */
xous_error_t xous_ticktimer_cond_wait(xous_ticktimer_cond_t *c,
                                      xous_ticktimer_mutex_t *m,
                                      xous_word_t timeout_ms, bool *timed_out);
/* Wakes up to count waiters (0 wakes none); call it with the mutex held.
 * *woken (may be NULL) receives how many were woken. */
xous_error_t xous_ticktimer_cond_notify(xous_ticktimer_cond_t *c,
                                        xous_word_t count, xous_word_t *woken);
/* Wakes every waiter. */
xous_error_t xous_ticktimer_cond_notify_all(xous_ticktimer_cond_t *c);
/* Forgets the server's state for c, waking any waiter left. */
xous_error_t xous_ticktimer_cond_free(xous_ticktimer_cond_t *c);

#ifdef __cplusplus
}
#endif

#endif /* XOUS_TICKTIMER_H */
