/*
 * The server's half of the native key API of the Rust `pddb` crate:
 * rkyv requests in a lent page (native_wire.h) and data moved in a
 * PddbBuf page, answered on the engine as the real server answers them
 * (xous-core services/pddb/src/main.rs; pddb(7) has the details):
 * ListBasis 2, LatestBasis 3, CreateBasis 4, OpenBasis 5, CloseBasis 6,
 * DeleteBasis 7, DeleteKey 8, DeleteDict 9, KeyAttributes 10,
 * KeyCountInDict 11, DictCountInBasis 13, GetDictNameAtIndex 14,
 * KeyRequest 15, ReadKey 16, WriteKey 17, KeyDrop 20, ListKeyV2 45 and
 * DictBulkRead 52; 12, which the real server no longer has, answers as
 * an unknown opcode there does. Also the device's own opcodes (menus,
 * suspend and resume, rekeying, backups, unmount, halt, BasisMonitor 54,
 * DictBulkDelete 55: server_native_misc.c), answered as the real server
 * would without that hardware.
 */
#ifndef PDDB_SERVER_NATIVE_H
#define PDDB_SERVER_NATIVE_H

#include <stdbool.h>

#include <xous.h>

#include "engine.h"

/* Serves env when its opcode belongs to the native API (true), else
 * leaves it alone (false). */
bool xous__pddb_native_serve(struct pddb_engine *e,
                             const xous_envelope_t *env);

/* From server.c: frees the engine handles of owners whose process has
 * ended (asking is known to live), and tells whether pid has ended. */
void xous__pddb_reclaim(xous_pid_t asking);
bool xous__pddb_process_ended(xous_pid_t pid);

#endif /* PDDB_SERVER_NATIVE_H */
