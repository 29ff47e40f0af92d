/*
 * The private calls of libxous to xousd, beside the frames that carry
 * them (hosted/wire.h): a SYSCALL frame whose w[0] is XOUS__SYSCALL_HOSTED
 * asks the broker for what the direct path needs (hosted/ring.h) or
 * reports a message to a trace. Only libxous makes them, on its thread
 * socket; only xousd (direct.c) answers them.
 */
#ifndef XOUS_HOSTED_CALLS_H
#define XOUS_HOSTED_CALLS_H

/* The private syscall number: far from the Xous numbers, so that no Xous
 * call is mistaken for one. w[1] is the operation. */
#define XOUS__SYSCALL_HOSTED 0x10000u
enum xous__hosted_op {
  XOUS__RING_OF_CID = 1,   /* w2 cid -> fd ring; w1 index, w2 gen, w3 pid */
  XOUS__PAGE_OF_CID = 2,   /* w2 cid -> fd page */
  XOUS__PAGE_OF_SID = 3,   /* w2..w5 SID (owner only) -> fd page; w1 index, w2 gen */
  XOUS__RING_OF_PID = 4,   /* w2 index, w3 client pid (owner) -> fd ring; w1 ring gen */
  XOUS__FETCH = 5,         /* w2 sender word (owner) -> envelope + memory */
  XOUS__EVENT = 6,         /* w2 event, w3 index, w4 key, w5 kind, w6 id, w7 peer */
  XOUS__SOCK_OF_CID = 7,   /* w2 cid -> fd: the client's end of the ring's socket */
  XOUS__SOCK_OF_PID = 8,   /* w2 index, w3 client pid (owner) -> fd: the server's end */
};

/* XOUS__EVENT's w2: what happened to the message. */
enum xous__event { XOUS__EV_SEND = 1, XOUS__EV_RECEIVE = 2, XOUS__EV_REPLY = 3 };

#endif /* XOUS_HOSTED_CALLS_H */
