/*
 * xousctl: looks at and steers a running xousd over its control protocol
 * (runtime/xousd/ctl.h): process, server and connection tables, kill,
 * shutdown, and the live trace, printed or recorded for Perfetto.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <inttypes.h>
#include <locale.h>
#include <strings.h>
#include <wchar.h>

#include <xous.h>
#include <xous/ticktimer.h>

#include "config.h"
#include "hosted/wire.h"
#include "tools/chrome.h"
#include "tools/cli.h"
#include "tools/ctl_client.h"
#include "tools/json.h"
#include "tools/monotonic.h"
#include "xousd/ctl.h"

/* How long an answer may take before the broker counts as unreachable. */
#define REPLY_TIMEOUT_MS 5000
#define REPLY_BUF (XOUS_WIRE_FRAME_SIZE + XOUS_WIRE_CTL_MAX)
/* The most trace events taken from the socket once a trace has stopped. */
#define DRAIN_MOST 100000u

enum { EXIT_BROKER = 1, EXIT_USAGE = 2 };

struct options {
  const char *socket;
  bool json;
  bool sids;
  const char *chrome;
  double duration;  /* seconds; 0 = until SIGINT */
  const char *name; /* hosted-env --name */
};

static char sock_path[PATH_MAX];
static const char *request_name = ""; /* the name a request carries */
static volatile sig_atomic_t stop_requested;

static void
usage(FILE *out)
{
  fprintf(out,
          "usage: xousctl [--socket PATH] [--json] [--sids] COMMAND\n"
          "       xousctl [--socket PATH] trace [--json] [--chrome FILE "
          "[--duration SECONDS]]\n"
          "       xousctl [--socket PATH] time [advance MS]\n"
          "       xousctl [--socket PATH] [--json] fail [PID SYSCALL NTH "
          "ERROR | clear]\n"
          "       xousctl --help | --version\n"
          "\n"
          "Looks at and steers a running xousd (see xousctl(1)).\n"
          "\n"
          "commands:\n"
          "  ps             processes: PID, name, state, threads, servers,\n"
          "                 connections\n"
          "  servers        servers: SID (short hash), owner, queue depth,\n"
          "                 messages served\n"
          "  conns          connections of every process\n"
          "  kill PID       kills the Xous process PID\n"
          "  shutdown       stops the broker and every process\n"
          "  trace          prints every broker event as it happens\n"
          "  hosted-env [--name NAME]\n"
          "                 reserves a PID and a one-time key for a Rust\n"
          "                 program of the Xous hosted mode, and prints\n"
          "                 XOUS_SERVER=, XOUS_PID=, XOUS_PROCESS_KEY= for\n"
          "                 'env $(xousctl hosted-env) PROGRAM' (the key\n"
          "                 expires unused after a minute)\n"
          "  time           the ticktimer's clock, in ms\n"
          "  time advance MS  moves a virtual clock on by MS (xous-run\n"
          "                 --virtual-time), waking what falls due\n"
          "  fail           lists the fault rules\n"
          "  fail PID SYSCALL NTH ERROR\n"
          "                 makes call NTH (0: every) of SYSCALL (a name\n"
          "                 such as SendMessage, or a number) by PID (0:\n"
          "                 any) fail with ERROR (ServerQueueFull, or 15)\n"
          "  fail clear     removes every fault rule\n"
          "\n"
          "options:\n"
          "  -s, --socket PATH     the broker's socket (default: "
          "$XOUS_SOCKET,\n"
          "                        else $XDG_RUNTIME_DIR/xous/xousd.sock,\n"
          "                        else /tmp/xous-UID/xousd.sock)\n"
          "  -j, --json            print the broker's JSON\n"
          "      --sids            show whole SIDs instead of short hashes\n"
          "  -c, --chrome FILE     trace: record Chrome trace-event JSON\n"
          "  -d, --duration SECS   trace: stop after SECS seconds\n"
          "  -n, --name NAME       hosted-env: the program's name in ps\n"
          "  -h, --help            this text\n"
          "  -V, --version         the version\n");
}

/* ==== the socket ============================================================ */

static int
dial(void)
{
  int fd = xous__ctl_dial(sock_path);

  if (fd < 0 && errno == ENAMETOOLONG)
    fprintf(stderr, "xousctl: socket path too long: %s\n", sock_path);
  else if (fd < 0)
    fprintf(stderr,
            "xousctl: cannot reach xousd at %s: is it running? start it "
            "with 'xousd' or use 'xous-run'\n",
            sock_path);
  return fd;
}

/* Receives the next datagram of the given type into buf (REPLY_BUF bytes)
 * and returns its JSON text, NUL terminated, or NULL. timeout_ms < 0
 * waits until a signal; *timed_out tells a timeout from a failure. */
static char *
receive(int fd, char *buf, unsigned type, int timeout_ms, bool *timed_out)
{
  for (;;) {
    unsigned got;
    char *json = xous__ctl_receive(fd, buf, REPLY_BUF, timeout_ms,
                                   &stop_requested, &got, timed_out);

    if (json == NULL || got == type)
      return json; /* else e.g. a trace event before a reply */
  }
}

/* Asks for cmd and returns the broker's JSON (in buf), or NULL after saying
 * why. */
static char *
ask_words(int fd, char *buf, unsigned cmd, const uint64_t args[7])
{
  bool timed_out;
  char *json;

  if (xous__ctl_send(fd, cmd, args, request_name) != 0) {
    fprintf(stderr, "xousctl: xousd at %s closed the connection\n", sock_path);
    return NULL;
  }
  json = receive(fd, buf, XOUS_WIRE_CTL_REPLY, REPLY_TIMEOUT_MS, &timed_out);
  if (json == NULL)
    fprintf(stderr, "xousctl: xousd at %s %s\n", sock_path,
            timed_out ? "did not answer" : "sent no valid answer");
  return json;
}

