/*
 * The client side of the broker's control protocol (runtime/xousd/ctl.h),
 * shared by xousctl, xous-run and libxous-test: a request is one CTL
 * frame (a command, up to seven argument words, a name), its answer one
 * CTL_REPLY datagram of JSON text; a trace subscriber also gets TRACE
 * datagrams on the same socket.
 */
#ifndef XOUS_TOOLS_CTL_CLIENT_H
#define XOUS_TOOLS_CTL_CLIENT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Connects to the broker's socket at path: the descriptor, or -1 with
 * errno set (ENAMETOOLONG for a path that no socket address holds). */
int xous__ctl_dial(const char *path);

/* Whether a broker accepts connections at path: one is made and closed
 * (the broker forgets a connection that never said hello). */
bool xous__ctl_accepts(const char *path);

/* Sends request cmd with args (seven words, or NULL for none) and name
 * (NULL for none). Returns 0, or -1 when the broker closed the socket. */
int xous__ctl_send(int fd, unsigned cmd, const uint64_t args[7],
                   const char *name);

/* Receives the next well-formed datagram into buf (size bytes): returns
 * its JSON text, NUL terminated, inside buf, and its frame type in *type;
 * or NULL, with *timed_out true when timeout_ms (< 0: no limit) went by or
 * *stop (when not NULL) was set by a signal, false when the socket ended
 * or sent something that is not a frame. */
char *xous__ctl_receive(int fd, char *buf, size_t size, int timeout_ms,
                        const volatile sig_atomic_t *stop, unsigned *type,
                        bool *timed_out);

/* Sends a request and returns the text of its CTL_REPLY (other datagrams,
 * such as trace events, are passed over), or NULL as xous__ctl_receive. */
char *xous__ctl_ask(int fd, unsigned cmd, const uint64_t args[7],
                    const char *name, char *buf, size_t size, int timeout_ms,
                    bool *timed_out);

#endif /* XOUS_TOOLS_CTL_CLIENT_H */
