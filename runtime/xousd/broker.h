/*
 * xousd's one internal contract: the kernel's tables as the broker keeps
 * them, and the functions that change them.
 *
 * Lifetimes:
 *  1. A peer is one accepted socket. It becomes a process (the process
 *     socket), a thread (one per Xous thread) or a control client.
 *  2. A process lives as long as its process socket; when that hangs up,
 *     every thread, server and connection of the process goes with it.
 *  3. A server's queue has XOUS_QUEUE_DEPTH slots, counted in its server
 *     page (hosted/ring.h): a message holds one from SendMessage until it
 *     is received (Scalar, Send) or answered (BlockingScalar, lends), as on
 *     the device. Scalars go straight from client to server through their
 *     ring; the broker sees them only when tracing.
 *  4. A message the broker relays (the memory messages, and anything sent
 *     with a raw frame) is put in the client's ring by the broker, which
 *     keeps a slot for it: the memory object (fd) until the server fetches
 *     it, the waiting client until the answer. The broker never maps a
 *     memory object.
 */
#ifndef XOUSD_BROKER_H
#define XOUSD_BROKER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#include <jansson.h>
#include <uv.h>

#include <xous.h>

#include "core/abi.h"
#include "core/internal.h"
#include "hosted/calls.h"
#include "hosted/ring.h"
#include "hosted/wire.h"

/* The PID table: PIDs are 8 bits of the sender word, 1 is the broker, so
 * --max-processes goes up to 254 (PIDs 2..255). The device's 63
 * (XOUS_MAX_PROCESSES, PIDs 2..64) is the default. */
#define XOUSD_MAX_PIDS 256
/* The server table: the sender word has 8 bits of server index (bits
 * 23..16), so no more than 256 servers can ever be told apart. The device
 * has XOUS_MAX_SERVERS (128); --max-servers raises it up to this. */
#define XOUSD_MAX_SERVERS 256
/* Servers one process may own unless --process-servers says otherwise:
 * one process must not be able to take the whole table. */
#define XOUSD_PROCESS_SERVERS 32
/* Peers that have connected but not said hello yet: at most this many,
 * each for at most XOUSD_HELLO_MS (libxous says hello as soon as it has
 * connected). Past either, the oldest is closed, so that silent
 * connections can never keep a new process out. */
#define XOUSD_MAX_UNIDENTIFIED 64
#define XOUSD_HELLO_MS 2000

struct xd_process;
struct xd_server;

/* Intrusive doubly linked list: for wait queues. */
struct xd_link {
  struct xd_link *prev, *next;
};

enum xd_peer_role {
  XD_PEER_NEW,
  XD_PEER_PROCESS,
  XD_PEER_THREAD,
  XD_PEER_CTL
};

enum xd_wait {
  XD_WAIT_NONE,
  XD_WAIT_SPACE,   /* SendMessage on a full queue of wait_server */
  XD_WAIT_CONNECT, /* Connect / ConnectForProcess until the SID exists */
  XD_WAIT_REPLY,   /* sent a blocking message; holds slot wait_slot */
};

struct xd_peer {
  uv_poll_t poll;
  int fd;
  enum xd_peer_role role;
  pid_t os_pid;
  struct xd_process *proc;  /* PROCESS and THREAD peers */
  struct xd_thread *thread; /* THREAD peers */
  struct xd_thread *owned;  /* freed with the peer */
  bool closing;
  bool trace;                /* CTL peer subscribed to the trace stream */
  bool trace_stalled;        /* its socket was full: events are dropped */
  bool trace_paused;         /* stalled long: it no longer counts as a
                              * reader (ctl.c) */
  uint64_t trace_stalled_ms; /* when it stalled */
  uint64_t trace_dropped;    /* since it stalled, told when it drains */
  uint64_t accepted_ms;      /* NEW peers: when accepted */
  struct xd_link link;       /* all peers */
  struct xd_link new_link;   /* NEW peers, oldest first */
};

struct xd_thread {
  struct xd_peer *peer;
  struct xd_process *proc;
  uint32_t tid;
  enum xd_wait wait;
  struct xd_server *wait_server;
  unsigned wait_slot;
  xous_sid_t wait_sid;         /* XD_WAIT_CONNECT */
  struct xd_process *for_proc; /* XD_WAIT_CONNECT: ConnectForProcess */
  uint8_t for_pid;
  struct xous__send_args held; /* XD_WAIT_SPACE: the message to send */
  uint64_t held_offset;
  int held_fd;
  bool held_try;
  struct xd_link wait_link; /* in the server's or the connect list */
  struct xd_link proc_link; /* in the process's thread list */
};

