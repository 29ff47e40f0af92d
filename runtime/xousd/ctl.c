/*
 * Control requests from xousctl: the live tables as JSON, kill, shutdown,
 * and the trace stream. Each answer is one datagram: a frame header whose
 * w[0] is the length of the JSON text that follows it.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "xousd/broker.h"
#include "xousd/ctl.h"
#include "xousd/hosted_listen.h"

extern int xd_tracing;

struct text {
  char *buf;
  size_t len, cap;
  bool full;
};

static void
put(struct text *t, const char *fmt, ...)
{
  va_list ap;
  int n;

  if (t->full)
    return;
  va_start(ap, fmt);
  n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= t->cap - t->len)
    t->full = true;
  else
    t->len += (size_t)n;
}

/* Sends one datagram; false when the peer's socket is full (a reply
 * that cannot go closes the peer; a trace event is only dropped). */
static bool
send_text(struct xd_peer *p, uint16_t type, const char *text, size_t len)
{
  struct xous_wire_frame f;
  struct iovec iov[2];
  struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };

  memset(&f, 0, sizeof f);
  f.magic = XOUS_WIRE_MAGIC;
  f.version = XOUS_WIRE_VERSION;
  f.type = type;
  f.w[0] = len;
  iov[0].iov_base = &f;
  iov[0].iov_len = sizeof f;
  iov[1].iov_base = (void *)text;
  iov[1].iov_len = len;
  if (sendmsg(p->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT) >= 0)
    return true;
  if (type != XOUS_WIRE_TRACE)
    xd_peer_close(p);
  return false;
}

static unsigned
count_threads(const struct xd_process *proc)
{
  unsigned n = 0;

  for (const struct xd_link *l = proc->threads.next; l != &proc->threads;
       l = l->next)
    n++;
  return n;
}

static const char *
state_of(const struct xd_process *proc)
{
  if (proc->hosted && xd_hosted_starting(proc))
    return "starting"; /* reserved for a hosted-mode program */
  for (const struct xd_link *l = proc->threads.next; l != &proc->threads;
       l = l->next) {
    const struct xd_thread *t = xd_container_of(l, struct xd_thread,
                                                proc_link);

    if (t->wait == XD_WAIT_NONE)
      return "running";
  }
  return xd_list_empty(&proc->threads) ? "idle" : "blocked";
}

static void
list_processes(struct text *t)
{
  bool first = true;

  put(t, "[");
  for (unsigned pid = 0; pid < XOUSD_MAX_PIDS; pid++) {
    const struct xd_process *proc = xd.procs[pid];
    unsigned servers = 0, conns = 0;

    if (proc == NULL)
      continue;
    for (unsigned i = 0; i < XOUSD_MAX_SERVERS; i++)
      servers += xd.servers[i].used && xd.servers[i].owner == proc;
    for (unsigned i = 0; i < XOUS_MAX_CONNECTIONS; i++)
      conns += proc->conns[i].used;
    put(t,
        "%s{\"pid\":%u,\"name\":\"%s\",\"os_pid\":%d,\"state\":\"%s\","
        "\"threads\":%u,\"servers\":%u,\"connections\":%u,"
        "\"messages_sent\":%llu,\"hosted\":%s}",
        first ? "" : ",", pid, proc->name, (int)proc->os_pid, state_of(proc),
        count_threads(proc), servers, conns,
        (unsigned long long)(proc->messages_sent + xd_direct_sent(proc)),
        proc->hosted ? "true" : "false");
    first = false;
  }
  put(t, "]");
}

static void
list_servers(struct text *t)
{
  bool first = true;

  put(t, "[");
  for (unsigned i = 0; i < XOUSD_MAX_SERVERS; i++) {
    const struct xd_server *s = &xd.servers[i];
    unsigned queued = 0, in_use = 0, served = 0;

    if (!s->used)
      continue;
    if (s->page != NULL) {
      /* SAFETY: counts that peers keep in shared memory: shown, never
       * used; a queue of more than its depth is shown as full. */
      in_use = atomic_load(&s->page->pending);
      served = atomic_load(&s->page->served);
      if (in_use > XOUS_QUEUE_DEPTH)
        in_use = XOUS_QUEUE_DEPTH;
      queued = xd_direct_queued(s);
    }
    put(t,
        "%s{\"index\":%u,\"sid\":\"%08x%08x%08x%08x\",\"owner\":%u,"
        "\"owner_name\":\"%s\",\"queued\":%u,\"in_use\":%u,\"lent\":%u,"
        "\"served\":%llu}",
        first ? "" : ",", i, s->sid.w[0], s->sid.w[1], s->sid.w[2],
        s->sid.w[3], s->owner->pid, s->owner->name, queued, in_use, s->lent,
        (unsigned long long)served);
    first = false;
  }
  put(t, "]");
}

