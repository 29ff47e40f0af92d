/*
 * Fuzz target: the broker (runtime/xousd) in-process, from its listening
 * socket to its tables. Each run connects three sockets to a real xd
 * listening in a private directory, optionally says hello as a process
 * and two of its threads, then writes the input as frames (128 bytes
 * each, with a selector byte that picks the socket, and may repair the
 * header, attach a memory object or cut the frame short), running the
 * libuv loop after each one and reading every answer. At the end every
 * socket hangs up; the broker must then hold no process, server, peer,
 * memory or file descriptor: anything left is reported as a leak.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <sodium.h>

#include "support/fuzz.h"
#include "xousd/broker.h"

#define SOCKS 3
#define MAX_FRAMES 64

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What main.c provides to the rest of the broker. */
struct xd_broker xd;

/* xousctl's kill request signals the process's OS pid, which here is the
 * fuzzer itself: that signal is dropped (the broker then sees the hang-up
 * at the end of the run, as after a real kill). Any other goes through. */
int
kill(pid_t pid, int sig)
{
  if (pid == getpid() || pid <= 0)
    return 0;
  return (int)syscall(SYS_kill, pid, sig);
}

static char dir[64];
static char path[128];

/* As main.c's, except that the listening socket stays for the next run
 * and the loop is not stopped: closes every peer. */
void
xd_shutdown(void)
{
  if (xd.stopping)
    return;
  xd.stopping = true;
  xd_peer_close_all();
  xd_reap();
}

static void
cleanup(void)
{
  xd_unlisten();
  rmdir(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  if (sodium_init() < 0)
    abort();
  signal(SIGPIPE, SIG_IGN);
  snprintf(dir, sizeof dir, "/tmp/xous-fuzz-XXXXXX");
  if (mkdtemp(dir) == NULL)
    abort();
  snprintf(path, sizeof path, "%s/xousd.sock", dir);
  xd.loop = uv_default_loop();
  xd.listen_fd = -1;
  xd.opt.socket_path = path;
  xd.opt.foreground = true;
  xd.opt.max_connections = XOUS_MAX_CONNECTIONS;
  xd.opt.max_servers = XOUS_MAX_SERVERS;
  xd.opt.max_processes = XOUS_MAX_PROCESSES;
  xd_list_init(&xd.connecting);
  xd_list_init(&xd.peers);
  if (xd_listen() != 0)
    abort();
  xd_space_init();
  atexit(cleanup);
  return 0;
}

/* Lets the broker handle everything that is ready, closes included. */
static void
pump(void)
{
  for (int i = 0; i < 4; i++)
    uv_run(xd.loop, UV_RUN_NOWAIT);
}

/* Reads and drops every answer waiting on s (with any fds that came);
 * closes s when the broker has hung up on it. */
static void
drain(int *s)
{
  static union {
    struct xous_wire_frame f;
    uint8_t b[XOUS_WIRE_CTL_MAX + 2 * XOUS_WIRE_FRAME_SIZE];
  } buf;

  while (*s >= 0) {
    int fd;
    long n = xous__wire_recv_flags(*s, &buf.f, sizeof buf, &fd, MSG_DONTWAIT);

    if (fd >= 0)
      close(fd);
    if (n == -EAGAIN || n == -EWOULDBLOCK)
      return;
    /* A datagram that is no frame (-EPROTO, its fds closed) or whose fd
     * found no room (-EMFILE) is dropped like the others. */
    if (n == 0 || (n < 0 && n != -EPROTO && n != -EMFILE)) {
      close(*s);
      *s = -1;
      return;
    }
  }
}

static int
dial(void)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

  if (s < 0)
    abort();
  memcpy(sa.sun_path, path, strlen(path) + 1);
  if (connect(s, (struct sockaddr *)&sa, sizeof sa) != 0)
    abort();
  return s;
}

