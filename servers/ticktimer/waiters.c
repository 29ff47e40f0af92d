/*
 * Fixed tables of parked requests and unlock tokens. Linear scans: the
 * tables hold a few hundred entries at most, and a scan is cheaper than
 * the message that caused it.
 */
#include "platform.h"
#include "waiters.h"

struct tt_waiter *
tt_park(struct tt_state *st, enum tt_kind kind, xous_pid_t pid,
        xous_word_t key, xous_sender_t sender, uint64_t deadline)
{
  size_t i;

  for (i = 0; i < TT_MAX_WAITERS; i++) {
    struct tt_waiter *w = &st->w[i];

    if (w->kind != 0)
      continue;
    w->kind = (uint8_t)kind;
    w->pid = pid;
    w->key = key;
    w->sender = sender;
    w->deadline = deadline;
    w->seq = st->next_seq++;
    st->parked++;
    if (deadline != TT_NEVER)
      st->timed++;
    return w;
  }
  return NULL;
}

struct tt_waiter *
tt_oldest(struct tt_state *st, enum tt_kind kind, xous_pid_t pid,
          xous_word_t key)
{
  struct tt_waiter *best = NULL;
  size_t i;

  for (i = 0; i < TT_MAX_WAITERS; i++) {
    struct tt_waiter *w = &st->w[i];

    if (w->kind != kind || w->pid != pid || w->key != key)
      continue;
    /* Sequence numbers wrap; the difference still orders them. */
    if (best == NULL || (int32_t)(w->seq - best->seq) < 0)
      best = w;
  }
  return best;
}

void
tt_release(struct tt_state *st, struct tt_waiter *w)
{
  if (w->kind == 0)
    return;
  if (w->deadline != TT_NEVER)
    st->timed--;
  st->parked--;
  w->kind = 0;
}

struct tt_waiter *
tt_next_due(struct tt_state *st, uint64_t now)
{
  struct tt_waiter *best = NULL;
  size_t i;

  if (st->timed == 0)
    return NULL;
  for (i = 0; i < TT_MAX_WAITERS; i++) {
    struct tt_waiter *w = &st->w[i];

    if (w->kind == 0 || w->deadline > now)
      continue;
    if (best == NULL || w->deadline < best->deadline ||
        (w->deadline == best->deadline && (int32_t)(w->seq - best->seq) < 0))
      best = w;
  }
  return best;
}

uint64_t
tt_earliest(const struct tt_state *st)
{
  uint64_t best = TT_NEVER;
  size_t i;

  if (st->timed == 0)
    return TT_NEVER;
  for (i = 0; i < TT_MAX_WAITERS; i++)
    if (st->w[i].kind != 0 && st->w[i].deadline < best)
      best = st->w[i].deadline;
  return best;
}

static struct tt_token *
find_token(struct tt_state *st, xous_pid_t pid, xous_word_t key)
{
  size_t i;

  for (i = 0; i < TT_MAX_TOKENS; i++) {
    struct tt_token *t = &st->tokens[i];

    if (t->count != 0 && t->pid == pid && t->key == key)
      return t;
  }
  return NULL;
}

bool
tt_token_take(struct tt_state *st, xous_pid_t pid, xous_word_t key)
{
  struct tt_token *t = find_token(st, pid, key);

  if (t == NULL)
    return false;
  t->count--;
  return true;
}

bool
tt_token_put(struct tt_state *st, xous_pid_t pid, xous_word_t key)
{
  struct tt_token *t = find_token(st, pid, key);
  size_t i;

  if (t != NULL) {
    t->count++;
    return true;
  }
  for (i = 0; i < TT_MAX_TOKENS; i++) {
    t = &st->tokens[i];
    if (t->count == 0) {
      t->pid = pid;
      t->key = key;
      t->count = 1;
      return true;
    }
  }
  return false;
}

void
tt_token_drop(struct tt_state *st, xous_pid_t pid, xous_word_t key)
{
  struct tt_token *t = find_token(st, pid, key);

  if (t != NULL)
    t->count = 0;
}
