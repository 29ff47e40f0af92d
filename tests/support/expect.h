/*
 * What the integration suites expect of the peers they start, said once:
 * each helper waits (bounded) for a peer to print or to end, and fails the
 * test with what the peer printed and how it ended when it does not.
 */
#ifndef XOUS_TEST_EXPECT_H
#define XOUS_TEST_EXPECT_H

#include <stddef.h>
#include <sys/types.h>

#include <xous.h>

/* How a wait status reads: "exit status 3", "signal 9". */
const char *status_text(int st);

/* Waits up to timeout_ms for pid to print line. */
void expect_line(pid_t pid, const char *line, int timeout_ms);
/* Waits up to timeout_ms until pid's output holds text anywhere. */
void expect_text(pid_t pid, const char *text, int timeout_ms);
/* expect_line(pid, "ready", HARNESS_START_TIMEOUT_MS): a server is up. */
void expect_ready(pid_t pid);
/* Waits up to timeout_ms for pid to print its line number index (0
 * based); returns it, in a buffer the next call reuses. */
const char *expect_nth_line(pid_t pid, size_t index, int timeout_ms);
/* Waits up to timeout_ms for pid to end with exit status code. */
void expect_exit(pid_t pid, int code, int timeout_ms);

/* A 16-byte server name: an 11-byte stem and five digits (a few dozen at
 * a time stay valid). */
const char *name16(const char *stem, unsigned n);
/* The SID of the first 16 bytes of name. */
xous_sid_t sid16(const char *name);

/* Starts the xtest-peer role (a server) for name and waits until it is
 * ready; its OS pid. */
pid_t start_peer_server(const char *role, const char *name);
/* TryConnect to name, which must succeed; the CID. */
xous_cid_t connect_to(const char *name);
/* Asserts that a fresh server and a fresh client, both separate processes,
 * still get a BlockingScalar through: the broker keeps serving. */
void expect_broker_serves(void);

#endif /* XOUS_TEST_EXPECT_H */