static char *
ask(int fd, char *buf, unsigned cmd, uint64_t arg)
{
  const uint64_t args[7] = { arg };

  return ask_words(fd, buf, cmd, args);
}

/* ==== SIDs ================================================================== */

/* A short, stable stand-in for a SID: the first 32 bits of FNV-1a over its
 * hex text. It tells servers apart without printing a capability. */
static void
sid_hash(const char *sid, char out[9])
{
  uint32_t h = 2166136261u;

  for (; *sid != '\0'; sid++) {
    h ^= (unsigned char)*sid;
    h *= 16777619u;
  }
  snprintf(out, 9, "%08x", h);
}

/* Prints the broker's JSON with every "sid" value replaced by its hash,
 * as compact as the broker wrote it. */
static void
print_hashed_json(const char *json)
{
  json_t *list = xous__json_parse(json), *o;
  size_t i;
  char *text;

  json_array_foreach(list, i, o)
  {
    const char *sid = xous__json_s(o, "sid");
    char h[9];

    if (sid != NULL) {
      sid_hash(sid, h);
      json_object_set_new(o, "sid", json_string(h));
    }
  }
  text = list != NULL ? json_dumps(list, JSON_COMPACT) : NULL;
  puts(text != NULL ? text : json);
  free(text);
  json_decref(list);
}

/* ==== tables ================================================================ */

/* The variables a hosted-mode program reads, one per line. */
static void
print_hosted_env(const char *json)
{
  json_t *o = xous__json_parse(json);
  const char *server = xous__json_s(o, "server"),
             *key = xous__json_s(o, "key");

  if (server != NULL && key != NULL)
    printf("XOUS_SERVER=%s\nXOUS_PID=%llu\nXOUS_PROCESS_KEY=%s\n", server,
           xous__json_u(o, "pid", 0), key);
  json_decref(o);
}

/* What the host says of a process's threads: "running" when one of them
 * runs, else "sleeping"; NULL when /proc does not know it (another
 * machine's broker, or a process that just ended). Every thread is a
 * /proc/PID/task entry whose stat's state is R when it runs. */
static const char *
host_state(long long os_pid)
{
  char path[64], buf[512];
  bool any = false, running = false;
  struct dirent *e;
  DIR *d;

  snprintf(path, sizeof path, "/proc/%lld/task", os_pid);
  if (os_pid <= 0 || (d = opendir(path)) == NULL)
    return NULL;
  while (!running && (e = readdir(d)) != NULL) {
    char stat_path[384];
    const char *close_paren;
    FILE *f;

    if (e->d_name[0] < '0' || e->d_name[0] > '9')
      continue;
    snprintf(stat_path, sizeof stat_path, "%s/%s/stat", path, e->d_name);
    if ((f = fopen(stat_path, "r")) == NULL)
      continue;
    /* pid (comm) state ...: comm may hold anything; read past its ')'. */
    if (fgets(buf, sizeof buf, f) != NULL &&
        (close_paren = strrchr(buf, ')')) != NULL && close_paren[1] == ' ') {
      any = true;
      running = close_paren[2] == 'R';
    }
    fclose(f);
  }
  closedir(d);
  return !any ? NULL : running ? "running" : "sleeping";
}

/* The state a person wants: "blocked" when the broker holds a thread
 * (connecting, waiting for an answer it relays, or for queue space);
 * else, from the host, "running", or, asleep, "receiving" for a server
 * (its threads wait for messages) and "sleeping" for anything else. */
static const char *
shown_state(const json_t *o, const char *broker_state)
{
  const char *host;

  if (strcmp(broker_state, "running") != 0)
    return broker_state;
  host = host_state((long long)xous__json_u(o, "os_pid", 0));
  if (host == NULL || strcmp(host, "running") == 0)
    return broker_state;
  return xous__json_u(o, "servers", 0) > 0 ? "receiving" : "sleeping";
}

/* The terminal columns s takes (a name may be any UTF-8, and a CJK
 * character takes two), for tables that line up. */
static int
columns(const char *s)
{
  mbstate_t st;
  size_t left = strlen(s);
  int cols = 0;

  memset(&st, 0, sizeof st);
  while (left > 0) {
    wchar_t wc;
    size_t n = mbrtowc(&wc, s, left, &st);
    int w;

    if (n == (size_t)-1 || n == (size_t)-2) {
      cols += (int)left; /* not text of this locale: a byte a column */
      break;
    }
    if (n == 0)
      break;
    w = wcwidth(wc);
    cols += w > 0 ? w : 0;
    s += n;
    left -= n;
  }
  return cols;
}

/* Prints s left-aligned in width columns, then a space. */
static void
put_column(const char *s, int width)
{
  int pad = width - columns(s);

  fputs(s, stdout);
  printf("%*s ", pad > 0 ? pad : 0, "");
}

/* What ps says of the servers a thread waits on: "owner#index", and
 * which one is the ticktimer, whose calls are sleeps and locks. */
struct server_names {
  char name[256][48];
  bool ticktimer[256];
};

