/*
 * xousd: the broker that plays the Xous kernel for desktop processes.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <sodium.h>

#include "config.h"
#include "tools/cli.h"
#include "xousd/broker.h"
#include "xousd/hosted_listen.h"

struct xd_broker xd;

static void
usage(FILE *out)
{
  fprintf(out,
          "usage: xousd [--foreground] [--verbose] [--socket PATH]\n"
          "             [--max-connections N] [--max-servers N]\n"
          "             [--process-servers N] [--max-processes N]\n"
          "             [--hosted ADDR:PORT]\n"
          "       xousd --help | --version\n"
          "\n"
          "The Xous kernel's broker: PIDs, servers, connections and messages\n"
          "for Xous processes on this machine (see xousd(8)).\n"
          "\n"
          "  -f, --foreground        stay in the foreground (default: detach\n"
          "                          once the socket is ready)\n"
          "  -v, --verbose           say what the broker decides; twice: "
          "trace\n"
          "                          every message\n"
          "  -s, --socket PATH       listen on PATH (default: $XOUS_SOCKET,\n"
          "                          else $XDG_RUNTIME_DIR/xous/xousd.sock,\n"
          "                          else /tmp/xous-UID/xousd.sock)\n"
          "      --max-connections N connections per process (default 32, "
          "as\n"
          "                          the device; at most 32)\n"
          "      --max-servers N     servers system wide (default 128, as "
          "the\n"
          "                          device; at most 256: the sender word "
          "has\n"
          "                          8 bits of server index)\n"
          "      --process-servers N servers one process may own (default "
          "32)\n"
          "      --max-processes N   processes besides the broker (default "
          "63, as\n"
          "                          the device; at most 254, a desktop "
          "extension\n"
          "                          for scale work: PIDs are 8 bits)\n"
          "      --hosted ADDR:PORT  also accept Rust programs of the Xous\n"
          "                          hosted mode over TCP on ADDR:PORT\n"
          "                          (loopback only; port 0 picks one)\n"
          "  -h, --help              this text\n"
          "  -V, --version           the version\n\n");
  fputs(xd_activation_built()
            ? "Started by a socket unit (xousd.socket), it takes the socket "
              "it is\nhanded (LISTEN_FDS) and stays in the foreground.\n"
            : "Built without libsystemd: a socket handed over by a socket "
              "unit\n(LISTEN_FDS) is refused.\n",
        out);
}

void
xd_shutdown(void)
{
  if (xd.stopping)
    return;
  xd.stopping = true;
  xd_log(1, "shutting down");
  xd_peer_close_all();
  xd_reap();
  xd_hosted_stop();
  xd_unlisten();
  uv_signal_stop(&xd.sigint);
  uv_signal_stop(&xd.sigterm);
  uv_stop(xd.loop);
}

static void
on_signal(uv_signal_t *h, int signum)
{
  (void)h;
  xd_log(1, "%s: shutting down", strsignal(signum));
  xd_shutdown();
}

static void
close_handle(uv_handle_t *h, void *arg)
{
  (void)arg;
  if (!uv_is_closing(h))
    uv_close(h, NULL);
}

/* Says what the descriptor limit allows: a connection costs one
 * descriptor here while it carries only scalars (its ring) and three once
 * it has carried memory (the ring's object socket); a process, its
 * sockets and server pages a few more. Loud when the limits in force
 * (--max-processes, --max-connections) do not fit. */
static void
report_fd_limit(rlim_t was, rlim_t hard)
{
  unsigned long long limit = (unsigned long long)xd.fd_limit;
  unsigned long long procs = xd.opt.max_processes;
  unsigned long long conns = xd.opt.max_connections;
  unsigned long long base = 64 + 4 * procs; /* listening, logs, sockets */
  unsigned long long room = limit > base ? limit - base : 0;
  unsigned long long need = base + procs * conns * 3;

  xd_log(limit < need ? 0 : 1,
         "file descriptor limit %llu (soft limit was %llu, hard %llu): room "
         "for about %llu connections, %llu if each carries memory; %llu "
         "processes of %llu connections need up to %llu%s",
         limit, (unsigned long long)was, (unsigned long long)hard, room,
         room / 3, procs, conns, need,
         limit < need ? ": raise the hard limit (ulimit -Hn, or LimitNOFILE= "
                        "for a service) or lower --max-processes"
                      : "");
}

