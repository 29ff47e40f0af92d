/*
 * bench_hosted: what a program of the Xous hosted mode (the TCP protocol
 * of Rust programs built with the xous crate for the host) pays, beside a
 * native client of the same server in the same run:
 *  1. BlockingScalar round trip;
 *  2. Scalar rate (one-way, then one BlockingScalar to see them taken);
 *  3. MutableLend round trip of 4 KiB and of 1 MiB;
 *  4. start to first call: from the program's main() to its first answer
 *     (connect, key, PID, the bridge's start, CreateThread, Connect, one
 *     BlockingScalar).
 * The hosted client is tests/helpers/hosted-peer, which speaks the
 * protocol from the specification as xous-rs does.
 * Usage: bench_hosted [--xousd PATH] [--rounds N]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "hosted/wire.h"
#include "tools/json.h"
#include "xousd/ctl.h"

static char peer[4096];

/* Asks the broker for a hosted-mode PID and key and puts the variables
 * in our environment for the next peer. */
static bool
reserve(void)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  struct xous_wire_frame f;
  static char buf[sizeof f + 1024];
  const char *sock = getenv("XOUS_SOCKET"), *server, *key;
  char pid[8];
  json_t *o;
  bool ok;
  ssize_t n;
  int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

  if (fd < 0 || sock == NULL || strlen(sock) >= sizeof sa.sun_path)
    return false;
  memcpy(sa.sun_path, sock, strlen(sock) + 1);
  memset(&f, 0, sizeof f);
  f.magic = XOUS_WIRE_MAGIC;
  f.version = XOUS_WIRE_VERSION;
  f.type = XOUS_WIRE_CTL;
  f.w[0] = XOUS_CTL_HOSTED_ENV;
  snprintf(f.name, sizeof f.name, "bench-hosted");
  if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
      xous__wire_send(fd, &f, -1) != 0 ||
      (n = recv(fd, buf, sizeof buf - 1, 0)) < (ssize_t)sizeof f) {
    close(fd);
    return false;
  }
  close(fd);
  buf[n] = '\0';
  o = xous__json_parse(buf + sizeof f);
  server = xous__json_s(o, "server");
  key = xous__json_s(o, "key");
  snprintf(pid, sizeof pid, "%llu", xous__json_u(o, "pid", 0) & 0xff);
  ok = server != NULL && key != NULL && strcmp(pid, "0") != 0;
  if (ok) {
    setenv("XOUS_SERVER", server, 1);
    setenv("XOUS_PID", pid, 1);
    setenv("XOUS_PROCESS_KEY", key, 1);
  }
  json_decref(o);
  return ok;
}

/* Runs hosted-peer bench MODE NAME N and returns its "ns" figure, or -1. */
static double
hosted(const char *mode, unsigned long n)
{
  char count[32], line[128];
  int out[2];
  pid_t pid;
  FILE *f;
  double ns = -1;

  if (!reserve() || pipe(out) != 0)
    return -1;
  snprintf(count, sizeof count, "%lu", n);
  pid = fork();
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    execl(peer, "hosted-peer", "bench", mode, BENCH_NAME_SEPARATE, count,
          (char *)NULL);
    _exit(127);
  }
  close(out[1]);
  f = fdopen(out[0], "r");
  while (f != NULL && fgets(line, sizeof line, f) != NULL)
    if (sscanf(line, "ns %lf", &ns) == 1)
      break;
  if (f != NULL)
    fclose(f);
  while (pid > 0 && waitpid(pid, NULL, 0) < 0 && errno == EINTR)
    ;
  return ns;
}

static double
median_of(double *v, int n)
{
  qsort(v, (size_t)n, sizeof v[0], bench_cmp_double);
  return v[n / 2];
}

