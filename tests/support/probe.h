/*
 * Fault probes: whether one read or one write of a byte faults (SIGSEGV
 * or SIGBUS), caught with sigsetjmp around that one access, for the
 * suites and helpers that check page protections. Call from the main
 * thread only; no other code may rely on those signals meanwhile.
 */
#ifndef XOUS_TEST_PROBE_H
#define XOUS_TEST_PROBE_H

#include <stdbool.h>

bool probe_read_faults(const volatile unsigned char *p);
bool probe_write_faults(volatile unsigned char *p, unsigned char v);

#endif /* XOUS_TEST_PROBE_H */