static void
list_connections(struct text *t)
{
  bool first = true;

  put(t, "[");
  for (unsigned pid = 0; pid < XOUSD_MAX_PIDS; pid++) {
    const struct xd_process *proc = xd.procs[pid];

    if (proc == NULL)
      continue;
    for (unsigned i = 0; i < XOUS_MAX_CONNECTIONS; i++) {
      const struct xd_conn *c = &proc->conns[i];
      const struct xd_server *s = &xd.servers[c->server_index];

      if (!c->used)
        continue;
      put(t, "%s{\"pid\":%u,\"cid\":%u,\"server\":%u,\"live\":%s}",
          first ? "" : ",", pid, i + XOUS_FIRST_CID, c->server_index,
          (s->used && s->gen == c->server_gen) ? "true" : "false");
      first = false;
    }
  }
  put(t, "]");
}

/* Ends every process before the broker shuts down. Closing a process
 * closes its thread peers too, which unlinks them from the peer list, so
 * the walk starts again from the head after each close. */
static void
close_processes(void)
{
  bool again = true;

  while (again) {
    again = false;
    for (struct xd_link *l = xd.peers.next; l != &xd.peers; l = l->next) {
      struct xd_peer *q = xd_container_of(l, struct xd_peer, link);

      if (q->role == XD_PEER_PROCESS && !q->closing) {
        xd_peer_close(q);
        again = true;
        break;
      }
    }
  }
}

/* The room a trace reader may ask for (XOUS_CTL_TRACE's w[1]). */
#define TRACE_ROOM_MIN (16 << 10)
#define TRACE_ROOM_MAX (8 << 20)

void
xd_ctl(struct xd_peer *p, const struct xous_wire_frame *f)
{
  struct text t = { .cap = XOUS_WIRE_CTL_MAX };

  t.buf = malloc(t.cap);
  if (t.buf == NULL) {
    xd_peer_close(p);
    return;
  }
  switch (f->w[0]) {
  case XOUS_CTL_PS:
    list_processes(&t);
    break;
  case XOUS_CTL_SERVERS:
    list_servers(&t);
    break;
  case XOUS_CTL_CONNS:
    list_connections(&t);
    break;
  case XOUS_CTL_KILL: {
    struct xd_process *proc = xd_process_by_pid(
        f->w[1] <= 0xff ? (unsigned)f->w[1] : 0);

    if (proc == NULL) {
      put(&t, "{\"ok\":false,\"error\":\"no process %llu\"}",
          (unsigned long long)f->w[1]);
      break;
    }
    /* The OS process dies; its socket's hang-up does the rest. A PID
     * reserved for a hosted-mode program that has not connected has no
     * OS process (and kill(0) would be the broker's own group). */
    if (proc->os_pid <= 0) {
      unsigned pid = proc->pid;

      xd_process_kill(proc);
      put(&t, "{\"ok\":true,\"pid\":%u}", pid);
    } else if (kill(proc->os_pid, SIGKILL) != 0)
      put(&t, "{\"ok\":false,\"error\":\"%s\"}", strerror(errno));
    else
      put(&t, "{\"ok\":true,\"pid\":%u}", proc->pid);
    break;
  }
  case XOUS_CTL_SHUTDOWN:
    put(&t, "{\"ok\":true}");
    send_text(p, XOUS_WIRE_CTL_REPLY, t.buf, t.len);
    free(t.buf);
    close_processes();
    xd_shutdown();
    return;
  case XOUS_CTL_HOSTED_ENV: {
    char name[XOUS_WIRE_NAME_MAX + 1], answer[512];

    /* SAFETY: the name need not be terminated: copy and end it (the
     * process table keeps printable bytes only). */
    memcpy(name, f->name, XOUS_WIRE_NAME_MAX);
    name[XOUS_WIRE_NAME_MAX] = '\0';
    xd_hosted_env(name, answer, sizeof answer);
    put(&t, "%s", answer);
    break;
  }
  case XOUS_CTL_FAIL: {
    xous_error_t err = xd_fault_add(f->w[1] <= 0xff ? (unsigned)f->w[1] : 256,
                                    f->w[2], f->w[3], f->w[4]);

    if (err == XOUS_OK)
      put(&t, "{\"ok\":true}");
    else
      put(&t, "{\"ok\":false,\"error\":\"%s\"}", xous_strerror(err));
    break;
  }
  case XOUS_CTL_FAULTS:
    t.len = xd_fault_list(t.buf, t.cap);
    t.full = t.len == 0;
    break;
  case XOUS_CTL_ANSWERS: {
    xous_error_t err =
        f->w[2] > 2
            ? XOUS_INVALID_ARGUMENT
            : xd_fault_answers(f->w[1] <= 0xff ? (unsigned)f->w[1] : 256,
                               f->w[2] == 2, f->w[2] == 1 ? f->w[3] : 0);

    if (err == XOUS_OK)
      put(&t, "{\"ok\":true}");
    else
      put(&t, "{\"ok\":false,\"error\":\"%s\"}", xous_strerror(err));
    break;
  }
  case XOUS_CTL_FAULTS_CLEAR:
    xd_fault_clear();
    put(&t, "{\"ok\":true}");
    break;
  case XOUS_CTL_TRACE:
    if (!p->trace) {
      /* Room for a few thousand events while the reader is descheduled:
       * past what the socket holds, events are dropped, never waited for.
       * SO_SNDBUFFORCE works only with CAP_NET_ADMIN; else the system's
       * wmem_max caps the request. */
      uint64_t want = f->w[1] != 0 ? f->w[1] : TRACE_ROOM_MAX;
      int room = (int)(want < TRACE_ROOM_MIN   ? TRACE_ROOM_MIN
                       : want > TRACE_ROOM_MAX ? TRACE_ROOM_MAX
                                               : want);

      if (setsockopt(p->fd, SOL_SOCKET, SO_SNDBUFFORCE, &room, sizeof room) <
          0)
        (void)setsockopt(p->fd, SOL_SOCKET, SO_SNDBUF, &room, sizeof room);
      p->trace = true;
      xd_tracing++;
      xd_direct_trace_update();
    }
    put(&t, "{\"ok\":true}");
    break;
  default:
    put(&t, "{\"ok\":false,\"error\":\"unknown request\"}");
    break;
  }
  if (t.full)
    t.len = (size_t)snprintf(t.buf, t.cap,
                             "{\"ok\":false,\"error\":\"too long\"}");
  send_text(p, XOUS_WIRE_CTL_REPLY, t.buf, t.len);
  free(t.buf);
}

