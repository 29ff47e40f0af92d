/*
 * The sockets between this process and xousd, and the calls made on
 * them: any syscall the broker answers (xous__broker_call, xous__forward)
 * and the private calls of the direct path (hosted/calls.h).
 *
 * Lifetimes:
 *  1. The process socket is opened by the first syscall that needs the
 *     broker and lives until the process ends: its hang-up is how the
 *     broker learns that the process died.
 *  2. Each thread has its own socket, opened on its first call, so that a
 *     blocking call is a plain write and read: no demultiplexing. A thread
 *     socket closes when its thread exits.
 *  3. After fork() the child forgets both and joins as a new process.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "hosted/internal.h"
#include "hosted/ring.h"

static pthread_mutex_t join_lock = PTHREAD_MUTEX_INITIALIZER;
static int process_sock = -1;
static atomic_int process_pid; /* 0 until joined */
static atomic_int broker_lost; /* said once that the broker is gone */
static atomic_int refused;     /* the Xous error the broker refused us with */
/* Set by the watcher thread when the process socket hangs up: the broker
 * died. Read (relaxed) by every message call of the direct path, which
 * otherwise never talks to the broker. */
atomic_int xous__broker_gone;
/* Which join the running watcher belongs to: leaving, or a fork, makes
 * an older watcher's hang-up mean nothing. */
static atomic_uint watch_gen;
static pthread_key_t sock_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static XOUS__THREAD_LOCAL int thread_sock = -1;

static void make_key(void);

static void
close_thread_sock(void *p)
{
  int fd = (int)(intptr_t)p - 1;

  if (fd >= 0)
    close(fd);
}

/* Held across fork() (fork.c): the join is taken first. */
void
xous__broker_fork_lock(void)
{
  pthread_mutex_lock(&join_lock);
}

void
xous__broker_fork_unlock(void)
{
  pthread_mutex_unlock(&join_lock);
}

/* The inherited sockets belong to the parent's identity: the child drops
 * them and joins as a new process on its first call. */
void
xous__broker_after_fork(void)
{
  if (process_sock >= 0)
    close(process_sock);
  if (thread_sock >= 0)
    close(thread_sock);
  process_sock = -1;
  thread_sock = -1;
  atomic_store(&process_pid, 0);
  /* The parent's watcher is not ours, nor what it saw. */
  atomic_fetch_add(&watch_gen, 1);
  atomic_store(&xous__broker_gone, 0);
}

void
xous__hosted_expect_end(void)
{
  /* Marked as already reported: the watcher and a call that finds the
   * socket closed stay silent. Nothing is unmapped or closed here, so a
   * thread still blocked in a call gets InternalError when the broker
   * ends, as with any lost broker. */
  atomic_store(&broker_lost, 1);
}

void
xous__hosted_leave(void)
{
  pthread_once(&key_once, make_key);
  pthread_mutex_lock(&join_lock);
  /* The watcher of the old system stops without a word: shutdown wakes
   * its poll (a close alone would not) and tells the broker we left. */
  atomic_fetch_add(&watch_gen, 1);
  if (process_sock >= 0) {
    shutdown(process_sock, SHUT_RDWR);
    close(process_sock);
  }
  atomic_store(&xous__broker_gone, 0);
  if (thread_sock >= 0) {
    close(thread_sock);
    pthread_setspecific(sock_key, NULL);
  }
  process_sock = -1;
  thread_sock = -1;
  atomic_store(&process_pid, 0);
  atomic_store(&broker_lost, 0);
  atomic_store(&refused, 0);
  /* The rings and server pages of the old system mean nothing now. */
  xous__direct_after_fork();
  xous__direct_server_after_fork();
  pthread_mutex_unlock(&join_lock);
}

