/*
 * Calls that may block, made in a Xous thread of the test process, so
 * that the test waits for them with a bound: a call that hangs fails the
 * very check that expected it to return, not the whole test by timeout.
 */
#ifndef XOUS_TEST_ASYNC_H
#define XOUS_TEST_ASYNC_H

#include <stdatomic.h>
#include <stdbool.h>

#include <xous.h>

/* One call: fn runs in the thread with the arguments set before
 * async_start(), and leaves its results here. */
struct async {
  void (*fn)(struct async *);
  /* arguments */
  xous_sid_t sid;
  xous_cid_t cid;
  xous_message_t msg;
  xous_word_t id, a[4];
  xous_word_t ms;
  /* results */
  xous_error_t err;
  bool timed_out;
  xous_word_t ret[5];
  xous_result_t res;
  xous_tid_t tid;
  long long started, ended; /* harness_now_ms() around fn */
  atomic_bool ready;        /* for fn to say it got somewhere */
  atomic_bool done;
  atomic_llong done_at;
};

/* Static, so that a call still blocked when the test ends writes nowhere
 * it should not. */
extern struct async async_calls[8];

/* Starts fn(a) in a new Xous thread. */
void async_start(struct async *a, void (*fn)(struct async *));
/* Waits up to timeout_ms for a to return; true when it did. */
bool async_wait(struct async *a, int timeout_ms);
/* Runs fn(a) and asserts that it returns within bound_ms. */
struct async *async_bounded(struct async *a, void (*fn)(struct async *),
                            int bound_ms, const char *what);
/* Waits up to timeout_ms for flag to be set. */
bool async_wait_flag(atomic_bool *flag, int timeout_ms);

/* The calls, for fn: each makes one call with a's arguments. */
void async_connect(struct async *a);
void async_try_connect(struct async *a);
void async_receive(struct async *a);
void async_blocking_scalar(struct async *a);
void async_send_message(struct async *a);
void async_try_send_message(struct async *a);

/* A scalar message of kind with id and four arguments. */
xous_message_t scalar_msg(xous_msg_kind_t kind, xous_word_t id, xous_word_t a1,
                          xous_word_t a2, xous_word_t a3, xous_word_t a4);

#endif /* XOUS_TEST_ASYNC_H */
