/*
 * Raw frames on the broker's socket (runtime/hosted/wire.h), for the
 * suites that speak the private protocol by hand: a hostile client, a
 * client that says things libxous never says. Every wait is bounded by
 * RAW_BOUND_MS; a failure to set up fails the test (ck_abort).
 */
#ifndef XOUS_TEST_RAW_H
#define XOUS_TEST_RAW_H

#include <stddef.h>
#include <stdint.h>

#include <xous.h>

#include "hosted/wire.h"

#define RAW_BOUND_MS 2000

/* A zeroed frame of type with the protocol's magic and version. */
struct xous_wire_frame raw_frame(unsigned type);

/* Sends len bytes of buf as one datagram, with descriptor fd (or -1).
 * Returns 0, or -errno (EPIPE and ECONNRESET: the broker closed it). */
int raw_send_fd(int sock, const void *buf, size_t len, int fd);
int raw_send(int sock, const void *buf, size_t len);

/* Waits up to timeout_ms for a frame: 1 with it in *f, 0 when the socket
 * closed, -1 when nothing came. */
int raw_recv(int sock, struct xous_wire_frame *f, int timeout_ms);

/* Sends buf (with fd, or -1) and asserts that the broker answers with an
 * error or closes the socket; returns the error word of an answer, or ~0
 * for a close. */
uint64_t raw_expect_refused_fd(int sock, const void *buf, size_t len, int fd,
                               const char *what);
uint64_t raw_expect_refused(int sock, const void *buf, size_t len,
                            const char *what);
/* A SYSCALL frame of words w that must be refused. */
void raw_expect_syscall_refused(int sock, const uint64_t w[8],
                                const char *what);

/* One SYSCALL of words w that must be answered; the answer. */
struct xous_wire_frame raw_call(int sock, const uint64_t w[8]);

/* A raw process (its hello socket) with one thread socket (TID 2). */
struct raw_session {
  int proc, thread;
  xous_pid_t pid;
};

/* Says hello as a new process called name, then as its thread 2. */
struct raw_session raw_session(const char *name);
/* Opens the socket of thread tid of process pid, as libxous does. */
int raw_hello_thread(xous_pid_t pid, uint32_t tid);
void raw_close(struct raw_session *s);

#endif /* XOUS_TEST_RAW_H */