static void
make_key(void)
{
  struct rlimit rl;

  pthread_key_create(&sock_key, close_thread_sock);
  xous__fork_install();
  /* Every mapping that can be lent keeps a memory-object fd open: allow
   * as many as the system lets this user have. */
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

static void
say_lost(const char *path, int err)
{
  if (atomic_exchange(&broker_lost, 1) == 0)
    fprintf(stderr,
            "xous: cannot reach xousd at %s: %s\n"
            "xous: start the broker with 'xousd' or run the program under "
            "'xous-run'\n",
            path, strerror(err));
}

/* How long joining may take: the broker answers a hello at once, so this
 * is only reached when it cannot (stopped, or out of descriptors). */
#define HELLO_TIMEOUT_MS 5000

static int
ms_left(const struct timespec *deadline)
{
  struct timespec now;
  long long ms;

  clock_gettime(CLOCK_MONOTONIC, &now);
  ms = (deadline->tv_sec - now.tv_sec) * 1000LL +
       (deadline->tv_nsec - now.tv_nsec) / 1000000;
  return ms < 0 ? 0 : (int)ms;
}

static void
say_stuck(const char *what)
{
  if (atomic_exchange(&broker_lost, 1) == 0)
    fprintf(stderr,
            "xous: xousd did not %s within %d s: it is stopped, or out of "
            "file descriptors (see its log or 'xousd --verbose')\n",
            what, HELLO_TIMEOUT_MS / 1000);
}

/* Connects to the broker, within the deadline: a connect to a socket
 * whose backlog is full would otherwise block for as long as the broker
 * does not accept. */
static int
dial(const struct timespec *deadline)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  int fd;

  if (xous__socket_path(sa.sun_path, sizeof sa.sun_path) != 0) {
    say_lost("(path too long)", ENAMETOOLONG);
    return -1;
  }
  fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0)
    return -1;
  while (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
    if (errno == EINTR)
      continue;
    if (errno == EAGAIN && ms_left(deadline) > 0) {
      struct timespec pause = { 0, 2 * 1000 * 1000 };

      nanosleep(&pause, NULL);
      continue;
    }
    if (errno == EAGAIN)
      say_stuck("accept the connection");
    else
      say_lost(sa.sun_path, errno);
    close(fd);
    return -1;
  }
  /* Calls block on their socket: only the hello waits with a bound. */
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return fd;
}

/* One request, one answer, on a fresh socket: the hello handshake. 0, or
 * -1 with f->type XOUS_WIRE_ERROR when the broker said no. */
static int
hello(int fd, struct xous_wire_frame *f, const struct timespec *deadline)
{
  struct pollfd p = { .fd = fd, .events = POLLIN };
  int got_fd;
  long n;
  int ready;

  if (xous__wire_send(fd, f, -1) != 0)
    return -1;
  f->type = 0;
  do
    ready = poll(&p, 1, ms_left(deadline));
  while (ready < 0 && errno == EINTR);
  if (ready == 0) {
    say_stuck("answer");
    return -1;
  }
  n = xous__wire_recv(fd, f, sizeof *f, &got_fd);
  if (got_fd >= 0)
    close(got_fd);
  if (n == 0 || n == -ECONNRESET) {
    if (atomic_exchange(&broker_lost, 1) == 0)
      fprintf(stderr, "xous: xousd hung up before answering: it may be out "
                      "of file descriptors (see its log)\n");
    return -1;
  }
  if (xous__wire_check(f, n) != 0 || f->type != XOUS_WIRE_WELCOME)
    return -1;
  return 0;
}

static void
hello_deadline(struct timespec *deadline)
{
  clock_gettime(CLOCK_MONOTONIC, deadline);
  deadline->tv_sec += HELLO_TIMEOUT_MS / 1000;
}

static const char *
program_name(void)
{
  const char *env = getenv("XOUS_NAME");
  extern char *program_invocation_short_name;

  if (env != NULL && env[0] != '\0')
    return env;
  return program_invocation_short_name;
}

/* The watcher: one thread per process, asleep in poll() on the process
 * socket, on which the broker never writes. A hang-up means the broker
 * died: every message call fails from then on, even those of a client
 * and a server that talk only through shared memory. */
static void *
watch_broker(void *arg)
{
  uintptr_t word = (uintptr_t)arg;
  unsigned gen = (unsigned)(word >> 16);
  struct pollfd p = { .fd = (int)(word & 0xffff), .events = POLLRDHUP };

  for (;;) {
    p.revents = 0;
    if (poll(&p, 1, -1) < 0 && errno == EINTR)
      continue;
    if (p.revents & (POLLHUP | POLLRDHUP | POLLERR | POLLNVAL))
      break;
    if (p.revents & POLLIN) {
      char c;

      /* The broker sends nothing here; whatever came is read and
       * dropped, so that poll() sleeps again. */
      if (recv(p.fd, &c, 1, MSG_DONTWAIT) == 0)
        break;
    }
  }
  if (atomic_load(&watch_gen) != gen)
    return NULL; /* this process left that broker on purpose */
  atomic_store(&xous__broker_gone, 1);
  if (atomic_exchange(&broker_lost, 1) == 0)
    fprintf(stderr, "xous: lost the connection to xousd: every message "
                    "call now gives InternalError\n");
  return NULL;
}

