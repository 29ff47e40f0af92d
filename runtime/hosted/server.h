/*
 * The server's half of the direct path, as its three files share it:
 * server_recv.c (the table of servers and ReceiveMessage),
 * server_rings.c (the clients' rings and the objects on their sockets) and
 * server_reply.c (answers to direct messages, returns to the broker).
 *
 * One lock, xous__srv_lock, guards everything below; nothing sleeps while
 * holding it.
 */
#ifndef XOUS_HOSTED_DIRECT_SERVER_H
#define XOUS_HOSTED_DIRECT_SERVER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "hosted/internal.h"
#include "hosted/ring.h"

#define RECHECK_NS 20000000u /* how often a client's hints may cost a call */
#define RECHECK_NEW_NS 1000000u /* the same for a generation not seen yet */
/* Looks in a row that find a ring empty before its ready bit is cleared
 * (server_recv.c, ring_with_head). */
#define KEEP_BIT_LOOKS 4u

/* Objects that came ahead of their cells: each thread of a client sends
 * its object, then its cell, so no more than one per thread can be ahead
 * of the cell we look for. */
#define STASH (2 * XOUS_RING_ANSWERS)

/* The mappings of a kept object, one per range (and protection) lent. */
#define KEPT_WINDOWS 4

struct kept;

/* One range of a kept object, mapped here at addr; between lends it is
 * out of reach (pages.c), so that a use after return faults as on the
 * device, and the next lend of the same range costs no mmap. */
struct window {
  struct kept *obj;
  uintptr_t addr; /* 0: unused */
  uint64_t offset, len;
  int prot;
  bool lent;
  bool show; /* lent while still out of reach: shown outside the lock */
  struct xous__hidden hidden;
};

/* An object a client asked us to keep for its later lends. */
struct kept {
  int fd;
  uint64_t size; /* at least this long: it is sealed against shrinking */
  uint32_t key;  /* of the note that brought it */
  unsigned lent; /* windows lent now */
  bool let_go;   /* the client's no more: freed once nothing is lent */
  struct window windows[KEPT_WINDOWS];
};

struct ring {
  struct xous_ring *map;
  uint32_t gen;
  uint32_t checked;    /* a ring_gen the broker said is still this ring */
  uint64_t checked_at; /* when the broker last said so (ns) */
  uint32_t pos;        /* our own: the ring's deq is only for show */
  /* floor[i]: when we last freed cell i (0 before its first use). An
   * honest producer claims it later than that, so its stamp can claim no
   * earlier time: a client that lies jumps ahead of older messages for
   * one lap of its ring at most. */
  uint64_t floor[XOUS_RING_CELLS];
  unsigned refs;  /* 1 while in the table, +1 per unanswered message */
  int sock;       /* our end of the object socket, -1 until needed */
  unsigned index; /* the server's, and the client's PID: to ask for it */
  unsigned pid;
  struct {
    uint32_t key;
    int fd;
  } stash[STASH];
  unsigned nstash;
  struct kept *kept[XOUS_KEPT_OBJECTS + 1]; /* by the client's number */
  uint32_t notes_seen;  /* the ring's notes word when the socket was read */
  unsigned empty_looks; /* looks in a row that found it empty */
};

struct slot {
  bool used;
  uint8_t gen;
  uint8_t tid;
  uint8_t pid;
  uint8_t kind; /* BlockingScalar, or a lend */
  uint32_t call;
  uint32_t key;
  uint64_t len; /* a lend's length, which ReturnMemory must name */
  struct ring *ring;
};

struct server {
  xous_sid_t sid;
  unsigned index;
  bool dead;
  unsigned users;         /* threads inside ReceiveMessage on it */
  unsigned spinners;      /* of them, polling the bell (one is enough) */
  struct xous__spin spin; /* the poller's (the one counted in spinners) */
  bool woke_caller;       /* the last answer had to wake its caller */
  unsigned active;
  struct xous_server_page *page;
  struct ring *rings[XOUS_RING_PIDS];
  uint64_t absent_at[XOUS_RING_PIDS];  /* when the broker said: no ring */
  uint32_t absent_gen[XOUS_RING_PIDS]; /* and the hint at that time */
  struct slot slots[XOUS_QUEUE_DEPTH];
};

/* One received message, as it leaves the lock. */
struct taken {
  struct xous__envelope env;
  bool fetch;            /* a memory message: its object is at the broker */
  int fd;                /* a memory message's object, handed over directly */
  struct window *window; /* or the window of a kept one that maps it */
  uint64_t mem_offset;
  uint32_t key;
  unsigned kind, pid;
};