struct xd_conn {
  bool used;
  uint8_t server_index;
  uint32_t
      server_gen; /* a destroyed server is never confused with a new one */
};

struct xd_process {
  xous_pid_t pid;
  pid_t os_pid;
  uid_t uid;
  char name[XOUS_WIRE_NAME_MAX];
  struct xd_peer *peer;
  struct xd_link threads;
  struct xd_conn conns[XOUS_MAX_CONNECTIONS];
  unsigned max_servers;   /* AdjustProcessLimit XOUS_LIMIT_SERVERS */
  unsigned max_conns;     /* AdjustProcessLimit XOUS_LIMIT_CONNECTIONS */
  uint64_t messages_sent; /* of rings since dropped; live ones count apart */
  uint64_t start_ms;
  uint64_t stamp;        /* this process alone has it (XOUS__STAMP_OF_PID) */
  bool hosted;           /* a hosted-mode (TCP) program */
  uint64_t random_draws; /* of a seeded run's stream (seed.c) */
};

/* QUEUED: a memory message whose object the server has not fetched yet;
 * ACTIVE: a blocking message waiting for its answer. */
/* ANSWERED: answered by the server, the answer held back by a test rule
 * (fault.c): delayed, or dropped for good. */
enum xd_slot_state {
  XD_SLOT_FREE,
  XD_SLOT_QUEUED,
  XD_SLOT_ACTIVE,
  XD_SLOT_ANSWERED
};

struct xd_slot {
  enum xd_slot_state state;
  uint16_t gen; /* 1..XOUS__SENDER_GEN_MAX (core/abi.h) */
  uint8_t kind; /* SendMessage code 1..5 */
  xous_pid_t client_pid;
  struct xd_thread *client; /* blocked caller; NULL when none or dead */
  struct xous__msg msg;     /* as sent (a memory message's addr is the
                              * lender's) */
  int fd;                   /* memory object until fetched, else -1 */
  uint64_t mem_offset;
  uint32_t key; /* client PID and ring position, for traces */
};

/* One ring of the direct path (hosted/ring.h), as the broker holds it. */
struct xd_ring {
  int fd; /* the ring's memory, mapped only while used (xd_ring_map) */
  uint32_t gen;
  int sock[2]; /* the object socket: [0] the client's end, [1] the server's */
  bool orphan; /* its client died with messages in it, kept for the server */
};

struct xd_server {
  bool used;
  uint8_t index;
  uint32_t gen;
  xous_sid_t sid;
  struct xd_process *owner;
  struct xd_slot slots[XOUS_QUEUE_DEPTH]; /* relayed messages */
  unsigned in_use;                        /* slots not FREE */
  unsigned lent;                          /* active lends */
  struct xd_link senders;                 /* threads waiting for a free slot */
  int page_fd;                            /* the server page, -1 when none */
  struct xous_server_page *page;
  struct xd_ring *rings[XOUS_RING_PIDS]; /* by client PID */
};

struct xd_options {
  const char *socket_path;
  bool foreground;
  int verbose;
  unsigned max_servers;     /* system wide, 1..XOUSD_MAX_SERVERS */
  unsigned max_connections; /* per process ceiling, 1..32 */
  unsigned process_servers; /* per process ceiling, 1..max_servers */
  unsigned max_processes;   /* besides the broker, 1..XOUSD_MAX_PIDS - 2 */
};

struct xd_broker {
  uv_loop_t *loop;
  struct xd_options opt;
  int listen_fd;
  bool handed;   /* the listening socket was handed over (activation.c) */
  int handed_fd; /* that socket, when handed */
  uv_poll_t listen_poll;
  int reserve_fd;              /* spent at EMFILE to refuse a connection */
  uv_timer_t hello_timer;      /* closes NEW peers that stay silent */
  uv_timer_t accept_timer;     /* resumes a paused accept */
  struct xd_link unidentified; /* NEW peers, oldest first */
  unsigned n_unidentified;
  uint64_t refused_fds; /* connections refused for want of a descriptor */
  uint64_t stamps;      /* processes ever joined: the last one's stamp */
  rlim_t fd_limit;      /* RLIMIT_NOFILE as raised at start */
  uv_signal_t sigint, sigterm;
  char dir[4096]; /* the socket directory, if we made it */
  struct xd_link peers;
  struct xd_process *procs[XOUSD_MAX_PIDS];
  struct xd_server servers[XOUSD_MAX_SERVERS];
  struct xd_link connecting; /* threads in Connect, waiting for a SID */
  uv_timer_t space_timer;    /* retries senders waiting for a queue slot */
  bool stopping;
  uint64_t frames, messages;
};

extern struct xd_broker xd;

/* ---- list.c-like helpers (inline) --------------------------------------- */