static void
start_watcher(int fd)
{
  pthread_attr_t attr;
  pthread_t th;
  sigset_t all, old;

  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, 64 * 1024);
  /* Signals are for the program's threads, never for this one. */
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  /* Without a watcher the waits still look at the socket. */
  if (fd >= 0 && fd <= 0xffff)
    (void)pthread_create(&th, &attr, watch_broker,
                         (void *)(((uintptr_t)atomic_load(&watch_gen) << 16) |
                                  (uintptr_t)fd));
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  pthread_attr_destroy(&attr);
}

static int
join_broker(void)
{
  struct xous_wire_frame f;
  struct timespec deadline;
  int fd;

  pthread_once(&key_once, make_key);
  pthread_mutex_lock(&join_lock);
  if (atomic_load(&process_pid) != 0) {
    pthread_mutex_unlock(&join_lock);
    return 0;
  }
  hello_deadline(&deadline);
  fd = dial(&deadline);
  if (fd < 0) {
    pthread_mutex_unlock(&join_lock);
    return -1;
  }
  memset(&f, 0, sizeof f);
  f.magic = XOUS_WIRE_MAGIC;
  f.version = XOUS_WIRE_VERSION;
  f.type = XOUS_WIRE_HELLO_PROCESS;
  snprintf(f.name, sizeof f.name, "%s", program_name());
  if (hello(fd, &f, &deadline) != 0) {
    if (f.type == XOUS_WIRE_ERROR) {
      xous_error_t err = xous__error_from_word(f.w[0]);

      /* Every later call fails with this error, not InternalError: the
       * broker is there, it said no. */
      atomic_store(&refused, (int)err);
      if (atomic_exchange(&broker_lost, 1) == 0)
        fprintf(stderr, "xous: xousd refused this process: %s%s\n",
                xous_strerror(err),
                err == XOUS_OUT_OF_MEMORY
                    ? " (no free PID: as many processes are running as "
                      "xousd allows, 63 by default as on the device; "
                      "xousd --max-processes raises it)"
                    : "");
    } else
      say_lost("xousd", EPROTO); /* said once: the first word stays */
    close(fd);
    pthread_mutex_unlock(&join_lock);
    return -1;
  }
  process_sock = fd;
  atomic_store(&process_pid, (int)f.w[0]);
  start_watcher(fd);
  pthread_mutex_unlock(&join_lock);
  xous__sigterm_take();
  return 0;
}

bool
xous__broker_alive(void)
{
  struct pollfd p = { .fd = process_sock, .events = POLLIN };

  /* The broker never writes on the process socket: a hang-up is all that
   * can come, and it means the broker is gone. */
  if (atomic_load_explicit(&xous__broker_gone, memory_order_relaxed))
    return false;
  if (p.fd < 0 || poll(&p, 1, 0) < 0)
    return true;
  return (p.revents & (POLLHUP | POLLERR | POLLNVAL)) == 0;
}

xous_pid_t
xous__pid(void)
{
  if (atomic_load(&process_pid) == 0 && join_broker() != 0)
    return 0;
  return (xous_pid_t)atomic_load(&process_pid);
}

static int
thread_socket(void)
{
  struct xous_wire_frame f;
  struct timespec deadline;
  int fd;

  if (thread_sock >= 0)
    return thread_sock;
  if (xous__pid() == 0)
    return -1;
  hello_deadline(&deadline);
  fd = dial(&deadline);
  if (fd < 0)
    return -1;
  memset(&f, 0, sizeof f);
  f.magic = XOUS_WIRE_MAGIC;
  f.version = XOUS_WIRE_VERSION;
  f.type = XOUS_WIRE_HELLO_THREAD;
  f.tid = (uint32_t)xous__tid();
  f.w[0] = (uint64_t)atomic_load(&process_pid);
  if (hello(fd, &f, &deadline) != 0) {
    close(fd);
    return -1;
  }
  thread_sock = fd;
  pthread_setspecific(sock_key, (void *)(intptr_t)(fd + 1));
  return fd;
}

void
xous__thread_attach(xous_tid_t tid)
{
  (void)tid;
  (void)thread_socket();
}

