/*
 * The crash soak: checking servers and clients (tests/helpers/hostile-peer)
 * send every kind of message through a private xousd while random servers
 * and clients are killed with SIGKILL and started again.
 *
 *   soak [--seconds N] [--servers N] [--clients N] [--seed N]
 *
 * What it checks, and reports:
 *  - after each server kill, every client of that server that was blocked
 *    in a held call gets its error: the delay from the kill to the error
 *    is measured (both on the monotonic clock); the run fails when one is
 *    missing or later than BOUND_MS, and reports the worst and the median
 *    against the 100 ms target;
 *  - every acknowledged message was delivered exactly once and in order:
 *    the servers check each key's sequence numbers and bytes (a "BAD" line
 *    fails the run), and each surviving client ends by asking its server
 *    for the last number it saw of its key, which must be its own last;
 *  - one queue per server: beside the kills, a relay of ORDER_SENDERS
 *    processes (tests/helpers/order-peer) passes a token from one to the
 *    next, each sending its server a number before it passes it on, and
 *    the server must take the numbers in order;
 *  - nothing leaked: at the end, with every peer gone, xousd holds as many
 *    descriptors as before the first peer (and no memory object), /dev/shm
 *    holds no more xous objects, the broker's process table is empty, and
 *    xousd's RSS at the end of the traffic is within RSS_SLACK_KB of its
 *    RSS after the warm-up.
 * Then, on a second broker: clients of xous-ticktimer killed while their
 * sleeps are parked (a living client's sleep must still be answered, and
 * no slot stays held for the dead), and the broker killed under a client
 * and server busy on the direct path (both must end with InternalError
 * within BOUND_MS).
 * Exit status 0 when all held, 1 when not, 2 for bad usage or set-up.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../support/shm.h"
#include "hosted/wire.h"
#include "tools/monotonic.h"
#include "tools/procfs.h"
#include "xousd/ctl.h"

#define MAX_CHILDREN 65536 /* about five hours of kills, one per 300 ms */
#define MAX_KILLS 65536
#define BOUND_MS 1000     /* the pass criterion for a woken caller */
#define TARGET_MS 100     /* the figure reported against */
#define RSS_SLACK_KB 1024 /* broker RSS growth allowed at steady state */
#define KILL_EVERY_MS 300
#define ORDER_SENDERS 4

struct child {
  pid_t pid;
  bool server;
  unsigned index; /* server number, or the client's server */
  unsigned key;   /* clients */
  long long start_us, end_us;
  bool killed;
  int status;
  char out[128];
};

struct kill_event {
  unsigned server;
  long long at_us;
  bool close; /* the kill before of that server was under 300 ms ago */
};

static struct child kids[MAX_CHILDREN];
static unsigned nkids;
static struct kill_event kills[MAX_KILLS];
static unsigned nkills, client_kills;
static char dir[64], sock_path[PATH_MAX];
static const char *builddir;
static pid_t broker;
static unsigned next_key = 1;

static pid_t
spawn(const char *out, const char *const argv[])
{
  pid_t parent = getpid(), pid;
  int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

  if (fd < 0) {
    perror("soak: open");
    exit(2);
  }
  pid = fork();
  if (pid < 0) {
    perror("soak: fork");
    exit(2);
  }
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
      _exit(127);
    dup2(fd, STDOUT_FILENO);
    execv(argv[0], (char *const *)argv);
    _exit(127);
  }
  close(fd);
  return pid;
}

static char *
slurp(const char *path)
{
  FILE *f = fopen(path, "r");
  char *buf = NULL;
  size_t cap = 0, len = 0, n;

  if (f == NULL)
    return strdup("");
  do {
    if (cap - len < 4096) {
      cap = cap * 2 + 8192;
      buf = realloc(buf, cap);
      if (buf == NULL)
        exit(2);
    }
    n = fread(buf + len, 1, cap - len - 1, f);
    len += n;
  } while (n > 0);
  fclose(f);
  buf[len] = '\0';
  return buf;
}

