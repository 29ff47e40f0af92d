/*
 * xous-run: runs a Xous system on this machine for as long as its programs
 * need it: a private xousd in a fresh directory, the standard servers,
 * then the programs, each line of their output prefixed with their name.
 *
 * The run ends when the work is done: once a program has ended and every
 * program still running is a server (a process the broker knows as the
 * owner of a server), or once the `until` programs have ended, or on
 * Ctrl-C. Then everything it started is stopped and the directory removed.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>

#include "config.h"
#include "tools/cli.h"
#include "tools/ctl_client.h"
#include "tools/manifest.h"
#include "tools/monotonic.h"
#include "tools/run_system.h"

#define MAX_PROCS 64
#define START_TIMEOUT_MS 5000
/* How long programs that are not servers may take to end by themselves
 * once the `until` programs have ended, and how long anything may take to
 * obey SIGTERM. */
#define GRACE_MS 1000
#define STOP_TIMEOUT_MS 2000
#define LINE_MAX_BYTES 4096
/* How often the broker is asked who is a server, and a name server about
 * an `after` name, while the answer matters. */
#define ASK_EVERY_MS 50
/* When a program still waits for its `after` name, a word on stderr. */
#define AFTER_NOTE_MS 5000

enum role { ROLE_BROKER, ROLE_SERVER, ROLE_PROGRAM };

struct stream {
  int fd;   /* -1 once closed */
  FILE *to; /* stdout or stderr */
  char buf[LINE_MAX_BYTES];
  size_t len;
};

struct proc {
  char name[64];
  enum role role;
  pid_t pid;           /* 0 once reaped */
  int status;          /* as from waitpid(), once reaped */
  bool waited;         /* a `wait` line of an image */
  bool until;          /* the run ends when the `until` programs have ended */
  bool server;         /* the broker knows it as the owner of a server */
  unsigned hosted_pid; /* a hosted-mode program: its Xous PID (the broker
                          knows the OS pid of its bridge, not its own) */
  bool stopped;        /* we signalled it: its end is no news */
  bool interactive;    /* on the terminal (--shell): its status is the run's */
  struct stream out, err;
};

static struct proc procs[MAX_PROCS];
static unsigned nprocs;
static size_t name_width = 5;
static char run_dir[PATH_MAX];
static char sock_path[PATH_MAX];
static bool own_socket; /* --socket: the path is the user's, no run_dir */
static bool shell_mode; /* --shell: the terminal belongs to the shell */
static int wake_pipe[2] = { -1, -1 };
static volatile sig_atomic_t got_signal;

struct run_options {
  const char *image;
  const char *socket;
  const char *until;
  const char *after;
  bool no_servers, keep_going, verbose, shell;
  bool hosted; /* the first program is a hosted-mode (TCP) program */
};

/* --virtual-time: the ticktimer's clock is virtual (xous-ticktimer(8)). */
static bool virtual_time;

enum { OPT_VIRTUAL_TIME = 1000, OPT_SEED };

static void
usage(FILE *out)
{
  fprintf(out,
          "usage: xous-run [--no-servers] [--verbose] [--keep-going]\n"
          "                [--until PROG] [--after NAME] [--socket PATH]\n"
          "                [--shell] [--hosted] [--virtual-time] [--seed N]\n"
          "                [--image FILE]\n"
          "                [PROGRAM [ARG ...] [-- PROGRAM [ARG ...]] ...]\n"
          "       xous-run --help | --version\n"
          "\n"
          "Starts a private xousd, the standard servers (xous-names,\n"
          "xous-ticktimer, xous-log) and the programs, separated by '--' or\n"
          "':', and prefixes their output with their names. The run ends\n"
          "once a program has ended and all that still run are servers;\n"
          "those are stopped then. Exits with the status of the first\n"
          "program that failed, else 0. Without a program, runs the demo\n"
          "(see xous-run(1)).\n"
          "\n"
          "  -i, --image FILE   run the processes listed in FILE\n"
          "  -u, --until PROG   end the run when PROG (its name or path) "
          "ends\n"
          "  -a, --after NAME   start the programs after the first once NAME\n"
          "                     is registered with xous-names\n"
          "  -s, --socket PATH  the broker's socket (for xousctl --socket)\n"
          "  -S, --shell        run $SHELL inside the system; the run ends\n"
          "                     with it\n"
          "  -n, --no-servers   do not start the standard servers\n"
          "  -k, --keep-going   wait for every program to end by itself\n"
          "      --virtual-time the ticktimer's clock stands still until\n"
          "                     'xousctl time advance MS' moves it\n"
          "      --seed N       replayable SIDs and tokens (test-only)\n"
          "  -v, --verbose      pass --verbose to xousd\n"
          "      --hosted       the first program is a Rust program of the\n"
          "                     Xous hosted mode (TCP); after '--', a\n"
          "                     program may start with --hosted too\n"
          "  -h, --help         this text\n"
          "  -V, --version      the version\n");
}

/* ==== signals =============================================================== */

