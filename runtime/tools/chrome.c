/*
 * The Chrome trace-event writer (see chrome.h).
 *
 * A message is followed by its key: "send" gives the client's PID and TID
 * and the key, "receive" the server's thread, and "reply" the end of a
 * blocking call. The key (the client's PID and the message's position in
 * its ring) is unique per server while the message is in flight, so the
 * pair (server index, key) finds it in the table of open messages, a
 * hash table where a collision ends the older message early; the flow id
 * is a sequence number.
 *
 * Slices of one thread must nest, as Perfetto and the catapult viewer
 * require. The broker stamps events in microseconds, in the order it
 * handles them, and many fall in one microsecond; so every event gets a
 * time of its own in nanoseconds, 10 ns after the one before within the
 * same microsecond, and a slice runs from its first event to 2 ns past
 * its last, with its flow points 1 ns inside. A caller that sends again
 * was answered, whatever the order its reply came in: its call ends just
 * before. A server thread that receives again is done with what it held:
 * an answer it gives later, or one another thread gives, is a slice of
 * its own on the answering thread.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/chrome.h"
#include "tools/json.h"

#define MAX_SERVERS 256
#define MAX_PIDS 256
#define MAX_TIDS 64
#define NO_KEY (1ull << 40)
#define OPEN_BITS 16
#define MAX_OPEN (1u << OPEN_BITS)
/* The spacing of events within one microsecond, and how many fit. */
#define STEP_NS 10
#define STEPS_PER_US (1000 / STEP_NS)

/* The two slices of a message: the caller's, from its send, and the
 * server's, from its receive. */
enum side { CALL, SERVE };

static const char *const side_names[] = { "call", "serve" };

/* One side of a message: the thread it is on, when it began there, and
 * whether its slice is written. */
struct msg_side {
  unsigned pid, tid;
  unsigned long long ns;
  bool done;
};

struct open_msg {
  bool used, received, blocking;
  unsigned server;
  unsigned long long key;
  unsigned kind;
  unsigned long long id, flow;
  struct msg_side side[2]; /* by enum side */
};

/* What a thread is in the middle of: its blocking call, unanswered
 * (CALL), and the message it received and holds (SERVE). */
struct thread_state {
  bool named;
  struct open_msg *holds[2];
};

struct chrome {
  FILE *out;
  bool first;
  bool failed; /* an event could not be made or written */
  unsigned long long seq, last_us, last_ns;
  unsigned step;
  bool named[MAX_PIDS];
  struct thread_state threads[MAX_PIDS][MAX_TIDS];
  unsigned queued[MAX_SERVERS];
  unsigned lends;
  struct open_msg msgs[MAX_OPEN];
};

static struct open_msg *
slot_of(struct chrome *ch, unsigned server, unsigned long long key)
{
  unsigned long long h = ((unsigned long long)server << 32 ^ key) *
                         0x9e3779b97f4a7c15ull;

  return &ch->msgs[h >> (64 - OPEN_BITS)];
}

static const char *const kinds[] = {
  "message", "MutableLend", "Lend", "Send", "Scalar", "BlockingScalar",
};

static const char *
kind_name(unsigned kind)
{
  return kind < sizeof kinds / sizeof kinds[0] ? kinds[kind] : kinds[0];
}

static bool
is_lend(unsigned kind)
{
  return kind == 1 || kind == 2;
}

static struct thread_state *
thread_of(struct chrome *ch, unsigned pid, unsigned tid)
{
  return pid < MAX_PIDS && tid < MAX_TIDS ? &ch->threads[pid][tid] : NULL;
}

/* The event's own time in nanoseconds (see the top of the file). */
static unsigned long long
event_ns(struct chrome *ch, unsigned long long us)
{
  if (us < ch->last_us)
    us = ch->last_us; /* never back in time */
  if (us == ch->last_us && ch->last_ns != 0) {
    if (ch->step + 1 < STEPS_PER_US)
      ch->step++;
  } else {
    ch->step = 0;
  }
  ch->last_us = us;
  ch->last_ns = us * 1000 + ch->step * STEP_NS;
  return ch->last_ns;
}

/* Writes one event: ph, pid, tid and ts (microseconds, with the
 * nanosecond digits) first, then the members of rest, which it takes.
 * Each event is made and written by jansson; 17 digits give back the
 * very double a reader would have parsed from the exact decimal. */
static void
emit(struct chrome *ch, const char *ph, unsigned pid, unsigned tid,
     unsigned long long ns, json_t *rest)
{
  json_t *ev = json_pack("{s:s,s:i,s:i,s:f}", "ph", ph, "pid", (int)pid, "tid",
                         (int)tid, "ts", (double)ns / 1000.0);

  if (ev == NULL || (rest != NULL && json_object_update(ev, rest) != 0)) {
    ch->failed = true;
  } else {
    fputs(ch->first ? "\n" : ",\n", ch->out);
    ch->first = false;
    if (json_dumpf(ev, ch->out, JSON_COMPACT | JSON_REAL_PRECISION(17)) != 0)
      ch->failed = true;
  }
  json_decref(rest);
  json_decref(ev);
}