/* The native figures, from this process, to the same server. */
static void
native(xous_cid_t cid, unsigned long rounds, double out[4])
{
  xous_word_t ret[5];
  xous_range_t r4, r1m;
  double t0;

  xous_blocking_scalar(cid, BENCH_PING, 1, 0, 0, 0, ret);
  t0 = bench_now_ns();
  for (unsigned long i = 0; i < rounds; i++)
    xous_blocking_scalar(cid, BENCH_PING, i, 0, 0, 0, ret);
  out[0] = (bench_now_ns() - t0) / (double)rounds;
  t0 = bench_now_ns();
  for (unsigned long i = 0; i < rounds; i++)
    xous_scalar(cid, BENCH_COUNT, i, 0, 0, 0);
  xous_blocking_scalar(cid, BENCH_SYNC, 0, 0, 0, 0, ret);
  out[1] = (bench_now_ns() - t0) / (double)rounds;
  out[2] = out[3] = -1;
  if (xous_map_memory(0, 0, 4096, XOUS_MEM_R | XOUS_MEM_W, &r4) == XOUS_OK &&
      xous_map_memory(0, 0, 1 << 20, XOUS_MEM_R | XOUS_MEM_W, &r1m) ==
          XOUS_OK) {
    xous_message_t m = { .kind = XOUS_MSG_LEND_MUT };
    xous_result_t res;

    m.memory.id = BENCH_TOUCH;
    m.memory.buf = r4;
    t0 = bench_now_ns();
    for (unsigned long i = 0; i < rounds / 4; i++)
      xous_send_message(cid, &m, &res);
    out[2] = (bench_now_ns() - t0) / (double)(rounds / 4);
    m.memory.buf = r1m;
    t0 = bench_now_ns();
    for (unsigned long i = 0; i < rounds / 40; i++)
      xous_send_message(cid, &m, &res);
    out[3] = (bench_now_ns() - t0) / (double)(rounds / 40);
  }
}

int
main(int argc, char **argv)
{
  const char *build = getenv("XOUS_BUILDDIR"), *xousd = NULL;
  static const char *const names[] = { "BlockingScalar round trip",
                                       "Scalar one-way",
                                       "MutableLend 4 KiB round trip",
                                       "MutableLend 1 MiB round trip" };
  static const char *const modes[] = { "rtt", "scalar", "lend4k", "lend1m" };
  unsigned long rounds = 4000;
  double nat[4], hos[4], first[5];
  xous_cid_t cid;
  pid_t server;

  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--xousd") == 0 && i + 1 < argc)
      xousd = argv[++i];
    else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
      rounds = strtoul(argv[++i], NULL, 10);
    else {
      fprintf(stderr, "usage: bench_hosted [--xousd PATH] [--rounds N]\n");
      return 2;
    }
  }
  if (build == NULL)
    build = ".";
  snprintf(peer, sizeof peer, "%s/tests/helpers/hosted-peer", build);
  if (xousd == NULL) {
    static char path[4096];

    snprintf(path, sizeof path, "%s/xousd", build);
    xousd = path;
  }
  if (rounds < 40)
    rounds = 40;
  if (access(peer, X_OK) != 0) {
    printf("bench_hosted: no %s (make check builds it): skipped\n", peer);
    return 0;
  }
  setenv("BENCH_HOSTED", "1", 1);
  if (bench_broker_start(xousd) < 0)
    return 1;
  server = bench_server_spawn(BENCH_NAME_SEPARATE, BENCH_REPLY_SEPARATE);
  if (server < 0 ||
      xous_connect(xous_sid_from_name(BENCH_NAME_SEPARATE), &cid) != XOUS_OK) {
    bench_broker_stop();
    return 1;
  }
  native(cid, rounds, nat);
  hos[0] = hosted(modes[0], rounds);
  hos[1] = hosted(modes[1], rounds);
  hos[2] = hosted(modes[2], rounds / 4);
  hos[3] = hosted(modes[3], rounds / 40);
  for (int i = 0; i < 5; i++)
    first[i] = hosted("first", 1);
  printf("hosted mode (TCP, tests/helpers/hosted-peer) beside a native "
         "client, same server:\n");
  for (int i = 0; i < 4; i++)
    printf("  %-30s hosted %10.1f us   native %8.2f us   %6.0fx\n", names[i],
           hos[i] / 1e3, nat[i] / 1e3, nat[i] > 0 ? hos[i] / nat[i] : 0);
  printf("  %-30s hosted %10.1f us (median of 5; DESIGN.md target < 1 ms)\n",
         "start to first call", median_of(first, 5) / 1e3);
  xous_scalar(cid, BENCH_QUIT, 0, 0, 0, 0);
  waitpid(server, NULL, 0);
  bench_broker_stop();
  return 0;
}