static void
server_names_load(struct server_names *sn, const char *servers_json)
{
  xous_sid_t tt = xous_sid_from_name(XOUS_TICKTIMER_NAME);
  json_t *list = xous__json_parse(servers_json), *o;
  char tt_hex[33];
  size_t i;

  snprintf(tt_hex, sizeof tt_hex, "%08x%08x%08x%08x", tt.w[0], tt.w[1],
           tt.w[2], tt.w[3]);
  memset(sn, 0, sizeof *sn);
  json_array_foreach(list, i, o)
  {
    unsigned long long index = xous__json_u(o, "index", 256);
    const char *owner = xous__json_s(o, "owner_name"),
               *sid = xous__json_s(o, "sid");

    if (index >= 256)
      continue;
    snprintf(sn->name[index], sizeof sn->name[index], "%s#%llu",
             owner != NULL ? owner : "?", index);
    sn->ticktimer[index] = sid != NULL && strcmp(sid, tt_hex) == 0;
  }
  json_decref(list);
}

/* One thread's wait in words (into out), and the word for the process's
 * STATE column that it stands for. */
static const char *
describe_wait(const json_t *t, const struct server_names *sn, char *out,
              size_t size)
{
  const char *state = xous__json_s(t, "state");
  unsigned long long server = xous__json_u(t, "server", 256),
                     op = xous__json_u(t, "opcode", ULLONG_MAX);
  const char *to = server < 256 && sn->name[server][0] != '\0'
                       ? sn->name[server]
                       : "a server";

  if (state == NULL)
    state = "?";
  if (strcmp(state, "receive") == 0) {
    snprintf(out, size, "receiving on %s", to);
    return "receiving";
  }
  if (strcmp(state, "call") == 0 && server < 256 && sn->ticktimer[server]) {
    if (op == XOUS_TICKTIMER_SLEEP_MS) {
      snprintf(out, size, "sleeping (%s, SleepMs)", to);
      return "sleeping";
    }
    if (op == XOUS_TICKTIMER_LOCK_MUTEX) {
      snprintf(out, size, "waiting for a mutex (%s, LockMutex)", to);
      return "waiting";
    }
    if (op == XOUS_TICKTIMER_WAIT_FOR_CONDITION) {
      snprintf(out, size, "waiting on a condition (%s, WaitForCondition)", to);
      return "waiting";
    }
  }
  if (strcmp(state, "call") == 0) {
    if (op != ULLONG_MAX)
      snprintf(out, size, "waiting for an answer from %s (opcode %llu)", to,
               op);
    else
      snprintf(out, size, "waiting for an answer from %s", to);
    return "calling";
  }
  if (strcmp(state, "send") == 0) {
    snprintf(out, size, "sending to %s, whose queue is full", to);
    return "sending";
  }
  if (strcmp(state, "connect") == 0) {
    snprintf(out, size, "connecting, until the server exists");
    return "connecting";
  }
  snprintf(out, size, "%s", state);
  return state;
}

/* The STATE column: the broker's own word for a process it has no
 * threads of ("idle", "starting"); else "running" when a thread runs
 * (or, when the host says every thread of it sleeps, "sleeping": in a
 * host call), "receiving" when every thread receives, and otherwise what
 * the first thread that does not receive waits in. */
static const char *
process_state(const json_t *o, const struct server_names *sn)
{
  const char *state = xous__json_s(o, "state"), *first = NULL;
  const json_t *threads = json_object_get(o, "thread_states"), *t;
  bool running = false;
  size_t i;

  if (state == NULL)
    return "?";
  if (!json_is_array(threads) || json_array_size(threads) == 0)
    return shown_state(o, state);
  json_array_foreach(threads, i, t)
  {
    char text[160];
    const char *word = describe_wait(t, sn, text, sizeof text);

    if (strcmp(word, "running") == 0)
      running = true;
    else if (first == NULL && strcmp(word, "receiving") != 0)
      first = word;
  }
  if (running) {
    const char *host = host_state((long long)xous__json_u(o, "os_pid", 0));

    return host != NULL && strcmp(host, "sleeping") == 0 ? "sleeping"
                                                         : "running";
  }
  return first != NULL ? first : "receiving";
}

/* ps: a line per process, and under it a line per thread, saying what it
 * waits in. */
static void
print_ps(const char *json, const char *servers_json)
{
  json_t *list = xous__json_parse(json), *o, *t;
  struct server_names *sn = calloc(1, sizeof *sn);
  size_t i, j;

  if (sn != NULL && servers_json != NULL)
    server_names_load(sn, servers_json);
  printf("%4s  %-20s %8s  %-10s %7s %7s %5s  %s\n", "PID", "NAME", "HOST PID",
         "STATE", "THREADS", "SERVERS", "CONNS", "KIND");
  json_array_foreach(list, i, o)
  {
    const char *name = xous__json_s(o, "name");

    printf("%4llu  ", xous__json_u(o, "pid", 0));
    put_column(name != NULL ? name : "?", 20);
    printf("%8llu  %-10s %7llu %7llu %5llu  %s\n",
           xous__json_u(o, "os_pid", 0),
           sn != NULL ? process_state(o, sn) : "?",
           xous__json_u(o, "threads", 0), xous__json_u(o, "servers", 0),
           xous__json_u(o, "connections", 0),
           xous__json_true(o, "hosted") ? "hosted" : "native");
    json_array_foreach(json_object_get(o, "thread_states"), j, t)
    {
      char text[160];

      if (sn == NULL)
        break;
      describe_wait(t, sn, text, sizeof text);
      printf("      tid %-3llu %s\n", xous__json_u(t, "tid", 0), text);
    }
  }
  free(sn);
  json_decref(list);
}