static void
name_process(struct chrome *ch, unsigned pid, const char *name)
{
  emit(ch, "M", pid, 0, 0,
       json_pack("{s:s,s:{s:s}}", "name", "process_name", "args", "name",
                 name));
  emit(ch, "M", pid, 0, 0,
       json_pack("{s:s,s:{s:i}}", "name", "process_sort_index", "args",
                 "sort_index", (int)pid));
  if (pid < MAX_PIDS)
    ch->named[pid] = true;
}

/* thread_name metadata, once per thread: the Xous TID (2 is the first). */
static void
name_thread(struct chrome *ch, unsigned pid, unsigned tid)
{
  struct thread_state *t = thread_of(ch, pid, tid);
  char name[32];

  if (t == NULL || t->named || tid == 0)
    return;
  t->named = true;
  snprintf(name, sizeof name, "thread %u%s", tid, tid == 2 ? " (main)" : "");
  emit(ch, "M", pid, tid, 0,
       json_pack("{s:s,s:{s:s}}", "name", "thread_name", "args", "name",
                 name));
  emit(ch, "M", pid, tid, 0,
       json_pack("{s:s,s:{s:i}}", "name", "thread_sort_index", "args",
                 "sort_index", (int)tid));
}

struct chrome *
chrome_open(const char *path)
{
  struct chrome *ch = calloc(1, sizeof *ch);

  if (ch == NULL)
    return NULL;
  ch->out = fopen(path, "w");
  if (ch->out == NULL) {
    free(ch);
    return NULL;
  }
  ch->first = true;
  /* The file is written while the trace runs: the object around the
   * events is its opening and its closing text, the events are dumped
   * one by one. */
  fputs("{\"displayTimeUnit\":\"ms\",\"otherData\":{\"source\":\"xousctl "
        "trace\"},\"traceEvents\":[",
        ch->out);
  name_process(ch, 1, "xousd");
  return ch;
}

void
chrome_processes(struct chrome *ch, const char *ps_json)
{
  json_t *list = xous__json_parse(ps_json), *o;
  size_t i;

  json_array_foreach(list, i, o)
  {
    const char *name = xous__json_s(o, "name");

    if (name != NULL)
      name_process(ch, (unsigned)xous__json_u(o, "pid", 0), name);
  }
  json_decref(list);
}

/* A complete slice: [ns, end_ns] on pid/tid. */
static void
slice(struct chrome *ch, unsigned pid, unsigned tid, unsigned long long ns,
      unsigned long long end_ns, const char *cat, const struct open_msg *m)
{
  unsigned long long dur = end_ns > ns ? end_ns - ns : 0;
  char name[64];

  snprintf(name, sizeof name, "%s %llu", kind_name(m->kind), m->id);
  emit(ch, "X", pid, tid, ns,
       json_pack("{s:f,s:s,s:s,s:{s:i,s:o,s:i}}", "dur", (double)dur / 1000.0,
                 "cat", cat, "name", name, "args", "server", (int)m->server,
                 "id", xous__json_u64(m->id), "from", (int)m->side[CALL].pid));
}

/* One point of a flow arrow; "e" binds it to the slice around ns. */
static void
flow(struct chrome *ch, const char *ph, const char *cat, unsigned pid,
     unsigned tid, unsigned long long ns, unsigned long long id)
{
  emit(ch, ph, pid, tid, ns,
       json_pack("{s:s,s:s,s:I,s:s}", "cat", cat, "name", cat, "id",
                 (json_int_t)id, "bp", "e"));
}

/* A marker, with the broker's event (o) as its argument. */
static void
instant(struct chrome *ch, unsigned pid, unsigned tid, unsigned long long ns,
        const char *name, json_t *o)
{
  emit(ch, "i", pid, tid, ns,
       json_pack("{s:s,s:s,s:s,s:{s:O}}", "s", "p", "cat", "broker", "name",
                 name, "args", "event", o));
}

/* Counter tracks on the broker's process: each server's queue (sent, not
 * yet received) and the lends in flight (lent, not yet given back). */
static void
counters(struct chrome *ch, unsigned server, unsigned long long ns)
{
  if (server < MAX_SERVERS) {
    char name[32];

    snprintf(name, sizeof name, "queue of server %u", server);
    emit(ch, "C", 1, 0, ns,
         json_pack("{s:s,s:{s:i}}", "name", name, "args", "messages",
                   (int)ch->queued[server]));
  }
  emit(ch, "C", 1, 0, ns,
       json_pack("{s:s,s:{s:i}}", "name", "lends in flight", "args", "lends",
                 (int)ch->lends));
}

