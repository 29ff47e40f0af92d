/*
 * The Chrome trace-event writer (see chrome.h).
 *
 * A message is followed through its server queue slot: "send" gives the
 * client's PID and TID and the slot, "receive" the server's thread, and
 * "reply" the end of a blocking call. The pair (server index, slot) is
 * unique while the message is in flight, so it keys the table of open
 * messages; the flow id is that pair with a sequence number in the high
 * bits, as slots are reused.
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
#define MAX_SLOTS 256

struct open_msg {
  bool used, received, blocking;
  unsigned kind;
  unsigned long long id, flow;
  unsigned client_pid, client_tid, server_pid, server_tid;
  unsigned long long send_ts, recv_ts;
};

struct chrome {
  FILE *out;
  bool first;
  unsigned long long seq, last_ts;
  bool named[256];
  struct open_msg msgs[MAX_SERVERS][MAX_SLOTS];
};

static const char *const kinds[] = {
  "message", "MutableLend", "Lend", "Send", "Scalar", "BlockingScalar",
};

static const char *
kind_name(unsigned kind)
{
  return kind < sizeof kinds / sizeof kinds[0] ? kinds[kind] : kinds[0];
}

/* Starts one event object; the caller writes the rest and the brace. */
static void
begin(struct chrome *ch, const char *ph, unsigned pid, unsigned tid,
      unsigned long long ts)
{
  fprintf(ch->out, "%s\n{\"ph\":\"%s\",\"pid\":%u,\"tid\":%u,\"ts\":%llu",
          ch->first ? "" : ",", ph, pid, tid, ts);
  ch->first = false;
}

static void
name_process(struct chrome *ch, unsigned pid, const char *name)
{
  begin(ch, "M", pid, 0, 0);
  fputs(",\"name\":\"process_name\",\"args\":{\"name\":", ch->out);
  json_put_string(ch->out, name);
  fprintf(ch->out, "}}");
  begin(ch, "M", pid, 0, 0);
  fprintf(ch->out, ",\"name\":\"process_sort_index\",\"args\":"
                   "{\"sort_index\":%u}}", pid);
  if (pid < 256)
    ch->named[pid] = true;
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
  fputs("{\"displayTimeUnit\":\"ms\",\"otherData\":{\"source\":\"xousctl "
        "trace\"},\"traceEvents\":[",
        ch->out);
  name_process(ch, 1, "xousd");
  return ch;
}

void
chrome_processes(struct chrome *ch, const char *ps_json)
{
  struct json_obj o;
  const char *p = ps_json;
  char name[64];

  while (json_next_object(&p, &o))
    if (json_get(&o, "name", name, sizeof name))
      name_process(ch, (unsigned)json_get_u(&o, "pid", 0), name);
}

/* A complete slice: [ts, ts + dur) on pid/tid. */
static void
slice(struct chrome *ch, unsigned pid, unsigned tid, unsigned long long ts,
      unsigned long long dur, const char *cat, const char *name,
      const struct open_msg *m, unsigned server)
{
  begin(ch, "X", pid, tid, ts);
  fprintf(ch->out, ",\"dur\":%llu,\"cat\":\"%s\",\"name\":\"%s\"", dur, cat,
          name);
  if (m != NULL)
    fprintf(ch->out, ",\"args\":{\"server\":%u,\"id\":%llu,\"from\":%u}",
            server, m->id, m->client_pid);
  fputc('}', ch->out);
}

/* One point of a flow arrow; "e" binds it to the slice around ts. */
static void
flow(struct chrome *ch, const char *ph, unsigned pid, unsigned tid,
     unsigned long long ts, unsigned long long id)
{
  begin(ch, ph, pid, tid, ts);
  fprintf(ch->out, ",\"cat\":\"message\",\"name\":\"message\",\"id\":%llu,"
                   "\"bp\":\"e\"}",
          id);
}

static void
instant(struct chrome *ch, unsigned pid, unsigned tid, unsigned long long ts,
        const char *name, const struct json_obj *o)
{
  begin(ch, "i", pid, tid, ts);
  fprintf(ch->out, ",\"s\":\"p\",\"cat\":\"broker\",\"name\":\"%s\"", name);
  fprintf(ch->out, ",\"args\":{\"event\":");
  fwrite(o->begin, 1, (size_t)(o->end - o->begin), ch->out);
  fputs("}}", ch->out);
}

/* The client's side of a finished blocking call, and the server's time
 * handling it. */