static void
on_signal(int sig)
{
  int saved = errno;
  char c = (char)sig;

  if (sig != SIGCHLD)
    got_signal = sig;
  if (write(wake_pipe[1], &c, 1) < 0) {
    /* The pipe is full: the loop wakes up anyway. */
  }
  errno = saved;
}

/* With --shell, Ctrl-C is the shell's: it does not end the run. */
static int
setup_signals(void)
{
  struct sigaction sa = { .sa_handler = on_signal };

  if (pipe2(wake_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
    return -1;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  if (shell_mode)
    signal(SIGINT, SIG_IGN);
  else
    sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  sigaction(SIGCHLD, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
  return 0;
}

/* ==== output ================================================================ */

static void
emit_line(struct proc *p, struct stream *s, const char *line, size_t len)
{
  fprintf(s->to, "%-*s | %.*s\n", (int)name_width, p->name, (int)len, line);
  fflush(s->to);
}

/* Reads what is there; prints every whole line, and a cut line when the
 * buffer is full or the stream ended. */
static void
drain(struct proc *p, struct stream *s)
{
  ssize_t n;

  if (s->fd < 0)
    return;
  n = read(s->fd, s->buf + s->len, sizeof s->buf - s->len);
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return;
  if (n > 0) {
    size_t start = 0;

    s->len += (size_t)n;
    for (size_t i = 0; i < s->len; i++)
      if (s->buf[i] == '\n') {
        emit_line(p, s, s->buf + start, i - start);
        start = i + 1;
      }
    memmove(s->buf, s->buf + start, s->len - start);
    s->len -= start;
    if (s->len == sizeof s->buf) {
      emit_line(p, s, s->buf, s->len);
      s->len = 0;
    }
    return;
  }
  if (s->len > 0)
    emit_line(p, s, s->buf, s->len);
  s->len = 0;
  close(s->fd);
  s->fd = -1;
}

/* ==== children ============================================================== */

static void describe_end(const struct proc *p);

/* Collects every child that ended, and says so when one ended on its own
 * in a way worth knowing. Once a signal ends the run (Ctrl-C reaches the
 * whole process group), the children's deaths by it are no news. */
static void
reap(void)
{
  pid_t pid;
  int st;

  while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
    for (unsigned i = 0; i < nprocs; i++)
      if (procs[i].pid == pid) {
        procs[i].pid = 0;
        procs[i].status = st;
        if (got_signal)
          procs[i].stopped = true;
        if (!procs[i].stopped && !procs[i].interactive)
          describe_end(&procs[i]);
      }
}

static int
exit_code(int st)
{
  if (WIFEXITED(st))
    return WEXITSTATUS(st);
  if (WIFSIGNALED(st))
    return 128 + WTERMSIG(st);
  return 1;
}

static void
describe_end(const struct proc *p)
{
  if (WIFSIGNALED(p->status))
    fprintf(stderr, "xous-run: %s was killed by signal %d (%s)\n", p->name,
            WTERMSIG(p->status), strsignal(WTERMSIG(p->status)));
  else if (WIFEXITED(p->status) && WEXITSTATUS(p->status) != 0)
    fprintf(stderr, "xous-run: %s exited with status %d\n", p->name,
            WEXITSTATUS(p->status));
}

/* One poll() round over every open stream and the wake pipe. */
static void
pump(int timeout_ms)
{
  struct pollfd pfd[1 + 2 * MAX_PROCS];
  struct stream *str[1 + 2 * MAX_PROCS];
  struct proc *owner[1 + 2 * MAX_PROCS];
  nfds_t n = 0;

  pfd[n++] = (struct pollfd){ .fd = wake_pipe[0], .events = POLLIN };
  for (unsigned i = 0; i < nprocs; i++) {
    struct stream *ss[2] = { &procs[i].out, &procs[i].err };

    for (int k = 0; k < 2; k++)
      if (ss[k]->fd >= 0) {
        str[n] = ss[k];
        owner[n] = &procs[i];
        pfd[n++] = (struct pollfd){ .fd = ss[k]->fd, .events = POLLIN };
      }
  }
  if (poll(pfd, n, timeout_ms) > 0) {
    if (pfd[0].revents != 0) {
      char junk[64];

      while (read(wake_pipe[0], junk, sizeof junk) > 0)
        ;
    }
    for (nfds_t i = 1; i < n; i++)
      if (pfd[i].revents != 0)
        drain(owner[i], str[i]);
  }
  reap();
}

/* In the child: stdout and stderr to the pipes (an interactive process
 * keeps the terminal). With --shell, the others get a process group of
 * their own and no terminal input, so that the shell's Ctrl-C and job
 * control are the shell's alone. */
static void
child_stdio(bool interactive, const int out[2], const int err[2])
{
  int null;

  if (interactive)
    return;
  dup2(out[1], STDOUT_FILENO);
  dup2(err[1], STDERR_FILENO);
  if (shell_mode) {
    setpgid(0, 0);
    if ((null = open("/dev/null", O_RDONLY)) >= 0) {
      dup2(null, STDIN_FILENO);
      close(null);
    }
  }
}

/* Starts argv[0] with its output on two pipes, or on the terminal when
 * interactive. Returns the entry or NULL after saying why. */
static struct proc *
spawn(const char *name, enum role role, char *const argv[], bool interactive)
{
  struct proc *p;
  int out[2] = { -1, -1 }, err[2] = { -1, -1 }, ready[2];
  pid_t pid;
  int child_errno = 0;

  if (nprocs == MAX_PROCS) {
    fprintf(stderr, "xous-run: too many processes (at most %d)\n", MAX_PROCS);
    return NULL;
  }
  if ((!interactive &&
       (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0)) ||
      pipe2(ready, O_CLOEXEC) != 0) {
    fprintf(stderr, "xous-run: pipe: %s\n", strerror(errno));
    return NULL;
  }
  fflush(stdout);
  fflush(stderr);
  pid = fork();
  if (pid < 0) {
    fprintf(stderr, "xous-run: fork: %s\n", strerror(errno));
    return NULL;
  }
  if (pid == 0) {
    struct sigaction dfl = { .sa_handler = SIG_DFL };

    sigemptyset(&dfl.sa_mask);
    sigaction(SIGINT, &dfl, NULL);
    sigaction(SIGTERM, &dfl, NULL);
    sigaction(SIGHUP, &dfl, NULL);
    sigaction(SIGCHLD, &dfl, NULL);
    signal(SIGPIPE, SIG_DFL);
    /* Nothing outlives a xous-run that is killed outright. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    child_stdio(interactive, out, err);
    execvp(argv[0], argv);
    child_errno = errno;
    if (write(ready[1], &child_errno, sizeof child_errno) < 0) {
      /* The parent sees a plain exit. */
    }
    _exit(127);
  }
  if (!interactive) {
    close(out[1]);
    close(err[1]);
  }
  close(ready[1]);
  /* The exec's outcome: EOF when it worked, the errno when it did not. */
  while (read(ready[0], &child_errno, sizeof child_errno) < 0 &&
         errno == EINTR)
    ;
  close(ready[0]);
  p = &procs[nprocs++];
  memset(p, 0, sizeof *p);
  snprintf(p->name, sizeof p->name, "%s", name);
  if (strlen(p->name) > name_width)
    name_width = strlen(p->name);
  p->role = role;
  p->pid = pid;
  p->interactive = interactive;
  p->out = (struct stream){ .fd = out[0], .to = stdout };
  p->err = (struct stream){ .fd = err[0], .to = stderr };
  if (!interactive) {
    fcntl(out[0], F_SETFL, O_NONBLOCK);
    fcntl(err[0], F_SETFL, O_NONBLOCK);
  }
  if (child_errno != 0) {
    fprintf(stderr, "xous-run: cannot run %s: %s\n", argv[0],
            strerror(child_errno));
    return NULL;
  }
  return p;
}

/* Sends sig to every live process of the given role. */
static void
signal_role(enum role role, int sig)
{
  for (unsigned i = 0; i < nprocs; i++)
    if (procs[i].role == role && procs[i].pid > 0) {
      procs[i].stopped = true;
      kill(procs[i].pid, sig);
    }
}

static bool
any_alive(enum role role)
{
  for (unsigned i = 0; i < nprocs; i++)
    if (procs[i].role == role && procs[i].pid > 0)
      return true;
  return false;
}

/* Pumps output until no process of the role is alive or timeout_ms has
 * passed. Returns true when they all ended. */
static bool
wait_role(enum role role, int timeout_ms)
{
  long long end = now_ms() + timeout_ms;

  while (any_alive(role)) {
    long long left = end - now_ms();

    if (left <= 0)
      return false;
    pump(left > 100 ? 100 : (int)left);
  }
  return true;
}

/* SIGTERM, a bounded wait, then SIGKILL, and a wait that always ends. */
static void
stop_role(enum role role)
{
  signal_role(role, SIGTERM);
  if (wait_role(role, STOP_TIMEOUT_MS))
    return;
  signal_role(role, SIGKILL);
  while (any_alive(role))
    pump(100);
}

static void
stop_everything(void)
{
  stop_role(ROLE_PROGRAM);
  stop_role(ROLE_SERVER);
  stop_role(ROLE_BROKER);
  /* What the processes still had in their pipes. */
  for (unsigned i = 0; i < nprocs; i++) {
    while (procs[i].out.fd >= 0)
      drain(&procs[i], &procs[i].out);
    while (procs[i].err.fd >= 0)
      drain(&procs[i], &procs[i].err);
  }
}

/* ==== the run directory ===================================================== */

/* Where the directory of our own is made: $TMPDIR, unless it is unset,
 * empty, or too long for a socket path in it (sun_path holds 107 bytes and
 * a terminating NUL): then /tmp, so that a long TMPDIR still runs. */
static const char *
run_dir_base(void)
{
  const char *tmp = getenv("TMPDIR");
  size_t room = sizeof((struct sockaddr_un *)0)->sun_path -
                sizeof "/xous-run.XXXXXX/xousd.sock";

  if (tmp == NULL || tmp[0] == '\0' || strlen(tmp) > room)
    return "/tmp";
  return tmp;
}

/* The broker's socket: the user's path (--socket), else one in a fresh
 * directory of our own. */
static int
make_run_dir(const char *socket_path)
{
  const char *tmp = run_dir_base();

  if (socket_path != NULL) {
    own_socket = true;
    if ((size_t)snprintf(sock_path, sizeof sock_path, "%s", socket_path) >=
            sizeof sock_path ||
        strlen(sock_path) >= sizeof((struct sockaddr_un *)0)->sun_path) {
      fprintf(stderr,
              "xous-run: socket path too long: %s (at most %zu "
              "bytes)\n",
              socket_path, sizeof((struct sockaddr_un *)0)->sun_path - 1);
      return -1;
    }
    return 0;
  }
  if ((size_t)snprintf(run_dir, sizeof run_dir, "%s/xous-run.XXXXXX", tmp) >=
      sizeof run_dir - 16) {
    fprintf(stderr, "xous-run: TMPDIR is too long\n");
    return -1;
  }
  if (mkdtemp(run_dir) == NULL) { /* mode 0700 */
    fprintf(stderr, "xous-run: cannot make a directory in %s: %s\n", tmp,
            strerror(errno));
    run_dir[0] = '\0';
    return -1;
  }
  if ((size_t)snprintf(sock_path, sizeof sock_path, "%s/xousd.sock",
                       run_dir) >= sizeof sock_path ||
      strlen(sock_path) >= sizeof((struct sockaddr_un *)0)->sun_path) {
    fprintf(stderr,
            "xous-run: socket path too long: %s (set TMPDIR to a "
            "shorter directory)\n",
            sock_path);
    return -1;
  }
  return 0;
}

/* Removes the socket, the lock and anything else a crashed broker left. */
static void
remove_run_dir(void)
{
  static const char *const leftovers[] = { "xousd.sock", "xousd.sock.lock" };
  char path[PATH_MAX + 32];

  if (own_socket) {
    /* The broker removes them as it ends; a crashed one leaves them. */
    if (nprocs > 0 && procs[0].role == ROLE_BROKER && procs[0].pid == 0 &&
        WIFSIGNALED(procs[0].status) && WTERMSIG(procs[0].status) == SIGKILL) {
      unlink(sock_path);
      snprintf(path, sizeof path, "%s.lock", sock_path);
      unlink(path);
    }
    return;
  }
  if (run_dir[0] == '\0')
    return;
  for (size_t i = 0; i < sizeof leftovers / sizeof leftovers[0]; i++) {
    snprintf(path, sizeof path, "%s/%s", run_dir, leftovers[i]);
    unlink(path);
  }
  if (rmdir(run_dir) != 0)
    fprintf(stderr, "xous-run: cannot remove %s: %s\n", run_dir,
            strerror(errno));
  run_dir[0] = '\0';
}

/* ==== finding programs ======================================================= */

static char self_dir[PATH_MAX];

static void
find_self(const char *argv0)
{
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);

  if (n > 0)
    buf[n] = '\0';
  else if (realpath(argv0, buf) == NULL)
    snprintf(buf, sizeof buf, "%s", argv0);
  snprintf(self_dir, sizeof self_dir, "%s", dirname(buf));
  /* In the build tree, libtool's wrapper runs the program from .libs. */
  if (strlen(self_dir) > 6 &&
      strcmp(self_dir + strlen(self_dir) - 6, "/.libs") == 0)
    self_dir[strlen(self_dir) - 6] = '\0';
}

/* The first executable of self_dir/candidates[i]; false when none. */
static bool
find_beside(char *out, size_t size, const char *const candidates[])
{
  for (size_t i = 0; candidates[i] != NULL; i++) {
    if ((size_t)snprintf(out, size, "%s/%s", self_dir, candidates[i]) < size &&
        access(out, X_OK) == 0)
      return true;
  }
  return false;
}

/* A standard server or helper: beside xous-run (the build tree), in
 * libexec/xous-posix of xous-run's prefix (an install, wherever it was
 * moved), or where it was configured to be installed. */
static bool
find_helper(char *out, size_t size, const char *name)
{
  char rel[PATH_MAX];

  snprintf(rel, sizeof rel, "../libexec/%s/%s", PACKAGE, name);
  if (find_beside(out, size, (const char *const[]){ name, rel, NULL }))
    return true;
  return (size_t)snprintf(out, size, "%s/%s", XOUS_PKGLIBEXECDIR, name) <
             size &&
         access(out, X_OK) == 0;
}

static const char *
base_name(const char *path)
{
  const char *s = strrchr(path, '/');

  return s != NULL ? s + 1 : path;
}

/* ==== rv32 programs and the demo image ====================================== */

static bool
is_elf(const char *path)
{
  size_t n = strlen(path);

  return n > 4 && strcmp(path + n - 4, ".elf") == 0;
}

/* An rv32 program (.elf) runs under xous-emu: $XOUS_EMU, else the one
 * beside xous-run. Returns argv itself for a native program, a new
 * vector (free it) for an emulated one, NULL when there is no xous-emu. */
static char **
emulated(char **argv)
{
  static char emu[PATH_MAX];
  const char *env = getenv("XOUS_EMU");
  char **v;
  size_t n = 0;

  if (!is_elf(argv[0]))
    return argv;
  if (env != NULL && env[0] != '\0')
    snprintf(emu, sizeof emu, "%s", env);
  else if (!find_beside(emu, sizeof emu,
                        (const char *const[]){ "xous-emu", NULL })) {
    fprintf(stderr,
            "xous-run: %s is an rv32 program and there is no "
            "xous-emu beside %s (set XOUS_EMU)\n",
            argv[0], self_dir);
    return NULL;
  }
  while (argv[n] != NULL)
    n++;
  v = calloc(n + 2, sizeof *v);
  if (v == NULL)
    return NULL;
  v[0] = emu;
  memcpy(v + 1, argv, (n + 1) * sizeof *v);
  return v;
}

/* The source tree of the build tree xous-run runs from: the
 * abs_top_srcdir line of the Makefile beside it. */
static bool
build_srcdir(char *out, size_t size)
{
  char path[PATH_MAX + 16], *line = NULL;
  size_t cap = 0;
  bool found = false;
  FILE *f;

  snprintf(path, sizeof path, "%s/Makefile", self_dir);
  if ((f = fopen(path, "r")) == NULL)
    return false;
  while (!found && getline(&line, &cap, f) >= 0)
    if (strncmp(line, "abs_top_srcdir = ", 17) == 0) {
      line[strcspn(line, "\n")] = '\0';
      found = line[17] != '\0' &&
              (size_t)snprintf(out, size, "%s", line + 17) < size;
    }
  free(line);
  fclose(f);
  return found;
}

/* The first of dirs (n of them) that is a directory, into out. */
static bool
first_dir(char *out, size_t size, const char *const dirs[], int n)
{
  struct stat st;

  for (int i = 0; i < n; i++)
    if (stat(dirs[i], &st) == 0 && S_ISDIR(st.st_mode) &&
        (size_t)snprintf(out, size, "%s", dirs[i]) < size)
      return true;
  return false;
}

/* examples/demo.image, the default run: from $XOUS_SRCDIR, the source
 * tree of this build tree, or the installed data (beside xous-run's
 * prefix, wherever it was moved, then where it was configured). Its
 * programs are taken from the build tree's examples/ when xous-run runs
 * there, else from the installed ones. Returns 1 when loaded, 0 when
 * there is no image, -1 when it is wrong. */
static int
load_demo_image(struct manifest *m)
{
  const char *src = getenv("XOUS_SRCDIR");
  char dirs[5][PATH_MAX + 32], image[PATH_MAX + 64], progs[PATH_MAX + 64];
  char prog_dirs[3][PATH_MAX + 64];
  int n = 0;

  if (src != NULL && src[0] != '\0')
    snprintf(dirs[n++], sizeof dirs[0], "%.*s/examples", PATH_MAX, src);
  snprintf(dirs[n++], sizeof dirs[0], "%s/examples", self_dir);
  if (build_srcdir(dirs[n], PATH_MAX) && strlen(dirs[n]) + 10 < PATH_MAX) {
    strcat(dirs[n], "/examples");
    n++;
  }
  snprintf(dirs[n++], sizeof dirs[0], "%s/../share/%s/examples", self_dir,
           PACKAGE);
  snprintf(dirs[n++], sizeof dirs[0], "%s/examples", XOUS_PKGDATADIR);
  snprintf(prog_dirs[0], sizeof prog_dirs[0], "%s/examples", self_dir);
  snprintf(prog_dirs[1], sizeof prog_dirs[1], "%s/../libexec/%s/examples",
           self_dir, PACKAGE);
  snprintf(prog_dirs[2], sizeof prog_dirs[2], "%s/examples",
           XOUS_PKGLIBEXECDIR);
  for (int i = 0; i < n; i++) {
    const char *const pd[3] = { prog_dirs[0], prog_dirs[1], prog_dirs[2] };

    snprintf(image, sizeof image, "%.*s/demo.image", PATH_MAX, dirs[i]);
    if (access(image, R_OK) != 0)
      continue;
    if (!first_dir(progs, sizeof progs, pd, 3))
      snprintf(progs, sizeof progs, "%.*s", PATH_MAX, dirs[i]);
    if (manifest_load_from(m, image, progs) != 0)
      return -1;
    /* A demo whose programs are not all built falls back to hello. */
    for (unsigned k = 0; k < m->count; k++) {
      const char *p = m->entries[k].argv[0];

      if (strchr(p, '/') != NULL && access(p, is_elf(p) ? R_OK : X_OK) != 0) {
        fprintf(stderr,
                "xous-run: %s: %s is not built; running the hello "
                "demo instead\n",
                image, p);
        manifest_free(m);
        return 0;
      }
    }
    return 1;
  }
  return 0;
}

/* ==== starting ============================================================== */

/* Which programs to run: the command line, an image, the demo, or none
 * (--shell alone). Returns 0, or an exit status after saying why. */
static int
choose_programs(const struct run_options *o, int argc, char **argv,
                struct manifest *m)
{
  if (o->image != NULL && argc > 0) {
    fprintf(stderr, "xous-run: give programs or --image, not both\n");
    return 2;
  }
  if (o->image != NULL)
    return manifest_load(m, o->image) != 0 ? 2 : 0;
  if (argc > 0)
    return manifest_from_argv(m, argc, argv) != 0 ? 2 : 0;
  if (o->shell)
    return 0;
  {
    const char *demo = getenv("XOUS_DEMO_DIR");
    char dir[PATH_MAX];
    int loaded = 0;

    /* The demo image when there is one (XOUS_DEMO_DIR asks for the
     * hello pair of that directory instead). */
    if (demo == NULL || demo[0] == '\0')
      loaded = load_demo_image(m);
    if (loaded < 0)
      return 2;
    if (loaded > 0)
      return 0;
    if (demo != NULL && demo[0] != '\0')
      snprintf(dir, sizeof dir, "%s", demo);
    else if ((size_t)snprintf(dir, sizeof dir, "%s/examples/hello",
                              self_dir) >= sizeof dir)
      dir[0] = '\0';
    if (dir[0] == '\0' || manifest_demo(m, dir) != 0) {
      fprintf(stderr,
              "xous-run: no program given and no demo in %s (build the "
              "examples, set XOUS_DEMO_DIR, or give a program)\n",
              dir);
      return 2;
    }
  }
  return 0;
}

/* --until and --after, applied to the programs chosen. Returns 0 or 2. */
static int
apply_options(const struct run_options *o, struct manifest *m)
{
  if (o->until != NULL && manifest_mark_until(m, o->until) == 0) {
    fprintf(stderr,
            "xous-run: --until %s: no program of that name or path "
            "(the name is the part after the last '/')\n",
            o->until);
    return 2;
  }
  if (o->after != NULL) {
    if (m->count < 2) {
      fprintf(stderr,
              "xous-run: --after %s: it delays the programs after "
              "the first, and there is no second program\n",
              o->after);
      return 2;
    }
    if (manifest_set_after(m, o->after) != 0)
      return 1;
  }
  if (m->count == 0 && !o->shell) {
    fprintf(stderr, "xous-run: nothing to run\n");
    return 2;
  }
  if (o->hosted && (o->image != NULL || m->count == 0)) {
    fprintf(stderr, "xous-run: --hosted goes with a program; in an image, "
                    "write `hosted PROGRAM`\n");
    return 2;
  }
  if (o->hosted)
    m->entries[0].hosted = true;
  return 0;
}

/* The broker, and a bounded wait for its socket. Returns 0 or 1. */
static int
start_broker(bool verbose, bool hosted)
{
  const char *env = getenv("XOUS_XOUSD");
  char path[PATH_MAX], *args[8];
  int n = 0;
  long long deadline = now_ms() + START_TIMEOUT_MS;

  if (env != NULL && env[0] != '\0')
    snprintf(path, sizeof path, "%s", env);
  else if (!find_beside(path, sizeof path,
                        (const char *const[]){ "xousd", NULL })) {
    fprintf(stderr, "xous-run: no xousd beside %s (set XOUS_XOUSD)\n",
            self_dir);
    return 1;
  }
  args[n++] = path;
  args[n++] = "--foreground";
  args[n++] = "--socket";
  args[n++] = sock_path;
  if (verbose)
    args[n++] = "--verbose";
  if (hosted) {
    /* Rust programs of the hosted mode dial a loopback port. */
    args[n++] = "--hosted";
    args[n++] = "127.0.0.1:0";
  }
  args[n] = NULL;
  if (spawn("xousd", ROLE_BROKER, args, false) == NULL)
    return 1;
  while (!xous__ctl_accepts(sock_path)) {
    if (!any_alive(ROLE_BROKER) || got_signal || now_ms() > deadline) {
      fprintf(stderr, "xous-run: xousd did not start\n");
      return 1;
    }
    pump(20);
  }
  return 0;
}

/* The standard servers, in the order that lets each find the last.
 * Returns 0 or 1. */
static int
start_standard_servers(void)
{
  static const char *const standard[] = { "xous-names", "xous-ticktimer",
                                          "xous-log" };
  char path[PATH_MAX];

  for (size_t i = 0; i < sizeof standard / sizeof standard[0]; i++) {
    char *args[2] = { path, NULL };
    struct proc *p;

    if (!find_helper(path, sizeof path, standard[i])) {
      fprintf(stderr,
              "xous-run: warning: %s is neither beside %s nor in "
              "%s; skipping it\n",
              standard[i], self_dir, XOUS_PKGLIBEXECDIR);
      continue;
    }
    /* Only the ticktimer's clock is virtual. */
    if (virtual_time && strcmp(standard[i], "xous-ticktimer") == 0)
      setenv("XOUS_VIRTUAL_TIME", "1", 1);
    p = spawn(standard[i], ROLE_SERVER, args, false);
    unsetenv("XOUS_VIRTUAL_TIME");
    if (p == NULL)
      return 1;
  }
  return 0;
}

/* Pumps output until name is registered with xous-names. Returns false on
 * a signal or when the broker died. */
static bool
wait_for_name(const char *name, const char *prog)
{
  long long note_at = now_ms() + AFTER_NOTE_MS;

  while (!run_name_registered(name)) {
    if (got_signal || procs[0].pid == 0)
      return false;
    if (note_at != 0 && now_ms() > note_at) {
      fprintf(stderr,
              "xous-run: %s still waits for \"%s\" to be registered "
              "with xous-names\n",
              prog, name);
      note_at = 0;
    }
    pump(ASK_EVERY_MS);
  }
  return true;
}

/* The programs, in order; a `wait` line ends before the next one starts,
 * an `after` line starts once its name is registered. Returns 0, or the
 * status to end the run with. */
static int
start_programs(const struct manifest *m)
{
  for (unsigned i = 0; i < m->count && !got_signal; i++) {
    const struct manifest_entry *e = &m->entries[i];
    char **args;
    struct proc *p;

    if (e->after != NULL && !wait_for_name(e->after, base_name(e->argv[0])))
      return got_signal ? 128 + got_signal : 1;
    if (e->hosted) {
      /* The three variables of a hosted-mode program, for this child. */
      int xous_pid = run_hosted_env(sock_path, base_name(e->argv[0]));

      if (xous_pid < 0)
        return 127;
      p = spawn(base_name(e->argv[0]), ROLE_PROGRAM, e->argv, false);
      if (p != NULL)
        p->hosted_pid = (unsigned)xous_pid;
      unsetenv("XOUS_SERVER");
      unsetenv("XOUS_PID");
      unsetenv("XOUS_PROCESS_KEY");
    } else {
      args = emulated(e->argv);
      p = args == NULL
              ? NULL
              : spawn(base_name(e->argv[0]), ROLE_PROGRAM, args, false);
      if (args != e->argv)
        free(args);
    }
    if (p == NULL)
      return 127;
    p->waited = e->wait;
    p->until = e->until;
    if (p->waited) {
      while (p->pid > 0 && !got_signal)
        pump(-1);
      if (p->pid == 0 && exit_code(p->status) != 0)
        return exit_code(p->status);
    }
  }
  return got_signal ? 128 + got_signal : 0;
}

/* --shell: $SHELL (else /bin/sh) on the terminal, as an `until` program. */
static int
start_shell(void)
{
  const char *sh = getenv("SHELL");
  char *args[2];
  struct proc *p;

  if (sh == NULL || sh[0] == '\0')
    sh = "/bin/sh";
  args[0] = (char *)sh;
  args[1] = NULL;
  fprintf(stderr,
          "xous-run: a shell in the run's system (XOUS_SOCKET=%s); "
          "leave it to end the run\n",
          sock_path);
  if ((p = spawn(base_name(sh), ROLE_PROGRAM, args, true)) == NULL)
    return 127;
  p->until = true;
  return 0;
}

/* ==== the end of the run ==================================================== */

/* Learns which live programs are servers. Returns false when the broker
 * cannot be asked. */
static bool
learn_servers(void)
{
  pid_t pids[MAX_PROCS * 2];
  unsigned xous_pids[MAX_PROCS * 2];
  int n = run_server_pids(sock_path, pids, xous_pids, MAX_PROCS * 2);

  if (n < 0)
    return false;
  for (unsigned i = 0; i < nprocs; i++)
    for (int k = 0; k < n; k++)
      if (procs[i].pid > 0 &&
          (procs[i].hosted_pid != 0 ? procs[i].hosted_pid == xous_pids[k]
                                    : procs[i].pid == pids[k]))
        procs[i].server = true;
  return true;
}

/* Whether the work is done (see the top of the file and xous-run(1)):
 *  - with `until` programs: when they have all ended;
 *  - with --keep-going: when every program has ended;
 *  - else: when a program has ended and every program still running is a
 *    server. */
static bool
work_done(bool keep_going, long long *next_ask)
{
  bool any_until = false, any_ended = false, waiting_on_other = false;

  for (unsigned i = 0; i < nprocs; i++) {
    const struct proc *p = &procs[i];

    if (p->role != ROLE_PROGRAM)
      continue;
    if (p->until) {
      any_until = true;
      waiting_on_other |= p->pid > 0;
    }
  }
  if (any_until)
    return !waiting_on_other;
  if (keep_going)
    return !any_alive(ROLE_PROGRAM);
  /* A `wait` line is set-up, not the work. */
  for (unsigned i = 0; i < nprocs; i++)
    if (procs[i].role == ROLE_PROGRAM && procs[i].pid == 0 && !procs[i].waited)
      any_ended = true;
  if (!any_ended)
    return false;
  if (now_ms() >= *next_ask) {
    *next_ask = now_ms() + ASK_EVERY_MS;
    learn_servers();
  }
  for (unsigned i = 0; i < nprocs; i++)
    if (procs[i].role == ROLE_PROGRAM && procs[i].pid > 0 && !procs[i].server)
      return false;
  return true;
}

/* The status of the run: that of the first program, in the order given,
 * that failed on its own; else 0. */
static int
run_status(void)
{
  for (unsigned i = 0; i < nprocs; i++)
    if (procs[i].role == ROLE_PROGRAM && procs[i].pid == 0 &&
        !procs[i].stopped && exit_code(procs[i].status) != 0)
      return exit_code(procs[i].status);
  return 0;
}

/* Pumps output until the work is done, a signal, or the broker's death.
 * Returns the run's status. */
static int
await_end(bool keep_going)
{
  long long next_ask = 0;

  for (;;) {
    if (got_signal)
      return 128 + got_signal;
    if (work_done(keep_going, &next_ask))
      break;
    if (procs[0].pid == 0) {
      fprintf(stderr, "xous-run: xousd ended unexpectedly\n");
      return 1;
    }
    pump(ASK_EVERY_MS);
  }
  /* Programs that are not servers may be finishing what the others
   * asked of them. */
  {
    long long end = now_ms() + GRACE_MS;

    for (;;) {
      bool others = false;

      for (unsigned i = 0; i < nprocs; i++)
        others |= procs[i].role == ROLE_PROGRAM && procs[i].pid > 0 &&
                  !procs[i].server;
      if (!others || got_signal || now_ms() >= end)
        break;
      pump(ASK_EVERY_MS);
    }
  }
  return run_status();
}

/* ==== main ================================================================== */

/* The options that are not stored as they are: --seed, and --help,
 * --version and the wrong ones. */
static int
own_option(int c, char **argv, void *ctx)
{
  char *end;
  unsigned long long seed;

  (void)ctx;
  if (c != OPT_SEED)
    return xous__cli_other_option(c, "xous-run", usage, argv);
  errno = 0;
  seed = strtoull(optarg, &end, 10);
  if (errno != 0 || *end != '\0' || end == optarg || seed == 0) {
    fprintf(stderr, "xous-run: --seed takes a number above 0\n");
    return 2;
  }
  /* Read by xousd and the PDDB (test-only: see xous_test(3)). */
  setenv("XOUS_SEED", optarg, 1);
  return -1;
}

/* Returns -1 to go on, else the exit status. */
static int
parse_options(int argc, char **argv, struct run_options *o)
{
  const struct xous_cli_option options[] = {
    { "image", 'i', XOUS_CLI_TEXT, &o->image },
    { "until", 'u', XOUS_CLI_TEXT, &o->until },
    { "after", 'a', XOUS_CLI_TEXT, &o->after },
    { "socket", 's', XOUS_CLI_TEXT, &o->socket },
    { "shell", 'S', XOUS_CLI_SET, &o->shell },
    { "no-servers", 'n', XOUS_CLI_SET, &o->no_servers },
    { "keep-going", 'k', XOUS_CLI_SET, &o->keep_going },
    { "virtual-time", OPT_VIRTUAL_TIME, XOUS_CLI_SET, &virtual_time },
    { "seed", OPT_SEED, XOUS_CLI_OWN_VALUE, NULL },
    { "verbose", 'v', XOUS_CLI_SET, &o->verbose },
    { "hosted", 'H', XOUS_CLI_SET, &o->hosted },
    XOUS_CLI_HELP_VERSION,
  };

  opterr = 0;
  return xous__cli_read(argc, argv, "+:i:u:a:s:SnkvhV", options, own_option,
                        NULL);
}

/* Children print line by line (libxous honours it, see xous(3)), so that
 * their lines reach us, and the terminal, in the order they were written. */
static void
export_environment(void)
{
  setenv("XOUS_SOCKET", sock_path, 1);
  setenv("XOUS_LINE_BUFFERED", "1", 0);
}

int
main(int argc, char **argv)
{
  struct run_options o = { 0 };
  struct manifest m = { 0 };
  int status;

  if ((status = parse_options(argc, argv, &o)) >= 0)
    return status;
  find_self(argv[0]);
  shell_mode = o.shell;
  if ((status = choose_programs(&o, argc - optind, argv + optind, &m)) != 0 ||
      (status = apply_options(&o, &m)) != 0) {
    manifest_free(&m);
    return status;
  }
  if (setup_signals() != 0 || make_run_dir(o.socket) != 0) {
    remove_run_dir();
    manifest_free(&m);
    return 1;
  }
  export_environment();
  for (unsigned i = 0; i < m.count; i++)
    o.hosted |= m.entries[i].hosted;
  if ((status = start_broker(o.verbose, o.hosted)) == 0 &&
      (o.no_servers || (status = start_standard_servers()) == 0) &&
      (status = start_programs(&m)) == 0 &&
      (!o.shell || (status = start_shell()) == 0)) {
    bool programs = false;

    for (unsigned i = 0; i < nprocs; i++)
      programs |= procs[i].role == ROLE_PROGRAM &&
                  (!procs[i].waited || procs[i].pid > 0);
    /* Only `wait` lines, and they all succeeded: done. */
    if (programs)
      status = await_end(o.keep_going);
  }
  stop_everything();
  remove_run_dir();
  manifest_free(&m);
  return status;
}
