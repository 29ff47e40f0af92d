/*
 * The hosted-mode listener: Rust Xous programs built for the host (the
 * xous crate's hosted mode) join this system over loopback TCP.
 *
 * The protocol authenticates a process only by a 16-byte key that it is
 * given in XOUS_PROCESS_KEY, so keys are made here, at random, one per
 * PID reserved for a program (`xousctl hosted-env`), each good for one
 * connection, within a minute. A connection that shows a good key gets its
 * PID byte, and its socket goes to a bridge process of ours (xous-hosted)
 * that joins the broker as that PID and speaks the frames; the broker
 * itself never parses a frame from TCP. The bridge is started with the
 * reservation and joins at once, so that a program's start does not wait
 * for it: the connection reaches it over a socket pair (the hand-over
 * socket) once the key is shown.
 *
 * Lifetimes:
 *  1. A reservation is a process of the system from the start (a PID with
 *     no socket yet, shown by xousctl ps): it ends when the process does,
 *     or after XD_HOSTED_KEY_MS if no connection used its key.
 *  2. A connection is ours from accept until its handshake ends: the key
 *     was good (its socket goes to the bridge), or wrong, or too slow.
 *     At most XD_HOSTED_PENDING wait at a time; more are closed at once.
 *  3. A bridge is our child, started with the reservation: its exit before
 *     it joined ends the reservation; after it joined, its socket's
 *     hang-up does. It ends when its hand-over socket closes before a
 *     connection came (the reservation ended).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config.h"
#include "xousd/broker.h"
#include "xousd/hosted_frame.h"
#include "xousd/hosted_listen.h"

#ifndef XOUS_PKGLIBEXECDIR
#define XOUS_PKGLIBEXECDIR "/usr/local/libexec/xous-posix"
#endif

#define XD_HOSTED_KEY_MS 60000u      /* an unused key expires */
#define XD_HOSTED_HANDSHAKE_MS 2000u /* a connection shows its key */
#define XD_HOSTED_PENDING 16         /* connections showing their keys */
#define TICK_MS 250u

struct reservation {
  struct xd_process *proc; /* NULL: no reservation for this PID */
  uint8_t key[XOUS_HOSTED_KEY_BYTES];
  bool spent;       /* a connection used the key */
  int handover;     /* our end of the bridge's hand-over socket */
  uint64_t expires; /* loop time (ms) */
};

struct pending {
  uv_poll_t poll;
  int fd;
  uint8_t key[XOUS_HOSTED_KEY_BYTES];
  unsigned got;
  uint64_t deadline;
  bool closing;
  struct xd_link link;
};

struct bridge {
  uv_process_t child;
  bool exited;
  struct xd_link link; /* in bridges, until closed */
};

static uv_tcp_t listener;
static bool listening;
static char address[INET6_ADDRSTRLEN + 16]; /* "host:port" as clients dial */
static struct reservation reserved[XOUSD_MAX_PIDS];
static struct xd_link pending = { &pending, &pending };
static struct xd_link bridges = { &bridges, &bridges };
static unsigned npending;
static uv_timer_t tick;
static bool tick_ready;
static char mark[2 * 8 + 1]; /* XOUS_HOSTED_MARK, the same for every bridge */

bool
xd_hosted_listening(void)
{
  return listening;
}

/* ---- ADDR:PORT ------------------------------------------------------ */

/* Parses "127.0.0.1:PORT", "[::1]:PORT" or "localhost:PORT" into sa;
 * only loopback addresses are allowed: the key is all that stands
 * between a TCP port and the system. */
static int
parse_address(const char *spec, struct sockaddr_storage *sa)
{
  char host[INET6_ADDRSTRLEN + 2];
  const char *colon = strrchr(spec, ':');
  char *end;
  long port;
  size_t hl;

  if (colon == NULL || colon == spec)
    return -1;
  port = strtol(colon + 1, &end, 10);
  if (colon[1] == '\0' || *end != '\0' || port < 0 || port > 65535)
    return -1;
  hl = (size_t)(colon - spec);
  if (spec[0] == '[') {
    if (hl < 3 || spec[hl - 1] != ']' || hl - 2 >= sizeof host)
      return -1;
    memcpy(host, spec + 1, hl - 2);
    host[hl - 2] = '\0';
  } else {
    if (hl >= sizeof host)
      return -1;
    memcpy(host, spec, hl);
    host[hl] = '\0';
  }
  if (strcmp(host, "localhost") == 0)
    snprintf(host, sizeof host, "127.0.0.1");
  memset(sa, 0, sizeof *sa);
  if (uv_ip4_addr(host, (int)port, (struct sockaddr_in *)sa) == 0) {
    const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

    return (ntohl(in->sin_addr.s_addr) >> 24) == 127 ? 0 : -2;
  }
  if (uv_ip6_addr(host, (int)port, (struct sockaddr_in6 *)sa) == 0) {
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

    return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr) ? 0 : -2;
  }
  return -1;
}