static void
server_name(unsigned i, char name[17])
{
  snprintf(name, 17, "rel-soak-srv%04u", i % 10000);
}

/* The next slot of kids, cleared, with the file its output goes to. */
static struct child *
new_child(void)
{
  struct child *c;

  if (nkids == MAX_CHILDREN) {
    fprintf(stderr, "soak: too many children\n");
    exit(2);
  }
  c = &kids[nkids++];
  memset(c, 0, sizeof *c);
  snprintf(c->out, sizeof c->out, "%s/out-%u.txt", dir, nkids);
  return c;
}

static struct child *
start_peer(bool server, unsigned index)
{
  char peer[PATH_MAX], name[17], key[16];
  struct child *c = new_child();

  c->server = server;
  c->index = index;
  snprintf(peer, sizeof peer, "%s/tests/helpers/hostile-peer", builddir);
  server_name(index, name);
  c->start_us = now_us();
  if (server) {
    const char *argv[] = { peer, "server", name, NULL };

    c->pid = spawn(c->out, argv);
  } else {
    const char *argv[] = { peer, "client", name,   key,
                           "0",  "sblmdb", "soak", NULL };

    c->key = next_key++;
    snprintf(key, sizeof key, "%u", c->key);
    c->pid = spawn(c->out, argv);
  }
  return c;
}

/* The relay of the order check: its server, then senders that pass the
 * token against the order of their PIDs. pids[0] is the server. */
static void
start_relay(pid_t pids[ORDER_SENDERS + 1])
{
  char peer[PATH_MAX], out[PATH_MAX + 32], self[32], next[32];

  snprintf(peer, sizeof peer, "%s/tests/helpers/order-peer", builddir);
  snprintf(out, sizeof out, "%s/order-collect.txt", dir);
  {
    const char *argv[] = { peer,
                           "collect",
                           "soak-order-col01",
                           "soak-order-don01",
                           "soak-order-snd00",
                           "50",
                           NULL };

    pids[0] = spawn(out, argv);
  }
  for (unsigned i = 0; i < ORDER_SENDERS; i++) {
    const char *argv[] = {
      peer, "soak-order-col01", "soak-order-don01", self, next, NULL
    };

    snprintf(self, sizeof self, "soak-order-snd%02u", i);
    snprintf(next, sizeof next, "soak-order-snd%02u",
             (i + ORDER_SENDERS - 1) % ORDER_SENDERS);
    snprintf(out, sizeof out, "%s/order-send-%u.txt", dir, i);
    pids[1 + i] = spawn(out, argv);
  }
}

/* Stops the relay; returns the hops its server checked (0 when it did
 * not end well), and the lines out of order in *bad. */
static unsigned long
stop_relay(pid_t pids[ORDER_SENDERS + 1], unsigned *bad)
{
  char path[PATH_MAX + 32], *out, *p;
  unsigned long hops = 0;
  long long deadline = now_us() + 10000000;
  int st = 0;

  kill(pids[0], SIGUSR1);
  while (waitpid(pids[0], &st, WNOHANG) == 0 && now_us() < deadline)
    sleep_for_ms(10);
  kill(pids[0], SIGKILL);
  waitpid(pids[0], NULL, WNOHANG);
  for (unsigned i = 1; i <= ORDER_SENDERS; i++) {
    kill(pids[i], SIGKILL);
    waitpid(pids[i], NULL, 0);
  }
  snprintf(path, sizeof path, "%s/order-collect.txt", dir);
  out = slurp(path);
  *bad = 0;
  for (p = out; (p = strstr(p, "BAD ")) != NULL; p++)
    if ((*bad)++ < 5)
      printf("soak: order: %.60s\n", p);
  p = strstr(out, "ok ");
  if (p == NULL || sscanf(p, "ok %lu", &hops) != 1 || !WIFEXITED(st) ||
      WEXITSTATUS(st) != 0)
    hops = 0;
  free(out);
  return hops;
}