/* m begins on side s at pid/tid: a blocking message is held there until
 * it ends, any other is a slice of its own at once. */
static void
begin_side(struct chrome *ch, struct open_msg *m, enum side s, unsigned pid,
           unsigned tid, unsigned long long ns)
{
  struct thread_state *t = thread_of(ch, pid, tid);
  struct msg_side *d = &m->side[s];

  d->pid = pid;
  d->tid = tid;
  d->ns = ns;
  if (m->blocking) {
    if (t != NULL)
      t->holds[s] = m;
  } else {
    slice(ch, pid, tid, ns, ns + 2, side_names[s], m);
    d->done = true;
  }
}

/* The slice of m on side s, ended at end_ns (the server's only once m
 * was received). */
static void
end_side(struct chrome *ch, struct open_msg *m, enum side s,
         unsigned long long end_ns)
{
  struct msg_side *d = &m->side[s];
  struct thread_state *t = thread_of(ch, d->pid, d->tid);

  if (d->done || (s == SERVE && !m->received))
    return;
  slice(ch, d->pid, d->tid, d->ns, end_ns, side_names[s], m);
  d->done = true;
  if (t != NULL && t->holds[s] == m)
    t->holds[s] = NULL;
}

static void
forget(struct chrome *ch, struct open_msg *m)
{
  if (m->used && m->blocking && is_lend(m->kind) && ch->lends > 0)
    ch->lends--;
  if (m->used && !m->received && m->server < MAX_SERVERS &&
      ch->queued[m->server] > 0)
    ch->queued[m->server]--;
  m->used = false;
}

/* A blocking call whose end was not seen (a death, the end of the
 * recording, a message that took its place): both slices end at ns. */
static void
abandon(struct chrome *ch, struct open_msg *m, unsigned long long ns)
{
  end_side(ch, m, CALL, ns);
  end_side(ch, m, SERVE, ns);
  forget(ch, m);
}

/* A thread's next send (CALL) or receive (SERVE) ends what it held on
 * that side: a call it still had open was answered before (a thread in a
 * blocking call sends nothing), and it is done with the message it
 * received (any answer to it comes later, as a slice of its own). */
static void
moves_on(struct chrome *ch, unsigned pid, unsigned tid, enum side s,
         unsigned long long ns)
{
  struct thread_state *t = thread_of(ch, pid, tid);

  if (t != NULL && t->holds[s] != NULL)
    end_side(ch, t->holds[s], s, ns - 1);
}

static void
on_send(struct chrome *ch, struct open_msg *m, const json_t *o, unsigned pid,
        unsigned tid, unsigned server, unsigned long long key,
        unsigned long long ns)
{
  if (m->used)
    abandon(ch, m, ns - 1);
  memset(m, 0, sizeof *m);
  m->used = true;
  m->server = server;
  m->key = key;
  m->kind = (unsigned)xous__json_u(o, "kind", 0);
  m->blocking = m->kind == 1 || m->kind == 2 || m->kind == 5;
  m->id = xous__json_u(o, "id", 0);
  m->flow = ++ch->seq;
  ch->queued[server]++;
  if (m->blocking && is_lend(m->kind))
    ch->lends++;
  begin_side(ch, m, CALL, pid, tid, ns);
  flow(ch, "s", "message", pid, tid, ns + 1, m->flow);
  counters(ch, server, ns);
}

static void
on_receive(struct chrome *ch, struct open_msg *m, unsigned pid, unsigned tid,
           unsigned long long ns)
{
  m->received = true;
  if (ch->queued[m->server] > 0)
    ch->queued[m->server]--;
  begin_side(ch, m, SERVE, pid, tid, ns);
  if (m->blocking) {
    flow(ch, "t", "message", pid, tid, ns + 1, m->flow);
  } else {
    flow(ch, "f", "message", pid, tid, ns + 1, m->flow);
    m->used = false;
  }
  counters(ch, m->server, ns);
}

/* The answer: the end of the call on the caller's thread, of the serve
 * slice on the answering thread (or a slice of its own there, for an
 * answer given later or by another thread), and a flow from the answer
 * to the caller's wake-up. */
