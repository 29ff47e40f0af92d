/*
 * The direct path as the broker sees it: it makes the shared memory that
 * clients and servers exchange messages through (hosted/ring.h), hands
 * each piece only to the processes entitled to it, and marks it when a
 * server or a client goes, so that nobody waits on a dead peer.
 *
 * Lifetimes:
 *  1. A server page lives from CreateServer to the server's end.
 *  2. A ring (client PID, server) is made on the first request for it and
 *     lives until the server ends or the client process does; a
 *     Disconnect keeps it, for the reconnect that gives the same CID.
 *  3. The broker keeps each object's fd to hand it out. It keeps the server
 *     page mapped, but maps a ring only while it uses it (to put a relayed
 *     message in, to mark a death): thousands of rings would otherwise
 *     count as the broker's own memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "xousd/broker.h"

static uint32_t next_gen = 1;

/* A sealed, zeroed shared-memory object of size bytes, mapped here. */
static int
make_object(const char *name, size_t size, void **map)
{
  int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
  void *p;

  if (fd < 0)
    return -1;
  /* Sealed against shrinking and growing: a peer that could shrink it
   * would make every other mapper fault. */
  if (ftruncate(fd, (off_t)size) != 0 ||
      fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0) {
    close(fd);
    return -1;
  }
  p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) {
    close(fd);
    return -1;
  }
  *map = p;
  return fd;
}

bool
xd_direct_tracing(void)
{
  extern int xd_tracing;

  return xd_tracing > 0 || xd.opt.verbose >= 2;
}

int
xd_direct_server_open(struct xd_server *s)
{
  void *map;
  int fd = make_object("xous-server", XOUS_SERVER_PAGE_BYTES, &map);

  if (fd < 0)
    return -1;
  s->page_fd = fd;
  s->page = map;
  s->page->magic = XOUS_PAGE_MAGIC;
  s->page->version = XOUS_RING_VERSION;
  s->page->index = s->index;
  s->page->gen = s->gen;
  atomic_store(&s->page->trace, xd_direct_tracing());
  atomic_store(&s->page->faults, xd_fault_relay(s));
  return 0;
}

struct xous_ring *
xd_ring_map(const struct xd_ring *r)
{
  void *p = mmap(NULL, XOUS_RING_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED,
                 r->fd, 0);

  return p == MAP_FAILED ? NULL : p;
}

void
xd_ring_unmap(struct xous_ring *map)
{
  if (map != NULL)
    munmap(map, XOUS_RING_BYTES);
}

static void
ring_drop(struct xd_server *s, unsigned pid, uint32_t gone)
{
  struct xd_ring *r = s->rings[pid];
  struct xous_ring *map;

  if (r == NULL)
    return;
  map = xd_ring_map(r);
  if (map != NULL) {
    /* SAFETY: gone and the answer words are only written and woken,
     * never trusted. */
    struct xd_process *client = xd_process_by_pid(pid);

    atomic_fetch_or(&map->gone, gone);
    for (unsigned i = 0; i < XOUS_RING_ANSWERS; i++)
      xous__futex_wake(&map->answers[i].state, 1 << 30);
    /* A live client keeps its count of messages sent (xousctl ps). */
    if (client != NULL)
      client->messages_sent += atomic_load(&map->sent);
    xd_ring_unmap(map);
  }
  /* Tell the server that this ring is no more: it drops its mapping once
   * it has taken what the ring holds, and looks no more for that PID. */
  if (s->page != NULL)
    atomic_store(&s->page->ring_gen[pid], 0);
  close(r->fd);
  /* Objects still on their way in the socket are freed with it. */
  if (r->sock[0] >= 0)
    close(r->sock[0]);
  if (r->sock[1] >= 0)
    close(r->sock[1]);
  free(r);
  s->rings[pid] = NULL;
}