void
xous__broker_call(const xous_word_t args[8], int fd, xous_word_t res[8],
                  uint64_t *mem_offset, int *fd_out)
{
  struct xous_wire_frame f;
  int sock = thread_socket();
  int got_fd = -1;
  long n;
  int i;

  *fd_out = -1;
  if (sock < 0)
    goto lost;
  memset(&f, 0, sizeof f);
  f.magic = XOUS_WIRE_MAGIC;
  f.version = XOUS_WIRE_VERSION;
  f.type = XOUS_WIRE_SYSCALL;
  f.tid = (uint32_t)xous__tid();
  f.flags = fd >= 0 ? XOUS_WIRE_F_FD : 0;
  for (i = 0; i < 8; i++)
    f.w[i] = (uint64_t)args[i];
  if (mem_offset != NULL)
    f.mem_offset = *mem_offset;
  if (xous__wire_send(sock, &f, fd) != 0)
    goto lost;
  n = xous__wire_recv(sock, &f, sizeof f, &got_fd);
  if (n == -EMFILE && xous__wire_check(&f, sizeof f) == 0 &&
      f.type == XOUS_WIRE_RESULT) {
    /* The answer came, but its descriptor could not be received: this
     * process is out of descriptors. The broker is fine. */
    xous__set_error(res, XOUS_OUT_OF_MEMORY);
    return;
  }
  if (xous__wire_check(&f, n) != 0 || f.type != XOUS_WIRE_RESULT ||
      ((f.flags & XOUS_WIRE_F_FD) != 0) != (got_fd >= 0)) {
    if (got_fd >= 0)
      close(got_fd);
    goto lost;
  }
  for (i = 0; i < 8; i++)
    res[i] = (xous_word_t)f.w[i];
  if (mem_offset != NULL)
    *mem_offset = f.mem_offset;
  *fd_out = got_fd;
  return;

lost:
  if (atomic_exchange(&broker_lost, 1) == 0 && sock >= 0)
    fprintf(stderr, "xous: lost the connection to xousd\n");
  xous__set_error(res, atomic_load(&refused) != 0
                           ? (xous_error_t)atomic_load(&refused)
                           : XOUS_INTERNAL_ERROR);
}

/* ---- calls on the thread socket ---------------------------------------- */

void
xous__forward(const xous_word_t a[8], xous_word_t r[8])
{
  int fd;

  xous__broker_call(a, -1, r, NULL, &fd);
  if (fd >= 0)
    close(fd);
}

/* One private call: XOUS_OK with the descriptor that came with the
 * answer in *fd (-1 when none) and the answer's words in *ans (unless
 * NULL), or the error. An Error result that names no error is the
 * broker's mistake, not a success. */
static xous_error_t
hosted_call(const struct xous__hosted_args *h, struct xous__hosted_answer *ans,
            int *fd)
{
  xous_word_t a[8], r[8];
  xous_error_t err;

  xous__hosted_args_words(h, a);
  xous__broker_call(a, -1, r, NULL, fd);
  if (!xous__result_is_error(r)) {
    if (ans != NULL)
      *ans = xous__hosted_answer_of(h->op, r);
    return XOUS_OK;
  }
  if (*fd >= 0)
    close(*fd);
  *fd = -1;
  err = xous__error_from_word(xous__result_error_word(r));
  return err == XOUS_OK ? XOUS_INTERNAL_ERROR : err;
}

/* Asks the broker for one object of the hosted path. */
xous_error_t
xous__hosted_object(const struct xous__hosted_args *h,
                    struct xous__hosted_answer *ans, size_t size,
                    uint32_t magic, void **map)
{
  int fd;
  xous_error_t err = hosted_call(h, ans, &fd);

  if (err != XOUS_OK)
    return err;
  *map = xous__map_object(fd, size, magic);
  return *map != NULL ? XOUS_OK : XOUS_INTERNAL_ERROR;
}

/* A XOUS__SYSCALL_HOSTED call whose answer carries a socket. */
xous_error_t
xous__hosted_socket(const struct xous__hosted_args *h, int *sock)
{
  struct stat st;
  int fd;
  xous_error_t err = hosted_call(h, NULL, &fd);

  if (err != XOUS_OK)
    return err;
  if (fd < 0 || fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) {
    if (fd >= 0)
      close(fd);
    return XOUS_INTERNAL_ERROR;
  }
  *sock = fd;
  return XOUS_OK;
}

void
xous__event(unsigned ev, unsigned index, uint32_t key, unsigned kind,
            uint64_t id, unsigned peer)
{
  struct xous__hosted_args h = { .op = XOUS__EVENT,
                                 .event = { ev, index, key, kind,
                                            (xous_word_t)id, peer } };
  xous_word_t a[8], r[8];
  int fd;

  xous__hosted_args_words(&h, a);
  xous__broker_call(a, -1, r, NULL, &fd);
  if (fd >= 0)
    close(fd);
}