static void
on_reply(struct chrome *ch, struct open_msg *m, unsigned pid, unsigned tid,
         unsigned long long ns)
{
  struct msg_side *serve = &m->side[SERVE], *call = &m->side[CALL];
  bool same_thread = m->received && serve->pid == pid && serve->tid == tid &&
                     !serve->done;

  if (!m->received) {
    m->received = true;
    serve->ns = ns;
    if (ch->queued[m->server] > 0)
      ch->queued[m->server]--;
  }
  if (same_thread) {
    flow(ch, "f", "message", pid, tid, ns + 1, m->flow);
    end_side(ch, m, SERVE, ns + 2);
  } else {
    struct thread_state *t = thread_of(ch, serve->pid, serve->tid);
    const struct open_msg *own = t != NULL ? t->holds[CALL] : NULL;
    unsigned long long end = ns - 1;

    /* The thread that received it ends its slice now, before a call of
     * its own that is still open, so that the two nest. */
    if (own != NULL && own->side[CALL].ns <= end &&
        own->side[CALL].ns > serve->ns)
      end = own->side[CALL].ns - 1;
    end_side(ch, m, SERVE, end);
    serve->pid = pid;
    serve->tid = tid;
    serve->ns = ns;
    serve->done = false;
    flow(ch, "f", "message", pid, tid, ns + 1, m->flow);
    end_side(ch, m, SERVE, ns + 2);
  }
  if (!call->done) {
    unsigned long long answer = ++ch->seq;

    flow(ch, "s", "answer", pid, tid, ns + 1, answer);
    flow(ch, "f", "answer", call->pid, call->tid, ns + 1, answer);
    end_side(ch, m, CALL, ns + 2);
  }
  forget(ch, m);
  counters(ch, m->server, ns);
}

void
chrome_event(struct chrome *ch, const char *json)
{
  json_t *o = xous__json_parse(json);
  const char *ev = xous__json_s(o, "ev"), *name = xous__json_s(o, "name");
  unsigned long long ns;
  unsigned pid, tid, server;
  unsigned long long key;
  struct open_msg *m = NULL;

  if (ev == NULL) {
    json_decref(o);
    return;
  }
  ns = event_ns(ch, xous__json_u(o, "ts", ch->last_us));
  pid = (unsigned)xous__json_u(o, "pid", 1);
  tid = (unsigned)xous__json_u(o, "tid", 0);
  server = (unsigned)xous__json_u(o, "server", MAX_SERVERS);
  key = xous__json_u(o, "slot", NO_KEY);
  if (server < MAX_SERVERS && key < NO_KEY) {
    m = slot_of(ch, server, key);
    /* Another message in the same place: not the one this event is of. */
    if (m->used && (m->server != server || m->key != key) &&
        strcmp(ev, "send") != 0)
      m = NULL;
  }
  if (tid != 0)
    name_thread(ch, pid, tid);

  if (strcmp(ev, "send") == 0 && m != NULL) {
    moves_on(ch, pid, tid, CALL, ns);
    on_send(ch, m, o, pid, tid, server, key, ns);
  } else if (strcmp(ev, "receive") == 0 && m != NULL && m->used) {
    moves_on(ch, pid, tid, SERVE, ns);
    on_receive(ch, m, pid, tid, ns);
  } else if (strcmp(ev, "reply") == 0 && m != NULL && m->used) {
    on_reply(ch, m, pid, tid, ns);
  } else if (json_is_true(json_object_get(o, "existing"))) {
    /* What was there when the recording began: a track's name, no
     * marker. */
    if (strcmp(ev, "process") == 0 && name != NULL)
      name_process(ch, pid, name);
  } else if (strcmp(ev, "process") == 0) {
    if (name != NULL)
      name_process(ch, pid, name);
    instant(ch, pid, 0, ns, "process", o);
  } else if (strcmp(ev, "exit") == 0) {
    instant(ch, pid, 0, ns, "exit", o);
    /* Calls a server that died was serving end here. A client's death
     * ends nothing: the server still receives what it sent (and may
     * tell the broker after the death), and answers into the void. */
    for (unsigned n = 0; n < MAX_OPEN; n++) {
      struct open_msg *x = &ch->msgs[n];

      if (x->used && x->received && x->side[SERVE].pid == pid)
        abandon(ch, x, ns);
    }
    /* Its PID may come back as another process, with threads of its
     * own. */
    if (pid < MAX_PIDS)
      for (unsigned t = 0; t < MAX_TIDS; t++)
        ch->threads[pid][t].named = false;
  } else if (strcmp(ev, "destroy") == 0) {
    instant(ch, 1, 0, ns, "destroy", o);
  } else {
    /* server, connect, and anything newer: a marker on the process. */
    instant(ch, pid, tid, ns, ev, o);
  }
  json_decref(o);
}

int
chrome_close(struct chrome *ch)
{
  int err = 0;
  unsigned long long end = ch->last_ns + STEP_NS;

  for (unsigned n = 0; n < MAX_OPEN; n++)
    if (ch->msgs[n].used && ch->msgs[n].blocking)
      abandon(ch, &ch->msgs[n], end);
  fputs("\n]}\n", ch->out);
  if (ferror(ch->out) || ch->failed)
    err = EIO;
  if (fclose(ch->out) != 0 && err == 0)
    err = errno;
  free(ch);
  if (err != 0) {
    errno = err;
    return -1;
  }
  return 0;
}
