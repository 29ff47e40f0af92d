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
#include <strings.h>

#include <xous.h>
#include <xous/ticktimer.h>

#include "config.h"
#include "hosted/wire.h"
#include "tools/chrome.h"
#include "tools/ctl_client.h"
#include "tools/json.h"
#include "tools/monotonic.h"
#include "xousd/ctl.h"

/* How long an answer may take before the broker counts as unreachable. */
#define REPLY_TIMEOUT_MS 5000
#define REPLY_BUF (XOUS_WIRE_FRAME_SIZE + XOUS_WIRE_CTL_MAX)

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

/* Prints the broker's JSON with every "sid" value replaced by its hash. */
static void
print_hashed_json(const char *json)
{
  static const char key[] = "\"sid\":\"";
  const char *p = json, *q;

  while ((q = strstr(p, key)) != NULL) {
    const char *v = q + sizeof key - 1, *e = strchr(v, '"');
    char sid[64], h[9];

    if (e == NULL || (size_t)(e - v) >= sizeof sid)
      break;
    memcpy(sid, v, (size_t)(e - v));
    sid[e - v] = '\0';
    sid_hash(sid, h);
    fwrite(p, 1, (size_t)(v - p), stdout);
    fputs(h, stdout);
    p = e;
  }
  fputs(p, stdout);
  fputc('\n', stdout);
}

/* ==== tables ================================================================ */

static bool
json_is_true(const struct json_obj *o, const char *key)
{
  char v[8];

  return json_get(o, key, v, sizeof v) && strcmp(v, "true") == 0;
}