/* ---- reservations ------------------------------------------------------ */

static void on_tick(uv_timer_t *h);
static int start_bridge(struct xd_process *proc, int fd);

static void
tick_start(void)
{
  if (!tick_ready) {
    uv_timer_init(xd.loop, &tick);
    tick_ready = true;
  }
  if (!uv_is_active((uv_handle_t *)&tick))
    uv_timer_start(&tick, on_tick, TICK_MS, TICK_MS);
}

static void
hex(char *out, const uint8_t *b, size_t n)
{
  static const char digits[] = "0123456789abcdef";

  for (size_t i = 0; i < n; i++) {
    out[2 * i] = digits[b[i] >> 4];
    out[2 * i + 1] = digits[b[i] & 15];
  }
  out[2 * n] = '\0';
}

json_t *
xd_hosted_env(const char *name)
{
  struct xd_process *proc;
  struct reservation *r;
  xous_error_t err = XOUS_OK;
  char key[2 * XOUS_HOSTED_KEY_BYTES + 1];
  json_t *answer;

  if (!listening)
    return xd_json_answer(false, "this xousd has no hosted-mode listener: "
                                 "start it with --hosted 127.0.0.1:0");
  proc = xd_process_new(NULL, name[0] != '\0' ? name : "hosted", &err);
  if (proc == NULL)
    return xd_json_answer(false, xous_strerror(err));
  proc->hosted = true;
  r = &reserved[proc->pid];
  r->proc = proc;
  r->spent = false;
  r->handover = -1;
  {
    int sp[2];

    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) != 0) {
      const char *why = strerror(errno);

      xd_log(0, "cannot make a hand-over socket: %s", why);
      xd_process_kill(proc);
      return xd_json_answer(false, why);
    }
    if (start_bridge(proc, sp[1]) != 0) { /* it said why */
      close(sp[0]);
      close(sp[1]);
      xd_process_kill(proc);
      return xd_json_answer(false, "cannot start xous-hosted (see xousd's "
                                   "messages)");
    }
    close(sp[1]);
    r->handover = sp[0];
  }
  /* Never the Xous kernel's predictable keys: libsodium's. An all-zero
   * key is what a client without one sends, so it is never given. */
  do
    randombytes_buf(r->key, sizeof r->key);
  while (sodium_is_zero(r->key, sizeof r->key));
  r->expires = uv_now(xd.loop) + XD_HOSTED_KEY_MS;
  tick_start();
  hex(key, r->key, sizeof r->key);
  xd_log(1, "process %u (%s) reserved for a hosted-mode program", proc->pid,
         proc->name);
  answer = json_pack("{s:b,s:s,s:i,s:s,s:s}", "ok", 1, "server", address,
                     "pid", (int)proc->pid, "key", key, "name", proc->name);
  sodium_memzero(key, sizeof key);
  return answer;
}

void
xd_hosted_gone(struct xd_process *proc)
{
  struct reservation *r = &reserved[proc->pid];

  if (r->proc == proc) {
    sodium_memzero(r->key, sizeof r->key);
    r->proc = NULL;
    /* A bridge still waiting for its connection sees the end and goes. */
    if (r->handover >= 0)
      close(r->handover);
    r->handover = -1;
  }
}

bool
xd_hosted_starting(const struct xd_process *proc)
{
  const struct reservation *r = &reserved[proc->pid];

  return proc->peer == NULL || (r->proc == proc && !r->spent);
}

struct xd_process *
xd_hosted_claim(pid_t os_pid)
{
  for (unsigned pid = 0; pid < XOUSD_MAX_PIDS; pid++) {
    struct xd_process *proc = reserved[pid].proc;

    if (proc != NULL && proc->peer == NULL && os_pid > 0 &&
        proc->os_pid == os_pid)
      return proc;
  }
  return NULL;
}

