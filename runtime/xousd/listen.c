/*
 * The broker's socket: where it listens, who may connect, and how frames
 * are read from and written to peers.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "xousd/broker.h"

#define FRAMES_PER_WAKEUP 64 /* then let other peers have a turn */

static int lock_fd = -1;
static char lock_path[PATH_MAX];
static struct xd_link doomed = { &doomed, &doomed };

/* Makes the socket's directory, owner-only, when it does not exist; an
 * existing one must be ours and 0700. */
static int
prepare_dir(const char *sock_path)
{
  char dir[PATH_MAX];
  char *slash;
  struct stat st;

  snprintf(dir, sizeof dir, "%s", sock_path);
  slash = strrchr(dir, '/');
  if (slash == NULL)
    return 0; /* relative to the working directory: the user chose it */
  if (slash == dir)
    return 0;
  *slash = '\0';
  if (mkdir(dir, 0700) == 0) {
    snprintf(xd.dir, sizeof xd.dir, "%s", dir);
    return 0;
  }
  /* lstat: a planted symlink must not lead us to another directory. */
  if (errno != EEXIST || lstat(dir, &st) != 0) {
    xd_log(0, "cannot create %s: %s", dir, strerror(errno));
    return -1;
  }
  if (!S_ISDIR(st.st_mode) || st.st_uid != getuid()) {
    xd_log(0,
           "%s is not a directory owned by you: choose another socket "
           "with --socket or $XOUS_SOCKET",
           dir);
    return -1;
  }
  if ((st.st_mode & 077) != 0) {
    /* The directory we make (xous/ or xous-UID/) is made private again;
     * any other directory is the user's, and not ours to change. */
    const char *base = strrchr(dir, '/');

    base = base != NULL ? base + 1 : dir;
    if ((strcmp(base, "xous") == 0 || strncmp(base, "xous-", 5) == 0) &&
        chmod(dir, 0700) == 0)
      return 0;
    xd_log(0,
           "%s can be entered by other users: put the socket in a "
           "private (0700) directory",
           dir);
    return -1;
  }
  return 0;
}

/* A new listening socket at path, over a stale one; -1 after saying why. */
static int
bind_socket(const char *path)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  int fd;

  if (unlink(path) == 0)
    xd_log(1, "removed a stale socket %s", path);
  fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    xd_log(0, "socket: %s", strerror(errno));
    return -1;
  }
  memcpy(sa.sun_path, path, strlen(path) + 1);
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
      chmod(path, 0600) != 0 || listen(fd, 512) != 0) {
    xd_log(0, "cannot listen on %s: %s", path, strerror(errno));
    close(fd);
    return -1;
  }
  return fd;
}

static void on_accept(uv_poll_t *h, int status, int events);
static void on_peer(uv_poll_t *h, int status, int events);
static void read_frames(struct xd_peer *p);
static void on_hello_timer(uv_timer_t *h);

int
xd_listen(void)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  const char *path = xd.opt.socket_path;
  int fd;

  if (strlen(path) >= sizeof sa.sun_path) {
    xd_log(0, "socket path too long (%zu bytes, at most %zu): %s",
           strlen(path), sizeof sa.sun_path - 1, path);
    return -1;
  }
  if (prepare_dir(path) != 0)
    return -1;

  /* One broker per socket: the lock says who owns it, and a socket file
   * without a live lock holder is stale. */
  snprintf(lock_path, sizeof lock_path, "%s.lock", path);
  lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd < 0) {
    xd_log(0, "cannot open %s: %s", lock_path, strerror(errno));
    return -1;
  }
  if (flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
    xd_log(0,
           "another xousd is already serving %s (stop it with "
           "'xousctl shutdown', or choose another --socket)",
           path);
    close(lock_fd);
    lock_fd = -1;
    lock_path[0] = '\0'; /* not ours to remove */
    return -1;
  }
  if (xd.handed) {
    /* Socket activation: the socket is its unit's, bound and listening;
     * the broker neither binds one nor removes it at the end. */
    fd = xd.handed_fd;
    xd_log(1, "took the socket handed over: %s", path);
  } else if ((fd = bind_socket(path)) < 0) {
    return -1;
  }
  xd.listen_fd = fd;
  /* Kept for the moment the descriptor table is full: see make_room(). */
  xd.reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  uv_poll_init(xd.loop, &xd.listen_poll, fd);
  uv_poll_start(&xd.listen_poll, UV_READABLE, on_accept);
  uv_timer_init(xd.loop, &xd.hello_timer);
  uv_timer_init(xd.loop, &xd.accept_timer);
  xd_list_init(&xd.peers);
  xd_list_init(&xd.unidentified);
  return 0;
}

