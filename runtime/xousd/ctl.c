/*
 * Control requests from xousctl: the live tables as JSON (made with
 * jansson), kill, shutdown, and the trace stream. Each answer is one
 * datagram: a frame header whose w[0] is the length of the JSON text that
 * follows it.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "xousd/broker.h"
#include "xousd/ctl.h"
#include "xousd/hosted_listen.h"

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

json_t *
xd_json_u64(uint64_t v)
{
  char text[24];

  /* JSON's integers in jansson are signed 64-bit: a larger value (a
   * message id is the sender's word) goes as its decimal string. */
  if (v <= (uint64_t)INT64_MAX)
    return json_integer((json_int_t)v);
  snprintf(text, sizeof text, "%llu", (unsigned long long)v);
  return json_string(text);
}

json_t *
xd_json_answer(bool ok, const char *error)
{
  return ok ? json_pack("{s:b}", "ok", 1)
            : json_pack("{s:b,s:s}", "ok", 0, "error", error);
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

/* Appends v to the array *list (taking v). When either is missing, which
 * is what running out of memory looks like here, the list is given up:
 * *list becomes NULL, and the loops that fill it stop. */
static void
append(json_t **list, json_t *v)
{
  if (*list == NULL || v == NULL || json_array_append_new(*list, v) != 0) {
    json_decref(v);
    json_decref(*list);
    *list = NULL;
  }
}

static json_t *
list_processes(void)
{
  json_t *list = json_array();

  for (unsigned pid = 0; pid < XOUSD_MAX_PIDS && list != NULL; pid++) {
    const struct xd_process *proc = xd.procs[pid];
    unsigned servers = 0, conns = 0;

    if (proc == NULL)
      continue;
    for (unsigned i = 0; i < XOUSD_MAX_SERVERS; i++)
      servers += xd.servers[i].used && xd.servers[i].owner == proc;
    for (unsigned i = 0; i < XOUS_MAX_CONNECTIONS; i++)
      conns += proc->conns[i].used;
    append(&list,
           json_pack("{s:i,s:s,s:i,s:s,s:i,s:i,s:i,s:o,s:b,s:o}", "pid",
                     (int)pid, "name", proc->name, "os_pid", (int)proc->os_pid,
                     "state", state_of(proc), "threads",
                     (int)count_threads(proc), "servers", (int)servers,
                     "connections", (int)conns, "messages_sent",
                     xd_json_u64(proc->messages_sent + xd_direct_sent(proc)),
                     "hosted", (int)proc->hosted, "thread_states",
                     xd_thread_states(proc)));
  }
  return list;
}

static json_t *
list_servers(void)
{
  json_t *list = json_array();

  for (unsigned i = 0; i < XOUSD_MAX_SERVERS && list != NULL; i++) {
    const struct xd_server *s = &xd.servers[i];
    unsigned queued = 0, in_use = 0, served = 0;
    char sid[33];

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
    snprintf(sid, sizeof sid, "%08x%08x%08x%08x", s->sid.w[0], s->sid.w[1],
             s->sid.w[2], s->sid.w[3]);
    append(&list, json_pack("{s:i,s:s,s:i,s:s,s:i,s:i,s:i,s:o}", "index",
                            (int)i, "sid", sid, "owner", (int)s->owner->pid,
                            "owner_name", s->owner->name, "queued",
                            (int)queued, "in_use", (int)in_use, "lent",
                            (int)s->lent, "served", xd_json_u64(served)));
  }
  return list;
}

static json_t *
list_connections(void)
{
  json_t *list = json_array();

  for (unsigned pid = 0; pid < XOUSD_MAX_PIDS && list != NULL; pid++) {
    const struct xd_process *proc = xd.procs[pid];

    if (proc == NULL)
      continue;
    for (unsigned i = 0; i < XOUS_MAX_CONNECTIONS && list != NULL; i++) {
      const struct xd_conn *c = &proc->conns[i];
      const struct xd_server *s = &xd.servers[c->server_index];

      if (!c->used)
        continue;
      append(&list, json_pack("{s:i,s:i,s:i,s:b}", "pid", (int)pid, "cid",
                              (int)(i + XOUS_FIRST_CID), "server",
                              (int)c->server_index, "live",
                              (int)(s->used && s->gen == c->server_gen)));
    }
  }
  return list;
}

/* The room a trace reader may ask for (XOUS_CTL_TRACE's w[1]). */
#define TRACE_ROOM_MIN (16 << 10)
#define TRACE_ROOM_MAX (8 << 20)

/* Sends the answer (taking it): compact JSON, in the order its members
 * were made, or why there is none. */
static void
send_answer(struct xd_peer *p, json_t *answer)
{
  char *buf = malloc(XOUS_WIRE_CTL_MAX);
  size_t len = 0;

  if (buf == NULL) {
    json_decref(answer);
    xd_peer_close(p);
    return;
  }
  if (answer != NULL)
    len = json_dumpb(answer, buf, XOUS_WIRE_CTL_MAX, JSON_COMPACT);
  if (answer == NULL || len == 0 || len > XOUS_WIRE_CTL_MAX)
    len = (size_t)snprintf(buf, XOUS_WIRE_CTL_MAX,
                           "{\"ok\":false,\"error\":\"%s\"}",
                           answer == NULL ? "out of memory" : "too long");
  json_decref(answer);
  send_text(p, XOUS_WIRE_CTL_REPLY, buf, len);
  free(buf);
}

static json_t *
kill_process(uint64_t xous_pid)
{
  struct xd_process *proc = xd_process_by_pid(
      xous_pid <= 0xff ? (unsigned)xous_pid : 0);
  char why[64];

  if (proc == NULL) {
    snprintf(why, sizeof why, "no process %llu", (unsigned long long)xous_pid);
    return xd_json_answer(false, why);
  }
  /* The OS process dies; its socket's hang-up does the rest. A PID
   * reserved for a hosted-mode program that has not connected has no
   * OS process (and kill(0) would be the broker's own group). */
  if (proc->os_pid <= 0) {
    unsigned pid = proc->pid;

    xd_process_kill(proc);
    return json_pack("{s:b,s:i}", "ok", 1, "pid", (int)pid);
  }
  if (kill(proc->os_pid, SIGKILL) != 0)
    return xd_json_answer(false, strerror(errno));
  return json_pack("{s:b,s:i}", "ok", 1, "pid", (int)proc->pid);
}

/* While set, trace events go to this subscriber only. */
static struct xd_peer *only_reader;

/* Makes p a trace reader (it is none yet). */
static json_t *
subscribe(struct xd_peer *p, uint64_t want)
{
  /* Room for a few thousand events while the reader is descheduled:
   * past what the socket holds, events are dropped, never waited for.
   * SO_SNDBUFFORCE works only with CAP_NET_ADMIN; else the system's
   * wmem_max caps the request. */
  int room = (int)(want == 0               ? TRACE_ROOM_MAX
                   : want < TRACE_ROOM_MIN ? TRACE_ROOM_MIN
                   : want > TRACE_ROOM_MAX ? TRACE_ROOM_MAX
                                           : want);

  if (setsockopt(p->fd, SOL_SOCKET, SO_SNDBUFFORCE, &room, sizeof room) < 0)
    (void)setsockopt(p->fd, SOL_SOCKET, SO_SNDBUF, &room, sizeof room);
  p->trace = true;
  xd_tracing++;
  xd_direct_trace_update();
  return xd_json_answer(true, NULL);
}

/* A new subscriber first hears, after its answer, of every process and
 * server there is, as "process" and "server" events marked "existing":
 * a process that joins while it subscribes, and is gone before it could
 * ask ps, still has a name in its trace. */
static void
tell_what_is_there(struct xd_peer *p)
{
  only_reader = p;
  for (unsigned pid = 0; pid < XOUSD_MAX_PIDS; pid++) {
    const struct xd_process *proc = xd.procs[pid];

    if (proc != NULL)
      xd_trace("{s:s,s:i,s:s,s:b}", "ev", "process", "pid", (int)pid, "name",
               proc->name, "existing", 1);
  }
  for (unsigned i = 0; i < XOUSD_MAX_SERVERS; i++) {
    const struct xd_server *s = &xd.servers[i];

    if (s->used)
      xd_trace("{s:s,s:i,s:i,s:b}", "ev", "server", "pid", (int)s->owner->pid,
               "server", (int)i, "existing", 1);
  }
  only_reader = NULL;
}

static json_t *
error_answer(xous_error_t err)
{
  return xd_json_answer(err == XOUS_OK, xous_strerror(err));
}

void
xd_ctl(struct xd_peer *p, const struct xous_wire_frame *f)
{
  json_t *answer;

  switch (f->w[0]) {
  case XOUS_CTL_PS:
    answer = list_processes();
    break;
  case XOUS_CTL_SERVERS:
    answer = list_servers();
    break;
  case XOUS_CTL_CONNS:
    answer = list_connections();
    break;
  case XOUS_CTL_KILL:
    answer = kill_process(f->w[1]);
    break;
  case XOUS_CTL_SHUTDOWN:
    send_answer(p, xd_json_answer(true, NULL));
    xd_process_close_all(); /* every process ends before the broker */
    xd_shutdown();
    return;
  case XOUS_CTL_HOSTED_ENV: {
    char name[XOUS_WIRE_NAME_MAX + 1];

    /* SAFETY: the name need not be terminated: copy and end it (the
     * process table keeps printable bytes only). */
    memcpy(name, f->name, XOUS_WIRE_NAME_MAX);
    name[XOUS_WIRE_NAME_MAX] = '\0';
    answer = xd_hosted_env(name);
    break;
  }
  case XOUS_CTL_FAIL:
    answer = error_answer(
        xd_fault_add(f->w[1] <= 0xff ? (unsigned)f->w[1] : 256, f->w[2],
                     f->w[3], f->w[4]));
    break;
  case XOUS_CTL_FAULTS:
    answer = xd_fault_list();
    break;
  case XOUS_CTL_ANSWERS:
    answer = error_answer(
        f->w[2] > 2
            ? XOUS_INVALID_ARGUMENT
            : xd_fault_answers(f->w[1] <= 0xff ? (unsigned)f->w[1] : 256,
                               f->w[2] == 2, f->w[2] == 1 ? f->w[3] : 0));
    break;
  case XOUS_CTL_FAULTS_CLEAR:
    xd_fault_clear();
    answer = xd_json_answer(true, NULL);
    break;
  case XOUS_CTL_TRACE:
    if (!p->trace) {
      send_answer(p, subscribe(p, f->w[1]));
      tell_what_is_there(p);
      return;
    }
    answer = xd_json_answer(true, NULL);
    break;
  default:
    answer = xd_json_answer(false, "unknown request");
    break;
  }
  send_answer(p, answer);
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
  json_t *ev = json_pack("{s:I,s:s,s:o}", "ts",
                         (json_int_t)(uv_hrtime() / 1000), "ev", "dropped",
                         "count", xd_json_u64(p->trace_dropped));
  size_t n = ev != NULL ? json_dumpb(ev, buf, sizeof buf, JSON_COMPACT) : 0;

  json_decref(ev);
  if (n == 0 || n > sizeof buf)
    return false;
  if (!send_text(p, XOUS_WIRE_TRACE, buf, n))
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
  for (struct xd_link *l = xd.peers.next; l != &xd.peers; l = l->next) {
    struct xd_peer *p = xd_container_of(l, struct xd_peer, link);

    if (!p->trace || p->closing || p->trace_paused ||
        (only_reader != NULL && p != only_reader))
      continue;
    if (p->trace_stalled && !tell_dropped(p)) {
      p->trace_dropped++;
      if (uv_now(xd.loop) - p->trace_stalled_ms >= PAUSE_MS)
        pause_reader(p);
      continue;
    }
    if (!send_text(p, XOUS_WIRE_TRACE, json, len)) {
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
