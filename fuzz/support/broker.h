/*
 * A stand-in broker for the fuzz targets of the hosted backend (hosted,
 * ring): a thread that listens on a socket in a private directory (the
 * process's XOUS_SOCKET from then on), accepts a few connections,
 * welcomes every process or thread hello as one Xous PID, and hands each
 * other frame to the target. The directory goes at exit.
 */
#ifndef XOUS_FUZZ_BROKER_H
#define XOUS_FUZZ_BROKER_H

#include "hosted/wire.h"

/* Answers frame f (n bytes as read, at least one) from socket s; a
 * descriptor that came with it is already closed: this broker keeps none. */
typedef void fb_serve_fn(int s, const struct xous_wire_frame *f, long n);

/* Starts the broker thread, welcoming as pid; aborts when it cannot. */
void fb_start(unsigned pid, fb_serve_fn *serve);

#endif /* XOUS_FUZZ_BROKER_H */
