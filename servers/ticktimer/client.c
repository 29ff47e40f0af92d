/*
 * The ticktimer client API (xous_ticktimer(3)), part of libxous. Portable:
 * <xous.h> and C11 atomics only, so it builds for the device as it is.
 *
 * The mutex and condvar follow Rust's std on Xous: the lock is an atomic
 * word in the caller's memory and the server is asked only to put a thread
 * to sleep under contention and to wake it again.
 */
#include <stdatomic.h>
#include <string.h>

#include <xous.h>
#include <xous/rkyv.h>
#include <xous/ticktimer.h>

/* How often the lock is tried before asking the server. */
#define LOCK_SPINS 3
/* How often notify asks the server for waiters that have not arrived: a
 * waiter counted itself before its request left, and on a busy machine
 * it may not run again for a long while (a yield each time between). */
#define NOTIFY_TRIES 4096

/* The connection, made once per process (xous_connect_cached). */
static uint32_t tt_cid;

static xous_error_t
conn(xous_cid_t *cid)
{
  return xous_connect_cached(xous_sid_from_name(XOUS_TICKTIMER_NAME), &tt_cid,
                             cid);
}

static xous_error_t
call(xous_word_t op, xous_word_t a1, xous_word_t a2, xous_word_t ret[5])
{
  xous_cid_t cid;
  xous_error_t err = conn(&cid);

  if (err != XOUS_OK)
    return err;
  return xous_blocking_scalar(cid, op, a1, a2, 0, 0, ret);
}

static xous_error_t
notice(xous_word_t op, xous_word_t a1, xous_word_t a2)
{
  xous_cid_t cid;
  xous_error_t err = conn(&cid);

  if (err != XOUS_OK)
    return err;
  return xous_scalar(cid, op, a1, a2, 0, 0);
}

/* ---- time ---------------------------------------------------------------- */

xous_error_t
xous_ticktimer_elapsed_ms(uint64_t *ms)
{
  xous_word_t ret[5];
  xous_error_t err = call(XOUS_TICKTIMER_ELAPSED_MS, 0, 0, ret);

  if (ms != NULL)
    *ms = err == XOUS_OK
              ? (uint64_t)(uint32_t)ret[0] | (uint64_t)(uint32_t)ret[1] << 32
              : 0;
  return err;
}

xous_error_t
xous_ticktimer_sleep_ms(xous_word_t ms)
{
  xous_word_t ret[5];
  xous_error_t err = call(XOUS_TICKTIMER_SLEEP_MS, ms, 0, ret);

  if (err == XOUS_OK && ret[0] != 0)
    err = (xous_error_t)ret[0];
  return err;
}

/* GetVersion as the Rust client sends it: an rkyv VersionString with an
 * empty String (8 bytes of 0xff) in a page lent with offset = 8; the
 * answer is a VersionString whose length comes back in offset. */
xous_error_t
xous_ticktimer_version(char *buf, size_t size, size_t *len)
{
  xous_rkyv_writer_t w;
  xous_rkyv_reader_t r;
  xous_rkyv_str_t none;
  xous_range_t page;
  const uint8_t *text;
  size_t used = 0, off = 0, valid = 0, root, n = 0;
  xous_cid_t cid;
  xous_error_t err;

  if (len != NULL)
    *len = 0;
  if (buf == NULL && size != 0)
    return XOUS_INVALID_ARGUMENT;
  err = conn(&cid);
  if (err != XOUS_OK)
    return err;
  err = xous_map_memory(0, 0, XOUS_PAGE_SIZE, XOUS_MEM_R | XOUS_MEM_W, &page);
  if (err != XOUS_OK)
    return err;
  xous_rkyv_writer_init(&w, page.addr, page.len);
  none = xous_rkyv_write_str(&w, "", 0);
  root = xous_rkyv_reserve(&w, XOUS_RKYV_STR_SIZE, XOUS_RKYV_STR_ALIGN);
  xous_rkyv_put_str(&w, root, &none);
  err = xous_rkyv_finish(&w, &used);
  if (err == XOUS_OK)
    err = xous_lend_mut(cid, XOUS_TICKTIMER_GET_VERSION, page.addr, page.len,
                        used, page.len, &off, &valid);
  /* SAFETY: the page is ours again; the server's length is checked
   * against it and every offset of the archive before a byte is read. */
  if (err == XOUS_OK) {
    xous_rkyv_reader_init(&r, page.addr, off <= page.len ? off : 0);
    if (xous_rkyv_root(&r, XOUS_RKYV_STR_SIZE, XOUS_RKYV_STR_ALIGN, &root) !=
            XOUS_OK ||
        xous_rkyv_get_str(&r, root, &text, &n) != XOUS_OK)
      err = XOUS_INTERNAL_ERROR;
  }
  if (err == XOUS_OK) {
    if (len != NULL)
      *len = n;
    if (size > 0) {
      size_t k = n < size - 1 ? n : size - 1;

      memcpy(buf, text, k);
      buf[k] = '\0';
    }
  }
  (void)xous_unmap_memory(page);
  return err;
}