static void
print_servers(const char *json, bool sids)
{
  json_t *list = xous__json_parse(json), *o;
  size_t i;

  printf("%5s  %-*s %-24s %6s %8s\n", "INDEX", sids ? 32 : 8, "SID", "OWNER",
         "QUEUED", "SERVED");
  json_array_foreach(list, i, o)
  {
    const char *sid = xous__json_s(o, "sid"),
               *owner = xous__json_s(o, "owner_name");
    char h[9], who[96];

    sid = sid != NULL ? sid : "?";
    sid_hash(sid, h);
    snprintf(who, sizeof who, "%llu %s", xous__json_u(o, "owner", 0),
             owner != NULL ? owner : "?");
    printf("%5llu  %-*s ", xous__json_u(o, "index", 0), sids ? 32 : 8,
           sids ? sid : h);
    put_column(who, 24);
    printf("%6llu %8llu\n", xous__json_u(o, "queued", 0),
           xous__json_u(o, "served", 0));
  }
  json_decref(list);
}

/* Connections, with the owner of each server looked up in the server
 * table. */
static void
print_conns(const char *json, const char *servers)
{
  json_t *list = xous__json_parse(json), *slist = xous__json_parse(servers);
  json_t *o, *so;
  size_t i, j;

  printf("%4s %4s %6s  %-24s %s\n", "PID", "CID", "SERVER", "OWNER", "LIVE");
  json_array_foreach(list, i, o)
  {
    unsigned long long index = xous__json_u(o, "server", ULLONG_MAX);
    char who[96] = "-";

    json_array_foreach(slist, j, so)
    {
      const char *owner = xous__json_s(so, "owner_name");

      if (xous__json_u(so, "index", ULLONG_MAX) == index && owner != NULL) {
        snprintf(who, sizeof who, "%llu %s", xous__json_u(so, "owner", 0),
                 owner);
        break;
      }
    }
    printf("%4llu %4llu %6llu  ", xous__json_u(o, "pid", 0),
           xous__json_u(o, "cid", 0), index);
    put_column(who, 24);
    printf("%s\n", json_is_boolean(json_object_get(o, "live"))
                       ? (xous__json_true(o, "live") ? "yes" : "no")
                       : "?");
  }
  json_decref(list);
  json_decref(slist);
}

/* An answer {"ok":false,"error":...}: says so and returns false. */
static bool
answer_ok(const char *json, const char *what)
{
  json_t *o = xous__json_parse(json);
  const char *err = xous__json_s(o, "error");
  bool ok = xous__json_true(o, "ok");

  if (!json_is_boolean(json_object_get(o, "ok")))
    fprintf(stderr, "xousctl: %s: unexpected answer: %s\n", what, json);
  else if (!ok)
    fprintf(stderr, "xousctl: %s: %s\n", what, err != NULL ? err : "refused");
  json_decref(o);
  return ok;
}

/* ==== trace ================================================================= */

static void
on_stop(int sig)
{
  (void)sig;
  stop_requested = 1;
}

/* What the text trace shows instead of numbers: process names by Xous
 * PID, and each server's owner, learnt from ps and servers at the start
 * and from the events themselves. */
struct trace_names {
  char process[256][32];
  int owner[256]; /* Xous PID, or -1 */
};

/* What an event teaches: a process's name, a server's owner. */
static void
names_learn(struct trace_names *tn, const json_t *o, const char *ev)
{
  unsigned long long pid = xous__json_u(o, "pid", 256);
  unsigned long long server = xous__json_u(o, "server", 256);
  const char *name = xous__json_s(o, "name");

  if (pid >= 256)
    return;
  if (strcmp(ev, "process") == 0 && name != NULL)
    snprintf(tn->process[pid], sizeof tn->process[pid], "%s", name);
  else if (strcmp(ev, "server") == 0 && server < 256)
    tn->owner[server] = (int)pid;
  else if (strcmp(ev, "destroy") == 0 && server < 256)
    tn->owner[server] = -1;
}

static const char *
message_kind(unsigned long long kind)
{
  static const char *const kinds[] = {
    "?", "MutableLend", "Lend", "Send", "Scalar", "BlockingScalar"
  };

  return kind < sizeof kinds / sizeof kinds[0] ? kinds[kind] : "?";
}

/* One value, with its name where the number stands for one. */
static void
print_value(const struct trace_names *tn, const char *key, const json_t *val)
{
  bool number = json_is_integer(val) && json_integer_value(val) >= 0;
  unsigned long long n = number ? (unsigned long long)json_integer_value(val)
                                : 0;
  char *text;

  if (number && strcmp(key, "kind") == 0) {
    printf(" %s=%s", key, message_kind(n));
    return;
  }
  if (number && n < 256 &&
      (strcmp(key, "pid") == 0 || strcmp(key, "from") == 0 ||
       strcmp(key, "to") == 0) &&
      tn->process[n][0] != '\0') {
    printf(" %s=%s(%llu)", key, tn->process[n], n);
    return;
  }
  if (number && n < 256 && strcmp(key, "server") == 0 && tn->owner[n] > 0 &&
      tn->process[tn->owner[n]][0] != '\0') {
    printf(" %s=%s#%llu", key, tn->process[tn->owner[n]], n);
    return;
  }
  if (json_is_string(val)) {
    printf(" %s=%s", key, json_string_value(val));
    return;
  }
  text = json_dumps(val, JSON_COMPACT | JSON_ENCODE_ANY);
  printf(" %s=%s", key, text != NULL ? text : "?");
  free(text);
}

/* One event as a line: the time in seconds, the event, then key=value,
 * with names for the numbers that stand for processes, servers and
 * message kinds. */
