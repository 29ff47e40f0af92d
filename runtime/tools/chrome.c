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
#define NO_KEY (1ull << 40)
#define OPEN_BITS 16
#define MAX_OPEN (1u << OPEN_BITS)

struct open_msg {
  bool used, received, blocking;
  unsigned server;
  unsigned long long key;
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
  unsigned pid, tid, server;
  unsigned long long key;
  struct open_msg *m = NULL;

  if (!json_next_object(&p, &o) || !json_get(&o, "ev", ev, sizeof ev))
    return;
  ts = json_get_u(&o, "ts", ch->last_ts);
  if (ts > ch->last_ts)
    ch->last_ts = ts;
  pid = (unsigned)json_get_u(&o, "pid", 1);
  tid = (unsigned)json_get_u(&o, "tid", 0);
  server = (unsigned)json_get_u(&o, "server", MAX_SERVERS);
  key = json_get_u(&o, "slot", NO_KEY);
  if (server < MAX_SERVERS && key < NO_KEY) {
    m = slot_of(ch, server, key);
    /* Another message in the same place: not the one this event is of. */
    if (m->used && (m->server != server || m->key != key) &&
        strcmp(ev, "send") != 0)
      m = NULL;
  }

  if (strcmp(ev, "send") == 0 && m != NULL) {
    if (m->used && m->blocking)
      finish(ch, m, m->server, ts); /* its end was missed */
    memset(m, 0, sizeof *m);
    m->used = true;
    m->server = server;
    m->key = key;
    m->kind = (unsigned)json_get_u(&o, "kind", 0);
    m->blocking = m->kind == 1 || m->kind == 2 || m->kind == 5;
    m->id = json_get_u(&o, "id", 0);
    m->flow = ++ch->seq;
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
    /* Calls a server that died was serving end here. A client's death
     * ends nothing: the server still receives what it sent (and may
     * tell the broker after the death), and answers into the void. */
    for (unsigned n = 0; n < MAX_OPEN; n++) {
      struct open_msg *x = &ch->msgs[n];

      if (x->used && x->received && x->server_pid == pid)
        finish(ch, x, x->server, ts);
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

  for (unsigned n = 0; n < MAX_OPEN; n++)
    if (ch->msgs[n].used && ch->msgs[n].blocking)
      finish(ch, &ch->msgs[n], ch->msgs[n].server, ch->last_ts);
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
