/*
 * The one internal contract of the hosted backend (libxous on the
 * desktop). The path of a message, and the file for each step:
 *
 *   xous_send_message()  core/ encodes the eight words, calls
 *   xous_syscall()       syscall.c: local calls answered here (memory.c,
 *                        threads.c); a memory message goes by lend.c
 *   direct, client side  client.c: the connection's ring and server page
 *                        (mapped by objects.c, asked for through the
 *                        private calls of calls.h), a queue slot, the cell;
 *                        a lend's object ahead of it on the ring's socket
 *   direct, server side  server_recv.c takes the cell (server_rings.c maps
 *                        the client's ring and takes its objects), makes
 *                        the envelope; server_reply.c writes the answer
 *                        into the caller's answer slot, where client.c waits
 *   relayed              broker.c: one frame (wire.h) on the thread's
 *                        socket to xousd, which puts the cell in the ring
 *                        itself; the answer comes back the same way
 *   waiting              futex.c (a word of shared memory), clock.c and
 *                        spin.c (how long to poll first)
 *   errors               errno.c: errno becomes a Xous error only there
 *   fork()               fork.c holds every lock across it
 */
#ifndef XOUS_HOSTED_INTERNAL_H
#define XOUS_HOSTED_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <xous.h>

#include "core/abi.h"
#include "core/internal.h"
#include "hosted/calls.h"
#include "hosted/wire.h"

/* The library's own thread-local words, read on every message: the
 * initial-exec model finds them at a fixed offset from the thread
 * pointer, where a shared library's default calls __tls_get_addr on each
 * use. The few bytes come out of the static TLS that the dynamic loader
 * keeps in reserve, which a dlopen of the library is also given. */
#define XOUS__THREAD_LOCAL                                                    \
  _Thread_local __attribute__((tls_model("initial-exec")))

/* ---- broker.c: the sockets to xousd and the calls on them --------------- */

/* The Xous PID of this process, joining the broker on first use; 0 when
 * the broker cannot be reached. */
xous_pid_t xous__pid(void);
/* Sends the syscall words (with fd, or -1) on the calling thread's socket
 * and waits for the result. *fd_out receives an fd that came with the
 * result, or -1; the caller owns it. When the broker cannot be reached
 * or hangs up, result becomes Error(InternalError). */
void xous__broker_call(const xous_word_t args[8], int fd, xous_word_t res[8],
                       uint64_t *mem_offset, int *fd_out);
/* Hands the call to the broker as it is; an fd that came back is closed. */
void xous__forward(const xous_word_t a[8], xous_word_t r[8]);
/* False once the broker has hung up on this process (it died). */
bool xous__broker_alive(void);
/* Forgets the broker this process joined (its sockets, rings and server
 * pages), as a forked child does, so that the next call joins whichever
 * broker XOUS_SOCKET names then: for libxous-test, whose caller joins one
 * private system after another. Call it with no other Xous thread busy. */
void xous__hosted_leave(void);
/* The caller is about to end this process's broker itself: its end is not
 * reported as a lost connection. Safe with other threads blocked in calls
 * (unlike xous__hosted_leave), which then fail with InternalError. */
void xous__hosted_expect_end(void);
/* Non-zero once the process's watcher thread saw the broker die: a load
 * cheap enough for every message call. */
extern atomic_int xous__broker_gone;
/* Registers the calling thread (tid) with the broker, for a new thread. */
void xous__thread_attach(xous_tid_t tid);
/* A XOUS__SYSCALL_HOSTED call whose answer carries an object of the
 * direct path, mapped with xous__map_object() into *map; the words that
 * come with it go to *ans (unless NULL). */
xous_error_t xous__hosted_object(const struct xous__hosted_args *h,
                                 struct xous__hosted_answer *ans, size_t size,
                                 uint32_t magic, void **map);
/* A XOUS__SYSCALL_HOSTED call whose answer carries a socket. */
xous_error_t xous__hosted_socket(const struct xous__hosted_args *h, int *sock);
/* Reports a message to the broker while a trace is recorded. */
void xous__event(unsigned ev, unsigned index, uint32_t key, unsigned kind,
                 uint64_t id, unsigned peer);