static void
print_event(struct trace_names *tn, const char *json)
{
  json_t *o = xous__json_parse(json), *val;
  const char *ev = xous__json_s(o, "ev"), *key;
  unsigned long long ts;

  if (!json_is_object(o)) {
    json_decref(o);
    return;
  }
  ts = xous__json_u(o, "ts", 0);
  ev = ev != NULL ? ev : "?";
  names_learn(tn, o, ev);
  if (json_is_true(json_object_get(o, "existing"))) {
    json_decref(o); /* what was there when the trace began: names only */
    return;
  }
  printf("%llu.%06llu %-8s", ts / 1000000, ts % 1000000, ev);
  /* Every other member, in the broker's order. */
  json_object_foreach(o, key, val)
  {
    if (strcmp(key, "ts") != 0 && strcmp(key, "ev") != 0)
      print_value(tn, key, val);
  }
  putchar('\n');
  json_decref(o);
}

static void
record_event(struct trace_names *tn, struct chrome *ch,
             const struct options *o, char *json)
{
  if (ch != NULL)
    chrome_event(ch, json);
  else if (o->json)
    puts(json);
  else
    print_event(tn, json);
}

/* Records the trace events already in the socket, without waiting, and
 * at most as many as its buffer can hold: a busy system does not keep a
 * stopped trace going. Returns how many. */
static unsigned long
drain_events(int fd, char *buf, struct trace_names *tn, struct chrome *ch,
             const struct options *o)
{
  unsigned long n = 0;

  while (n < DRAIN_MOST) {
    unsigned type;
    bool timed_out;
    char *json = xous__ctl_receive(fd, buf, REPLY_BUF, 0, NULL, &type,
                                   &timed_out);

    if (json == NULL)
      break;
    if (type != XOUS_WIRE_TRACE)
      continue;
    record_event(tn, ch, o, json);
    n++;
  }
  return n;
}

static int
run_trace(int fd, char *buf, const struct options *o)
{
  static struct trace_names names;
  struct trace_names *tn = &names;
  struct sigaction sa = { .sa_handler = on_stop };
  struct chrome *ch = NULL;
  long long deadline = 0;
  unsigned long events = 0;
  bool timed_out;
  char *json;
  int status = 0;

  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL); /* no SA_RESTART: poll() returns */
  sigaction(SIGTERM, &sa, NULL);
  if (o->chrome != NULL) {
    ch = chrome_open(o->chrome);
    if (ch == NULL) {
      fprintf(stderr, "xousctl: cannot write %s: %s\n", o->chrome,
              strerror(errno));
      return EXIT_BROKER;
    }
    /* The processes that exist already get their names from ps. */
    json = ask(fd, buf, XOUS_CTL_PS, 0);
    if (json == NULL) {
      chrome_close(ch);
      return EXIT_BROKER;
    }
    chrome_processes(ch, json);
  }
  /* The names of the processes and the owners of the servers that are
   * there already come first in the trace, as "existing" events. */
  memset(tn->owner, 0xff, sizeof tn->owner);
  json = ask(fd, buf, XOUS_CTL_TRACE, 0);
  if (json == NULL || !answer_ok(json, "trace")) {
    if (ch != NULL)
      chrome_close(ch);
    return EXIT_BROKER;
  }
  if (ch != NULL) {
    fprintf(stderr, "xousctl: recording to %s; stop with Ctrl-C\n", o->chrome);
    if (o->duration > 0)
      deadline = now_ms() + (long long)(o->duration * 1000);
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  while (!stop_requested) {
    int wait_ms = -1;

    if (deadline != 0) {
      wait_ms = (int)(deadline - now_ms());
      if (wait_ms <= 0)
        break;
    }
    json = receive(fd, buf, XOUS_WIRE_TRACE, wait_ms, &timed_out);
    if (json == NULL) {
      if (timed_out)
        break;
      fprintf(stderr, "xousctl: xousd at %s went away\n", sock_path);
      status = ch != NULL ? 0 : EXIT_BROKER; /* what we have is kept */
      break;
    }
    events++;
    record_event(tn, ch, o, json);
  }
  /* Events the broker sent before the stop are part of the trace, even
   * when the stop came while they waited in the socket. */
  if (status == 0)
    events += drain_events(fd, buf, tn, ch, o);
  if (ch != NULL) {
    if (chrome_close(ch) != 0) {
      fprintf(stderr, "xousctl: cannot write %s: %s\n", o->chrome,
              strerror(errno));
      return EXIT_BROKER;
    }
    fprintf(stderr, "xousctl: %lu events written to %s\n", events, o->chrome);
  }
  return status;
}

/* ==== main ================================================================== */

static bool
parse_pid(const char *s, uint64_t *pid)
{
  char *end;
  unsigned long v;

  errno = 0;
  v = strtoul(s, &end, 10);
  if (errno != 0 || *end != '\0' || end == s || v < 1 || v > 255)
    return false;
  *pid = v;
  return true;
}

/* ==== testing: the virtual clock and fault rules ============================ */

/* A name of table (matched without case) or a number from 1 to 0xffff. */
struct named {
  const char *name;
  unsigned number;
};

static bool
parse_named(const char *s, const struct named *table, size_t n, uint64_t *out)
{
  char *end;
  unsigned long v;

  for (size_t i = 0; i < n; i++)
    if (strcasecmp(s, table[i].name) == 0) {
      *out = table[i].number;
      return true;
    }
  errno = 0;
  v = strtoul(s, &end, 0);
  if (errno != 0 || *end != '\0' || end == s || v == 0 || v > 0xffff)
    return false;
  *out = v;
  return true;
}

