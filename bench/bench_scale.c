/*
 * The scale benchmark: many Xous processes on one private xousd.
 *
 *   bench_scale --xousd PATH [--quick] [--processes N] [--servers N]
 *               [--messages N]
 *
 * Default: 250 processes (50 servers, 200 clients), each client connected
 * to 25 servers (5000 connections), a million Scalar messages sent with
 * sequence numbers. At the end each client asks every server it used how
 * many of its messages arrived, after which nothing may be missing and
 * nothing out of order. Then processes are added until the PID space is
 * full, and the one after gets refused: its error is reported. Reports
 * the broker's RSS (idle, with everything connected, at the end), its
 * descriptors, and the message rate. --quick: 60 processes, 100 000
 * messages.
 *
 * Figures, not pass/fail, except that a lost or reordered message, or a
 * PID-space end that does not give OutOfMemory, makes the exit status 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <xous.h>

#include "bench.h"
#include "tools/monotonic.h"
#include "tools/procfs.h"

#define OP_COUNT 1 /* Scalar (seq): counted and checked */
#define OP_SYNC 2  /* BlockingScalar (sent): Scalar2(received, disorder) */
#define MAX_PROCS 300
#define STACK_SIZE (64 * 1024)

static pid_t kids[MAX_PROCS + 16];
static unsigned nkids;
static pid_t broker;
static char dir[64], sock_path[128];

static double
now_s(void)
{
  return (double)monotonic_ns() / 1e9;
}

static xous_sid_t
server_sid(unsigned i)
{
  char name[24];

  snprintf(name, sizeof name, "bench-scale%05u", i % 100000u);
  return xous_sid_from_name(name);
}

/* One line to the parent, whole (shorter than PIPE_BUF). */
static void
tell(int fd, const char *fmt, unsigned long long a, unsigned long long b,
     unsigned long long c)
{
  char line[128];
  int n = snprintf(line, sizeof line, fmt, a, b, c);

  if (write(fd, line, (size_t)n) != n)
    _exit(3);
}

/* ---- the server ----------------------------------------------------------- */

static _Noreturn void
run_server(unsigned index, int report)
{
  static uint64_t count[256], last[256];
  uint64_t disorder = 0;
  xous_sid_t sid = server_sid(index);
  xous_cid_t cid;
  xous_error_t err = xous_create_server_with_address(sid, &cid);

  if (err != XOUS_OK) {
    tell(report, "E server %llu %llu %llu\n", index, err, 0);
    _exit(1);
  }
  tell(report, "R %llu %llu %llu\n", index, 0, 0);
  for (;;) {
    xous_envelope_t env;
    unsigned pid;

    if (xous_receive_message(sid, &env) != XOUS_OK)
      _exit(1);
    pid = xous_sender_pid(env.sender);
    if (env.body.kind == XOUS_MSG_SCALAR && env.body.scalar.id == OP_COUNT) {
      if (env.body.scalar.arg1 != last[pid] + 1)
        disorder++;
      last[pid] = env.body.scalar.arg1;
      count[pid]++;
    } else if (env.body.kind == XOUS_MSG_BLOCKING_SCALAR) {
      xous_return_scalar2(env.sender, count[pid], disorder);
    }
  }
}

/* ---- the client ----------------------------------------------------------- */

static _Noreturn void
run_client(unsigned index, unsigned nservers, unsigned conns,
           unsigned long long messages, int report, int go)
{
  xous_cid_t cid[32];
  unsigned long long sent[32] = { 0 }, lost = 0, disorder = 0;
  char c;

  for (unsigned k = 0; k < conns; k++) {
    xous_error_t err = xous_connect(server_sid((index + k) % nservers),
                                    &cid[k]);

    if (err != XOUS_OK) {
      tell(report, "E connect %llu %llu %llu\n", index, err, 0);
      _exit(1);
    }
  }
  tell(report, "R %llu %llu %llu\n", index, conns, 0);
  /* All start together: the parent closes the pipe. */
  while (read(go, &c, 1) < 0 && errno == EINTR)
    continue;
  for (unsigned long long m = 0; m < messages; m++) {
    unsigned k = (unsigned)(m % conns);

    if (xous_scalar(cid[k], OP_COUNT, ++sent[k], 0, 0, 0) != XOUS_OK) {
      tell(report, "E send %llu %llu %llu\n", index, m, 0);
      _exit(1);
    }
  }
  /* Each server answers after everything queued before: the counts. */
  for (unsigned k = 0; k < conns; k++) {
    xous_word_t ret[5];

    if (xous_blocking_scalar(cid[k], OP_SYNC, sent[k], 0, 0, 0, ret) !=
        XOUS_OK) {
      tell(report, "E sync %llu %llu %llu\n", index, k, 0);
      _exit(1);
    }
    lost += sent[k] - ret[0];
    disorder += ret[1];
  }
  tell(report, "D %llu %llu %llu\n", messages, lost, disorder);
  pause();
  _exit(0);
}

