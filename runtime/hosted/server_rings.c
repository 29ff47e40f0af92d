/*
 * The rings of a server's clients, as the server's library holds them:
 * mapped on a client's first message, checked with the broker when a
 * client's hints say they changed, and the notes on each ring's socket:
 * memory objects ahead of their cells, objects to keep (server_kept.c)
 * and kept objects let go.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hosted/server.h"

void
xous__srv_ring_put(struct ring *r)
{
  if (r != NULL && --r->refs == 0) {
    for (unsigned n = 1; n <= XOUS_KEPT_OBJECTS; n++)
      xous__srv_let_go(r, n);
    munmap(r->map, XOUS_RING_BYTES);
    if (r->sock >= 0)
      close(r->sock);
    for (unsigned i = 0; i < r->nstash; i++)
      close(r->stash[i].fd);
    free(r);
  }
}

/* Reads one datagram of r's socket: 1 with a note (and the one fd that
 * came with it, or -1), 0 for one that was dropped, -1 when there is
 * none. Lock held. */
static int
read_note(struct ring *r, struct xous_object_note *note, int *fd)
{
  /* SAFETY: the datagrams come from the client: only one of exactly our
   * size with at most one descriptor is taken; anything else is closed
   * and dropped. */
  struct iovec iov = { .iov_base = note, .iov_len = sizeof *note };
  union {
    char buf[CMSG_SPACE(2 * sizeof(int))];
    struct cmsghdr align;
  } u;
  struct msghdr msg = { .msg_iov = &iov,
                        .msg_iovlen = 1,
                        .msg_control = u.buf,
                        .msg_controllen = sizeof u.buf };
  int nfds = 0;
  ssize_t n;

  *fd = -1;
  if (r->sock < 0)
    return -1;
  do
    n = recvmsg(r->sock, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  /* Nothing more (or the client's end is closed); an empty datagram
   * with descriptors is malformed, and its descriptors are closed. */
  if (n < 0 || (n == 0 && msg.msg_controllen == 0))
    return -1;
  for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm != NULL;
       cm = CMSG_NXTHDR(&msg, cm))
    if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
      size_t k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);

      for (size_t j = 0; j < k; j++) {
        int got;

        memcpy(&got, CMSG_DATA(cm) + j * sizeof(int), sizeof got);
        if (nfds++ == 0)
          *fd = got;
        else
          close(got);
      }
    }
  if (n != (ssize_t)sizeof *note || nfds > 1 ||
      (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0 ||
      note->magic != XOUS_OBJECT_MAGIC || note->keep > XOUS_KEPT_OBJECTS ||
      (nfds == 0) != (note->forget != 0)) {
    if (*fd >= 0)
      close(*fd);
    *fd = -1;
    return 0;
  }
  return 1;
}

/* Acts on a note: keeps or lets go an object, or stashes one that came
 * ahead of its cell. True when it is the object of the cell named key
 * (then *out has it, or -1 for one kept). Lock held. */
static bool
take_note(struct ring *r, const struct xous_object_note *note, int fd,
          uint32_t key, bool looking, int *out)
{
  if (fd < 0) {
    xous__srv_let_go(r, note->forget);
    return false;
  }
  if (note->keep != 0) {
    xous__srv_keep(r, note->keep, fd, note->key);
    *out = -1;
    return looking && note->key == key;
  }
  if (looking && note->key == key) {
    *out = fd;
    return true;
  }
  if (r->nstash == STASH) {
    close(r->stash[0].fd); /* the oldest: its cell never came */
    r->stash[0] = r->stash[--r->nstash];
  }
  r->stash[r->nstash].key = note->key;
  r->stash[r->nstash].fd = fd;
  r->nstash++;
  return false;
}

void
xous__srv_ring_socket(struct ring *r)
{
  struct xous__hosted_args h = { .op = XOUS__SOCK_OF_PID,
                                 .index = r->index,
                                 .pid = r->pid };

  if (r->sock >= 0)
    return;
  /* The broker makes the object socket when the client first asks, so it
   * is there by its first memory message. It hands out the socket of the
   * ring it has for that PID now: if that is another's, its objects carry
   * keys of another ring, and are dropped as stale. */
  if (xous__hosted_socket(&h, &r->sock) != XOUS_OK)
    r->sock = -1;
}

/* The object the client sent ahead of the cell named key; -1 when none
 * came (the cell is then no message), or when it came to be kept. Lock
 * held. */
int
xous__srv_object_of(struct ring *r, uint32_t key)
{
  for (unsigned i = 0; i < r->nstash;) {
    /* How far this object's key is behind the one wanted: a client's keys
     * count up, so one far behind belongs to a cell that never came. */
    int16_t behind = (int16_t)(uint16_t)(key - r->stash[i].key);

    if (r->stash[i].key == key) {
      int fd = r->stash[i].fd;

      r->stash[i] = r->stash[--r->nstash];
      return fd;
    }
    if ((r->stash[i].key >> 16) != (key >> 16) || behind > STASH) {
      close(r->stash[i].fd);
      r->stash[i] = r->stash[--r->nstash];
      continue;
    }
    i++;
  }
  xous__srv_ring_socket(r);
  /* Bounded: the loop ends when the socket is empty. */
  for (unsigned tries = 0; r->sock >= 0 && tries < 4 * STASH; tries++) {
    struct xous_object_note note;
    int fd, out = -1, got = read_note(r, &note, &fd);

    if (got < 0)
      return -1;
    if (got > 0 && take_note(r, &note, fd, key, true, &out))
      return out;
  }
  return -1;
}