/* A syscall by its Xous name (SendMessage) or number. */
static bool
parse_syscall(const char *s, uint64_t *out)
{
  static const struct named names[] = {
#define SYSCALL_NAME(upper, number, name) { name, number },
    XOUS_SYSCALL_MAP(SYSCALL_NAME)
#undef SYSCALL_NAME
  };

  return parse_named(s, names, sizeof names / sizeof names[0], out);
}

/* An error by its Xous name (ServerQueueFull) or number, not NoError. */
static bool
parse_error(const char *s, uint64_t *out)
{
  static const struct named names[] = {
#define ERROR_NAME(upper, number, name, text) { name, number },
    XOUS_ERROR_MAP(ERROR_NAME)
#undef ERROR_NAME
  };

  /* Not NoError (the first): a rule fails a call. */
  return parse_named(s, names + 1, sizeof names / sizeof names[0] - 1, out);
}

static bool
parse_u32(const char *s, uint64_t *out)
{
  char *end;
  unsigned long long v;

  errno = 0;
  v = strtoull(s, &end, 10);
  if (errno != 0 || *end != '\0' || end == s || s[0] == '-' || v > UINT32_MAX)
    return false;
  *out = v;
  return true;
}

static void
print_faults(const char *json)
{
  json_t *list = xous__json_parse(json), *o;
  bool any = false;
  size_t i;

  json_array_foreach(list, i, o)
  {
    const char *err = xous__json_s(o, "error_name");
    unsigned long long pid = xous__json_u(o, "pid", ULLONG_MAX),
                       nth = xous__json_u(o, "nth", ULLONG_MAX);
    char pid_text[24], nth_text[24];

    if (err == NULL || pid == ULLONG_MAX || nth == ULLONG_MAX)
      continue;
    if (!any)
      printf("%-5s %-24s %-6s %-20s %6s %6s\n", "PID", "SYSCALL", "NTH",
             "ERROR", "SEEN", "FIRED");
    any = true;
    snprintf(pid_text, sizeof pid_text, "%llu", pid);
    snprintf(nth_text, sizeof nth_text, "%llu", nth);
    printf("%-5s %-24s %-6s %-20s %6llu %6llu\n", pid == 0 ? "any" : pid_text,
           xous_syscall_name((unsigned)xous__json_u(o, "syscall", 0)),
           nth == 0 ? "every" : nth_text, err, xous__json_u(o, "seen", 0),
           xous__json_u(o, "fired", 0));
  }
  if (!any)
    printf("no fault rules\n");
  json_decref(list);
}

/* ==== the commands ========================================================== */

/* A command and what it was given: the options, its own arguments, and
 * the words they became. */
struct command_line {
  const struct options *o;
  const char *name;
  int argc;
  char **argv;
  uint64_t args[7];
};

/* Asks for cmd and prints the answer: the broker's JSON with --json, else
 * what print makes of it. */
static int
show(int fd, char *buf, unsigned cmd, const struct options *o,
     void (*print)(const char *json))
{
  char *json = ask(fd, buf, cmd, 0);

  if (json == NULL)
    return EXIT_BROKER;
  if (o->json)
    puts(json);
  else
    print(json);
  return 0;
}

/* Asks for cmd, prints the JSON with --json, and fails on a refusal. */
static int
order(int fd, char *buf, unsigned cmd, const struct command_line *cl)
{
  char *json = ask_words(fd, buf, cmd, cl->args);

  if (json == NULL)
    return EXIT_BROKER;
  if (cl->o->json)
    puts(json);
  return answer_ok(json, cl->name) ? 0 : EXIT_BROKER;
}

static int
run_ps(int fd, char *buf, const struct command_line *cl)
{
  char *ps = NULL, *json;
  int status = EXIT_BROKER;

  /* The servers after the processes, to name what the threads wait on. */
  if ((json = ask(fd, buf, XOUS_CTL_PS, 0)) != NULL &&
      (ps = strdup(json)) != NULL) {
    if (cl->o->json) {
      puts(ps);
      status = 0;
    } else if ((json = ask(fd, buf, XOUS_CTL_SERVERS, 0)) != NULL) {
      print_ps(ps, json);
      status = 0;
    }
  }
  free(ps);
  return status;
}

static void
print_servers_hashed(const char *json)
{
  print_servers(json, false);
}

static void
print_servers_whole(const char *json)
{
  print_servers(json, true);
}

static int
run_servers(int fd, char *buf, const struct command_line *cl)
{
  if (cl->o->json && !cl->o->sids) {
    char *json = ask(fd, buf, XOUS_CTL_SERVERS, 0);

    if (json == NULL)
      return EXIT_BROKER;
    print_hashed_json(json);
    return 0;
  }
  return show(fd, buf, XOUS_CTL_SERVERS, cl->o,
              cl->o->sids ? print_servers_whole : print_servers_hashed);
}

static int
run_conns(int fd, char *buf, const struct command_line *cl)
{
  char *servers = NULL, *json;
  int status = EXIT_BROKER;

  /* The servers first, to name the connections' ends. */
  if ((json = ask(fd, buf, XOUS_CTL_SERVERS, 0)) != NULL &&
      (servers = strdup(json)) != NULL &&
      (json = ask(fd, buf, XOUS_CTL_CONNS, 0)) != NULL) {
    if (cl->o->json)
      puts(json);
    else
      print_conns(json, servers);
    status = 0;
  }
  free(servers);
  return status;
}

static int
run_kill(int fd, char *buf, const struct command_line *cl)
{
  return order(fd, buf, XOUS_CTL_KILL, cl);
}

static int
run_shutdown(int fd, char *buf, const struct command_line *cl)
{
  return order(fd, buf, XOUS_CTL_SHUTDOWN, cl);
}