void
xd_unlisten(void)
{
  if (xd.listen_fd >= 0) {
    uv_poll_stop(&xd.listen_poll);
    uv_close((uv_handle_t *)&xd.listen_poll, NULL);
    uv_timer_stop(&xd.hello_timer);
    uv_timer_stop(&xd.accept_timer);
    close(xd.listen_fd);
    xd.listen_fd = -1;
    if (!xd.handed)
      unlink(xd.opt.socket_path);
    if (xd.reserve_fd >= 0)
      close(xd.reserve_fd);
    xd.reserve_fd = -1;
  }
  if (lock_fd >= 0) {
    if (lock_path[0] != '\0')
      unlink(lock_path);
    close(lock_fd);
    lock_fd = -1;
  }
  if (xd.dir[0] != '\0')
    rmdir(xd.dir); /* only if empty: another user of it keeps it */
}

static void
free_peer(uv_handle_t *h)
{
  struct xd_peer *p = xd_container_of(h, struct xd_peer, poll);

  free(p->owned);
  free(p);
}

/* Closes doomed peers once no callback is using them any more. */
void
xd_reap(void)
{
  while (!xd_list_empty(&doomed)) {
    struct xd_peer *p = xd_container_of(doomed.next, struct xd_peer, link);

    xd_list_del(&p->link);
    uv_poll_stop(&p->poll);
    close(p->fd);
    p->fd = -1;
    uv_close((uv_handle_t *)&p->poll, free_peer);
  }
}

/* A peer leaves the list of unidentified ones when it says hello or
 * goes. */
static void
forget_unidentified(struct xd_peer *p)
{
  if (p->new_link.next != NULL && p->new_link.next != &p->new_link) {
    xd_list_del(&p->new_link);
    xd.n_unidentified--;
  }
}

static bool
close_oldest_unidentified(const char *why)
{
  struct xd_peer *p;

  if (xd_list_empty(&xd.unidentified))
    return false;
  p = xd_container_of(xd.unidentified.next, struct xd_peer, new_link);
  xd_log(1, "closing a connection (os pid %d) that said no hello: %s",
         (int)p->os_pid, why);
  xd_peer_close(p);
  return true;
}

static void
on_hello_timer(uv_timer_t *h)
{
  uint64_t now = uv_now(xd.loop);

  while (!xd_list_empty(&xd.unidentified)) {
    struct xd_peer *p = xd_container_of(xd.unidentified.next, struct xd_peer,
                                        new_link);

    if (now - p->accepted_ms < XOUSD_HELLO_MS)
      break;
    close_oldest_unidentified("no hello within 2 s");
  }
  if (xd_list_empty(&xd.unidentified))
    uv_timer_stop(h);
  xd_reap();
}

static void
on_accept_timer(uv_timer_t *h)
{
  (void)h;
  if (xd.listen_fd >= 0 && !xd.stopping)
    uv_poll_start(&xd.listen_poll, UV_READABLE, on_accept);
}

/* At the descriptor limit accept4 fails, the connection stays in the
 * backlog, the socket stays readable, and the loop would spin. Make room:
 * the oldest peer that has said no hello goes first; failing that, the
 * reserve descriptor is spent to take the connection and close it (its
 * process is told "hung up" at once instead of hanging); failing that,
 * accepting pauses for 100 ms. True when accepting may go on. */