void
xd_direct_server_close(struct xd_server *s)
{
  if (s->page == NULL)
    return;
  /* SAFETY: our mapping; waking is all we do with the words. */
  atomic_store(&s->page->dead, 1);
  for (unsigned pid = 0; pid < XOUS_RING_PIDS; pid++)
    ring_drop(s, pid, XOUS_RING_SERVER_GONE);
  atomic_fetch_add(&s->page->bell, 1);
  xous__futex_wake(&s->page->bell, 1 << 30);
  atomic_fetch_add(&s->page->space, 1);
  xous__futex_wake(&s->page->space, 1 << 30);
  munmap(s->page, XOUS_SERVER_PAGE_BYTES);
  close(s->page_fd);
  s->page = NULL;
  s->page_fd = -1;
}

struct xd_ring *
xd_direct_ring(struct xd_server *s, unsigned pid)
{
  struct xd_ring *r;
  void *map;

  if (pid >= XOUS_RING_PIDS || s->page == NULL)
    return NULL;
  if (s->rings[pid] != NULL && s->rings[pid]->orphan) {
    /* The PID is another's now: what the dead client left unread goes,
     * with the objects of its relayed lends and sends. */
    ring_drop(s, pid, XOUS_RING_CLIENT_GONE);
    xd_server_drop_unfetched(s, pid);
  }
  if (s->rings[pid] != NULL)
    return s->rings[pid];
  r = calloc(1, sizeof *r);
  if (r == NULL)
    return NULL;
  /* The object socket is made when an end is first asked for: a ring
   * that carries only scalars costs the broker one descriptor. */
  r->sock[0] = r->sock[1] = -1;
  r->fd = make_object("xous-ring", XOUS_RING_BYTES, &map);
  if (r->fd < 0) {
    xd_log(0, "cannot make a message ring: %s", strerror(errno));
    free(r);
    return NULL;
  }
  {
    struct xous_ring *ring = map;

    ring->magic = XOUS_RING_MAGIC;
    ring->version = XOUS_RING_VERSION;
    ring->server_index = s->index;
    ring->client_pid = pid;
    for (unsigned i = 0; i < XOUS_RING_CELLS; i++)
      atomic_store_explicit(&ring->cells[i].seq, i, memory_order_relaxed);
    xd_ring_unmap(ring);
  }
  r->gen = next_gen++;
  if (next_gen == 0)
    next_gen = 1; /* 0 says: no ring */
  s->rings[pid] = r;
  atomic_store(&s->page->ring_gen[pid], r->gen);
  return r;
}

/* The ring's object socket, made on first use; false when it cannot be
 * (out of descriptors: the caller's message fails, nothing else). */
static bool
ring_sockets(struct xd_ring *r)
{
  if (r->sock[0] >= 0)
    return true;
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, r->sock) != 0) {
    xd_log(0, "cannot make an object socket: %s", strerror(errno));
    r->sock[0] = r->sock[1] = -1;
    return false;
  }
  /* Each end goes one way only. */
  shutdown(r->sock[0], SHUT_RD);
  shutdown(r->sock[1], SHUT_WR);
  return true;
}

/* Whether the server still has messages to take from r, as far as the
 * positions in the ring say. */
static bool
ring_holds_messages(const struct xd_ring *r)
{
  struct xous_ring *map = xd_ring_map(r);
  bool holds = false;

  if (map != NULL) {
    /* SAFETY: positions peers keep; a wrong answer keeps a ring a little
     * longer or drops messages of a client that is dead anyway. */
    holds = atomic_load(&map->enq) != atomic_load(&map->deq);
    atomic_fetch_or(&map->gone, XOUS_RING_CLIENT_GONE);
    xd_ring_unmap(map);
  }
  return holds;
}

void
xd_direct_client_gone(struct xd_process *proc)
{
  for (unsigned i = 0; i < XOUSD_MAX_SERVERS; i++) {
    struct xd_server *s = &xd.servers[i];
    struct xd_ring *r = s->used ? s->rings[proc->pid] : NULL;

    if (r == NULL)
      continue;
    /* What a client queued before it died is still delivered, as from
     * the kernel's queue: the ring stays for its server until its PID
     * is given to another process. */
    if (ring_holds_messages(r))
      r->orphan = true;
    else
      ring_drop(s, proc->pid, XOUS_RING_CLIENT_GONE);
  }
}