/* A subscriber whose socket is full loses events, counted. One that stays
 * full for PAUSE_MS (2 s) stops counting as a reader: while no reader keeps up,
 * the processes stop reporting their messages, so that a subscriber that
 * never reads cannot slow the system. Each event, and while any is paused
 * a timer, tries to tell it what it missed; once that is told, it reads
 * events again. */
#define PAUSE_MS 2000
#define RETRY_MS 100

static uv_timer_t retry_timer;
static bool retry_timer_made;

static bool
tell_dropped(struct xd_peer *p)
{
  char buf[128];
  int n = snprintf(buf, sizeof buf,
                   "{\"ts\":%llu,\"ev\":\"dropped\",\"count\":%llu}",
                   (unsigned long long)(uv_hrtime() / 1000),
                   (unsigned long long)p->trace_dropped);

  if (!send_text(p, XOUS_WIRE_TRACE, buf, (size_t)n))
    return false;
  p->trace_stalled = false;
  p->trace_dropped = 0;
  if (p->trace_paused) {
    p->trace_paused = false;
    xd_tracing++;
    xd_direct_trace_update();
  }
  return true;
}

static void
on_retry(uv_timer_t *h)
{
  bool paused = false;

  for (struct xd_link *l = xd.peers.next; l != &xd.peers; l = l->next) {
    struct xd_peer *p = xd_container_of(l, struct xd_peer, link);

    if (p->trace && !p->closing && p->trace_paused && !tell_dropped(p))
      paused = true;
  }
  if (!paused)
    uv_timer_stop(h);
}

static void
pause_reader(struct xd_peer *p)
{
  p->trace_paused = true;
  xd_tracing--;
  xd_direct_trace_update();
  if (!retry_timer_made) {
    uv_timer_init(xd.loop, &retry_timer);
    retry_timer_made = true;
  }
  if (!uv_is_active((uv_handle_t *)&retry_timer))
    uv_timer_start(&retry_timer, on_retry, RETRY_MS, RETRY_MS);
}

void
xd_trace_emit(const char *json, size_t len)
{
  char buf[600];
  int n;

  /* Every event gets a timestamp in microseconds since the broker started. */
  n = snprintf(buf, sizeof buf, "{\"ts\":%llu,%.*s",
               (unsigned long long)(uv_hrtime() / 1000), (int)len - 1,
               json + 1);
  if (n < 0 || (size_t)n >= sizeof buf)
    return;
  for (struct xd_link *l = xd.peers.next; l != &xd.peers; l = l->next) {
    struct xd_peer *p = xd_container_of(l, struct xd_peer, link);

    if (!p->trace || p->closing || p->trace_paused)
      continue;
    if (p->trace_stalled && !tell_dropped(p)) {
      p->trace_dropped++;
      if (uv_now(xd.loop) - p->trace_stalled_ms >= PAUSE_MS)
        pause_reader(p);
      continue;
    }
    if (!send_text(p, XOUS_WIRE_TRACE, buf, (size_t)n)) {
      p->trace_stalled = true;
      p->trace_stalled_ms = uv_now(xd.loop);
      p->trace_dropped = 1;
    }
  }
}

void
xd_ctl_gone(struct xd_peer *p)
{
  if (p->trace) {
    p->trace = false;
    if (!p->trace_paused)
      xd_tracing--;
    p->trace_paused = false;
    xd_direct_trace_update();
  }
}