static void
reap(struct child *c, int timeout_ms)
{
  long long deadline = now_us() + timeout_ms * 1000LL;

  while (c->pid > 0) {
    int st;
    pid_t r = waitpid(c->pid, &st, WNOHANG);

    if (r == c->pid) {
      c->status = st;
      c->pid = 0;
      c->end_us = now_us();
      return;
    }
    if (now_us() > deadline) {
      kill(c->pid, SIGKILL);
      waitpid(c->pid, &c->status, 0);
      c->status = -1;
      c->pid = 0;
      c->end_us = now_us();
      return;
    }
    sleep_for_ms(1);
  }
}

/* ---- what the broker holds ----------------------------------------------- */

/* The JSON text of control request cmd (after the frame), or NULL. */
static const char *
ctl_text(unsigned cmd)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  struct xous_wire_frame f;
  static char buf[XOUS_WIRE_FRAME_SIZE + XOUS_WIRE_CTL_MAX];
  struct pollfd p;
  int fd;
  ssize_t len;

  memcpy(sa.sun_path, sock_path, strlen(sock_path) + 1);
  fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
    if (fd >= 0)
      close(fd);
    return NULL;
  }
  f = xous__wire_frame(XOUS_WIRE_CTL);
  f.w[0] = cmd;
  p.fd = fd;
  p.events = POLLIN;
  if (send(fd, &f, sizeof f, MSG_NOSIGNAL) != (ssize_t)sizeof f ||
      poll(&p, 1, 2000) != 1 ||
      (len = recv(fd, buf, sizeof buf - 1, 0)) < XOUS_WIRE_FRAME_SIZE) {
    close(fd);
    return NULL;
  }
  close(fd);
  buf[len] = '\0';
  return buf + XOUS_WIRE_FRAME_SIZE;
}

/* The broker's process count (CTL_PS), or -1. */
static int
broker_processes(void)
{
  const char *s = ctl_text(XOUS_CTL_PS);
  int n = 0;

  if (s == NULL)
    return -1;
  for (; (s = strstr(s, "\"pid\":")) != NULL; s++)
    n++;
  return n;
}

/* Queue slots held at the first server of a process named owner, or -1. */
static long
slots_held(const char *owner)
{
  const char *s = ctl_text(XOUS_CTL_SERVERS);
  char want[64];

  snprintf(want, sizeof want, "\"owner_name\":\"%s\"", owner);
  if (s == NULL || (s = strstr(s, want)) == NULL ||
      (s = strstr(s, "\"in_use\":")) == NULL)
    return -1;
  return strtol(s + strlen("\"in_use\":"), NULL, 10);
}

/* Waits up to timeout_ms for a line in the file at path. */
static bool
wait_line(const char *path, const char *line, int timeout_ms)
{
  long long deadline = now_us() + timeout_ms * 1000LL;
  char want[64];

  snprintf(want, sizeof want, "%s\n", line);
  for (;;) {
    char *out = slurp(path);
    bool found = strncmp(out, want, strlen(want)) == 0 ||
                 strstr(out, want) != NULL;

    free(out);
    if (found)
      return true;
    if (now_us() > deadline)
      return false;
    sleep_for_ms(5);
  }
}

/* ---- the standard servers' dead clients, and the broker's death -------- */

/* A peer of the reliability tests (tests/helpers/reliability-peer). */
static struct child *
start_rel(const char *role, const char *arg)
{
  char peer[PATH_MAX];
  struct child *c = new_child();
  const char *argv[] = { peer, role, arg, NULL };

  c->index = UINT32_MAX;
  snprintf(peer, sizeof peer, "%s/tests/helpers/reliability-peer", builddir);
  c->start_us = now_us();
  c->pid = spawn(c->out, argv);
  return c;
}

/* Clients of the ticktimer killed while their sleeps are parked, rounds
 * times; a living client's sleep must still be answered each time, and
 * at the end the ticktimer must hold no slot of a dead client. */