void xous__broker_fork_lock(void);
void xous__broker_fork_unlock(void);
void xous__broker_after_fork(void);

/* ---- fork.c ----------------------------------------------------------------- */

/* Installs the fork() handlers (once, before the first fork can matter). */
void xous__fork_install(void);

/* ---- sigterm.c: SIGTERM as an orderly exit ------------------------------ */

/* Unless the program handles SIGTERM, makes it call exit(128 + SIGTERM),
 * so that atexit handlers (coverage data) run. Called on joining. */
void xous__sigterm_take(void);
void xous__sigterm_after_fork(void);

/* ---- threads.c ----------------------------------------------------------- */

xous_tid_t xous__tid(void);
void xous__create_thread(const xous_word_t a[8], xous_word_t r[8]);
void xous__join_thread(const xous_word_t a[8], xous_word_t r[8]);
void xous__threads_fork_lock(void);
void xous__threads_fork_unlock(void);
void xous__threads_after_fork(void);
/* AdjustProcessLimit XOUS_LIMIT_THREADS. */
void xous__adjust_thread_limit(const xous_word_t a[8], xous_word_t r[8]);

/* ---- memory.c: the table of mappings ------------------------------------- */

enum xous__map_kind {
  XOUS__MAP_OWNED = 1,    /* from MapMemory, the heap, or a Send received */
  XOUS__MAP_BORROWED = 2, /* lent to this process until ReturnMemory */
};

/* Where a range lives: its memory object and the byte offset in it. */
struct xous__span {
  int fd; /* the object's fd, owned by the table: dup to keep */
  uint64_t fd_offset;
  int prot; /* the range's protection now */
  int kind;
  uint32_t object; /* this process's name for the object; 0: not to be
                    * kept by a server (lent to us) */
};

void xous__map_memory(const xous_word_t a[8], xous_word_t r[8]);
void xous__unmap_memory(const xous_word_t a[8], xous_word_t r[8]);
void xous__increase_heap(const xous_word_t a[8], xous_word_t r[8]);
void xous__decrease_heap(const xous_word_t a[8], xous_word_t r[8]);
void xous__update_memory_flags(const xous_word_t a[8], xous_word_t r[8]);
void xous__adjust_limit(const xous_word_t a[8], xous_word_t r[8]);

/* Looks up [addr, addr+len) inside one mapping; XOUS_OK or the error to
 * give the caller (BadAlignment, BadAddress). */
xous_error_t xous__span_find(uintptr_t addr, size_t len,
                             struct xous__span *span);
/* Forgets and unmaps a range that moved away with a Send. */
void xous__span_release(uintptr_t addr, size_t len);
struct xous__hidden; /* pages.c, below */
/* For a message of kind (XOUS_MSG_*) of [addr, addr+len), in one look-up:
 * the range's span; XOUS_OK or the error to give the caller (BadAlignment,
 * BadAddress, ShareViolation for a borrowed range that may not go so).
 * A lend is counted while it waits for its return: such a mapping cannot
 * be unmapped (ShareViolation), as on the device. A mutable lend takes
 * into *h the stash its range used at its last mutable lend (zeroed when
 * there is none). */
xous_error_t xous__span_lend_begin(uintptr_t addr, size_t len, int kind,
                                   struct xous__span *span,
                                   struct xous__hidden *h);
/* After the return of a lend that xous__span_lend_begin counted: counted
 * no more, and *h kept for the next lend (a range keeps its stash, which
 * goes with it when it is unmapped or sent). */
void xous__span_lend_end(uintptr_t addr, size_t len, struct xous__hidden *h);
/* Maps len bytes of a memory object received in a message; the table owns
 * fd from here on. Returns the address, or 0 when it cannot be mapped. */
uintptr_t xous__span_adopt(int fd, uint64_t offset, size_t len, int prot,
                           int kind, xous_sender_t sender);
/* Records a received lend that a kept window (server.h) holds at addr:
 * the table neither closes fd nor unmaps it. False when out of memory. */
bool xous__span_adopt_window(uintptr_t addr, size_t len, int fd,
                             uint64_t offset, int prot, xous_sender_t sender,
                             void *window);