/* ---- the bridge ----------------------------------------------------- */

static void
bridge_closed(uv_handle_t *h)
{
  struct bridge *b = xd_container_of(h, struct bridge, child);

  xd_list_del(&b->link);
  free(b);
}

static void
bridge_exited(uv_process_t *h, int64_t status, int signal)
{
  pid_t os_pid = h->pid;

  (void)status;
  (void)signal;
  xd_container_of(h, struct bridge, child)->exited = true;
  /* One that never joined leaves its reservation behind: end it. */
  for (unsigned pid = 0; pid < XOUSD_MAX_PIDS; pid++) {
    struct xd_process *proc = reserved[pid].proc;

    if (proc != NULL && proc->peer == NULL && proc->os_pid == os_pid) {
      xd_log(1, "hosted process %u ended before it joined", proc->pid);
      xd_process_kill(proc);
    }
  }
  uv_close((uv_handle_t *)h, bridge_closed);
}

/* Where xous-hosted is: beside xousd (a build tree, or an install that
 * keeps them together), else where it was installed. */
static const char *
bridge_path(char *buf, size_t size)
{
  const char *env = getenv("XOUS_HOSTED_BRIDGE");
  char self[PATH_MAX - 16];
  ssize_t n;

  if (env != NULL && env[0] != '\0')
    return env;
  n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n > 0) {
    char *slash;

    self[n] = '\0';
    slash = strrchr(self, '/');
    if (slash != NULL) {
      *slash = '\0';
      if ((size_t)snprintf(buf, size, "%s/xous-hosted", self) < size &&
          access(buf, X_OK) == 0)
        return buf;
    }
  }
  snprintf(buf, size, "%s/xous-hosted", XOUS_PKGLIBEXECDIR);
  return buf;
}

/* The bridge's environment: ours, with the broker's socket and the
 * process's name. */
static char **
bridge_env(const char *name, char *sock_var, size_t sock_size, char *name_var,
           size_t name_size)
{
  extern char **environ;
  static char mark_var[sizeof "XOUS_HOSTED_MARK=" + sizeof mark];
  size_t n = 0, k = 0;
  char **env;

  while (environ[n] != NULL)
    n++;
  env = calloc(n + 4, sizeof *env);
  if (env == NULL)
    return NULL;
  for (size_t i = 0; i < n; i++)
    if (strncmp(environ[i], "XOUS_SOCKET=", 12) != 0 &&
        strncmp(environ[i], "XOUS_NAME=", 10) != 0 &&
        strncmp(environ[i], "XOUS_HOSTED_MARK=", 17) != 0)
      env[k++] = environ[i];
  snprintf(sock_var, sock_size, "XOUS_SOCKET=%s", xd.opt.socket_path);
  snprintf(name_var, name_size, "XOUS_NAME=%s", name);
  snprintf(mark_var, sizeof mark_var, "XOUS_HOSTED_MARK=%s", mark);
  env[k++] = sock_var;
  env[k++] = name_var;
  env[k++] = mark_var;
  env[k] = NULL;
  return env;
}

static int
start_bridge(struct xd_process *proc, int fd)
{
  char path[PATH_MAX], sock_var[PATH_MAX + 16], name_var[64];
  char *args[2] = { "xous-hosted", NULL };
  uv_stdio_container_t stdio[4];
  uv_process_options_t opt;
  struct bridge *b = calloc(1, sizeof *b);
  char **env;
  int err;

  if (b == NULL)
    return -1;
  xd_list_init(&b->link);
  env = bridge_env(proc->name, sock_var, sizeof sock_var, name_var,
                   sizeof name_var);
  if (env == NULL) {
    free(b);
    return -1;
  }
  memset(&opt, 0, sizeof opt);
  opt.file = bridge_path(path, sizeof path);
  opt.args = args;
  opt.env = env;
  opt.exit_cb = bridge_exited;
  stdio[0].flags = UV_IGNORE;
  stdio[1].flags = UV_INHERIT_FD;
  stdio[1].data.fd = 1;
  stdio[2].flags = UV_INHERIT_FD;
  stdio[2].data.fd = 2;
  stdio[3].flags = UV_INHERIT_FD;
  stdio[3].data.fd = fd;
  opt.stdio = stdio;
  opt.stdio_count = 4;
  err = uv_spawn(xd.loop, &b->child, &opt);
  free(env);
  if (err != 0) {
    xd_log(0,
           "cannot start %s for a hosted-mode program: %s (set "
           "XOUS_HOSTED_BRIDGE)",
           opt.file, uv_strerror(err));
    uv_close((uv_handle_t *)&b->child, bridge_closed);
    return -1;
  }
  proc->os_pid = b->child.pid;
  xd_list_add_tail(&bridges, &b->link);
  return 0;
}