static inline void
xd_list_init(struct xd_link *l)
{
  l->prev = l->next = l;
}
static inline bool
xd_list_empty(const struct xd_link *l)
{
  return l->next == l;
}
static inline void
xd_list_add_tail(struct xd_link *head, struct xd_link *n)
{
  n->prev = head->prev;
  n->next = head;
  head->prev->next = n;
  head->prev = n;
}
static inline void
xd_list_del(struct xd_link *n)
{
  if (n->next != NULL && n->next != n) {
    n->prev->next = n->next;
    n->next->prev = n->prev;
  }
  n->prev = n->next = n;
}
#define xd_container_of(p, type, member)                                      \
  ((type *)(void *)((char *)(p)-offsetof(type, member)))

/* ---- listen.c: the socket, peers, frames --------------------------------- */

int xd_listen(void);
void xd_unlisten(void);
/* Sends a RESULT frame with the eight words (and fd, -1 for none: the
 * broker's copy is closed either way). A peer that cannot take it is
 * closed. */
void xd_reply(struct xd_thread *t, const xous_word_t r[8], int fd,
              uint64_t mem_offset);
void xd_reply_error(struct xd_thread *t, xous_error_t err);
void xd_peer_close(struct xd_peer *p);
/* Closes every peer (xd_reap() frees them). */
void xd_peer_close_all(void);
/* Closes every process, and so its threads (xd_reap() frees them). */
void xd_process_close_all(void);
/* Frees closed peers; call when no callback holds one any more. */
void xd_reap(void);

/* ---- process.c ------------------------------------------------------------- */

struct xd_process *xd_process_new(struct xd_peer *peer, const char *name,
                                  xous_error_t *err);
void xd_process_kill(struct xd_process *proc);
struct xd_thread *xd_thread_new(struct xd_peer *peer, struct xd_process *proc,
                                uint32_t tid);
void xd_thread_gone(struct xd_thread *t);
struct xd_process *xd_process_by_pid(unsigned pid);

/* ---- server.c: SIDs and queues ------------------------------------------- */

struct xd_server *xd_server_find(xous_sid_t sid);
/* CreateServerWithAddress, CreateServer, CreateServerId. */
void xd_create_server(struct xd_thread *t, const xous_word_t a[8]);
void xd_destroy_server(struct xd_thread *t, const xous_word_t a[8]);
void xd_server_destroy(struct xd_server *s); /* owner died */
/* Frees the relayed memory messages of client pid that the server never
 * fetched, when their ring is dropped unread (the PID is another's now):
 * their objects would otherwise stay in the broker for good. */
void xd_server_drop_unfetched(struct xd_server *s, unsigned pid);
void xd_send(struct xd_thread *t, const xous_word_t a[8], int fd,
             uint64_t mem_offset);
void xd_return(struct xd_thread *t, const xous_word_t a[8]);
/* XOUS__FETCH: the memory object of a relayed message, for its server. */
void xd_fetch(struct xd_thread *t, xous_sender_t sender);
void xd_space_init(void);
void xd_forget_client(struct xd_thread *t);
/* Servers proc owns now. */
unsigned xd_servers_owned(const struct xd_process *proc);
/* AdjustProcessLimit for the limits the broker keeps (servers,
 * connections); the others are answered inside the process. */
void xd_adjust_limit(struct xd_thread *t, const xous_word_t a[8]);

/* ---- connection.c ------------------------------------------------------- */

/* Connect, TryConnect, ConnectForProcess. */
void xd_connect(struct xd_thread *t, const xous_word_t a[8]);
void xd_disconnect(struct xd_thread *t, const xous_word_t a[8]);
/* The CID of s in proc's table, made if need be (a reconnect gives the
 * same CID); 0 when the table is full. */
uint64_t xd_conn_make(struct xd_process *proc, struct xd_server *s);
/* The live server behind a CID of proc, or NULL. */
struct xd_server *xd_conn_server(struct xd_process *proc, uint64_t cid);
/* Wakes threads waiting in Connect for the SID of a new server. */
void xd_connect_wake(struct xd_server *s);

/* ---- ctl.c: xousctl requests ---------------------------------------- */

void xd_ctl(struct xd_peer *p, const struct xous_wire_frame *f);
void xd_ctl_gone(struct xd_peer *p);
/* Sends one trace event's text to every subscriber. */
void xd_trace_emit(const char *json, size_t len);
/* A 64-bit count or word as JSON: an integer, or past jansson's signed
 * integers its decimal string. */
json_t *xd_json_u64(uint64_t v);
/* {"ok":true} or {"ok":false,"error":error}. */
json_t *xd_json_answer(bool ok, const char *error);

