/*
 * The name server's one internal contract: its tables and the functions
 * that change them. Portable: <xous.h> and freestanding headers only.
 *
 * Everything is in fixed tables (no heap on the device):
 *  1. names: up to NAMES_MAX_ENTRIES registered names, each with its SID,
 *     owner PID, limit and the number of places in use;
 *  2. tokens: one per place in use of a name with a limit, bound to the
 *     name and to the PID it was given to, freed when spent or when the
 *     name goes;
 *  3. waiters: blocking lookups of names not registered yet. Each holds
 *     its message (and so one slot of the name server's queue) until it is
 *     answered, so there are fewer waiters than queue slots and the name
 *     server can always receive.
 */
#ifndef XOUS_NAMES_SERVER_H
#define XOUS_NAMES_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xous.h>
#include <xous/names.h>

#define NAMES_MAX_ENTRIES XOUS_MAX_SERVERS
#define NAMES_MAX_TOKENS 1024
#define NAMES_MAX_WAITERS (XOUS_QUEUE_DEPTH / 2)
#define NAMES_MAX_TRUSTED 32

/* A validated name: a local copy, never a pointer into a lent page. */
struct names_name {
  uint32_t len;
  uint8_t bytes[XOUS_NAMES_MAX_NAME];
};

struct names_entry {
  bool used;
  struct names_name name;
  xous_sid_t sid;
  xous_pid_t owner;
  uint32_t limit; /* 0: no limit */
  uint32_t count; /* places in use, with a token each */
};

/* ---- check.c: validation of what a peer wrote ---------------------------- */

/* True when the len bytes at s are UTF-8 without NUL, overlong forms,
 * surrogates or code points above U+10FFFF. */
bool names__utf8_valid(const uint8_t *s, size_t len);
/* Validates the name of a request copy into *out: XOUS_OK or
 * XOUS_INVALID_STRING. */
xous_error_t names__check_name(const struct xous_names_msg *msg,
                               struct names_name *out);

/* ---- table.c: names, tokens and trusted names ---------------------------- */

void names__table_init(void);
struct names_entry *names__find(const struct names_name *name);
/* A free entry for name, or NULL when the table is full. */
struct names_entry *names__add(const struct names_name *name);
/* Removes e and every token of it. */
void names__remove(struct names_entry *e);
/* Records a token of e for pid; XOUS_OUT_OF_MEMORY when none is free. */
xous_error_t names__token_add(struct names_entry *e, xous_pid_t pid,
                              const uint32_t w[4]);
/* Spends the token w of e held by pid; false when there is none. */
bool names__token_spend(struct names_entry *e, xous_pid_t pid,
                        const uint32_t w[4]);

/* Adds a trusted name (from the command line); false when it is not a valid
 * name or there are too many. */
bool names__trusted_add(const char *name);
/* Notes that name has been registered. */
void names__trusted_seen(const struct names_name *name);
/* True once every trusted name has been seen. */
bool names__trusted_done(void);

/* ---- serve.c: the opcodes ------------------------------------------------ */

/* Answers (or defers) one received message. */
void names__serve(xous_envelope_t *env);

/* ---- hosted/say.c (device: the log server) ------------------------------- */

/* Writes one line of diagnostics for the operator. */
void names__say(const char *line);
/* As names__say(), on standard output where there is one (--help). */
void names__say_out(const char *line);

#endif /* XOUS_NAMES_SERVER_H */
