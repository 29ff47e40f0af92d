/*
 * What /proc says of a process, for the suites that check that nothing
 * leaks (descriptors) and how memory is mapped.
 */
#ifndef XOUS_TEST_PROCFS_H
#define XOUS_TEST_PROCFS_H

#include <sys/types.h>

/* The number of descriptors process pid (0: this one) has open; fails the
 * test when /proc cannot say. */
int procfs_fd_count(pid_t pid);
/* The protection of this process's mapping at addr, as /proc/self/maps
 * says: "rw-" or "r--", or "" when it is not mapped. */
const char *procfs_prot_at(const void *addr);
/* The state letter of pid in /proc/PID/stat (R, S, T, ...), or 0. */
char procfs_state(pid_t pid);

#endif /* XOUS_TEST_PROCFS_H */