static int
run_hosted_env(int fd, char *buf, const struct command_line *cl)
{
  char *json;

  request_name = cl->o->name != NULL ? cl->o->name : "";
  if ((json = ask(fd, buf, XOUS_CTL_HOSTED_ENV, 0)) == NULL ||
      !answer_ok(json, cl->name))
    return EXIT_BROKER;
  if (cl->o->json)
    puts(json);
  else
    print_hosted_env(json);
  return 0;
}

static int
run_trace_command(int fd, char *buf, const struct command_line *cl)
{
  return run_trace(fd, buf, cl->o);
}

/* xousctl fail [PID SYSCALL NTH ERROR | clear] */
static int
run_fail(int fd, char *buf, const struct command_line *cl)
{
  if (cl->argc == 0)
    return show(fd, buf, XOUS_CTL_FAULTS, cl->o, print_faults);
  return order(fd, buf, cl->argc == 1 ? XOUS_CTL_FAULTS_CLEAR : XOUS_CTL_FAIL,
               cl);
}

/* ---- their arguments: NULL when they are right, else what is wrong ---- */

static const char *
no_arguments(struct command_line *cl)
{
  static char wrong[160];

  if (cl->argc == 0)
    return NULL;
  snprintf(wrong, sizeof wrong,
           "takes no arguments; unexpected argument '%.100s'", cl->argv[0]);
  return wrong;
}

static const char *
kill_arguments(struct command_line *cl)
{
  if (cl->argc != 1 || !parse_pid(cl->argv[0], &cl->args[0]))
    return "takes a Xous PID (1..255)";
  return NULL;
}

static const char *
time_arguments(struct command_line *cl)
{
  uint64_t ms;

  if (cl->argc == 0)
    return NULL;
  if (strcmp(cl->argv[0], "advance") != 0)
    return "takes nothing, or advance MS";
  if (cl->argc != 2)
    return "advance takes one number of milliseconds";
  if (!parse_u32(cl->argv[1], &ms) &&
      sscanf(cl->argv[1], "%" SCNu64, &ms) != 1)
    return "advance takes milliseconds (a number)";
  return NULL;
}

static const char *
fail_arguments(struct command_line *cl)
{
  int argc = cl->argc;
  char **argv = cl->argv;
  uint64_t *args = cl->args;

  if (argc == 0 || (argc == 1 && strcmp(argv[0], "clear") == 0))
    return NULL;
  if (argc == 1)
    return "takes PID SYSCALL NTH ERROR, or clear";
  if (argc != 4)
    return "takes PID SYSCALL NTH ERROR (four arguments), or clear";
  if (strcmp(argv[0], "0") == 0)
    args[0] = 0;
  else if (!parse_pid(argv[0], &args[0]))
    return "PID: a Xous PID (1..255), or 0 for any";
  if (!parse_syscall(argv[1], &args[1]))
    return "SYSCALL: a syscall's name (SendMessage) or number";
  if (!parse_u32(argv[2], &args[2]))
    return "NTH: which call fails, 1 for the first, 0 for every one";
  if (!parse_error(argv[3], &args[3]))
    return "ERROR: an error's name (ServerQueueFull) or number, not NoError";
  return NULL;
}

/* xousctl time [advance MS]: a Xous call to the ticktimer, so xousctl
 * joins the system for a moment. */
static int
run_time(const struct command_line *cl)
{
  int argc = cl->argc;
  char **argv = cl->argv;
  xous_word_t ret[5];
  xous_cid_t cid;
  xous_error_t err;
  uint64_t ms = 0;
  bool advance = argc == 2;

  if (advance && !parse_u32(argv[1], &ms) &&
      sscanf(argv[1], "%" SCNu64, &ms) != 1) {
    fprintf(stderr, "xousctl: time advance takes milliseconds\n");
    return EXIT_USAGE;
  }
  setenv("XOUS_SOCKET", sock_path, 1);
  err = xous_try_connect(xous_sid_from_name(XOUS_TICKTIMER_NAME), &cid);
  if (err != XOUS_OK) {
    fprintf(stderr, "xousctl: no ticktimer on the broker at %s: %s\n",
            sock_path, xous_strerror(err));
    return EXIT_BROKER;
  }
  if (advance) {
    err = xous_blocking_scalar(cid, XOUS_TICKTIMER_ADVANCE_VIRTUAL,
                               (xous_word_t)(ms & 0xffffffffu),
                               (xous_word_t)(ms >> 32), 0, 0, ret);
    if (err == XOUS_OK && ret[0] != 0) {
      fprintf(stderr, "xousctl: the ticktimer's clock is not virtual "
                      "(start the system with xous-run --virtual-time)\n");
      return EXIT_BROKER;
    }
    ret[0] = ret[1];
    ret[1] = ret[2];
  } else {
    err = xous_blocking_scalar(cid, XOUS_TICKTIMER_ELAPSED_MS, 0, 0, 0, 0,
                               ret);
  }
  if (err != XOUS_OK) {
    fprintf(stderr, "xousctl: the ticktimer did not answer: %s\n",
            xous_strerror(err));
    return EXIT_BROKER;
  }
  printf("%llu\n", (unsigned long long)((uint64_t)(ret[0] & 0xffffffffu) |
                                        (uint64_t)ret[1] << 32));
  return 0;
}

