/*
 * The private calls of libxous to xousd, beside the frames that carry
 * them (hosted/wire.h): a SYSCALL frame whose w[0] is XOUS__SYSCALL_HOSTED
 * asks the broker for what the direct path needs (hosted/ring.h) or
 * reports a message to a trace. Only libxous makes them, on its thread
 * socket; only xousd (direct.c) answers them.
 */
#ifndef XOUS_HOSTED_CALLS_H
#define XOUS_HOSTED_CALLS_H

#include <xous.h>

#include "core/abi.h"

/* The private syscall number: far from the Xous numbers, so that no Xous
 * call is mistaken for one. w[1] is the operation. */
#define XOUS__SYSCALL_HOSTED 0x10000u
enum xous__hosted_op {
  XOUS__RING_OF_CID = 1, /* w2 cid -> fd ring; w1 index, w2 gen, w3 pid */
  XOUS__PAGE_OF_CID = 2, /* w2 cid -> fd page */
  XOUS__PAGE_OF_SID =
      3, /* w2..w5 SID (owner only) -> fd page; w1 index, w2 gen */
  XOUS__RING_OF_PID =
      4, /* w2 index, w3 client pid (owner) -> fd ring; w1 ring gen */
  XOUS__FETCH = 5, /* w2 sender word (owner) -> envelope + memory */
  XOUS__EVENT = 6, /* w2 event, w3 index, w4 key, w5 kind, w6 id, w7 peer */
  XOUS__SOCK_OF_CID =
      7, /* w2 cid -> fd: the client's end of the ring's socket */
  XOUS__SOCK_OF_PID =
      8, /* w2 index, w3 client pid (owner) -> fd: the server's end */
  XOUS__STAMP_OF_PID = 9, /* w2 pid -> w1 its process's stamp, 0 none */
};

/* XOUS__EVENT's w2: what happened to the message. */
enum xous__event {
  XOUS__EV_SEND = 1,
  XOUS__EV_RECEIVE = 2,
  XOUS__EV_REPLY = 3
};

/* One private call, decoded. Which member holds depends on op. */
struct xous__hosted_args {
  xous_word_t op;
  xous_word_t cid;      /* RING_OF_CID, PAGE_OF_CID, SOCK_OF_CID */
  xous_sid_t sid;       /* PAGE_OF_SID */
  xous_word_t index;    /* RING_OF_PID, SOCK_OF_PID: the server's index */
  xous_word_t pid;      /* RING_OF_PID, SOCK_OF_PID: the client's PID;
                         * STAMP_OF_PID */
  xous_sender_t sender; /* FETCH */
  struct {
    xous_word_t ev, index, key, kind, id, peer;
  } event; /* EVENT */
};

static inline struct xous__hosted_args
xous__hosted_args_of(const xous_word_t a[8])
{
  struct xous__hosted_args h = { 0 };

  h.op = a[1];
  switch (h.op) {
  case XOUS__PAGE_OF_SID:
    h.sid = xous__sid_of_words(&a[2]);
    break;
  case XOUS__RING_OF_PID:
  case XOUS__SOCK_OF_PID:
    h.index = a[2];
    h.pid = a[3];
    break;
  case XOUS__FETCH:
    h.sender = a[2];
    break;
  case XOUS__STAMP_OF_PID:
    h.pid = a[2];
    break;
  case XOUS__EVENT:
    h.event.ev = a[2];
    h.event.index = a[3];
    h.event.key = a[4];
    h.event.kind = a[5];
    h.event.id = a[6];
    h.event.peer = a[7];
    break;
  default:
    h.cid = a[2];
    break;
  }
  return h;
}

static inline void
xous__hosted_args_words(const struct xous__hosted_args *h, xous_word_t a[8])
{
  xous__words_start(a, XOUS__SYSCALL_HOSTED, h->op);
  switch (h->op) {
  case XOUS__PAGE_OF_SID:
    for (int i = 0; i < 4; i++)
      a[2 + i] = h->sid.w[i];
    break;
  case XOUS__RING_OF_PID:
  case XOUS__SOCK_OF_PID:
    a[2] = h->index;
    a[3] = h->pid;
    break;
  case XOUS__FETCH:
    a[2] = h->sender;
    break;
  case XOUS__STAMP_OF_PID:
    a[2] = h->pid;
    break;
  case XOUS__EVENT:
    a[2] = h->event.ev;
    a[3] = h->event.index;
    a[4] = h->event.key;
    a[5] = h->event.kind;
    a[6] = h->event.id;
    a[7] = h->event.peer;
    break;
  default:
    a[2] = h->cid;
    break;
  }
}

/* The answers that carry words besides their object: RING_OF_CID gives
 * the server's index, the ring's generation and the caller's PID;
 * PAGE_OF_SID the index and the server's generation; RING_OF_PID the
 * ring's generation. */
struct xous__hosted_answer {
  xous_word_t index, gen, pid;
};

static inline struct xous__hosted_answer
xous__hosted_answer_of(xous_word_t op, const xous_word_t r[8])
{
  struct xous__hosted_answer h = { 0 };

  if (op == XOUS__RING_OF_PID || op == XOUS__SOCK_OF_PID) {
    h.gen = r[1];
  } else {
    h.index = r[1];
    h.gen = r[2];
    h.pid = r[3];
  }
  return h;
}

static inline void
xous__hosted_answer_words(xous_word_t op, const struct xous__hosted_answer *h,
                          xous_word_t r[8])
{
  if (op == XOUS__RING_OF_PID || op == XOUS__SOCK_OF_PID)
    xous__result_set(r, XOUS_RESULT_OK, h->gen, 0, 0, 0, 0);
  else
    xous__result_set(r, XOUS_RESULT_OK, h->index, h->gen, h->pid, 0, 0);
}

#endif /* XOUS_HOSTED_CALLS_H */
