/*
 * The ticktimer's bookkeeping: parked requests (sleepers, mutex waiters,
 * condvar waiters) and stored mutex unlock tokens, in fixed tables so that
 * the server needs no allocator. One thread at a time: the server loop,
 * or the desktop's alarm thread, under tt_lock() (platform.h).
 */
#ifndef TICKTIMER_WAITERS_H
#define TICKTIMER_WAITERS_H

#include <xous.h>

/* Parked requests hold a queue slot each in the kernel until answered, so
 * twice the queue depth is more than can ever be parked on the device. */
#define TT_MAX_WAITERS (2 * XOUS_QUEUE_DEPTH)
#define TT_MAX_TOKENS 256

enum tt_kind { TT_SLEEP = 1, TT_MUTEX, TT_COND };

struct tt_waiter {
  uint8_t kind; /* 0 = free entry */
  xous_pid_t pid;
  xous_word_t key;      /* mutex or condvar key; unused for sleep */
  xous_sender_t sender; /* whom to answer */
  uint64_t deadline;    /* tt_clock_ns() time; TT_NEVER when not timed */
  uint32_t seq;         /* arrival order, for FIFO wake-ups */
};

struct tt_token {
  xous_pid_t pid;
  xous_word_t key;
  xous_word_t count; /* 0 = free entry */
};

struct tt_state {
  struct tt_waiter w[TT_MAX_WAITERS];
  struct tt_token tokens[TT_MAX_TOKENS];
  size_t parked; /* entries in use in w */
  size_t timed;  /* of which with a deadline */
  uint32_t next_seq;
};

/* Parks a request; NULL when the table is full. */
struct tt_waiter *tt_park(struct tt_state *st, enum tt_kind kind,
                          xous_pid_t pid, xous_word_t key,
                          xous_sender_t sender, uint64_t deadline);
/* The oldest parked request of kind for (pid, key), or NULL. */
struct tt_waiter *tt_oldest(struct tt_state *st, enum tt_kind kind,
                            xous_pid_t pid, xous_word_t key);
/* Frees a parked entry (after it has been answered). */
void tt_release(struct tt_state *st, struct tt_waiter *w);
/* The timed request due first by now: the earliest deadline <= now, the
 * oldest of those that share it; NULL when none is due. */
struct tt_waiter *tt_next_due(struct tt_state *st, uint64_t now);
/* The earliest deadline of any parked request, or TT_NEVER. */
uint64_t tt_earliest(const struct tt_state *st);

/* Takes one unlock token of (pid, key); false when there is none. */
bool tt_token_take(struct tt_state *st, xous_pid_t pid, xous_word_t key);
/* Stores one unlock token of (pid, key); false when the table is full. */
bool tt_token_put(struct tt_state *st, xous_pid_t pid, xous_word_t key);
/* Drops every token of (pid, key). */
void tt_token_drop(struct tt_state *st, xous_pid_t pid, xous_word_t key);

#endif /* TICKTIMER_WAITERS_H */