xous_error_t
xous_ticktimer_ping_watchdog(void)
{
  return notice(XOUS_TICKTIMER_PING_WDT, 0, 0);
}

/* ---- mutex --------------------------------------------------------------- */

static xous_word_t
mutex_key(const xous_ticktimer_mutex_t *m)
{
  return (xous_word_t)(uintptr_t)m;
}

bool
xous_ticktimer_mutex_try_lock(xous_ticktimer_mutex_t *m)
{
  xous_word_t expected = 0;

  return atomic_compare_exchange_strong_explicit(&m->locked, &expected, 1,
                                                 memory_order_acquire,
                                                 memory_order_relaxed);
}

xous_error_t
xous_ticktimer_mutex_lock(xous_ticktimer_mutex_t *m)
{
  xous_word_t ret[5];
  xous_error_t err;
  int i;

  if (m == NULL)
    return XOUS_INVALID_ARGUMENT;
  for (i = 0; i < LOCK_SPINS; i++) {
    if (xous_ticktimer_mutex_try_lock(m))
      return XOUS_OK;
    (void)xous_yield();
  }
  /* Count ourselves in. If the holder left meanwhile the count was 0 and
   * the lock is ours; otherwise the holder's unlock will see a count above
   * 1 and send the server an unlock token for us. */
  if (atomic_fetch_add_explicit(&m->locked, 1, memory_order_acquire) == 0)
    return XOUS_OK;
  atomic_store_explicit(&m->contended, 1, memory_order_relaxed);
  err = call(XOUS_TICKTIMER_LOCK_MUTEX, mutex_key(m), 0, ret);
  if (err == XOUS_OK && ret[0] != 0)
    err = ret[0] == 1 ? XOUS_INVALID_ARGUMENT : (xous_error_t)ret[0];
  return err;
}

xous_error_t
xous_ticktimer_mutex_unlock(xous_ticktimer_mutex_t *m)
{
  xous_word_t prev, ret[5];
  xous_error_t err;

  if (m == NULL)
    return XOUS_INVALID_ARGUMENT;
  prev = atomic_load_explicit(&m->locked, memory_order_relaxed);
  do {
    if (prev == 0)
      return XOUS_INVALID_ARGUMENT;
  } while (!atomic_compare_exchange_weak_explicit(&m->locked, &prev, prev - 1,
                                                  memory_order_release,
                                                  memory_order_relaxed));
  if (prev == 1)
    return XOUS_OK;
  /* Somebody is waiting, or about to: hand the lock over through the
   * server. A token that arrives before its waiter is kept for it. */
  err = call(XOUS_TICKTIMER_UNLOCK_MUTEX, mutex_key(m), 0, ret);
  if (err == XOUS_OK && ret[0] > 1)
    err = (xous_error_t)ret[0];
  return err;
}

xous_error_t
xous_ticktimer_mutex_free(xous_ticktimer_mutex_t *m)
{
  if (m == NULL)
    return XOUS_INVALID_ARGUMENT;
  if (!atomic_exchange_explicit(&m->contended, 0, memory_order_relaxed))
    return XOUS_OK;
  return notice(XOUS_TICKTIMER_FREE_MUTEX, mutex_key(m), 0);
}

