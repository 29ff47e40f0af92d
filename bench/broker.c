/*
 * A private xousd for one benchmark run, in a directory of its own, so
 * that the figures never include another user's traffic.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "tools/monotonic.h"

#define START_TIMEOUT_NS 5e9
#define STOP_TIMEOUT_NS 1e9

static char dir[64];
static char sock_path[96];
static pid_t broker;

double
bench_now_ns(void)
{
  return (double)monotonic_ns();
}

double
bench_cpu_ns(pid_t pid)
{
  struct timespec ts;
  clockid_t clk;

  if (clock_getcpuclockid(pid, &clk) != 0 || clock_gettime(clk, &ts) != 0)
    return -1;
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

pid_t
bench_fork(void)
{
  pid_t parent = getpid();
  pid_t pid;

  fflush(NULL);
  pid = fork();
  if (pid == 0) {
    (void)prctl(PR_SET_PDEATHSIG, SIGKILL);
    /* A parent that died before the prctl() sent no signal. */
    if (getppid() != parent)
      _exit(1);
  }
  return pid;
}

static bool
accepts(const char *path)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  bool ok;

  if (fd < 0)
    return false;
  snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
  ok = connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
  close(fd);
  return ok;
}

/* Removes the private directory and what the broker left in it (its
 * socket, its lock file). The directory holds no subdirectories. */
static void
remove_dir(const char *path)
{
  char entry[sizeof dir + 260];
  DIR *d = opendir(path);
  struct dirent *e;

  if (d != NULL) {
    while ((e = readdir(d)) != NULL) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
        continue;
      snprintf(entry, sizeof entry, "%s/%s", path, e->d_name);
      unlink(entry);
    }
    closedir(d);
  }
  rmdir(path);
}

pid_t
bench_broker_start(const char *xousd)
{
  const char *tmp = getenv("TMPDIR");
  double deadline;
  int status;

  /* A socket path holds 108 bytes: a long $TMPDIR would not leave room. */
  if (tmp == NULL || tmp[0] != '/' || strlen(tmp) > 32)
    tmp = "/tmp";
  snprintf(dir, sizeof dir, "%s/xous-bench-XXXXXX", tmp);
  if (mkdtemp(dir) == NULL) {
    fprintf(stderr, "bench: mkdtemp %s: %s\n", dir, strerror(errno));
    dir[0] = '\0';
    return -1;
  }
  snprintf(sock_path, sizeof sock_path, "%s/xousd.sock", dir);
  setenv("XOUS_SOCKET", sock_path, 1);

  broker = bench_fork();
  if (broker < 0) {
    fprintf(stderr, "bench: fork: %s\n", strerror(errno));
    broker = 0;
    return -1;
  }
  if (broker == 0) {
    int null = open("/dev/null", O_WRONLY);

    if (null >= 0)
      dup2(null, STDOUT_FILENO);
    /* BENCH_HOSTED: with the hosted-mode listener (bench_hosted). */
    execl(xousd, "xousd", "--foreground", "--socket", sock_path,
          getenv("BENCH_HOSTED") != NULL ? "--hosted" : (char *)NULL,
          "127.0.0.1:0", (char *)NULL);
    fprintf(stderr, "bench: cannot run %s: %s\n", xousd, strerror(errno));
    _exit(127);
  }
  deadline = bench_now_ns() + START_TIMEOUT_NS;
  while (!accepts(sock_path)) {
    if (waitpid(broker, &status, WNOHANG) == broker) {
      fprintf(stderr, "bench: xousd ended before it was ready\n");
      broker = 0;
      return -1;
    }
    if (bench_now_ns() > deadline) {
      fprintf(stderr, "bench: xousd did not start within 5 s\n");
      bench_broker_stop();
      return -1;
    }
    sleep_for_ms(5);
  }
  return broker;
}

void
bench_broker_stop(void)
{
  double deadline = bench_now_ns() + STOP_TIMEOUT_NS;

  /* Left first: a broker that ends under a connected process is, to
   * that process, a lost connection, and its runtime says so. */
  xous__hosted_leave();
  if (broker > 0) {
    kill(broker, SIGTERM);
    while (waitpid(broker, NULL, WNOHANG) == 0) {
      if (bench_now_ns() > deadline) {
        fprintf(stderr, "bench: xousd did not end within 1 s of SIGTERM; "
                        "killed\n");
        kill(broker, SIGKILL);
        waitpid(broker, NULL, 0);
        break;
      }
      sleep_for_ms(5);
    }
    broker = 0;
  }
  if (dir[0] != '\0') {
    remove_dir(dir);
    dir[0] = '\0';
  }
}
