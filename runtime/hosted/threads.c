/*
 * Xous threads on pthreads. TIDs are small per-process numbers as on the
 * device: the first thread is 2, and at most XOUS_MAX_THREADS (29, the main
 * thread included) live at once, so TIDs stay within 2..30.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "hosted/internal.h"

#define FIRST_TID 2
#define TID_LIMIT (FIRST_TID + XOUS_MAX_THREADS)

/* A TID is live while its thread runs. A thread that CreateThread started
 * and that ends before anybody joins it leaves its value behind (done), so
 * that a JoinThread soon after still gets it; such a slot is taken again
 * only when no other is free, so threads nobody joins never use TIDs up. */
struct slot {
  int used;     /* a thread holds this TID, or its value waits (done) */
  int joinable; /* created by CreateThread, not yet joined */
  int joining;  /* somebody waits in JoinThread */
  int done;     /* the thread has ended; ret is its value */
  void *ret;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ended = PTHREAD_COND_INITIALIZER;
static struct slot slots[TID_LIMIT];
static XOUS__THREAD_LOCAL xous_tid_t my_tid;
static unsigned thread_limit = XOUS_MAX_THREADS; /* XOUS_LIMIT_THREADS */

/* Caller holds lock. */
static unsigned
live_threads(void)
{
  unsigned n = 0;

  for (xous_tid_t t = FIRST_TID; t < TID_LIMIT; t++)
    n += slots[t].used != 0 && !slots[t].done;
  return n;
}

/* Caller holds lock. A free TID: an unused one, else the oldest value
 * nobody joined; TID_LIMIT when every thread is alive. */
static xous_tid_t
free_slot(void)
{
  xous_tid_t t;

  for (t = FIRST_TID; t < TID_LIMIT && slots[t].used; t++)
    ;
  if (t < TID_LIMIT)
    return t;
  for (t = FIRST_TID; t < TID_LIMIT; t++)
    if (slots[t].done && !slots[t].joining) {
      memset(&slots[t], 0, sizeof slots[t]);
      return t;
    }
  return TID_LIMIT;
}

struct start {
  void *(*entry)(void *);
  void *arg;
  xous_tid_t tid;
};

xous_tid_t
xous__tid(void)
{
  if (my_tid == 0) {
    /* A thread that CreateThread did not start: the main thread takes 2,
     * any other foreign thread (plain pthread_create) the lowest free. */
    xous_tid_t t;

    pthread_mutex_lock(&lock);
    t = free_slot();
    if (t < TID_LIMIT)
      slots[t].used = 1;
    pthread_mutex_unlock(&lock);
    my_tid = t < TID_LIMIT ? t : TID_LIMIT;
  }
  return my_tid;
}

static void *
trampoline(void *p)
{
  struct start s = *(struct start *)p;

  free(p);
  my_tid = s.tid;
  void *ret;

  /* Tell the broker about the thread now, so that xousctl shows it. */
  xous__thread_attach(s.tid);
  ret = s.entry(s.arg);
  pthread_mutex_lock(&lock);
  slots[s.tid].done = 1;
  slots[s.tid].ret = ret;
  pthread_cond_broadcast(&ended);
  pthread_mutex_unlock(&lock);
  return NULL;
}

void
xous__create_thread(const xous_word_t a[8], xous_word_t r[8])
{
  struct start *s;
  pthread_attr_t attr;
  pthread_t th;
  xous_tid_t t;
  struct xous__thread_args ta = xous__thread_args_of(a);
  size_t stack = (size_t)ta.stack_len;
  int err;

  if (ta.entry == 0) {
    xous__set_error(r, XOUS_INVALID_ARGUMENT);
    return;
  }
  (void)xous__tid(); /* the caller keeps its TID below the new one's */
  pthread_mutex_lock(&lock);
  t = free_slot();
  if (t == TID_LIMIT || live_threads() >= thread_limit) {
    pthread_mutex_unlock(&lock);
    xous__set_error(r, XOUS_THREAD_NOT_AVAILABLE);
    return;
  }
  slots[t].used = 1;
  slots[t].joinable = 1;
  pthread_mutex_unlock(&lock);

  s = malloc(sizeof *s);
  if (s == NULL) {
    err = ENOMEM;
    goto fail;
  }
  s->entry = (void *(*)(void *))ta.entry;
  s->arg = (void *)ta.arg[0];
  s->tid = t;
  pthread_attr_init(&attr);
  /* Detached: JoinThread waits for the slot's value, not for pthreads. */
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  if (stack >= 16384)
    pthread_attr_setstacksize(&attr, stack);
  err = pthread_create(&th, &attr, trampoline, s);
  pthread_attr_destroy(&attr);
  if (err != 0) {
    free(s);
    goto fail;
  }
  xous__result_set1(r, XOUS_RESULT_THREAD_ID, t);
  return;

fail:
  pthread_mutex_lock(&lock);
  memset(&slots[t], 0, sizeof slots[t]);
  pthread_mutex_unlock(&lock);
  xous__set_error(r, err == ENOMEM ? XOUS_OUT_OF_MEMORY
                                   : XOUS_THREAD_NOT_AVAILABLE);
}

void
xous__join_thread(const xous_word_t a[8], xous_word_t r[8])
{
  xous_tid_t t = xous__arg1(a);
  void *ret;

  if (t == xous__tid()) {
    xous__set_error(r, XOUS_THREAD_NOT_AVAILABLE);
    return;
  }
  pthread_mutex_lock(&lock);
  if (t < FIRST_TID || t >= TID_LIMIT || !slots[t].joinable ||
      slots[t].joining) {
    /* As the kernel: an unknown TID joins at once with 0. */
    pthread_mutex_unlock(&lock);
    xous__set_ok(r, XOUS_RESULT_SCALAR1);
    return;
  }
  slots[t].joining = 1;
  while (!slots[t].done)
    pthread_cond_wait(&ended, &lock);
  ret = slots[t].ret;
  memset(&slots[t], 0, sizeof slots[t]);
  pthread_mutex_unlock(&lock);
  xous__result_set1(r, XOUS_RESULT_SCALAR1, (xous_word_t)ret);
}

void
xous__adjust_thread_limit(const xous_word_t a[8], xous_word_t r[8])
{
  struct xous__limit_args l = xous__limit_args_of(a);
  xous_word_t expected = l.expected, proposed = l.proposed;

  pthread_mutex_lock(&lock);
  if (expected == thread_limit && proposed >= 1 &&
      proposed <= XOUS_MAX_THREADS && proposed >= live_threads())
    thread_limit = (unsigned)proposed;
  xous__result_set2(r, XOUS_RESULT_SCALAR2, l.index, thread_limit);
  pthread_mutex_unlock(&lock);
}

/* Held across fork() (fork.c), so that the child never inherits the
 * table half changed; the child's copy is then unlocked, not re-made. */
void
xous__threads_fork_lock(void)
{
  pthread_mutex_lock(&lock);
}

void
xous__threads_fork_unlock(void)
{
  pthread_mutex_unlock(&lock);
}

void
xous__threads_after_fork(void)
{
  /* Only the forking thread lives on in the child, with its TID. */
  xous_tid_t keep = my_tid;

  memset(slots, 0, sizeof slots);
  if (keep >= FIRST_TID && keep < TID_LIMIT)
    slots[keep].used = 1;
}
