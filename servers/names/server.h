/*
 * The name server's one internal contract: its tables and the functions
 * that change them. Portable: <xous.h> and freestanding headers only.
 *
 * Everything is in fixed tables (no heap on the device):
 *  1. names: up to NAMES_MAX_ENTRIES registered names, each with its SID,
 *     owner PID, limit and the number of places in use;
 *  2. tokens: one per place in use of a name with a limit, bound to the
 *     name and to the PID it was given to (and that process's stamp),
 *     freed when spent, when the name goes, or when its holder has died
 *     and a place or a token is needed;
 *  3. waiters: BlockingConnects of names not registered yet (or without
 *     a free place). Each holds its message (and so one slot of the name
 *     server's queue) until it is answered, so there are fewer waiters
 *     than queue slots and the name server can always receive.
 *
 * Every row carries the PID it belongs to (an entry its owner, a token
 * the process it was given to, a waiter its sender), so that what a dead
 * process left can be found by PID.
 *
 * The name server makes a name's SID (CreateServerId, as the real one
 * does) and the registering process then creates the server. Until the
 * name server has seen that server, the entry is pending: lookups treat
 * it as not registered yet, and it is not removed for a missing server.
 */
#ifndef XOUS_NAMES_SERVER_H
#define XOUS_NAMES_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xous.h>
#include <xous/names.h>

#include "wire.h"

#define NAMES_MAX_ENTRIES XOUS_MAX_SERVERS
#define NAMES_MAX_TOKENS 1024
#define NAMES_MAX_WAITERS (XOUS_QUEUE_DEPTH / 2)
#define NAMES_MAX_TRUSTED 32
/* Names a process may hold before it has created their servers. */
#define NAMES_MAX_PENDING 4

/* A validated name: a local copy, never a pointer into a lent page. */
struct names_name {
  uint32_t len;
  uint8_t bytes[XOUS_NAMES_MAX_NAME];
};

struct names_entry {
  bool used;
  bool live; /* its server has been seen since the SID was handed out */
  struct names_name name;
  xous_sid_t sid;
  xous_pid_t owner;
  bool limited;   /* conn_limit was Some */
  uint32_t limit; /* its value: at most this many places */
  uint32_t count; /* places in use, with a token each */
};

/* Copies a name already checked with xous__names_valid() (wire.h). */
void names__name_set(struct names_name *out, const uint8_t *s, size_t len);

/* ---- table.c: names, tokens and trusted names ---------------------------- */

void names__table_init(void);
struct names_entry *names__find(const struct names_name *name);
struct names_entry *names__find_sid(xous_sid_t sid);
/* The entry in use after e (the first when e is NULL), or NULL. */
struct names_entry *names__next(struct names_entry *e);
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
/* Frees the tokens, and with them the places, of e (of every entry when
 * e is NULL) whose holder has died: the PID's stamp (xous_process_stamp)
 * is not the one noted when the token was given. Returns how many. */
unsigned names__tokens_of_the_dead(struct names_entry *e);

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
/* Forgets every name and every deferred BlockingConnect, as at start (a
 * fuzz run starts each input so). */
void names__serve_reset(void);
/* True when a BlockingConnect waits for a pending entry: the server of a
 * name just registered, which nobody announces. The main loop then polls
 * (names__recheck()) for a while instead of sleeping in a receive. */
bool names__pending_waiters(void);
/* Makes live the pending entries whose server now exists, and answers
 * their waiters. */
void names__recheck(void);

/* ---- hosted/say.c (device: the log server) ------------------------------- */

/* Writes one line of diagnostics for the operator. */
void names__say(const char *line);
/* As names__say(), on standard output where there is one (--help). */
void names__say_out(const char *line);

#endif /* XOUS_NAMES_SERVER_H */
