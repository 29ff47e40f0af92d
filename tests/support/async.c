/*
 * Calls in a Xous thread (async.h).
 */
#include <string.h>

#include <check.h>

#include "async.h"
#include "harness.h"

#define STACK_SIZE (128 * 1024)

struct async async_calls[8];

static void *
entry(void *p)
{
  struct async *a = p;

  a->started = harness_now_ms();
  a->fn(a);
  a->ended = harness_now_ms();
  atomic_store(&a->done_at, a->ended);
  atomic_store(&a->done, true);
  return NULL;
}

void
async_start(struct async *a, void (*fn)(struct async *))
{
  xous_error_t err;

  a->fn = fn;
  atomic_store(&a->done, false);
  err = xous_create_thread(entry, a, STACK_SIZE, &a->tid);
  ck_assert_msg(err == XOUS_OK, "create_thread: %s", xous_error_name(err));
}

bool
async_wait_flag(atomic_bool *flag, int timeout_ms)
{
  long long deadline = harness_now_ms() + harness_bound_ms(timeout_ms);

  while (!atomic_load(flag)) {
    if (harness_now_ms() >= deadline)
      return false;
    harness_sleep_ms(1);
  }
  return true;
}

bool
async_wait(struct async *a, int timeout_ms)
{
  return async_wait_flag(&a->done, timeout_ms);
}

struct async *
async_bounded(struct async *a, void (*fn)(struct async *), int bound_ms,
              const char *what)
{
  async_start(a, fn);
  ck_assert_msg(async_wait(a, bound_ms), "%s did not return within %d ms",
                what, bound_ms);
  return a;
}

void
async_connect(struct async *a)
{
  a->err = xous_connect(a->sid, &a->cid);
}

void
async_try_connect(struct async *a)
{
  a->err = xous_try_connect(a->sid, &a->cid);
}

void
async_receive(struct async *a)
{
  xous_envelope_t env;

  a->err = xous_receive_message(a->sid, &env);
}

void
async_blocking_scalar(struct async *a)
{
  a->err = xous_blocking_scalar(a->cid, a->id, a->a[0], a->a[1], a->a[2],
                                a->a[3], a->ret);
}

void
async_send_message(struct async *a)
{
  a->err = xous_send_message(a->cid, &a->msg, &a->res);
}

void
async_try_send_message(struct async *a)
{
  a->err = xous_try_send_message(a->cid, &a->msg, &a->res);
}

xous_message_t
scalar_msg(xous_msg_kind_t kind, xous_word_t id, xous_word_t a1,
           xous_word_t a2, xous_word_t a3, xous_word_t a4)
{
  xous_message_t m;

  memset(&m, 0, sizeof m);
  m.kind = kind;
  m.scalar.id = id;
  m.scalar.arg1 = a1;
  m.scalar.arg2 = a2;
  m.scalar.arg3 = a3;
  m.scalar.arg4 = a4;
  return m;
}
