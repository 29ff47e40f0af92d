/*
 * The name server's tables: registered names, disconnect tokens and the
 * trusted names given on the command line.
 */
#include <string.h>

#include "server.h"

struct token {
  bool used;
  uint16_t entry; /* index into entries */
  xous_pid_t pid; /* the process it was given to */
  uint64_t stamp; /* and that process's stamp; 0: unknown, kept */
  uint32_t w[4];
};

struct trusted {
  struct names_name name;
  bool seen;
};

static struct names_entry entries[NAMES_MAX_ENTRIES];
static struct token tokens[NAMES_MAX_TOKENS];
static struct trusted trusted[NAMES_MAX_TRUSTED];
static unsigned ntrusted;

static bool
name_eq(const struct names_name *a, const struct names_name *b)
{
  return a->len == b->len && memcmp(a->bytes, b->bytes, a->len) == 0;
}

/* Compares two tokens (or SIDs) without an early exit, so that the time taken says
 * nothing about how much of a guess was right. */
static bool
token_eq(const uint32_t a[4], const uint32_t b[4])
{
  uint32_t diff = 0;

  for (int i = 0; i < 4; i++)
    diff |= a[i] ^ b[i];
  return diff == 0;
}

void
names__table_init(void)
{
  memset(entries, 0, sizeof entries);
  memset(tokens, 0, sizeof tokens);
}

struct names_entry *
names__find(const struct names_name *name)
{
  for (size_t i = 0; i < NAMES_MAX_ENTRIES; i++)
    if (entries[i].used && name_eq(&entries[i].name, name))
      return &entries[i];
  return NULL;
}

struct names_entry *
names__find_sid(xous_sid_t sid)
{
  for (size_t i = 0; i < NAMES_MAX_ENTRIES; i++)
    if (entries[i].used && token_eq(entries[i].sid.w, sid.w))
      return &entries[i];
  return NULL;
}

struct names_entry *
names__next(struct names_entry *e)
{
  for (size_t i = e == NULL ? 0 : (size_t)(e - entries) + 1;
       i < NAMES_MAX_ENTRIES; i++)
    if (entries[i].used)
      return &entries[i];
  return NULL;
}

void
names__name_set(struct names_name *out, const uint8_t *s, size_t len)
{
  memset(out, 0, sizeof *out);
  out->len = (uint32_t)len;
  memcpy(out->bytes, s, len);
}

struct names_entry *
names__add(const struct names_name *name)
{
  for (size_t i = 0; i < NAMES_MAX_ENTRIES; i++)
    if (!entries[i].used) {
      memset(&entries[i], 0, sizeof entries[i]);
      entries[i].used = true;
      entries[i].name = *name;
      return &entries[i];
    }
  return NULL;
}

void
names__remove(struct names_entry *e)
{
  uint16_t idx = (uint16_t)(e - entries);

  for (size_t i = 0; i < NAMES_MAX_TOKENS; i++)
    if (tokens[i].used && tokens[i].entry == idx)
      memset(&tokens[i], 0, sizeof tokens[i]);
  memset(e, 0, sizeof *e);
}

xous_error_t
names__token_add(struct names_entry *e, xous_pid_t pid, const uint32_t w[4])
{
  for (int round = 0; round < 2; round++) {
    for (size_t i = 0; i < NAMES_MAX_TOKENS; i++)
      if (!tokens[i].used) {
        tokens[i].used = true;
        tokens[i].entry = (uint16_t)(e - entries);
        tokens[i].pid = pid;
        /* The client asks now: the stamp is that of the process that holds
         * its PID now, which is the client unless it died this moment. */
        if (xous_process_stamp(pid, &tokens[i].stamp) != XOUS_OK)
          tokens[i].stamp = 0;
        memcpy(tokens[i].w, w, sizeof tokens[i].w);
        return XOUS_OK;
      }
    /* Full: the tokens of dead clients make room, if there are any. */
    if (names__tokens_of_the_dead(NULL) == 0)
      break;
  }
  return XOUS_OUT_OF_MEMORY;
}

unsigned
names__tokens_of_the_dead(struct names_entry *e)
{
  /* One question per PID, however many tokens it holds. */
  uint64_t stamp_of[256];
  bool asked[256];
  unsigned freed = 0;

  memset(asked, 0, sizeof asked);
  for (size_t i = 0; i < NAMES_MAX_TOKENS; i++) {
    struct token *t = &tokens[i];
    uint8_t pid = (uint8_t)t->pid;

    if (!t->used || t->stamp == 0 ||
        (e != NULL && t->entry != (uint16_t)(e - entries)))
      continue;
    if (!asked[pid]) {
      asked[pid] = true;
      if (xous_process_stamp(t->pid, &stamp_of[pid]) != XOUS_OK)
        stamp_of[pid] = t->stamp; /* nobody says: kept */
    }
    if (stamp_of[pid] == t->stamp)
      continue;
    /* Its holder died: nobody can spend it, and its place is free. */
    if (entries[t->entry].count > 0)
      entries[t->entry].count--;
    memset(t, 0, sizeof *t);
    freed++;
  }
  return freed;
}

bool
names__token_spend(struct names_entry *e, xous_pid_t pid, const uint32_t w[4])
{
  uint16_t idx = (uint16_t)(e - entries);

  for (size_t i = 0; i < NAMES_MAX_TOKENS; i++)
    if (tokens[i].used && tokens[i].entry == idx && tokens[i].pid == pid &&
        token_eq(tokens[i].w, w)) {
      memset(&tokens[i], 0, sizeof tokens[i]);
      return true;
    }
  return false;
}

bool
names__trusted_add(const char *name)
{
  size_t len = strlen(name);

  if (ntrusted == NAMES_MAX_TRUSTED ||
      !xous__names_valid((const uint8_t *)name, len))
    return false;
  names__name_set(&trusted[ntrusted].name, (const uint8_t *)name, len);
  trusted[ntrusted].seen = false;
  ntrusted++;
  return true;
}

void
names__trusted_seen(const struct names_name *name)
{
  for (unsigned i = 0; i < ntrusted; i++)
    if (name_eq(&trusted[i].name, name))
      trusted[i].seen = true;
}

bool
names__trusted_done(void)
{
  for (unsigned i = 0; i < ntrusted; i++)
    if (!trusted[i].seen)
      return false;
  return true;
}