static bool
make_room(int err)
{
  static uint64_t last_said;
  uint64_t now = uv_now(xd.loop);
  struct rlimit rl = { 0, 0 };
  int fd;

  if (close_oldest_unidentified("out of file descriptors")) {
    xd_reap();
    return true;
  }
  xd.refused_fds++;
  if (last_said == 0 || now - last_said >= 1000) {
    last_said = now;
    getrlimit(RLIMIT_NOFILE, &rl);
    xd_log(0,
           "out of file descriptors (%s; limit %llu): refusing new "
           "processes; raise the limit (ulimit -n) or end some processes",
           strerror(err), (unsigned long long)rl.rlim_cur);
  }
  if (xd.reserve_fd >= 0) {
    close(xd.reserve_fd);
    fd = accept4(xd.listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (fd >= 0)
      close(fd);
    xd.reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd >= 0 && xd.reserve_fd >= 0)
      return true;
  }
  uv_poll_stop(&xd.listen_poll);
  uv_timer_start(&xd.accept_timer, on_accept_timer, 100, 0);
  if (xd.reserve_fd < 0)
    xd.reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  return false;
}

void
xd_peer_close(struct xd_peer *p)
{
  if (p->closing)
    return;
  p->closing = true;
  forget_unidentified(p);
  if (p->role == XD_PEER_PROCESS && p->proc != NULL)
    xd_process_kill(p->proc); /* closes the thread peers too */
  else if (p->role == XD_PEER_THREAD && p->thread != NULL)
    xd_thread_gone(p->thread);
  else if (p->role == XD_PEER_CTL)
    xd_ctl_gone(p);
  p->proc = NULL;
  p->thread = NULL;
  xd_list_del(&p->link);
  xd_list_add_tail(&doomed, &p->link);
}

/* Closes every peer, or every process peer only. Closing a process
 * closes its thread peers too (they move to the doomed list), so each
 * pass starts again from the head of the live list. */
static void
close_peers(bool processes_only)
{
  bool again = true;

  while (again) {
    again = false;
    for (struct xd_link *l = xd.peers.next; l != &xd.peers; l = l->next) {
      struct xd_peer *p = xd_container_of(l, struct xd_peer, link);

      if (!p->closing && (!processes_only || p->role == XD_PEER_PROCESS)) {
        xd_peer_close(p);
        again = true;
        break;
      }
    }
  }
}

void
xd_peer_close_all(void)
{
  close_peers(false);
}

void
xd_process_close_all(void)
{
  close_peers(true);
}

static void
on_accept(uv_poll_t *h, int status, int events)
{
  (void)h;
  (void)events;
  if (status < 0)
    return;
  /* Bounded, so that a flood of connections cannot starve the peers. */
  for (int accepted = 0; accepted < 256; accepted++) {
    struct ucred cred = { .pid = 0, .uid = (uid_t)-1, .gid = (gid_t)-1 };
    socklen_t len = sizeof cred;
    struct xd_peer *p;
    int fd = accept4(xd.listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

    if (fd < 0) {
      if (errno == EINTR)
        continue;
      if ((errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
           errno == ENOMEM) &&
          make_room(errno))
        continue;
      break;
    }
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 ||
        cred.uid != getuid()) {
      /* Only the broker's own user may join this system. */
      xd_log(1, "refused a connection from uid %d", (int)cred.uid);
      close(fd);
      continue;
    }
    p = calloc(1, sizeof *p);
    if (p == NULL) {
      close(fd);
      continue;
    }
    p->fd = fd;
    p->os_pid = cred.pid;
    p->role = XD_PEER_NEW;
    p->accepted_ms = uv_now(xd.loop);
    xd_list_add_tail(&xd.peers, &p->link);
    if (xd.n_unidentified >= XOUSD_MAX_UNIDENTIFIED)
      close_oldest_unidentified("too many connections without a hello");
    xd_list_add_tail(&xd.unidentified, &p->new_link);
    xd.n_unidentified++;
    if (!uv_is_active((uv_handle_t *)&xd.hello_timer))
      uv_timer_start(&xd.hello_timer, on_hello_timer, XOUSD_HELLO_MS / 4,
                     XOUSD_HELLO_MS / 4);
    uv_poll_init(xd.loop, &p->poll, fd);
    uv_poll_start(&p->poll, UV_READABLE | UV_DISCONNECT, on_peer);
    /* libxous sends its hello as soon as it has connected: take it now,
     * before the next connection can push this one out as silent. */
    read_frames(p);
  }
  xd_reap();
}