static bool
soak_ticktimer(unsigned rounds, unsigned *naps)
{
  char prog[PATH_MAX], out[PATH_MAX + 16];
  const char *argv[] = { prog, NULL };
  struct child *nap;
  pid_t tt;
  long held = -1;
  bool ok = true;

  snprintf(prog, sizeof prog, "%s/xous-ticktimer", builddir);
  snprintf(out, sizeof out, "%s/ticktimer.txt", dir);
  tt = spawn(out, argv);
  for (unsigned r = 0; r < rounds && ok; r++) {
    struct child *c = start_rel("sleepers", "20");

    if (!wait_line(c->out, "started", 10000)) {
      printf("soak: a ticktimer client did not start\n");
      ok = false;
    }
    sleep_for_ms(rand() % 20); /* mid-request: some sleeps parked, some not */
    kill(c->pid, SIGKILL);
    c->killed = true;
    reap(c, 2000);
    nap = start_rel("nap", NULL);
    reap(nap, BOUND_MS * 10);
    if (nap->pid != 0 || !wait_line(nap->out, "NoError", 0)) {
      printf("soak: a sleep of 1 ms was not answered after %u kills of "
             "ticktimer clients\n",
             r + 1);
      ok = false;
    } else {
      (*naps)++;
    }
  }
  for (int i = 0; i < 500 && (held = slots_held("xous-ticktimer")) > 0; i++)
    sleep_for_ms(10);
  if (held != 0) {
    printf("soak: the ticktimer holds %ld slots of dead clients\n", held);
    ok = false;
  }
  kill(tt, SIGKILL);
  waitpid(tt, NULL, 0);
  return ok;
}

/* A client and server busy on the direct path when the broker is killed:
 * both must stop with InternalError within BOUND_MS. */
static bool
soak_broker_kill(long long *worst_us)
{
  struct child *srv = start_rel("pair-server", "rel-soak-pair000");
  struct child *cli;
  long long at;
  bool ok;

  if (!wait_line(srv->out, "ready", 10000))
    return false;
  cli = start_rel("pair-client", "rel-soak-pair000");
  if (!wait_line(cli->out, "running", 10000))
    return false;
  sleep_for_ms(200 + rand() % 300);
  at = now_us();
  kill(broker, SIGKILL);
  waitpid(broker, NULL, 0);
  broker = 0;
  reap(cli, BOUND_MS);
  reap(srv, BOUND_MS);
  ok = cli->pid == 0 && srv->pid == 0 &&
       wait_line(cli->out, "InternalError", 0) &&
       wait_line(srv->out, "InternalError", 0);
  *worst_us = (cli->end_us > srv->end_us ? cli->end_us : srv->end_us) - at;
  if (!ok)
    printf("soak: a direct-path pair ran on after the broker was killed\n");
  return ok;
}

/* ---- the run --------------------------------------------------------------- */

static int
cmp_ll(const void *a, const void *b)
{
  long long x = *(const long long *)a, y = *(const long long *)b;

  return x < y ? -1 : x > y;
}

static void
on_exit_kill(void)
{
  for (unsigned i = 0; i < nkids; i++)
    if (kids[i].pid > 0)
      kill(kids[i].pid, SIGKILL);
  if (broker > 0)
    kill(broker, SIGKILL);
}