static const struct command {
  const char *name;
  /* NULL when the command's arguments are right, else what is wrong */
  const char *(*arguments)(struct command_line *cl);
  /* With the broker's control socket; NULL for time, which makes a Xous
   * call instead (run_time). */
  int (*run)(int fd, char *buf, const struct command_line *cl);
} commands[] = {
  { "ps", no_arguments, run_ps },
  { "servers", no_arguments, run_servers },
  { "conns", no_arguments, run_conns },
  { "kill", kill_arguments, run_kill },
  { "shutdown", no_arguments, run_shutdown },
  { "trace", no_arguments, run_trace_command },
  { "hosted-env", no_arguments, run_hosted_env },
  { "time", time_arguments, NULL },
  { "fail", fail_arguments, run_fail },
};

/* The options that are not stored as they are: --duration, and --help,
 * --version and the wrong ones. */
static int
own_option(int c, char **argv, void *ctx)
{
  struct options *o = ctx;
  char *end;

  if (c != 'd')
    return xous__cli_other_option(c, "xousctl", usage, argv);
  o->duration = strtod(optarg, &end);
  if (*end != '\0' || end == optarg || !(o->duration > 0)) {
    fprintf(stderr, "xousctl: --duration takes a positive number of "
                    "seconds\n");
    return EXIT_USAGE;
  }
  return -1;
}

/* Reads the options into o; returns -1 to go on, else the exit status. */
static int
parse_options(int argc, char **argv, struct options *o)
{
  const struct xous_cli_option options[] = {
    { "socket", 's', XOUS_CLI_TEXT, &o->socket },
    { "json", 'j', XOUS_CLI_SET, &o->json },
    { "sids", 'S', XOUS_CLI_SET, &o->sids },
    { "chrome", 'c', XOUS_CLI_TEXT, &o->chrome },
    { "duration", 'd', XOUS_CLI_OWN_VALUE, NULL },
    { "name", 'n', XOUS_CLI_TEXT, &o->name },
    XOUS_CLI_HELP_VERSION,
  };

  /* Names are UTF-8, whatever the user's locale: tables count their
   * columns as UTF-8 text. */
  if (setlocale(LC_CTYPE, "") == NULL || MB_CUR_MAX == 1)
    setlocale(LC_CTYPE, "C.UTF-8");
  return xous__cli_read(argc, argv, "s:jc:d:n:hV", options, own_option, o);
}

/* The options that go with one command only; false after saying so. */
static bool
options_fit(const struct options *o, const char *cmd)
{
  if ((o->chrome != NULL || o->duration > 0) && strcmp(cmd, "trace") != 0) {
    fprintf(stderr, "xousctl: --chrome and --duration go with trace\n");
    return false;
  }
  if (o->duration > 0 && o->chrome == NULL) {
    fprintf(stderr, "xousctl: --duration goes with --chrome\n");
    return false;
  }
  if (o->name != NULL && strcmp(cmd, "hosted-env") != 0) {
    fprintf(stderr, "xousctl: --name goes with hosted-env\n");
    return false;
  }
  if (o->name != NULL &&
      (o->name[0] == '\0' || strlen(o->name) >= XOUS_WIRE_NAME_MAX)) {
    fprintf(stderr, "xousctl: --name takes 1 to %d bytes\n",
            XOUS_WIRE_NAME_MAX - 1);
    return false;
  }
  return true;
}

/* The command named cmd, or NULL after saying there is none. */
static const struct command *
find_command(const char *cmd)
{
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp(commands[i].name, cmd) == 0)
      return &commands[i];
  fprintf(stderr, "xousctl: unknown command '%s'\n", cmd);
  usage(stderr);
  return NULL;
}

/* sock_path: --socket, else the default (xous__socket_path). */
static bool
choose_socket(const struct options *o)
{
  if (o->socket != NULL)
    snprintf(sock_path, sizeof sock_path, "%s", o->socket);
  else if (xous__socket_path(sock_path, sizeof sock_path) != 0) {
    fprintf(stderr, "xousctl: socket path too long\n");
    return false;
  }
  return true;
}

/* Runs c on a connection to the broker's control socket. */
static int
run_on_broker(const struct command *c, const struct command_line *cl)
{
  char *buf;
  int fd, status;

  signal(SIGPIPE, SIG_IGN);
  fd = dial();
  if (fd < 0)
    return EXIT_BROKER;
  buf = malloc(REPLY_BUF);
  if (buf == NULL) {
    fprintf(stderr, "xousctl: out of memory\n");
    close(fd);
    return EXIT_BROKER;
  }
  status = c->run(fd, buf, cl);
  free(buf);
  close(fd);
  if (fflush(stdout) != 0)
    status = EXIT_BROKER;
  return status;
}

int
main(int argc, char **argv)
{
  struct options o = { 0 };
  struct command_line cl = { .o = &o };
  const struct command *c;
  const char *wrong;
  int status;

  if ((status = parse_options(argc, argv, &o)) >= 0)
    return status;
  if (optind >= argc) {
    fprintf(stderr, "xousctl: no command given (ps, servers, conns, kill, "
                    "shutdown, trace, hosted-env, time, fail)\n");
    usage(stderr);
    return EXIT_USAGE;
  }
  cl.name = argv[optind++];
  cl.argc = argc - optind;
  cl.argv = argv + optind;
  if ((c = find_command(cl.name)) == NULL)
    return EXIT_USAGE;
  if ((wrong = c->arguments(&cl)) != NULL) {
    fprintf(stderr, "xousctl: %s %s (try xousctl --help)\n", cl.name, wrong);
    return EXIT_USAGE;
  }
  if (!options_fit(&o, cl.name))
    return EXIT_USAGE;
  if (!choose_socket(&o))
    return EXIT_BROKER;
  return c->run != NULL ? run_on_broker(c, &cl) : run_time(&cl);
}
