/*
 * The recording backend: see recording_backend.h.
 */
#include "recording_backend.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"

static struct {
  xous_word_t calls[RB_MAX_CALLS][8];
  size_t ncalls;
  xous_word_t results[RB_MAX_RESULTS][8];
  size_t head, count; /* a ring of queued results */
  rb_hook_fn hook;
  void *hook_ctx;
  xous_error_t stack_err;
  bool stack_set;
  xous_range_t stack;
  size_t stack_calls, stack_size;
  int lendable;
  size_t lendable_calls;
} rb = { .lendable = -1 };

void
rb_reset(void)
{
  memset(&rb, 0, sizeof(rb));
  rb.lendable = -1;
}

void
rb_push_result(const xous_word_t r[8])
{
  if (rb.count == RB_MAX_RESULTS) {
    /* A test that queues more than it can is wrong; say so loudly. */
    fprintf(stderr, "recording backend: more than %d queued results\n",
            RB_MAX_RESULTS);
    abort();
  }
  memcpy(rb.results[(rb.head + rb.count) % RB_MAX_RESULTS], r,
         8 * sizeof(r[0]));
  rb.count++;
}

size_t
rb_pending_results(void)
{
  return rb.count;
}

size_t
rb_call_count(void)
{
  return rb.ncalls;
}

const xous_word_t *
rb_call(size_t i)
{
  static const xous_word_t none[8];
  return i < rb.ncalls && i < RB_MAX_CALLS ? rb.calls[i] : none;
}

void
rb_set_hook(rb_hook_fn fn, void *ctx)
{
  rb.hook = fn;
  rb.hook_ctx = ctx;
}

void
rb_set_thread_stack(xous_error_t err, const xous_range_t *range)
{
  rb.stack_err = err;
  rb.stack_set = range != NULL;
  if (range != NULL)
    rb.stack = *range;
}

size_t
rb_thread_stack_calls(void)
{
  return rb.stack_calls;
}

size_t
rb_thread_stack_size(void)
{
  return rb.stack_size;
}

void
rb_force_lendable(int answer)
{
  rb.lendable = answer;
}

size_t
rb_lendable_calls(void)
{
  return rb.lendable_calls;
}

/* ---- the backend interface ---------------------------------------------- */

void
xous_syscall(const xous_word_t args[8], xous_word_t result[8])
{
  if (rb.ncalls < RB_MAX_CALLS)
    memcpy(rb.calls[rb.ncalls], args, 8 * sizeof(args[0]));
  rb.ncalls++;
  if (rb.hook != NULL)
    rb.hook(args, rb.hook_ctx);
  if (rb.count == 0) {
    memset(result, 0, 8 * sizeof(result[0])); /* Ok */
    return;
  }
  memcpy(result, rb.results[rb.head], 8 * sizeof(result[0]));
  rb.head = (rb.head + 1) % RB_MAX_RESULTS;
  rb.count--;
}

xous_error_t
xous__thread_stack(size_t size, xous_range_t *stack)
{
  rb.stack_calls++;
  rb.stack_size = size;
  if (rb.stack_err != XOUS_OK)
    return rb.stack_err;
  if (rb.stack_set) {
    *stack = rb.stack;
  } else {
    stack->addr = NULL;
    stack->len = size;
  }
  return XOUS_OK;
}

bool
xous__lendable(const void *buf, size_t len)
{
  rb.lendable_calls++;
  if (rb.lendable >= 0)
    return rb.lendable != 0;
  return len != 0 && (uintptr_t)buf % XOUS_PAGE_SIZE == 0 &&
         len % XOUS_PAGE_SIZE == 0;
}