/* ---- handshakes ----------------------------------------------------- */

static void
pending_closed(uv_handle_t *h)
{
  free(xd_container_of(h, struct pending, poll));
}

static void
pending_end(struct pending *c, bool close_fd)
{
  if (c->closing)
    return;
  c->closing = true;
  xd_list_del(&c->link);
  npending--;
  uv_poll_stop(&c->poll);
  if (close_fd)
    close(c->fd);
  uv_close((uv_handle_t *)&c->poll, pending_closed);
}

/* The reservation whose unspent key this is, or NULL. Every live key is
 * compared, in constant time each. */
static struct reservation *
key_owner(const uint8_t key[XOUS_HOSTED_KEY_BYTES])
{
  struct reservation *found = NULL;

  for (unsigned pid = 0; pid < XOUSD_MAX_PIDS; pid++) {
    struct reservation *r = &reserved[pid];

    if (r->proc != NULL && !r->spent &&
        sodium_memcmp(r->key, key, XOUS_HOSTED_KEY_BYTES) == 0)
      found = r;
  }
  return found;
}

static void
admit(struct pending *c)
{
  struct reservation *r = key_owner(c->key);
  uint8_t pid;
  int one = 1, flags;

  sodium_memzero(c->key, sizeof c->key);
  if (r == NULL) {
    xd_log(1, "hosted mode: refused a connection with a wrong or spent "
              "key");
    pending_end(c, true);
    return;
  }
  /* Spent now, whatever follows: a key is good for one connection. */
  r->spent = true;
  sodium_memzero(r->key, sizeof r->key);
  pid = (uint8_t)r->proc->pid;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  flags = fcntl(c->fd, F_GETFL);
  /* The bridge reads with blocking calls; the descriptor's flags are
   * shared with its copy. */
  if (send(c->fd, &pid, 1, MSG_NOSIGNAL) != 1 || flags < 0 ||
      fcntl(c->fd, F_SETFL, flags & ~O_NONBLOCK) != 0 ||
      xous__send_fd(r->handover, &pid, 1, c->fd, MSG_DONTWAIT) != 1) {
    xd_log(1, "hosted process %u: its bridge did not take the connection",
           r->proc->pid);
    xd_process_kill(r->proc);
    pending_end(c, true);
    return;
  }
  close(r->handover);
  r->handover = -1;
  xd_log(1, "hosted process %u (%s) connected", r->proc->pid, r->proc->name);
  pending_end(c, true); /* the bridge has its own copy */
}

