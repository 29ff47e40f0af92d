/*
 * The server's half of the std family (opcodes 26..41 and
 * WriteKeyFlush 18): what Rust std's File, read_dir, stat, remove_file
 * and remove_dir send to the real PDDB, answered on the engine as the
 * real server answers (pddb(7)); and the mount and eFuse queries
 * (IsMounted 0, TryMount 1, IsEfuseSecured 22, MountAttempted 53).
 */
#ifndef PDDB_SERVER_STD_H
#define PDDB_SERVER_STD_H

#include <stdbool.h>

#include <xous.h>

#include "engine.h"

/* Serves env when its opcode belongs to the family (true), else leaves
 * it alone (false). */
bool xous__pddb_std_serve(struct pddb_engine *e, const xous_envelope_t *env);

/* The engine handle behind file descriptor fd of process pid; false when
 * pid has no such descriptor. */
bool xous__pddb_std_handle(xous_pid_t pid, xous_word_t fd, uint32_t *handle);
/* Forgets the descriptors of pid, whose process ended. */
void xous__pddb_std_forget(xous_pid_t pid);

/* Frees the engine handles and descriptors of every owner but asking
 * whose process has ended; the server (server.c) provides it. */
void xous__pddb_reclaim(xous_pid_t asking);

#endif /* PDDB_SERVER_STD_H */