/* A process that only joins; says whether it got a PID. */
static _Noreturn void
run_joiner(int report)
{
  xous_sid_t sid;
  xous_error_t err = xous_create_server_id(&sid);

  tell(report, "J %llu %llu %llu\n", err, xous_get_process_id(), 0);
  pause();
  _exit(0);
}

/* ---- the parent ------------------------------------------------------------- */

/* A child that dies with this process, remembered to be killed at the
 * end. */
static pid_t
fork_child(void)
{
  pid_t pid = bench_fork();

  if (pid < 0) {
    perror("bench_scale: fork");
    exit(2);
  }
  if (pid > 0)
    kids[nkids++] = pid;
  return pid;
}

/* Reads one line from the report pipe (fd), bounded. Lines of many
 * writers arrive whole, as each is one write shorter than PIPE_BUF. */
static bool
read_line(int fd, char *out, size_t size, int timeout_ms)
{
  static char buf[1 << 16];
  static size_t len;

  for (;;) {
    char *nl = memchr(buf, '\n', len);
    struct pollfd p = { .fd = fd, .events = POLLIN };
    ssize_t n;

    if (nl != NULL) {
      size_t l = (size_t)(nl - buf) + 1;

      if (l >= size)
        l = size - 1;
      memcpy(out, buf, l);
      out[l] = '\0';
      len -= (size_t)(nl - buf) + 1;
      memmove(buf, nl + 1, len);
      return true;
    }
    if (poll(&p, 1, timeout_ms) != 1)
      return false;
    n = read(fd, buf + len, sizeof buf - len);
    if (n <= 0)
      return false;
    len += (size_t)n;
  }
}

static void
cleanup(void)
{
  char cmd[128];

  for (unsigned i = 0; i < nkids; i++)
    kill(kids[i], SIGKILL);
  for (unsigned i = 0; i < nkids; i++)
    waitpid(kids[i], NULL, 0);
  nkids = 0;
  if (broker > 0) {
    kill(broker, SIGTERM);
    waitpid(broker, NULL, 0);
    broker = 0;
  }
  if (dir[0] != '\0') {
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
      fprintf(stderr, "bench_scale: could not remove %s\n", dir);
    dir[0] = '\0';
  }
}

static bool
start_broker(const char *xousd)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };

  snprintf(dir, sizeof dir, "/tmp/xous-scale-XXXXXX");
  if (mkdtemp(dir) == NULL)
    return false;
  snprintf(sock_path, sizeof sock_path, "%s/xousd.sock", dir);
  setenv("XOUS_SOCKET", sock_path, 1);
  broker = fork();
  if (broker == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    /* Past the device's 63 processes: the whole 8-bit PID space. */
    execl(xousd, xousd, "--foreground", "--max-servers", "256",
          "--max-processes", "254", "--socket", sock_path, (char *)NULL);
    _exit(127);
  }
  memcpy(sa.sun_path, sock_path, strlen(sock_path) + 1);
  for (int i = 0; i < 500; i++) {
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    int r = connect(fd, (struct sockaddr *)&sa, sizeof sa);

    close(fd);
    if (r == 0)
      return true;
    sleep_for_ms(10);
  }
  return false;
}

