/*
 * The log server's one-message handler, apart from its loop (server.c),
 * so that a fuzz target can link it.
 */
#ifndef LOG_SERVE_H
#define LOG_SERVE_H

#include <xous.h>
#include <xous/log.h>

/* Serves one received message: prints a record of level max or more
 * urgent, raw output or panic text, and answers it. */
void log_serve(const xous_envelope_t *env, xous_log_level_t max);

#endif /* LOG_SERVE_H */