/* A number from 1 to max, the whole of s. */
static bool
parse_count(const char *s, long max, unsigned *out)
{
  char *end;
  long n = strtol(s, &end, 10);

  if (*end != '\0' || end == s || n < 1 || n > max)
    return false;
  *out = (unsigned)n;
  return true;
}

/* The options that are not stored as they are: the counts, and --help,
 * --version and the wrong ones. */
static int
own_option(int c, char **argv, void *ctx)
{
  (void)ctx;
  switch (c) {
  case 'C':
    if (!parse_count(optarg, XOUS_MAX_CONNECTIONS, &xd.opt.max_connections)) {
      fprintf(stderr, "xousd: --max-connections takes 1..%d\n",
              XOUS_MAX_CONNECTIONS);
      return 2;
    }
    return -1;
  case 'N':
    /* PID 1 is the broker and PIDs are 8 bits: 254 others at most. */
    if (!parse_count(optarg, XOUSD_MAX_PIDS - 2, &xd.opt.max_processes)) {
      fprintf(stderr,
              "xousd: --max-processes takes 1..%d (the device "
              "allows %d; PIDs are 8 bits)\n",
              XOUSD_MAX_PIDS - 2, XOUS_MAX_PROCESSES);
      return 2;
    }
    return -1;
  case 'S':
  case 'P':
    /* Above 256 two servers would share a sender word's index bits. */
    if (!parse_count(optarg, XOUSD_MAX_SERVERS,
                     c == 'S' ? &xd.opt.max_servers
                              : &xd.opt.process_servers)) {
      fprintf(stderr,
              "xousd: --%s takes 1..%d (the sender word has 8 "
              "bits of server index)\n",
              c == 'S' ? "max-servers" : "process-servers", XOUSD_MAX_SERVERS);
      return 2;
    }
    return -1;
  default:
    return xous__cli_other_option(c, "xousd", usage, argv);
  }
}

/* Reads the options into xd.opt (and the hosted-mode address into
 * *hosted); returns -1 to go on, else the exit status. */
static int
parse_options(int argc, char **argv, const char **hosted)
{
  const struct xous_cli_option options[] = {
    { "foreground", 'f', XOUS_CLI_SET, &xd.opt.foreground },
    { "verbose", 'v', XOUS_CLI_COUNT, &xd.opt.verbose },
    { "socket", 's', XOUS_CLI_TEXT, &xd.opt.socket_path },
    { "max-connections", 'C', XOUS_CLI_OWN_VALUE, NULL },
    { "max-servers", 'S', XOUS_CLI_OWN_VALUE, NULL },
    { "process-servers", 'P', XOUS_CLI_OWN_VALUE, NULL },
    { "max-processes", 'N', XOUS_CLI_OWN_VALUE, NULL },
    { "hosted", 'H', XOUS_CLI_TEXT, hosted },
    XOUS_CLI_HELP_VERSION,
  };
  int status;

  xd.opt.max_connections = XOUS_MAX_CONNECTIONS;
  xd.opt.max_servers = XOUS_MAX_SERVERS;
  xd.opt.process_servers = 0; /* XOUSD_PROCESS_SERVERS, within max */
  xd.opt.max_processes = XOUS_MAX_PROCESSES;
  status = xous__cli_read(argc, argv, "fvs:hV", options, own_option, NULL);
  if (status >= 0)
    return status;
  if (xd.opt.process_servers == 0)
    xd.opt.process_servers = XOUSD_PROCESS_SERVERS;
  if (xd.opt.process_servers > xd.opt.max_servers)
    xd.opt.process_servers = xd.opt.max_servers;
  if (optind != argc) {
    fprintf(stderr,
            "xousd: takes no arguments, only options: '%s' "
            "(try xousd --help)\n",
            argv[optind]);
    return 2;
  }
  return -1;
}

/* The socket: the one handed over by socket activation (before any fork:
 * it is meant for this PID), else --socket, else the default. Returns -1
 * to go on, else the exit status. */