int
main(int argc, char **argv)
{
  const char *xousd = NULL;
  unsigned nprocs = 250, nservers = 50, conns;
  unsigned long long messages = 1000000, per, total = 0, lost = 0,
                     disorder = 0;
  int report[2], go[2];
  char line[256];
  unsigned ready = 0, done = 0, joined = 0, errors = 0;
  long rss_idle, rss_ready, rss_end;
  int fds_idle, fds_ready;
  double t0, t1;
  unsigned long long refused = 0;
  bool ok = true;

  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--quick") == 0) {
      nprocs = 60;
      nservers = 12;
      messages = 100000;
    } else if (strcmp(argv[i], "--xousd") == 0 && i + 1 < argc) {
      xousd = argv[++i];
    } else if (strcmp(argv[i], "--processes") == 0 && i + 1 < argc) {
      nprocs = (unsigned)strtoul(argv[++i], NULL, 10);
    } else if (strcmp(argv[i], "--servers") == 0 && i + 1 < argc) {
      nservers = (unsigned)strtoul(argv[++i], NULL, 10);
    } else if (strcmp(argv[i], "--messages") == 0 && i + 1 < argc) {
      messages = strtoull(argv[++i], NULL, 10);
    } else {
      fprintf(stderr, "usage: bench_scale --xousd PATH [--quick] "
                      "[--processes N] [--servers N] [--messages N]\n");
      return 2;
    }
  }
  if (xousd == NULL || nservers == 0 || nprocs <= nservers || nprocs > 254 ||
      nservers > 256) {
    fprintf(stderr, "bench_scale: --xousd PATH, 1 <= servers < processes "
                    "<= 254\n");
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  conns = nservers < 25 ? nservers : 25;
  per = messages / (nprocs - nservers);
  signal(SIGPIPE, SIG_IGN);
  atexit(cleanup);
  if (!start_broker(xousd)) {
    fprintf(stderr, "bench_scale: xousd did not start\n");
    return 2;
  }
  sleep_for_ms(50);
  rss_idle = proc_rss_kb(broker);
  fds_idle = proc_fds(broker, NULL);
  if (pipe(report) != 0 || pipe(go) != 0)
    return 2;

  /* Servers first, then clients; each says R when it is ready. */
  for (unsigned i = 0; i < nprocs; i++) {
    if (fork_child() == 0) {
      close(report[0]);
      close(go[1]);
      if (i < nservers)
        run_server(i, report[1]);
      run_client(i - nservers, nservers, conns, per, report[1], go[0]);
    }
    if (i + 1 == nservers) /* the clients connect to existing servers */
      while (ready < nservers &&
             read_line(report[0], line, sizeof line, 10000)) {
        if (line[0] != 'R') {
          fprintf(stderr, "bench_scale: %s", line);
          return 1;
        }
        ready++;
      }
  }
  close(go[0]);
  while (ready < nprocs && read_line(report[0], line, sizeof line, 30000)) {
    if (line[0] != 'R') {
      fprintf(stderr, "bench_scale: %s", line);
      return 1;
    }
    ready++;
  }
  if (ready < nprocs) {
    fprintf(stderr, "bench_scale: only %u of %u processes got ready\n", ready,
            nprocs);
    return 1;
  }
  rss_ready = proc_rss_kb(broker);
  fds_ready = proc_fds(broker, NULL);

  t0 = now_s();
  close(go[1]);
  while (done < nprocs - nservers &&
         read_line(report[0], line, sizeof line, 170000)) {
    unsigned long long a, b, c;

    if (sscanf(line, "D %llu %llu %llu", &a, &b, &c) == 3) {
      total += a;
      lost += b;
      disorder += c;
      done++;
    } else {
      fprintf(stderr, "bench_scale: %s", line);
      errors++;
      done++;
    }
  }
  t1 = now_s();
  rss_end = proc_rss_kb(broker);

  /* The rest of the PID space, and one more. */
  for (unsigned i = nprocs; i < 256 && refused == 0; i++) {
    unsigned long long err, pid;

    if (fork_child() == 0) {
      close(report[0]);
      run_joiner(report[1]);
    }
    if (!read_line(report[0], line, sizeof line, 5000) ||
        sscanf(line, "J %llu %llu", &err, &pid) != 2)
      break;
    if (err == XOUS_OK)
      joined++;
    else
      refused = err;
  }

  printf("bench_scale: %u processes (%u servers, %u clients), %u "
         "connections\n",
         nprocs, nservers, nprocs - nservers, (nprocs - nservers) * conns);
  printf("bench_scale: %llu messages in %.2f s: %.0f messages/s; lost %llu, "
         "out of order %llu, failed clients %u\n",
         total, t1 - t0, (double)total / (t1 - t0), lost, disorder, errors);
  printf("bench_scale: xousd RSS %ld KiB idle, %ld KiB with all connected, "
         "%ld KiB after the messages; descriptors %d idle, %d connected\n",
         rss_idle, rss_ready, rss_end, fds_idle, fds_ready);
  printf("bench_scale: PID space: %u more processes joined (%u in all), the "
         "next was refused with %s\n",
         joined, nprocs + joined,
         refused != 0 ? xous_error_name((xous_error_t)refused) : "nothing");
  ok = lost == 0 && disorder == 0 && errors == 0 &&
       done == nprocs - nservers && refused == XOUS_OUT_OF_MEMORY &&
       nprocs + joined == 254;
  return ok ? 0 : 1;
}
