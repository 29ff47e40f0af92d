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

#endif /* PDDB_SERVER_STD_H */