static int
choose_socket(void)
{
  static char path[PATH_MAX], handed[PATH_MAX];

  xd.handed_fd = xd_activation_socket(handed, sizeof handed);
  if (xd.handed_fd == -2)
    return 1;
  xd.handed = xd.handed_fd >= 0;
  if (xd.handed) {
    if (xd.opt.socket_path != NULL &&
        strcmp(xd.opt.socket_path, handed) != 0) {
      fprintf(stderr,
              "xousd: --socket %s, but the socket handed over is %s: "
              "leave --socket out under socket activation\n",
              xd.opt.socket_path, handed);
      return 2;
    }
    xd.opt.socket_path = handed;
    xd.opt.foreground = true; /* the unit's manager watches this PID */
  }
  if (xd.opt.socket_path == NULL) {
    if (xous__socket_path(path, sizeof path) != 0) {
      fprintf(stderr, "xousd: socket path too long\n");
      return 1;
    }
    xd.opt.socket_path = path;
  }
  return -1;
}

/* Detaches (unless --foreground): the parent exits only once the child
 * says through ready[] that the socket is up, so that "xousd && client"
 * never races the broker. Returns -1 in the process that goes on, else
 * the parent's exit status. */
static int
detach(int ready[2])
{
  pid_t pid;

  if (xd.opt.foreground)
    return -1;
  if (pipe(ready) != 0) {
    perror("xousd: pipe");
    return 1;
  }
  pid = fork();
  if (pid < 0) {
    perror("xousd: fork");
    return 1;
  }
  if (pid > 0) {
    char ok = 0;

    close(ready[1]);
    return read(ready[0], &ok, 1) == 1 && ok == 1 ? 0 : 1;
  }
  close(ready[0]);
  setsid();
  return -1;
}

static void
raise_fd_limit(void)
{
  /* Each ring costs descriptors here (direct.c): allow what the system
   * lets us have, and say what that is. */
  struct rlimit rl = { 0, 0 };
  rlim_t was = 0;

  if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
    was = rl.rlim_cur;
    if (rl.rlim_cur < rl.rlim_max) {
      rl.rlim_cur = rl.rlim_max;
      if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
        rl.rlim_cur = was;
    }
    xd.fd_limit = rl.rlim_cur;
  }
  report_fd_limit(was, rl.rlim_max);
}

/* The loop, the listening sockets (and the hosted-mode listener at
 * hosted, when not NULL), the shared space and the signals. */
static int
start_serving(const char *hosted)
{
  xd.loop = uv_default_loop();
  xd.listen_fd = -1;
  xd_list_init(&xd.connecting);
  xd_list_init(&xd.peers);
  if (xd_listen() != 0)
    return 1;
  if (hosted != NULL) {
    if (xd_hosted_listen(hosted) != 0)
      return 1;
    /* Said always: with port 0 nobody knows the port otherwise. */
    fprintf(stderr, "xousd: hosted mode on %s\n", xd_hosted_address());
  }
  xd_space_init();
  uv_signal_init(xd.loop, &xd.sigint);
  uv_signal_init(xd.loop, &xd.sigterm);
  uv_signal_start(&xd.sigint, on_signal, SIGINT);
  uv_signal_start(&xd.sigterm, on_signal, SIGTERM);
  xd_log(1, "listening on %s", xd.opt.socket_path);
  return 0;
}

/* Tells the waiting parent (ready[1], when detached) that the socket is
 * up, and lets go of the terminal's input. */
static int
tell_ready(int ready[2])
{
  char ok = 1;

  if (ready[1] < 0)
    return 0;
  if (write(ready[1], &ok, 1) != 1)
    return 1;
  close(ready[1]);
  return freopen("/dev/null", "r", stdin) == NULL ? 1 : 0;
}

static void
serve_until_stopped(void)
{
  xd_activation_notify("READY=1");
  uv_run(xd.loop, UV_RUN_DEFAULT);
  xd_activation_notify("STOPPING=1");
  /* Close whatever is left, and let libuv finish the closes. */
  uv_walk(xd.loop, close_handle, NULL);
  uv_run(xd.loop, UV_RUN_DEFAULT);
  uv_loop_close(xd.loop);
}

int
main(int argc, char **argv)
{
  const char *hosted = NULL;
  int ready[2] = { -1, -1 };
  int status;

  if ((status = parse_options(argc, argv, &hosted)) >= 0 ||
      (status = choose_socket()) >= 0)
    return status;
  if (sodium_init() < 0) {
    fprintf(stderr, "xousd: libsodium failed to start\n");
    return 1;
  }
  xd_random_init();
  signal(SIGPIPE, SIG_IGN);
  if ((status = detach(ready)) >= 0)
    return status;
  raise_fd_limit();
  if (start_serving(hosted) != 0 || tell_ready(ready) != 0)
    return 1;
  serve_until_stopped();
  return 0;
}