void
xous__srv_read_notes(struct ring *r)
{
  /* SAFETY: the word is the client's: at worst it costs a look at an
   * empty socket per sweep. */
  uint32_t notes = atomic_load_explicit(&r->map->notes, memory_order_acquire);

  if (notes == r->notes_seen)
    return;
  r->notes_seen = notes;
  for (unsigned tries = 0; tries < 4 * STASH; tries++) {
    struct xous_object_note note;
    int fd, out, got = read_note(r, &note, &fd);

    if (got < 0)
      return;
    if (got > 0)
      (void)take_note(r, &note, fd, 0, false, &out);
  }
}

/* Drops the ring of pid: the messages still in it are not delivered, and
 * their queue slots go back. */
void
xous__srv_ring_drop(struct server *s, unsigned pid)
{
  struct ring *r = s->rings[pid];
  struct xous_ring_cell c;

  if (r == NULL)
    return;
  s->rings[pid] = NULL;
  for (unsigned n = 0;
       n < XOUS_RING_CELLS && xous__ring_take(r->map, &r->pos, &c); n++)
    xous__page_release(s->page);
  xous__srv_ring_put(r);
}

bool
xous__srv_ring_current(const struct ring *ring, uint32_t gen)
{
  return gen != 0 && (ring->gen == gen || ring->checked == gen);
}

/* The ring of client pid as the broker has it now, mapped if need be.
 * Called with the lock held; drops it around the broker call. *later is
 * set when it was too soon to ask the broker again (the ring we hold, or
 * NULL, may then be out of date). */
struct ring *
xous__srv_ring_of(struct server *s, unsigned pid, bool *later)
{
  /* SAFETY: ring_gen is a hint any client could write, and so are the
   * ready bits that bring us here: they only make us ask the broker,
   * which hands out the ring of that very PID, and not more often than
   * every RECHECK_NS per PID (every ms for a generation not seen before,
   * so that a new client waits no longer). A ring whose client the broker
   * marked gone is asked about too, whatever the hint says: its PID may
   * be another process's now. */
  uint32_t gen = atomic_load(&s->page->ring_gen[pid]);
  struct xous__hosted_args h = { .op = XOUS__RING_OF_PID,
                                 .index = s->index,
                                 .pid = pid };
  struct xous__hosted_answer ans = { 0 };
  struct ring *ring = s->rings[pid];
  uint64_t now;
  void *map;
  xous_error_t err;

  *later = false;
  /* The ring we hold, current and not orphaned: the answer every time a
   * ready bit leads to an empty ring, so it needs no clock. */
  if (ring != NULL && xous__srv_ring_current(ring, gen) &&
      (atomic_load(&ring->map->gone) & XOUS_RING_CLIENT_GONE) == 0)
    return ring;
  now = xous__now_ns();
  if (ring != NULL) {
    if (now - ring->checked_at < RECHECK_NS) {
      *later = true;
      return ring;
    }
  } else if (now - s->absent_at[pid] < RECHECK_NS &&
             (gen == 0 || gen == s->absent_gen[pid] ||
              now - s->absent_at[pid] < RECHECK_NEW_NS)) {
    *later = true;
    return NULL;
  }
  xous__srv_give();
  err = xous__hosted_object(&h, &ans, XOUS_RING_BYTES, XOUS_RING_MAGIC, &map);
  if (err != XOUS_OK)
    map = NULL;
  xous__srv_take();
  if (map == NULL && err != XOUS_PROCESS_NOT_FOUND &&
      err != XOUS_SERVER_NOT_FOUND) {
    /* The broker could not hand the ring over (it, or this process, is
     * out of descriptors or memory): the ring may well be there, with a
     * message in it. Keep what we have and the ready bit, and ask again
     * later; only the broker's "no such ring" lets a ring go. */
    s->absent_at[pid] = xous__now_ns();
    s->absent_gen[pid] = gen;
    if (ring != NULL)
      ring->checked_at = s->absent_at[pid];
    *later = true;
    return s->rings[pid];
  }
  if (map == NULL) {
    /* No ring for pid at the broker: the one we have (if any) went with
     * its client, once we took what it held. */
    s->absent_at[pid] = xous__now_ns();
    s->absent_gen[pid] = gen;
    if (s->rings[pid] != NULL &&
        !xous__ring_peek(s->rings[pid]->map, s->rings[pid]->pos))
      xous__srv_ring_drop(s, pid);
    return s->rings[pid];
  }
  ring = s->rings[pid];
  if (ring != NULL && ring->gen == (uint32_t)ans.gen) {
    /* The same ring: the word in the page was wrong (or another thread
     * was quicker). Remember it, so as not to ask again. */
    ring->checked = gen;
    ring->checked_at = xous__now_ns();
    munmap(map, XOUS_RING_BYTES);
    return ring;
  }
  xous__srv_ring_drop(s, pid);
  ring = calloc(1, sizeof *ring);
  if (ring == NULL) {
    munmap(map, XOUS_RING_BYTES);
    return NULL;
  }
  ring->map = map;
  ring->sock = -1; /* asked for with the first memory message */
  ring->index = s->index;
  ring->pid = pid;
  ring->gen = (uint32_t)ans.gen;
  ring->checked = ring->gen;
  ring->refs = 1;
  /* The broker made the ring empty at position 0; a client may have put
   * cells in since, which we take from there. */
  ring->pos = 0;
  s->rings[pid] = ring;
  return ring;
}
