/*
 * The PDDB server's one-message handler (server.c), apart from its command
 * line and loop (main.c), so that a fuzz target can link it.
 */
#ifndef PDDB_SERVER_H
#define PDDB_SERVER_H

#include <stdbool.h>

#include <xous.h>

#include "engine.h"

/* The engine the messages are served on, and the server's own SID (to ask
 * whether the owners of handles still exist); before the first message. */
void pddb__serve_on(struct pddb_engine *e, xous_sid_t sid);
/* Serves one message; false when the server is asked to stop. */
bool pddb__handle(const xous_envelope_t *env);

#endif /* PDDB_SERVER_H */