/* ---- activation.c: a listening socket handed over by systemd ---------- */

/* The socket handed over (its path in path), -1 when none was, -2 when
 * one was but cannot be used (said why). Call before any fork: the
 * protocol names the process it is meant for. */
int xd_activation_socket(char *path, size_t size);
/* Tells systemd a state ("READY=1", "STOPPING=1"); nothing elsewhere. */
void xd_activation_notify(const char *state);
/* Whether this xousd can take a socket handed over. */
bool xd_activation_built(void);

/* ---- main.c ------------------------------------------------------------ */

/* Tells every process (their sockets close), removes the socket, stops. */
void xd_shutdown(void);

/* ---- dispatch.c ------------------------------------------------------------ */

void xd_dispatch(struct xd_peer *p, const struct xous_wire_frame *f, int fd);

/* ---- direct.c: the shared memory of the direct path ------------------ */

int xd_direct_server_open(struct xd_server *s);
void xd_direct_server_close(struct xd_server *s);
/* The ring of client pid to s, made on first use; NULL when it cannot be. */
struct xd_ring *xd_direct_ring(struct xd_server *s, unsigned pid);
void xd_direct_client_gone(struct xd_process *proc);
void xd_direct_trace_update(void);
bool xd_direct_tracing(void);
/* Messages proc put in its rings (the count its library keeps). */
uint64_t xd_direct_sent(const struct xd_process *proc);
/* Messages waiting in the rings of s. */
unsigned xd_direct_queued(const struct xd_server *s);
/* Maps a ring for a moment; NULL when it cannot be. */
struct xous_ring *xd_ring_map(const struct xd_ring *r);
void xd_ring_unmap(struct xous_ring *map);
/* XOUS__SYSCALL_HOSTED: the private calls of libxous. */
void xd_hosted_call(struct xd_thread *t, const xous_word_t a[8]);

/* ---- waits.c: what each thread waits in, for xousctl ps ---------------- */

/* [{"tid":2,"state":"receive","server":0}, ...]: per thread the broker
 * knows of (by its socket, an answer slot or a receiver bit), "running",
 * "receive" (on server), "call" (to server, with the message id as
 * "opcode"), "send" (to server, whose queue is full) or "connect". */
json_t *xd_thread_states(const struct xd_process *proc);

/* ---- fault.c: injected failures, for tests ------------------------------- */

/* Adds a rule: the nth call (1 based; 0 = every) of syscall by Xous PID
 * pid (0 = any) fails with err. */
xous_error_t xd_fault_add(unsigned pid, uint64_t syscall, uint64_t nth,
                          uint64_t err);
void xd_fault_clear(void);
/* The rules as a JSON array (NULL when out of memory). */
json_t *xd_fault_list(void);
/* True when a rule made call nr (its syscall number) of t fail: the error
 * has been answered. */
bool xd_fault_check(struct xd_thread *t, xous_word_t nr);
/* True while a live rule for SendMessage or TrySendMessage exists. */
bool xd_fault_sends(void);
/* True when messages to s must go through the broker: a rule for sends,
 * or one for the answers of s. */
bool xd_fault_relay(const struct xd_server *s);
/* Answers of the servers of Xous PID pid are delayed by ms (drop: never
 * given); ms 0 without drop removes the rule. */
xous_error_t xd_fault_answers(unsigned pid, bool drop, uint64_t ms);
/* Holds the answer to slot n of s back when a rule says so: true when it
 * is held (the slot is then XD_SLOT_ANSWERED until it is delivered). */
bool xd_fault_hold_answer(struct xd_server *s, unsigned n,
                          const struct xous__answer *ans);
/* server.c: gives the answer to slot n of s to its client. */
void xd_answer_deliver(struct xd_server *s, unsigned n,
                       const struct xous__answer *ans);
/* Tells every server page whether sends must go through the broker. */
void xd_direct_faults_update(void);

/* ---- seed.c: randomness, replayable under $XOUS_SEED --------------------- */

void xd_random_init(void);
/* len random bytes for proc (NULL: not for a process). */
void xd_random(struct xd_process *proc, void *buf, size_t len);

/* ---- log.c -------------------------------------------------------------- */

void xd_log(int level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A trace event made by json_pack(3) from fmt and its arguments (after
 * "ts"); nothing while nobody traces. An argument that makes a value
 * ("o") is made only when xd_trace_on(): it would leak otherwise. */
void xd_trace(const char *fmt, ...);
extern int xd_tracing; /* trace subscribers */
static inline bool
xd_trace_on(void)
{
  return xd_tracing > 0 || xd.opt.verbose >= 2;
}

#endif /* XOUSD_BROKER_H */