static void
finish(struct chrome *ch, struct open_msg *m, unsigned server,
       unsigned long long ts)
{
  char name[64];

  snprintf(name, sizeof name, "%s %llu", kind_name(m->kind), m->id);
  slice(ch, m->client_pid, m->client_tid, m->send_ts, ts - m->send_ts + 1,
        "call", name, m, server);
  if (m->received)
    slice(ch, m->server_pid, m->server_tid, m->recv_ts,
          ts - m->recv_ts + 1, "serve", name, m, server);
  m->used = false;
}

void
chrome_event(struct chrome *ch, const char *json)
{
  struct json_obj o;
  const char *p = json;
  char ev[32], name[64];
  unsigned long long ts;
  unsigned pid, tid, server, slot;
  struct open_msg *m = NULL;

  if (!json_next_object(&p, &o) || !json_get(&o, "ev", ev, sizeof ev))
    return;
  ts = json_get_u(&o, "ts", ch->last_ts);
  if (ts > ch->last_ts)
    ch->last_ts = ts;
  pid = (unsigned)json_get_u(&o, "pid", 1);
  tid = (unsigned)json_get_u(&o, "tid", 0);
  server = (unsigned)json_get_u(&o, "server", MAX_SERVERS);
  slot = (unsigned)json_get_u(&o, "slot", MAX_SLOTS);
  if (server < MAX_SERVERS && slot < MAX_SLOTS)
    m = &ch->msgs[server][slot];

  if (strcmp(ev, "send") == 0 && m != NULL) {
    if (m->used && m->blocking)
      finish(ch, m, server, ts); /* its end was missed */
    memset(m, 0, sizeof *m);
    m->used = true;
    m->kind = (unsigned)json_get_u(&o, "kind", 0);
    m->blocking = m->kind == 1 || m->kind == 2 || m->kind == 5;
    m->id = json_get_u(&o, "id", 0);
    m->flow = (++ch->seq << 16) | (server << 8) | slot;
    m->client_pid = pid;
    m->client_tid = tid;
    m->send_ts = ts;
    if (!m->blocking) {
      snprintf(name, sizeof name, "%s %llu", kind_name(m->kind), m->id);
      slice(ch, pid, tid, ts, 1, "call", name, m, server);
    }
    flow(ch, "s", pid, tid, ts, m->flow);
  } else if (strcmp(ev, "receive") == 0 && m != NULL && m->used) {
    m->received = true;
    m->server_pid = pid;
    m->server_tid = tid;
    m->recv_ts = ts;
    if (m->blocking) {
      flow(ch, "t", pid, tid, ts, m->flow);
    } else {
      snprintf(name, sizeof name, "%s %llu", kind_name(m->kind), m->id);
      slice(ch, pid, tid, ts, 1, "serve", name, m, server);
      flow(ch, "f", pid, tid, ts, m->flow);
      m->used = false;
    }
  } else if (strcmp(ev, "reply") == 0 && m != NULL && m->used) {
    /* The reply comes from the thread that answers, which need not be the
     * one that received. */
    if (!m->received) {
      m->received = true;
      m->recv_ts = ts;
    }
    m->server_pid = pid;
    m->server_tid = tid;
    flow(ch, "f", pid, tid, ts, m->flow);
    finish(ch, m, server, ts);
  } else if (strcmp(ev, "process") == 0) {
    if (json_get(&o, "name", name, sizeof name))
      name_process(ch, pid, name);
    instant(ch, pid, 0, ts, "process", &o);
  } else if (strcmp(ev, "exit") == 0) {
    instant(ch, pid, 0, ts, "exit", &o);
    /* Blocking calls of a process that died end here. */
    for (unsigned s = 0; s < MAX_SERVERS; s++)
      for (unsigned n = 0; n < MAX_SLOTS; n++) {
        struct open_msg *x = &ch->msgs[s][n];

        if (x->used && (x->client_pid == pid || x->server_pid == pid))
          finish(ch, x, s, ts);
      }
  } else if (strcmp(ev, "destroy") == 0) {
    instant(ch, 1, 0, ts, "destroy", &o);
  } else {
    /* server, connect, and anything newer: a marker on the process. */
    instant(ch, pid, tid, ts, ev, &o);
  }
}

int
chrome_close(struct chrome *ch)
{
  int err = 0;

  for (unsigned s = 0; s < MAX_SERVERS; s++)
    for (unsigned n = 0; n < MAX_SLOTS; n++)
      if (ch->msgs[s][n].used && ch->msgs[s][n].blocking)
        finish(ch, &ch->msgs[s][n], s, ch->last_ts);
  fputs("\n]}\n", ch->out);
  if (ferror(ch->out))
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