int
main(int argc, char **argv)
{
  unsigned seconds = 25, nservers = 3, nclients = 6, seed = 0;
  unsigned *server_slot, *client_slot;
  long rss0, rss_warm, rss_end, rss_idle;
  int fds0, mem0, fds_end, mem_end, shm0, shm_end, procs_end;
  long long t_end, next_kill;
  unsigned long long acked_final = 0, acked_killed = 0;
  unsigned finals = 0, bad_lines = 0, fails = 0, missing = 0;
  long long *lat;
  unsigned nlat = 0, order_bad = 0;
  unsigned long order_hops;
  pid_t relay[ORDER_SENDERS + 1];
  bool ok = true;
  char xousd[PATH_MAX];

  for (int i = 1; i < argc; i++) {
    unsigned *v = NULL;

    if (strcmp(argv[i], "--seconds") == 0)
      v = &seconds;
    else if (strcmp(argv[i], "--servers") == 0)
      v = &nservers;
    else if (strcmp(argv[i], "--clients") == 0)
      v = &nclients;
    else if (strcmp(argv[i], "--seed") == 0)
      v = &seed;
    if (v == NULL || i + 1 == argc) {
      fprintf(stderr, "usage: soak [--seconds N] [--servers N] [--clients N] "
                      "[--seed N]\n");
      return 2;
    }
    *v = (unsigned)strtoul(argv[++i], NULL, 10);
  }
  if (seconds < 5 || nservers == 0 || nservers > 100 || nclients == 0 ||
      nclients > 200) {
    fprintf(stderr, "soak: at least 5 seconds, 1..100 servers and 1..200 "
                    "clients\n");
    return 2;
  }
  if (seed == 0)
    seed = (unsigned)time(NULL);
  srand(seed);
  builddir = getenv("XOUS_BUILDDIR");
  if (builddir == NULL)
    builddir = ".";
  setvbuf(stdout, NULL, _IOLBF, 0);
  snprintf(dir, sizeof dir, "/tmp/xous-soak-XXXXXX");
  if (mkdtemp(dir) == NULL) {
    perror("soak: mkdtemp");
    return 2;
  }
  snprintf(sock_path, sizeof sock_path, "%s/xousd.sock", dir);
  setenv("XOUS_SOCKET", sock_path, 1);
  atexit(on_exit_kill);
  signal(SIGPIPE, SIG_IGN);

  /* The broker, and its figures before the first peer. */
  {
    char out[PATH_MAX + 16];
    const char *args[] = { xousd, "--foreground", "--socket", sock_path,
                           NULL };

    snprintf(xousd, sizeof xousd, "%s/xousd", builddir);
    snprintf(out, sizeof out, "%s/xousd.txt", dir);
    broker = spawn(out, args);
    for (int i = 0; i < 500 && broker_processes() < 0; i++)
      sleep_for_ms(10);
    if (broker_processes() != 0) {
      fprintf(stderr, "soak: xousd did not start\n");
      return 2;
    }
  }
  sleep_for_ms(100); /* the broker closes the probe's socket meanwhile */
  shm0 = shm_xous_entries();
  fds0 = proc_fds(broker, &mem0);
  rss0 = proc_rss_kb(broker);
  printf("soak: %u s, %u servers, %u clients, seed %u\n", seconds, nservers,
         nclients, seed);

  server_slot = calloc(nservers, sizeof *server_slot);
  client_slot = calloc(nclients, sizeof *client_slot);
  lat = calloc(MAX_KILLS * 8, sizeof *lat);
  for (unsigned i = 0; i < nservers; i++)
    server_slot[i] = (unsigned)(start_peer(true, i) - kids);
  for (unsigned i = 0; i < nclients; i++)
    client_slot[i] = (unsigned)(start_peer(false, i % nservers) - kids);
  start_relay(relay);
  sleep_for_ms(1000);
  rss_warm = proc_rss_kb(broker);

  /* Kill and restart until the end, a victim every KILL_EVERY_MS. */
  t_end = now_us() + (long long)(seconds - 3) * 1000000;
  next_kill = now_us();
  while (now_us() < t_end) {
    bool server = rand() % 2 == 0;
    unsigned *slot = server ? &server_slot[rand() % nservers]
                            : &client_slot[rand() % nclients];
    struct child *c = &kids[*slot];
    long long at;

    next_kill += KILL_EVERY_MS * 1000;
    while (now_us() < next_kill)
      sleep_for_ms(5);
    if (nkills == MAX_KILLS)
      break;
    at = now_us();
    kill(c->pid, SIGKILL);
    c->killed = true;
    reap(c, 2000);
    if (server) {
      kills[nkills].server = c->index;
      kills[nkills].at_us = at;
      kills[nkills].close = false;
      for (unsigned j = nkills; j-- > 0 && kills[j].at_us > at - 300000;)
        if (kills[j].server == c->index)
          kills[nkills].close = true;
      nkills++;
      sleep_for_ms(30); /* its clients wait in Connect meanwhile */
    } else {
      client_kills++;
    }
    *slot = (unsigned)(start_peer(server, c->index) - kids);
  }
  sleep_for_ms(500);
  rss_end = proc_rss_kb(broker);
  order_hops = stop_relay(relay, &order_bad);

  /* The end: clients check their counts, then everybody leaves. */
  for (unsigned i = 0; i < nclients; i++)
    kill(kids[client_slot[i]].pid, SIGUSR1);
  for (unsigned i = 0; i < nclients; i++)
    reap(&kids[client_slot[i]], 10000);
  for (unsigned i = 0; i < nservers; i++) {
    kill(kids[server_slot[i]].pid, SIGKILL);
    reap(&kids[server_slot[i]], 2000);
  }
  for (int i = 0; i < 200 && (procs_end = broker_processes()) != 0; i++)
    sleep_for_ms(10);
  sleep_for_ms(100);
  fds_end = proc_fds(broker, &mem_end);
  shm_end = shm_xous_entries();
  rss_idle = proc_rss_kb(broker);

  /* Every peer's output. */
  for (unsigned i = 0; i < nkids; i++) {
    struct child *c = &kids[i];
    char *out = slurp(c->out), *p;

    for (p = out; (p = strstr(p, "BAD ")) != NULL; p++) {
      if (bad_lines++ < 5)
        printf("soak: server %u: %.60s\n", c->index, p);
    }
    if (c->server) {
      free(out);
      continue;
    }
    if (!c->killed) {
      unsigned n;

      p = strstr(out, "\nok ");
      if (p != NULL && sscanf(p, "\nok %u", &n) == 1 && WIFEXITED(c->status) &&
          WEXITSTATUS(c->status) == 0) {
        acked_final += n;
        finals++;
      } else {
        fails++;
        printf("soak: client %u failed its final check: %.200s\n", c->key,
               (p = strstr(out, "FAIL")) != NULL ? p : out);
      }
    } else {
      /* Its last progress line: acknowledged before it was killed. */
      unsigned n = 0;
      char *last = NULL;

      for (p = out; (p = strstr(p, "acked ")) != NULL; p++)
        last = p;
      if (last != NULL && sscanf(last, "acked %u", &n) == 1)
        acked_killed += n;
      if (strstr(out, "FAIL") != NULL) {
        fails++;
        printf("soak: killed client %u had failed: %.200s\n", c->key,
               strstr(out, "FAIL"));
      }
    }
    /* Delays from each kill of its server to its held call's error. */
    for (unsigned k = 0; k < nkills; k++) {
      long long at = kills[k].at_us, first = -1;

      if (kills[k].server != c->index || c->start_us > at - 500000 ||
          (c->end_us != 0 && c->end_us < at + BOUND_MS * 1000LL))
        continue;
      /* A holder is blocked again only once the last kill's error came
       * and the server is back: skip kills too close to the one before. */
      if (kills[k].close)
        continue;
      for (p = out; (p = strstr(p, "held-err ")) != NULL; p++) {
        long long t;

        if (sscanf(p, "held-err %lld", &t) == 1 && t >= at) {
          first = t;
          break;
        }
      }
      if (first < 0 || first - at > BOUND_MS * 1000LL) {
        missing++;
        printf("soak: client %u: no error within %d ms of kill %u\n", c->key,
               BOUND_MS, k);
      } else if (nlat < MAX_KILLS * 8) {
        lat[nlat++] = first - at;
      }
    }
    free(out);
  }
  qsort(lat, nlat, sizeof *lat, cmp_ll);

  printf("soak: kills survived: %u (%u servers, %u clients)\n",
         nkills + client_kills, nkills, client_kills);
  printf("soak: messages checked exactly once and in order: %llu by %u "
         "surviving clients' final checks, %llu more acknowledged to "
         "clients later killed; bad: %u; failed checks: %u\n",
         acked_final, finals, acked_killed, bad_lines, fails);
  if (nlat > 0)
    printf("soak: blocked callers woken by a server kill: %u; delay median "
           "%.2f ms, p99 %.2f ms, worst %.2f ms (target %d ms, bound %d ms); "
           "missing %u\n",
           nlat, lat[nlat / 2] / 1000.0, lat[(nlat * 99) / 100] / 1000.0,
           lat[nlat - 1] / 1000.0, TARGET_MS, BOUND_MS, missing);
  printf("soak: one queue per server: %lu hops of a %u-process relay taken "
         "in order; out of order: %u\n",
         order_hops, ORDER_SENDERS, order_bad);
  printf("soak: xousd fds %d -> %d (memory objects %d -> %d), /dev/shm xous* "
         "%d -> %d, processes left %d\n",
         fds0, fds_end, mem0, mem_end, shm0, shm_end, procs_end);
  printf("soak: xousd RSS %ld KiB idle, %ld KiB after warm-up, %ld KiB at "
         "the end of traffic (%+ld KiB, slack %d), %ld KiB idle at the end\n",
         rss0, rss_warm, rss_end, rss_end - rss_warm, RSS_SLACK_KB, rss_idle);

  ok = nkills > 0 && client_kills > 0 && finals == nclients && fails == 0 &&
       bad_lines == 0 && missing == 0 && nlat > 0 && acked_final > 0 &&
       order_hops > 0 && order_bad == 0 && fds_end == fds0 && mem_end == 0 &&
       shm_end <= shm0 && procs_end == 0 && rss_end - rss_warm <= RSS_SLACK_KB;
  if (kill(broker, SIGTERM) == 0) {
    int st;

    waitpid(broker, &st, 0);
    broker = 0;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
      printf("soak: xousd ended badly (%#x)\n", (unsigned)st);
      ok = false;
    }
  }
  /* A second broker: the standard servers' dead clients, then its own
   * death under a busy pair. */
  {
    char out[PATH_MAX + 16];
    const char *args[] = { xousd, "--foreground", "--socket", sock_path,
                           NULL };
    unsigned naps = 0;
    long long worst = 0;
    bool tt_ok, pair_ok;

    snprintf(sock_path, sizeof sock_path, "%s/xousd2.sock", dir);
    setenv("XOUS_SOCKET", sock_path, 1);
    snprintf(out, sizeof out, "%s/xousd2.txt", dir);
    broker = spawn(out, args);
    for (int i = 0; i < 500 && broker_processes() < 0; i++)
      sleep_for_ms(10);
    tt_ok = soak_ticktimer(seconds / 2 + 1, &naps);
    pair_ok = soak_broker_kill(&worst);
    printf("soak: ticktimer clients killed mid-sleep: %u, sleeps answered "
           "after each: %u, slots left to the dead: %s\n",
           seconds / 2 + 1, naps, tt_ok ? "none" : "some");
    printf("soak: broker killed under a busy direct-path pair: both ended "
           "with InternalError %s (%.1f ms after the kill)\n",
           pair_ok ? "yes" : "NO", worst / 1000.0);
    ok = ok && tt_ok && pair_ok;
  }
  printf("soak: %s\n", ok ? "PASS" : "FAIL");
  if (ok) {
    char cmd[PATH_MAX + 16];

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
      fprintf(stderr, "soak: could not remove %s\n", dir);
  } else {
    printf("soak: outputs kept in %s\n", dir);
  }
  free(server_slot);
  free(client_slot);
  free(lat);
  return ok ? 0 : 1;
}