/* The variables a hosted-mode program reads, one per line. */
static void
print_hosted_env(const char *json)
{
  struct json_obj o;
  const char *p = json;
  char server[96], key[40];

  if (!json_next_object(&p, &o) ||
      !json_get(&o, "server", server, sizeof server) ||
      !json_get(&o, "key", key, sizeof key))
    return;
  printf("XOUS_SERVER=%s\nXOUS_PID=%llu\nXOUS_PROCESS_KEY=%s\n", server,
         json_get_u(&o, "pid", 0), key);
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
shown_state(const struct json_obj *o, const char *broker_state)
{
  const char *host;

  if (strcmp(broker_state, "running") != 0)
    return broker_state;
  host = host_state((long long)json_get_u(o, "os_pid", 0));
  if (host == NULL || strcmp(host, "running") == 0)
    return broker_state;
  return json_get_u(o, "servers", 0) > 0 ? "receiving" : "sleeping";
}

static void
print_ps(const char *json)
{
  struct json_obj o;
  const char *p = json;
  char name[64], state[32];

  printf("%4s  %-20s %8s  %-9s %7s %7s %5s  %s\n", "PID", "NAME", "HOST PID",
         "STATE", "THREADS", "SERVERS", "CONNS", "KIND");
  while (json_next_object(&p, &o)) {
    if (!json_get(&o, "name", name, sizeof name))
      snprintf(name, sizeof name, "?");
    if (!json_get(&o, "state", state, sizeof state))
      snprintf(state, sizeof state, "?");
    printf("%4llu  %-20s %8llu  %-9s %7llu %7llu %5llu  %s\n",
           json_get_u(&o, "pid", 0), name, json_get_u(&o, "os_pid", 0),
           shown_state(&o, state), json_get_u(&o, "threads", 0),
           json_get_u(&o, "servers", 0), json_get_u(&o, "connections", 0),
           json_is_true(&o, "hosted") ? "hosted" : "native");
  }
}

static void
print_servers(const char *json, bool sids)
{
  struct json_obj o;
  const char *p = json;
  char sid[64], h[9], owner[64];

  printf("%5s  %-*s %-24s %6s %8s\n", "INDEX", sids ? 32 : 8, "SID", "OWNER",
         "QUEUED", "SERVED");
  while (json_next_object(&p, &o)) {
    if (!json_get(&o, "sid", sid, sizeof sid))
      snprintf(sid, sizeof sid, "?");
    if (!json_get(&o, "owner_name", owner, sizeof owner))
      snprintf(owner, sizeof owner, "?");
    sid_hash(sid, h);
    char who[96];

    snprintf(who, sizeof who, "%llu %s", json_get_u(&o, "owner", 0), owner);
    printf("%5llu  %-*s %-24s %6llu %8llu\n", json_get_u(&o, "index", 0),
           sids ? 32 : 8, sids ? sid : h, who, json_get_u(&o, "queued", 0),
           json_get_u(&o, "served", 0));
  }
}

/* Connections, with the owner of each server looked up in the server
 * table. */
static void
print_conns(const char *json, const char *servers)
{
  struct json_obj o, so;
  const char *p = json;

  printf("%4s %4s %6s  %-24s %s\n", "PID", "CID", "SERVER", "OWNER", "LIVE");
  while (json_next_object(&p, &o)) {
    unsigned long long index = json_get_u(&o, "server", ULLONG_MAX);
    char live[8], owner[64] = "-", who[96] = "-";
    const char *sp = servers;

    while (servers != NULL && json_next_object(&sp, &so))
      if (json_get_u(&so, "index", ULLONG_MAX) == index &&
          json_get(&so, "owner_name", owner, sizeof owner)) {
        snprintf(who, sizeof who, "%llu %s", json_get_u(&so, "owner", 0),
                 owner);
        break;
      }
    if (!json_get(&o, "live", live, sizeof live))
      snprintf(live, sizeof live, "?");
    printf("%4llu %4llu %6llu  %-24s %s\n", json_get_u(&o, "pid", 0),
           json_get_u(&o, "cid", 0), index, who,
           strcmp(live, "true") == 0 ? "yes" : "no");
  }
}

/* An answer {"ok":false,"error":...}: says so and returns false. */
static bool
answer_ok(const char *json, const char *what)
{
  struct json_obj o;
  const char *p = json;
  char ok[8], err[256];

  if (!json_next_object(&p, &o) || !json_get(&o, "ok", ok, sizeof ok)) {
    fprintf(stderr, "xousctl: %s: unexpected answer: %s\n", what, json);
    return false;
  }
  if (strcmp(ok, "true") == 0)
    return true;
  if (!json_get(&o, "error", err, sizeof err))
    snprintf(err, sizeof err, "refused");
  fprintf(stderr, "xousctl: %s: %s\n", what, err);
  return false;
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

static void
names_from_ps(struct trace_names *tn, const char *json)
{
  struct json_obj o;
  const char *p = json;

  while (json_next_object(&p, &o)) {
    unsigned long long pid = json_get_u(&o, "pid", 256);

    if (pid < 256)
      json_get(&o, "name", tn->process[pid], sizeof tn->process[pid]);
  }
}

static void
owners_from_servers(struct trace_names *tn, const char *json)
{
  struct json_obj o;
  const char *p = json;

  while (json_next_object(&p, &o)) {
    unsigned long long index = json_get_u(&o, "index", 256);

    if (index < 256)
      tn->owner[index] = (int)json_get_u(&o, "owner", 0);
  }
}

/* What an event teaches: a process's name, a server's owner. */
static void
names_learn(struct trace_names *tn, const struct json_obj *o, const char *ev)
{
  unsigned long long pid = json_get_u(o, "pid", 256);
  unsigned long long server = json_get_u(o, "server", 256);

  if (pid >= 256)
    return;
  if (strcmp(ev, "process") == 0)
    json_get(o, "name", tn->process[pid], sizeof tn->process[pid]);
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
print_value(const struct trace_names *tn, const char *key, const char *val)
{
  char *end;
  unsigned long long n = strtoull(val, &end, 10);
  bool number = val[0] >= '0' && val[0] <= '9' && *end == '\0';

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
  printf(" %s=%s", key, val);
}

/* One event as a line: the time in seconds, the event, then key=value,
 * with names for the numbers that stand for processes, servers and
 * message kinds. */
static void
print_event(struct trace_names *tn, const char *json)
{
  struct json_obj o;
  const char *p = json, *q;
  char ev[32];
  unsigned long long ts;

  if (!json_next_object(&p, &o))
    return;
  ts = json_get_u(&o, "ts", 0);
  if (!json_get(&o, "ev", ev, sizeof ev))
    snprintf(ev, sizeof ev, "?");
  names_learn(tn, &o, ev);
  printf("%llu.%06llu %-8s", ts / 1000000, ts % 1000000, ev);
  /* Every other key, in the broker's order. */
  for (q = o.begin + 1; q < o.end;) {
    const char *k = strchr(q, '"');
    char key[32], val[128];
    size_t n;

    if (k == NULL || k >= o.end)
      break;
    const char *ke = strchr(k + 1, '"');

    if (ke == NULL || ke >= o.end)
      break;
    n = (size_t)(ke - k - 1);
    if (n >= sizeof key)
      n = sizeof key - 1;
    memcpy(key, k + 1, n);
    key[n] = '\0';
    json_get(&o, key, val, sizeof val);
    if (strcmp(key, "ts") != 0 && strcmp(key, "ev") != 0)
      print_value(tn, key, val);
    /* Past the value: the next comma outside a string. */
    q = ke + 1;
    bool in_str = false;

    for (; q < o.end; q++) {
      if (in_str && *q == '\\')
        q++;
      else if (*q == '"')
        in_str = !in_str;
      else if (!in_str && *q == ',')
        break;
    }
  }
  putchar('\n');
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
  if (ch == NULL && !o->json) {
    memset(tn->owner, 0xff, sizeof tn->owner);
    if ((json = ask(fd, buf, XOUS_CTL_PS, 0)) == NULL)
      return EXIT_BROKER;
    names_from_ps(tn, json);
    if ((json = ask(fd, buf, XOUS_CTL_SERVERS, 0)) == NULL)
      return EXIT_BROKER;
    owners_from_servers(tn, json);
  }
  json = ask(fd, buf, XOUS_CTL_TRACE, 0);
  if (json == NULL || !answer_ok(json, "trace")) {
    if (ch != NULL)
      chrome_close(ch);
    return EXIT_BROKER;
  }
  if (ch == NULL && !o->json) {
    /* A process that joined between the first look and the subscription
     * sent its "process" event to nobody: look once more. */
    if ((json = ask(fd, buf, XOUS_CTL_PS, 0)) == NULL)
      return EXIT_BROKER;
    names_from_ps(tn, json);
    if ((json = ask(fd, buf, XOUS_CTL_SERVERS, 0)) == NULL)
      return EXIT_BROKER;
    owners_from_servers(tn, json);
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
    if (ch != NULL)
      chrome_event(ch, json);
    else if (o->json)
      puts(json);
    else
      print_event(tn, json);
  }
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
  struct json_obj o;
  const char *p = json;
  char pid[16], sc[16], nth[16], err[64], seen[16], fired[16];
  bool any = false;

  while (json_next_object(&p, &o)) {
    uint64_t number = 0;

    if (!json_get(&o, "pid", pid, sizeof pid) ||
        !json_get(&o, "syscall", sc, sizeof sc) ||
        !json_get(&o, "nth", nth, sizeof nth) ||
        !json_get(&o, "error_name", err, sizeof err) ||
        !json_get(&o, "seen", seen, sizeof seen) ||
        !json_get(&o, "fired", fired, sizeof fired))
      continue;
    if (!any)
      printf("%-5s %-24s %-6s %-20s %6s %6s\n", "PID", "SYSCALL", "NTH",
             "ERROR", "SEEN", "FIRED");
    any = true;
    number = strtoull(sc, NULL, 10);
    printf("%-5s %-24s %-6s %-20s %6s %6s\n",
           strcmp(pid, "0") == 0 ? "any" : pid,
           xous_syscall_name((unsigned)number),
           strcmp(nth, "0") == 0 ? "every" : nth, err, seen, fired);
  }
  if (!any)
    printf("no fault rules\n");
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
  return show(fd, buf, XOUS_CTL_PS, cl->o, print_ps);
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

/* Reads the options into o; returns -1 to go on, else the exit status. */
static int
parse_options(int argc, char **argv, struct options *o)
{
  static const struct option longopts[] = {
    { "socket", required_argument, NULL, 's' },
    { "json", no_argument, NULL, 'j' },
    { "sids", no_argument, NULL, 'S' },
    { "chrome", required_argument, NULL, 'c' },
    { "duration", required_argument, NULL, 'd' },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { "name", required_argument, NULL, 'n' },
    { NULL, 0, NULL, 0 },
  };
  char *end;
  int c;

  while ((c = getopt_long(argc, argv, "s:jc:d:n:hV", longopts, NULL)) != -1) {
    switch (c) {
    case 's':
      o->socket = optarg;
      break;
    case 'j':
      o->json = true;
      break;
    case 'S':
      o->sids = true;
      break;
    case 'c':
      o->chrome = optarg;
      break;
    case 'd':
      o->duration = strtod(optarg, &end);
      if (*end != '\0' || end == optarg || !(o->duration > 0)) {
        fprintf(stderr, "xousctl: --duration takes a positive number of "
                        "seconds\n");
        return EXIT_USAGE;
      }
      break;
    case 'n':
      o->name = optarg;
      break;
    case 'h':
      usage(stdout);
      return 0;
    case 'V':
      printf("xousctl %s\n", PACKAGE_VERSION);
      return 0;
    default:
      usage(stderr);
      return EXIT_USAGE;
    }
  }
  return -1;
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