void
xd_direct_trace_update(void)
{
  uint32_t on = xd_direct_tracing();

  for (unsigned i = 0; i < XOUSD_MAX_SERVERS; i++)
    if (xd.servers[i].used && xd.servers[i].page != NULL)
      atomic_store(&xd.servers[i].page->trace, on);
}

void
xd_direct_faults_update(void)
{
  for (unsigned i = 0; i < XOUSD_MAX_SERVERS; i++)
    if (xd.servers[i].used && xd.servers[i].page != NULL)
      atomic_store(&xd.servers[i].page->faults,
                   xd_fault_relay(&xd.servers[i]));
}

uint64_t
xd_direct_sent(const struct xd_process *proc)
{
  uint64_t n = 0;

  for (unsigned i = 0; i < XOUSD_MAX_SERVERS; i++) {
    const struct xd_ring *r = xd.servers[i].rings[proc->pid];
    struct xous_ring *map;

    if (!xd.servers[i].used || r == NULL || r->orphan ||
        (map = xd_ring_map(r)) == NULL)
      continue;
    /* SAFETY: a count the client keeps; shown, never used. */
    n += atomic_load_explicit(&map->sent, memory_order_relaxed);
    xd_ring_unmap(map);
  }
  return n;
}

unsigned
xd_direct_queued(const struct xd_server *s)
{
  unsigned queued = 0;

  for (unsigned pid = 0; pid < XOUS_RING_PIDS; pid++) {
    const struct xd_ring *r = s->rings[pid];
    struct xous_ring *map;
    uint32_t n;

    if (r == NULL || (map = xd_ring_map(r)) == NULL)
      continue;
    /* SAFETY: positions peers keep: shown, never used; a count past the
     * ring's size is a lie and counts as nothing. */
    n = atomic_load(&map->enq) - atomic_load(&map->deq);
    queued += n <= XOUS_RING_CELLS ? n : 0;
    xd_ring_unmap(map);
  }
  return queued;
}

/* Replies with a dup of fd: the broker keeps its own. */
static void
reply_object(struct xd_thread *t, xous_word_t op,
             const struct xous__hosted_answer *ans, int fd)
{
  int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  xous_word_t r[8];

  if (copy < 0) {
    xd_reply_error(t, XOUS_OUT_OF_MEMORY);
    return;
  }
  xous__hosted_answer_words(op, ans, r);
  xd_reply(t, r, copy, 0);
}

static struct xd_server *
owned_index(struct xd_thread *t, uint64_t index)
{
  struct xd_server *s;

  if (index >= XOUSD_MAX_SERVERS)
    return NULL;
  s = &xd.servers[index];
  return s->used && s->owner == t->proc && s->page != NULL ? s : NULL;
}

static void
trace_event(struct xd_thread *t, const struct xous__hosted_args *h)
{
  unsigned index = h->event.index < XOUSD_MAX_SERVERS
                       ? (unsigned)h->event.index
                       : 0;
  unsigned peer = (unsigned)(h->event.peer & 0xff);
  unsigned long long key = h->event.key & 0xffffffu, id = h->event.id;
  unsigned kind = (unsigned)(h->event.kind & 0xff);

  switch (h->event.ev) {
  case XOUS__EV_SEND:
    if (xd_trace_on())
      xd_trace("{s:s,s:i,s:i,s:i,s:i,s:o,s:I}", "ev", "send", "pid",
               (int)t->proc->pid, "tid", (int)t->tid, "server", (int)index,
               "kind", (int)kind, "id", xd_json_u64(id), "slot",
               (json_int_t)key);
    break;
  case XOUS__EV_RECEIVE:
    if (xd_trace_on())
      xd_trace("{s:s,s:i,s:i,s:i,s:i,s:i,s:o,s:I}", "ev", "receive", "pid",
               (int)t->proc->pid, "tid", (int)t->tid, "server", (int)index,
               "from", (int)peer, "kind", (int)kind, "id", xd_json_u64(id),
               "slot", (json_int_t)key);
    break;
  case XOUS__EV_REPLY:
    xd_trace("{s:s,s:i,s:i,s:i,s:i,s:I}", "ev", "reply", "pid",
             (int)t->proc->pid, "tid", (int)t->tid, "server", (int)index, "to",
             (int)peer, "slot", (json_int_t)key);
    break;
  default:
    break;
  }
}