/* ---- condition variable -------------------------------------------------- */

static xous_word_t
cond_key(const xous_ticktimer_cond_t *c)
{
  return (xous_word_t)(uintptr_t)c;
}

xous_error_t
xous_ticktimer_cond_wait(xous_ticktimer_cond_t *c, xous_ticktimer_mutex_t *m,
                         xous_word_t timeout_ms, bool *timed_out)
{
  xous_word_t ret[5];
  xous_error_t err, lerr;
  bool late = false;

  if (timed_out != NULL)
    *timed_out = false;
  if (c == NULL || m == NULL)
    return XOUS_INVALID_ARGUMENT;
  /* Counted before the unlock, so that a notify made as soon as the mutex
   * is free sees us. */
  atomic_fetch_add_explicit(&c->counter, 1, memory_order_relaxed);
  err = xous_ticktimer_mutex_unlock(m);
  if (err != XOUS_OK) {
    atomic_fetch_sub_explicit(&c->counter, 1, memory_order_relaxed);
    return err;
  }
  err = call(XOUS_TICKTIMER_WAIT_FOR_CONDITION, cond_key(c), timeout_ms, ret);
  if (err == XOUS_OK && ret[0] != XOUS_TICKTIMER_NOTIFIED) {
    /* Not notified: the notifier must not count on us. */
    atomic_fetch_add_explicit(&c->timed_out, 1, memory_order_relaxed);
    if (ret[0] == XOUS_TICKTIMER_TIMED_OUT)
      late = true;
    else
      err = (xous_error_t)ret[0];
  }
  lerr = xous_ticktimer_mutex_lock(m);
  if (timed_out != NULL)
    *timed_out = late;
  return err != XOUS_OK ? err : lerr;
}

xous_error_t
xous_ticktimer_cond_notify(xous_ticktimer_cond_t *c, xous_word_t count,
                           xous_word_t *woken)
{
  xous_word_t waiting, left, done = 0, ret[5];
  xous_error_t err = XOUS_OK;
  int i;

  if (woken != NULL)
    *woken = 0;
  if (c == NULL)
    return XOUS_INVALID_ARGUMENT;
  /* Waiters that timed out are no longer waiting. */
  atomic_fetch_sub_explicit(&c->counter,
                            atomic_exchange_explicit(&c->timed_out, 0,
                                                     memory_order_relaxed),
                            memory_order_relaxed);
  waiting = atomic_load_explicit(&c->counter, memory_order_relaxed);
  do {
    if (waiting == 0 || count == 0)
      return XOUS_OK;
    left = waiting < count ? waiting : count;
  } while (!atomic_compare_exchange_weak_explicit(&c->counter, &waiting,
                                                  waiting - left,
                                                  memory_order_relaxed,
                                                  memory_order_relaxed));

  /* A waiter counted itself before it unlocked the mutex, so its request
   * may not have reached the server yet: ask again a few times. */
  for (i = 0; i < NOTIFY_TRIES && left > 0; i++) {
    xous_word_t t;

    err = call(XOUS_TICKTIMER_NOTIFY_CONDITION, cond_key(c), left, ret);
    if (err != XOUS_OK)
      break;
    if (ret[0] > left)
      ret[0] = left;
    left -= ret[0];
    done += ret[0];
    t = atomic_exchange_explicit(&c->timed_out, 0, memory_order_relaxed);
    left = left > t ? left - t : 0;
    if (left > 0)
      (void)xous_yield();
  }
  if (woken != NULL)
    *woken = done;
  return err;
}

xous_error_t
xous_ticktimer_cond_notify_all(xous_ticktimer_cond_t *c)
{
  return xous_ticktimer_cond_notify(c, (xous_word_t)-1, NULL);
}

xous_error_t
xous_ticktimer_cond_free(xous_ticktimer_cond_t *c)
{
  if (c == NULL)
    return XOUS_INVALID_ARGUMENT;
  atomic_store_explicit(&c->counter, 0, memory_order_relaxed);
  atomic_store_explicit(&c->timed_out, 0, memory_order_relaxed);
  return notice(XOUS_TICKTIMER_FREE_CONDITION, cond_key(c), 0);
}