/* Drops a borrowed range on ReturnMemory: XOUS_OK when [addr, len) is what
 * the message from sender carried (it is now unmapped, or its window in
 * *window to be put out of reach), XOUS_BAD_ADDRESS when sender lent
 * something else, XOUS_DOUBLE_FREE when it lent nothing. */
xous_error_t xous__span_return(xous_sender_t sender, uintptr_t addr,
                               size_t len, void **window);
void xous__memory_fork_lock(void);
void xous__memory_fork_unlock(void);
void xous__memory_after_fork(void);

/* ---- pages.c: ranges out of reach and back ----------------------------- */

/* A range with many pages mapped has its page tables moved away instead
 * of its PTEs rewritten; MapMemory aligns ranges from this length (and a
 * server its windows) to XOUS__MOVE_ALIGN, so that whole page tables move.
 * Where the kernel cannot count a range's pages, it moves from this
 * length. */
#define XOUS__MOVE_MIN ((size_t)2 << 20)
#define XOUS__MOVE_ALIGN ((size_t)2 << 20)

/* Where a hidden range's pages went; zero-initialised. */
struct xous__hidden {
  uintptr_t stash;  /* ours, the pages when moved, else mapped but empty */
  int prot;         /* the pages' protection while they are there */
  bool moved;       /* the pages are in the stash */
  bool heavy;       /* moved last time: moves again without counting */
  bool light;       /* counted with few pages mapped, hidden fast since */
  uint64_t fast_ns; /* the fastest hide since the count (light), or 0 */
  unsigned slow;    /* hides in a row since slower than that (light) */
};

/* A PROT_NONE placeholder of len bytes, XOUS__MOVE_ALIGN aligned when
 * len is at least XOUS__MOVE_MIN; NULL when out of address space. */
void *xous__reserve_aligned(size_t len);
/* Makes [addr, addr+len) (now of protection prot) fault; 0 or -1. */
int xous__pages_hide(struct xous__hidden *h, uintptr_t addr, size_t len,
                     int prot);
/* Gives the range back with protection prot; 0 or -1. */
int xous__pages_show(struct xous__hidden *h, uintptr_t addr, size_t len,
                     int prot);
/* Frees the stash, with the pages if they are there. */
void xous__pages_forget(struct xous__hidden *h, size_t len);
/* In a child after fork: what pages.c knew of the parent is forgotten. */
void xous__pages_after_fork(void);

/* ---- clock.c, spin.c: how long a wait polls ----------------------------- */

/* How long to poll before sleeping, at most (XOUS_SPIN_NS). */
uint64_t xous__spin_ns(void);
uint64_t xous__now_ns(void);
/* Whether more tasks are runnable than the machine has CPUs (sampled at
 * most every few milliseconds): a poll would take a CPU one of them needs. */
bool xous__cpus_taken(void);

/* The two kinds of wait: the peer was running when it began (a poll may
 * catch its answer soon), or asleep, so that it had to be woken. */
enum { XOUS__PEER_RUNNING, XOUS__PEER_ASLEEP };

/* What one kind of wait (a thread's answers, a server's next message)
 * learnt from its recent waits; zero-initialised. Used by one thread at a
 * time. */
struct xous__spin {
  uint64_t since;     /* when the wait now going to sleep began, or 0 */
  uint32_t budget_ns; /* how long a wait for a running peer polls */
  uint16_t skip[2];   /* waits of each kind left before the next probe */
  uint8_t backoff[2]; /* log2 of each kind's interval between probes */
  bool known;         /* budget_ns has been set */
};

/* How long the next wait of sp polls (0: none) when XOUS_SPIN_NS is most
 * and its peer was running or asleep (XOUS__PEER_*); counts a wait that
 * does not poll. No clock: a pure function of sp. */
uint64_t xous__spin_plan(struct xous__spin *sp, uint64_t most, int peer);
/* Learns from a wait that polled as xous__spin_plan said: caught, after
 * took_ns, or in vain. */
void xous__spin_learn(struct xous__spin *sp, uint64_t most, int peer,
                      bool caught, uint64_t took_ns);

/* Learns from a wait that slept (its poll, if any, in vain) and whose
 * word changed took_ns after the wait began. */
void xous__spin_learn_slept(struct xous__spin *sp, uint64_t most, int peer,
                            uint64_t took_ns);