/* The lock: a futex word of this process, 0 free, 1 held, 2 held and
 * waited for. Taking and giving it back are one atomic each when no other
 * thread of the process wants it, as when one thread receives and answers,
 * where a pthread mutex pair costs some 57 instructions, taken twice per
 * message. */
extern _Atomic uint32_t xous__srv_lock;
extern struct server *xous__srv_table[XOUS_RING_PIDS]; /* by broker index */

/* Waits for the lock held by another thread (server_recv.c). */
void xous__srv_lock_wait(void);

static inline void
xous__srv_take(void)
{
  uint32_t v = 0;

  if (!atomic_compare_exchange_strong_explicit(&xous__srv_lock, &v, 1,
                                               memory_order_acquire,
                                               memory_order_relaxed))
    xous__srv_lock_wait();
}

static inline void
xous__srv_give(void)
{
  if (atomic_exchange_explicit(&xous__srv_lock, 0, memory_order_release) == 2)
    xous__futex_wake(&xous__srv_lock, 1);
}

/* ---- server_rings.c -------------------------------------------------------- */

/* Drops a reference; the last unmaps the ring and closes its socket. */
void xous__srv_ring_put(struct ring *r);
/* Takes the ring of pid out of s (what it still holds is not delivered). */
void xous__srv_ring_drop(struct server *s, unsigned pid);
/* The ring of client pid as the broker has it now, mapped if need be;
 * drops the lock around the broker call. */
struct ring *xous__srv_ring_of(struct server *s, unsigned pid, bool *later);
/* Whether the page's hint gen agrees with ring (0 never does). */
bool xous__srv_ring_current(const struct ring *ring, uint32_t gen);
/* The object sent ahead of the cell named key, or -1. */
/* Asks the broker for r's object socket unless it is held already
 * (then, or when the broker has none, nothing changes). Lock held. */
void xous__srv_ring_socket(struct ring *r);
int xous__srv_object_of(struct ring *r, uint32_t key);
/* Reads the notes waiting on r's socket (kept objects taken or let go,
 * objects ahead of their cells) once the ring's notes word moved. */
void xous__srv_read_notes(struct ring *r);

/* ---- server_kept.c -------------------------------------------------------- */

/* Takes the object a note asks us to keep as number n (closing fd when it
 * is no fit object); lets the one kept as n before go. Lock held. */
void xous__srv_keep(struct ring *r, unsigned n, int fd, uint32_t key);
/* Lets kept object n go (its mappings and fd, now or after its last
 * return). Lock held. */
void xous__srv_let_go(struct ring *r, unsigned n);
/* The window of kept object n for [offset, offset+len) with prot, marked
 * lent (to be made reachable by xous__srv_adopt_window, outside the lock);
 * NULL with *err set, or with XOUS_OK when every window is lent (then *fd
 * is a descriptor of the object to map as for a single message). Lock
 * held. */
struct window *xous__srv_window_lend(struct ring *r, unsigned n,
                                     uint64_t offset, uint64_t len, int prot,
                                     int *fd, xous_error_t *err);
/* Puts lent window w out of reach again (a return). Lock held. */
void xous__srv_window_put(struct window *w);
/* A return of lent window w in two steps: out of reach without the lock
 * (only the lend's holder touches a lent window; 0 or -1), then, lock
 * held, no longer lent (unmapped when it could not be put out of reach). */
int xous__srv_window_hide(struct window *w);
void xous__srv_window_unlend(struct window *w, bool hidden);
/* Makes window w reachable, gives envelope r its address and records the
 * lend in the memory table; on failure the lend goes back to its sender.
 * Lock not held. */
void xous__srv_adopt_window(struct window *w, xous_word_t r[8]);

/* ---- server_recv.c ------------------------------------------------------- */

struct server *xous__srv_find_sid(xous_sid_t sid);
/* Sets the ready bit of every client whose ring may hold cells, and
 * lowers a count of queue slots in use that a peer inflated: what a lost
 * hint hid is seen at the next look. Lock held. */
void xous__srv_sweep(struct server *s);
/* A thread leaves s; the last one out frees a dead server. */
void xous__srv_leave(struct server *s);
/* Receives on s (entered, lock held) until a message or, for a try, at
 * once; leaves s and the lock. */
void xous__srv_receive_on(struct server *s, bool try_only, xous_word_t r[8]);

#endif /* XOUS_HOSTED_DIRECT_SERVER_H */