static void
hello(int *socks)
{
  struct xous_wire_frame f;
  long n;
  int fd;

  f = xous__wire_frame(XOUS_WIRE_HELLO_PROCESS);
  snprintf(f.name, sizeof f.name, "fuzz");
  fz_send_pages(socks[0], &f, sizeof f, 0, MSG_DONTWAIT);
  pump();
  n = xous__wire_recv_flags(socks[0], &f, sizeof f, &fd, MSG_DONTWAIT);
  if (fd >= 0)
    close(fd);
  if (n != (long)sizeof f || f.type != XOUS_WIRE_WELCOME)
    return; /* a full PID table: go on with raw sockets */
  for (int i = 1; i < SOCKS; i++) {
    uint64_t pid = f.w[0];

    f = xous__wire_frame(XOUS_WIRE_HELLO_THREAD);
    f.tid = (uint32_t)(i + 1);
    f.w[0] = pid;
    fz_send_pages(socks[i], &f, sizeof f, 0, MSG_DONTWAIT);
    pump();
    n = xous__wire_recv_flags(socks[i], &f, sizeof f, &fd, MSG_DONTWAIT);
    if (fd >= 0)
      close(fd);
    f.w[0] = pid;
  }
}

/* The broker must forget everything once every peer has gone. */
static void
check_empty(void)
{
  for (int i = 0; i < 100 && !xd_list_empty(&xd.peers); i++)
    pump();
  pump();
  if (!xd_list_empty(&xd.peers) || !xd_list_empty(&xd.connecting)) {
    fprintf(stderr, "broker: peers left after every socket hung up\n");
    abort();
  }
  for (unsigned i = 0; i < XOUSD_MAX_PIDS; i++)
    if (xd.procs[i] != NULL) {
      fprintf(stderr, "broker: process %u left after its socket hung up\n", i);
      abort();
    }
  for (unsigned i = 0; i < XOUS_MAX_SERVERS; i++)
    if (xd.servers[i].used) {
      fprintf(stderr, "broker: server %u left after its owner died\n", i);
      abort();
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct fz_reader in = { data, size };
  int before = fz_open_fds();
  int socks[SOCKS];
  uint8_t mode = fz_u8(&in);

  for (int i = 0; i < SOCKS; i++)
    socks[i] = dial();
  pump(); /* accepts them */
  if (mode & 1)
    hello(socks);
  for (int i = 0; i < SOCKS; i++)
    drain(&socks[i]);

  for (int k = 0; k < MAX_FRAMES && fz_left(&in) > 0; k++) {
    struct xous_wire_frame f;
    uint8_t sel = fz_u8(&in);
    int s = socks[(sel & 3) % SOCKS];
    size_t len = sizeof f;
    unsigned pages = 0;

    fz_bytes(&in, &f, sizeof f);
    if (sel & 0x10) {
      /* A header the broker accepts, so that the input explores what is
       * behind the header check. */
      f.magic = XOUS_WIRE_MAGIC;
      f.version = XOUS_WIRE_VERSION;
      f.type = 1 + f.type % XOUS_WIRE_TYPE_MAX;
      f.flags &= XOUS_WIRE_F_FD;
    }
    if (sel & 0x20) {
      f.type = XOUS_WIRE_SYSCALL;
      f.w[0] %= 48;
    }
    if (sel & 0x40) {
      pages = 1 + (f.flags >> 8) % 4;
      if (sel & 0x10)
        f.flags |= XOUS_WIRE_F_FD;
    }
    if ((sel & 0x8c) == 0x8c)
      len = f.tid % (2 * sizeof f); /* cut short, or too long */
    if (s >= 0) {
      uint8_t raw[2 * sizeof f] = { 0 };

      memcpy(raw, &f, sizeof f);
      fz_send_pages(s, raw, len, pages, MSG_DONTWAIT);
    }
    pump();
    for (int i = 0; i < SOCKS; i++)
      drain(&socks[i]);
  }

  for (int i = 0; i < SOCKS; i++)
    if (socks[i] >= 0)
      close(socks[i]);
  check_empty();
  xd.stopping = false;
  fz_check_fds(before, "broker");
  return 0;
}