/* Polls *word while it holds value, as long as sp's plan says for a peer
 * of that kind, and learns from how it went; the word as last read (still
 * value: sleep). */
uint32_t xous__spin_while(struct xous__spin *sp, int peer,
                          _Atomic uint32_t *word, uint32_t value);
/* After xous__spin_while said sleep, once the word has changed: learns
 * how long the wait took in all (nothing when the poll caught it). */
void xous__spin_woke(struct xous__spin *sp, int peer);

/* ---- lend.c: memory messages ------------------------------------------- */

/* SendMessage/TrySendMessage of a lend, a mutable lend or a Send. */
void xous__send_memory(const xous_word_t a[8], xous_word_t r[8]);
void xous__return_memory(const xous_word_t a[8], xous_word_t r[8]);
void xous__reply_and_receive_next(const xous_word_t a[8], xous_word_t r[8]);
/* Maps the memory a received message carries (fd, at mem_offset). */
void xous__adopt_envelope(xous_word_t r[8], int fd, uint64_t mem_offset);

/* ---- client.c: the client's half of the direct path -------------------- */

/* SendMessage/TrySendMessage of a Scalar or BlockingScalar: 1 when done
 * here (r set), 0 when the broker must relay it. */
int xous__direct_send(const struct xous__send_args *m, xous_word_t r[8]);
/* The same for a memory message whose object is fd, at fd_offset;
 * object is the span's name for it (0: not to be kept by the server). */
int xous__direct_send_memory(const struct xous__send_args *m, int fd,
                             uint64_t fd_offset, uint32_t object,
                             xous_word_t r[8]);
void xous__direct_disconnect(xous_word_t cid);
/* Object (a span's) is gone from this process: the servers that keep it
 * for later lends are told to let it go. */
void xous__direct_forget(uint32_t object);
void xous__direct_fork_lock(void);
void xous__direct_fork_unlock(void);
/* The child's counterpart of xous__direct_fork_unlock(). */
void xous__direct_fork_child_unlock(void);
void xous__direct_after_fork(void);

/* ---- server_*.c: the server's half (the rest in server.h) -------------- */

void xous__direct_receive(const xous_word_t a[8], xous_word_t r[8]);
/* Maps the page of a server this process just created, so that its
 * receives need no descriptor later; best effort (a receive maps it when
 * this could not). */
void xous__direct_server_open(xous_sid_t sid);
/* ReturnScalar1/2/5 and ReturnMemory (decoded): answered here when the message came
 * directly, else by the broker. */
void xous__direct_return(const struct xous__answer *ans, xous_word_t r[8]);
/* The same for a lend whose pages are window (of a kept object, from
 * xous__span_return; NULL for none): the window is out of reach before the
 * answer, and both are recorded under one hold of the server's lock. */
void xous__direct_return_window(const struct xous__answer *ans, void *window,
                                xous_word_t r[8]);
/* The answer of ReplyAndReceiveNext (its window as above), then a
 * ReceiveMessage on the server the message came to. */
void xous__direct_reply_and_receive(const struct xous__answer *ans,
                                    void *window, xous_word_t r[8]);
/* Whether a server of ours has memory lent to it now (DestroyServer must
 * refuse then). */
bool xous__direct_holds_lends(xous_sid_t sid);
void xous__direct_destroyed(xous_sid_t sid);
void xous__direct_server_fork_lock(void);
void xous__direct_server_fork_unlock(void);
void xous__direct_server_after_fork(void);

/* ---- errno.c ------------------------------------------------------------ */

/* The one place where errno becomes a Xous error. */
xous_error_t xous__errno_to_xous(int err);

/* ---- result words --------------------------------------------------------- */

/* Errors as result words. */
static inline void
xous__set_error(xous_word_t r[8], xous_error_t err)
{
  xous__result_set(r, XOUS_RESULT_ERROR, xous__error_word(err), 0, 0, 0, 0);
}

static inline void
xous__set_ok(xous_word_t r[8], xous_word_t tag)
{
  xous__result_set(r, tag, 0, 0, 0, 0, 0);
}

/* Defined by stdio.c (XOUS_LINE_BUFFERED), referred to by syscall.c. */
extern const char xous__stdio_linked;

#endif /* XOUS_HOSTED_INTERNAL_H */