/* Reads and handles what p has sent, a bounded number of frames. */
static void
read_frames(struct xd_peer *p)
{
  int i;

  for (i = 0; i < FRAMES_PER_WAKEUP && !p->closing; i++) {
    struct xous_wire_frame f;
    int fd;
    long n = xous__wire_recv(p->fd, &f, sizeof f, &fd);

    if (n == -EAGAIN || n == -EWOULDBLOCK)
      break;
    if (n == 0 || n == -ECONNRESET || n == -EPIPE) {
      xd_peer_close(p); /* hang-up: the thread or process is gone */
      break;
    }
    if (n == -EMFILE && p->role == XD_PEER_THREAD && p->thread != NULL &&
        p->thread->wait == XD_WAIT_NONE &&
        xous__wire_check(&f, sizeof f) == 0 && f.type == XOUS_WIRE_SYSCALL) {
      /* The call came but the broker is out of descriptors for its
       * memory object: that call fails, the thread goes on. */
      xd_reply_error(p->thread, XOUS_OUT_OF_MEMORY);
      break;
    }
    if (n < 0 || xous__wire_check(&f, n) != 0 ||
        ((f.flags & XOUS_WIRE_F_FD) != 0) != (fd >= 0)) {
      /* SAFETY: nothing of a malformed frame is used; the peer loses its
       * socket, everyone else goes on. */
      xd_log(1, "closing peer (os pid %d): malformed frame", (int)p->os_pid);
      if (fd >= 0)
        close(fd);
      xd_peer_close(p);
      break;
    }
    xd.frames++;
    xd_dispatch(p, &f, fd);
    if (p->role != XD_PEER_NEW)
      forget_unidentified(p);
    /* A thread has one call outstanding at a time: after its frame there
     * is nothing more to read, so skip the recvmsg that would say EAGAIN.
     * Anything a peer sent beyond that is read at the next wake-up. */
    if (p->role == XD_PEER_THREAD)
      break;
  }
}

static void
on_peer(uv_poll_t *h, int status, int events)
{
  struct xd_peer *p = xd_container_of(h, struct xd_peer, poll);

  (void)events;
  if (status < 0)
    xd_peer_close(p);
  else
    read_frames(p);
  xd_reap();
}

void
xd_reply(struct xd_thread *t, const xous_word_t r[8], int fd,
         uint64_t mem_offset)
{
  struct xous_wire_frame f;
  int err;

  if (t == NULL || t->peer == NULL || t->peer->closing) {
    if (fd >= 0)
      close(fd);
    return;
  }
  memset(&f, 0, sizeof f);
  f.magic = XOUS_WIRE_MAGIC;
  f.version = XOUS_WIRE_VERSION;
  f.type = XOUS_WIRE_RESULT;
  f.tid = t->tid;
  f.flags = fd >= 0 ? XOUS_WIRE_F_FD : 0;
  for (int i = 0; i < 8; i++)
    f.w[i] = (uint64_t)r[i];
  f.mem_offset = mem_offset;
  err = xous__wire_send(t->peer->fd, &f, fd);
  if (fd >= 0)
    close(fd); /* the receiver has its own copy now */
  if (err != 0) {
    /* A thread that does not read its answers has broken the protocol
     * (each thread has one call outstanding): drop it, never queue. */
    xd_log(1, "closing pid %u tid %u: cannot answer (%s)",
           t->proc != NULL ? t->proc->pid : 0, t->tid, strerror(-err));
    xd_peer_close(t->peer);
  }
}

void
xd_reply_error(struct xd_thread *t, xous_error_t err)
{
  xous_word_t r[8];

  xous__result_set(r, XOUS_RESULT_ERROR, xous__error_word(err), 0, 0, 0, 0);
  xd_reply(t, r, -1, 0);
}