static void
on_pending(uv_poll_t *h, int status, int events)
{
  struct pending *c = xd_container_of(h, struct pending, poll);
  ssize_t n;

  (void)events;
  if (status < 0) {
    pending_end(c, true);
    return;
  }
  /* Exactly the key and no more: what follows it belongs to the bridge. */
  n = recv(c->fd, c->key + c->got, sizeof c->key - c->got, MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    return;
  if (n <= 0) {
    pending_end(c, true);
    return;
  }
  c->got += (unsigned)n;
  if (c->got == sizeof c->key)
    admit(c);
}

static void
on_connection(uv_stream_t *server, int status)
{
  uv_tcp_t *client;
  struct pending *c;
  uv_os_fd_t ufd;
  int fd;

  if (status < 0)
    return;
  client = malloc(sizeof *client);
  if (client == NULL)
    return;
  uv_tcp_init(xd.loop, client);
  if (uv_accept(server, (uv_stream_t *)client) != 0) {
    uv_close((uv_handle_t *)client, (uv_close_cb)free);
    return;
  }
  /* Our own descriptor of the socket: the handle would read ahead. */
  fd = -1;
  if (uv_fileno((uv_handle_t *)client, &ufd) == 0)
    fd = fcntl(ufd, F_DUPFD_CLOEXEC, 3);
  uv_close((uv_handle_t *)client, (uv_close_cb)free);
  if (fd < 0)
    return;
  if (npending >= XD_HOSTED_PENDING || xd.stopping) {
    xd_log(1,
           "hosted mode: %u connections are showing their keys: "
           "refused one more",
           npending);
    close(fd);
    return;
  }
  c = calloc(1, sizeof *c);
  if (c == NULL) {
    close(fd);
    return;
  }
  c->fd = fd;
  c->deadline = uv_now(xd.loop) + XD_HOSTED_HANDSHAKE_MS;
  xd_list_add_tail(&pending, &c->link);
  npending++;
  uv_poll_init(xd.loop, &c->poll, fd);
  uv_poll_start(&c->poll, UV_READABLE | UV_DISCONNECT, on_pending);
  tick_start();
}

static void
on_tick(uv_timer_t *h)
{
  uint64_t now = uv_now(xd.loop);
  bool busy = false;

  for (struct xd_link *l = pending.next; l != &pending;) {
    struct pending *c = xd_container_of(l, struct pending, link);

    l = l->next;
    if (now >= c->deadline) {
      xd_log(1, "hosted mode: a connection did not show its key in time");
      pending_end(c, true);
    }
  }
  for (unsigned pid = 0; pid < XOUSD_MAX_PIDS; pid++) {
    struct reservation *r = &reserved[pid];

    if (r->proc == NULL || r->spent)
      continue;
    if (now >= r->expires) {
      xd_log(1, "hosted process %u: its key expired unused", pid);
      xd_process_kill(r->proc); /* clears the reservation */
    } else {
      busy = true;
    }
  }
  if (!busy && npending == 0)
    uv_timer_stop(h);
}

/* ---- the listener ------------------------------------------------------- */

int
xd_hosted_listen(const char *spec)
{
  struct sockaddr_storage sa, bound;
  int len = sizeof bound, err, kind = parse_address(spec, &sa);
  char host[INET6_ADDRSTRLEN];

  if (kind == -2) {
    xd_log(0,
           "--hosted %s: only a loopback address (127.0.0.1, [::1], "
           "localhost): the protocol's key is all that guards it",
           spec);
    return -1;
  }
  if (kind != 0) {
    xd_log(0,
           "--hosted takes ADDR:PORT, as 127.0.0.1:0 (0: any free "
           "port), not %s",
           spec);
    return -1;
  }
  uv_tcp_init(xd.loop, &listener);
  err = uv_tcp_bind(&listener, (const struct sockaddr *)&sa, 0);
  if (err == 0)
    err = uv_listen((uv_stream_t *)&listener, 64, on_connection);
  if (err == 0)
    err = uv_tcp_getsockname(&listener, (struct sockaddr *)&bound, &len);
  if (err != 0) {
    xd_log(0, "cannot listen on %s: %s", spec, uv_strerror(err));
    uv_close((uv_handle_t *)&listener, NULL);
    return -1;
  }
  if (bound.ss_family == AF_INET6) {
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&bound;

    uv_ip6_name(in6, host, sizeof host);
    snprintf(address, sizeof address, "[%s]:%u", host, ntohs(in6->sin6_port));
  } else {
    const struct sockaddr_in *in = (const struct sockaddr_in *)&bound;

    uv_ip4_name(in, host, sizeof host);
    snprintf(address, sizeof address, "%s:%u", host, ntohs(in->sin_port));
  }
  {
    uint8_t m[8];

    /* The mark bridges put after a lend's bytes (see xous-hosted). */
    randombytes_buf(m, sizeof m);
    hex(mark, m, sizeof m);
  }
  listening = true;
  return 0;
}

const char *
xd_hosted_address(void)
{
  return listening ? address : NULL;
}

void
xd_hosted_stop(void)
{
  if (listening) {
    uv_close((uv_handle_t *)&listener, NULL);
    listening = false;
  }
  while (!xd_list_empty(&pending))
    pending_end(xd_container_of(pending.next, struct pending, link), true);
  /* The system ends: so does every hosted program's connection, now, not
   * only once this process is gone (PR_SET_PDEATHSIG). */
  for (struct xd_link *l = bridges.next; l != &bridges; l = l->next) {
    struct bridge *b = xd_container_of(l, struct bridge, link);

    if (!b->exited)
      uv_process_kill(&b->child, SIGTERM);
  }
  if (tick_ready && !uv_is_closing((uv_handle_t *)&tick))
    uv_close((uv_handle_t *)&tick, NULL);
}