void
xd_hosted_call(struct xd_thread *t, const xous_word_t a[8])
{
  struct xous__hosted_args h = xous__hosted_args_of(a);
  struct xous__hosted_answer ans = { 0 };
  struct xd_server *s;
  struct xd_ring *r;

  switch (h.op) {
  case XOUS__RING_OF_CID:
  case XOUS__PAGE_OF_CID:
  case XOUS__SOCK_OF_CID:
    s = xd_conn_server(t->proc, h.cid);
    if (s == NULL || s->page == NULL) {
      xd_reply_error(t, XOUS_SERVER_NOT_FOUND);
      return;
    }
    if (h.op == XOUS__PAGE_OF_CID) {
      reply_object(t, h.op, &ans, s->page_fd);
      return;
    }
    r = xd_direct_ring(s, t->proc->pid);
    if (r == NULL) {
      xd_reply_error(t, XOUS_OUT_OF_MEMORY);
      return;
    }
    if (h.op == XOUS__SOCK_OF_CID) {
      if (!ring_sockets(r))
        xd_reply_error(t, XOUS_OUT_OF_MEMORY);
      else
        reply_object(t, h.op, &ans, r->sock[0]);
      return;
    }
    ans.index = s->index;
    ans.gen = s->gen;
    ans.pid = t->proc->pid;
    reply_object(t, h.op, &ans, r->fd);
    return;
  case XOUS__PAGE_OF_SID:
    s = xd_server_find(h.sid);
    if (s == NULL || s->owner != t->proc || s->page == NULL) {
      xd_reply_error(t, XOUS_SERVER_NOT_FOUND);
      return;
    }
    ans.index = s->index;
    ans.gen = s->gen;
    reply_object(t, h.op, &ans, s->page_fd);
    return;
  case XOUS__RING_OF_PID:
  case XOUS__SOCK_OF_PID:
    s = owned_index(t, h.index);
    if (s == NULL) {
      xd_reply_error(t, XOUS_SERVER_NOT_FOUND);
      return;
    }
    r = h.pid < XOUS_RING_PIDS ? s->rings[h.pid] : NULL;
    if (r == NULL) {
      xd_reply_error(t, XOUS_PROCESS_NOT_FOUND); /* no such ring (now) */
      return;
    }
    ans.gen = r->gen;
    if (h.op == XOUS__SOCK_OF_PID && !ring_sockets(r)) {
      xd_reply_error(t, XOUS_OUT_OF_MEMORY);
      return;
    }
    reply_object(t, h.op, &ans,
                 h.op == XOUS__SOCK_OF_PID ? r->sock[1] : r->fd);
    return;
  case XOUS__FETCH:
    xd_fetch(t, h.sender);
    return;
  case XOUS__STAMP_OF_PID: {
    /* Anyone may ask: a stamp tells whether a PID changed hands, which
     * xousctl ps shows anyway, and nothing that gives access. */
    struct xd_process *proc = xd_process_by_pid(
        (unsigned)(h.pid <= 0xff ? h.pid : 0));
    xous_word_t ok[8];

    xous__result_set(ok, XOUS_RESULT_OK, proc != NULL ? proc->stamp : 0, 0, 0,
                     0, 0);
    xd_reply(t, ok, -1, 0);
    return;
  }
  case XOUS__EVENT: {
    xous_word_t ok[8];

    trace_event(t, &h);
    xous__result_set(ok, XOUS_RESULT_OK, 0, 0, 0, 0, 0);
    xd_reply(t, ok, -1, 0);
    return;
  }
  default:
    xd_reply_error(t, XOUS_UNHANDLED_SYSCALL);
    return;
  }
}
