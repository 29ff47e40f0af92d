/*
 * What xous-run asks the system it runs: which of its processes the
 * broker knows as servers, and whether a name is registered yet.
 */
#ifndef XOUS_TOOLS_RUN_SYSTEM_H
#define XOUS_TOOLS_RUN_SYSTEM_H

#include <stdbool.h>
#include <sys/types.h>

/* Asks the broker at sock_path for its processes and writes the host PIDs
 * of those that own at least one server into pids, and their Xous PIDs
 * into xous_pids (at most max). Returns how many, or -1 when the broker
 * cannot be asked. */
int run_server_pids(const char *sock_path, pid_t *pids, unsigned *xous_pids,
                    unsigned max);

/* Reserves a PID and a key for a hosted-mode program called name from the
 * broker at sock_path and puts XOUS_SERVER, XOUS_PID and XOUS_PROCESS_KEY
 * in the environment, for the child about to start. Returns the Xous PID,
 * or -1 after saying why. */
int run_hosted_env(const char *sock_path, const char *name);

/* True once name is registered with xous-names (false while xous-names
 * itself is not there yet). Asks without waiting, through the client API
 * of <xous/names.h>, and gives back the place it took. */
bool run_name_registered(const char *name);

#endif /* XOUS_TOOLS_RUN_SYSTEM_H */
