/*
 * A backend for unit tests of runtime/core: it records the eight argument
 * words of every xous_syscall() and answers with results the test queued
 * in advance (Ok when none is queued). It also stands in for the two
 * backend hooks, xous__thread_stack() and xous__lendable().
 *
 * State is per process; Check runs each test in its own fork, and
 * rb_reset() clears everything for runs without fork.
 */
#ifndef XOUS_RECORDING_BACKEND_H
#define XOUS_RECORDING_BACKEND_H

#include <stdbool.h>
#include <stddef.h>

#include <xous.h>

#define RB_MAX_CALLS 64   /* calls recorded; later ones are only counted */
#define RB_MAX_RESULTS 16 /* results that can be queued at once */

/* Forgets every recorded call, queued result, hook and stack setting. */
void rb_reset(void);

/* Queues one result: r[0] is the tag, r[1..7] the words after it. Results
 * are answered first in, first out. */
void rb_push_result(const xous_word_t r[8]);
/* rb_push(tag, w1, ...): the words not given are 0. */
#define rb_push(...) rb_push_result((const xous_word_t[8]){ __VA_ARGS__ })
/* How many queued results have not been answered yet. */
size_t rb_pending_results(void);

/* How many times xous_syscall() was called, and the words of call i
 * (a zero row when i was not recorded). */
size_t rb_call_count(void);
const xous_word_t *rb_call(size_t i);

/* A function run inside xous_syscall() after the call is recorded and
 * before it is answered: a test plays the server there, for instance by
 * writing into a lent buffer. It may queue results. */
typedef void (*rb_hook_fn)(const xous_word_t args[8], void *ctx);
void rb_set_hook(rb_hook_fn fn, void *ctx);

/* xous__thread_stack() answers err, and on success *stack = range, or
 * {NULL, size} (the desktop's answer) when no range was set. */
void rb_set_thread_stack(xous_error_t err, const xous_range_t *range);
/* The sizes xous__thread_stack() was asked for, and how many times. */
size_t rb_thread_stack_calls(void);
size_t rb_thread_stack_size(void);

/* xous__lendable() is true for a page aligned, nonzero page multiple,
 * unless a test forces an answer: 1 always, 0 never, -1 back to the rule. */
void rb_force_lendable(int answer);
size_t rb_lendable_calls(void);

#endif /* XOUS_RECORDING_BACKEND_H */
