/*
 * xous-run: runs a Xous system on this machine for as long as a program
 * needs it: a private xousd in a fresh directory, the standard servers,
 * then the programs, each line of their output prefixed with their name.
 * When the first program ends (or on Ctrl-C) everything it started is
 * stopped and the directory removed.
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
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "config.h"
#include "tools/manifest.h"

#define MAX_PROCS 64
#define START_TIMEOUT_MS 5000
/* How long the other programs may take to end by themselves once the first
 * has ended, and how long anything may take to obey SIGTERM. */
#define GRACE_MS 1000
#define STOP_TIMEOUT_MS 2000
#define LINE_MAX_BYTES 4096

enum role { ROLE_BROKER, ROLE_SERVER, ROLE_PROGRAM };

struct stream {
  int fd;    /* -1 once closed */
  FILE *to;  /* stdout or stderr */
  char buf[LINE_MAX_BYTES];
  size_t len;
};

struct proc {
  char name[64];
  enum role role;
  pid_t pid;      /* 0 once reaped */
  int status;     /* as from waitpid(), once reaped */
  bool waited;    /* a `wait` line of an image */
  bool stopped;   /* we signalled it: its end is no news */
  struct stream out, err;
};

static struct proc procs[MAX_PROCS];
static unsigned nprocs;
static size_t name_width = 5;
static char run_dir[PATH_MAX];
static char sock_path[PATH_MAX];
static int wake_pipe[2] = { -1, -1 };
static volatile sig_atomic_t got_signal;

static void
usage(FILE *out)
{
  fprintf(out,
          "usage: xous-run [--no-servers] [--verbose] [--keep-going]\n"
          "                [--image FILE] [PROGRAM [ARG ...] [-- PROGRAM "
          "[ARG ...]] ...]\n"
          "       xous-run --help | --version\n"
          "\n"
          "Starts a private xousd, the standard servers (xous-names,\n"
          "xous-ticktimer, xous-log) and the programs, separated by '--' or\n"
          "':', and prefixes their output with their names. Exits with the\n"
          "first program's status. Without a program, runs the hello demo\n"
          "(see xous-run(1)).\n"
          "\n"
          "  -i, --image FILE   run the processes listed in FILE\n"
          "  -n, --no-servers   do not start the standard servers\n"
          "  -k, --keep-going   wait for every program, not only the first\n"
          "  -v, --verbose      pass --verbose to xousd\n"
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

static int
setup_signals(void)
{
  struct sigaction sa = { .sa_handler = on_signal };

  if (pipe2(wake_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
    return -1;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
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
 * in a way worth knowing. */
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
        if (!procs[i].stopped)
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
    fprintf(stderr, "xous-run: %s was killed by signal %d (%s)\n",
            p->name, WTERMSIG(p->status),
            strsignal(WTERMSIG(p->status)));
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

/* Starts argv[0] with its output on two pipes. Returns the entry or NULL
 * after saying why. */
static struct proc *
spawn(const char *name, enum role role, char *const argv[])
{
  struct proc *p;
  int out[2], err[2], ready[2];
  pid_t pid;
  int child_errno = 0;

  if (nprocs == MAX_PROCS) {
    fprintf(stderr, "xous-run: too many processes (at most %d)\n",
            MAX_PROCS);
    return NULL;
  }
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0 ||
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
#ifdef __linux__
    /* Nothing outlives a xous-run that is killed outright. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
    dup2(out[1], STDOUT_FILENO);
    dup2(err[1], STDERR_FILENO);
    execvp(argv[0], argv);
    child_errno = errno;
    if (write(ready[1], &child_errno, sizeof child_errno) < 0) {
      /* The parent sees a plain exit. */
    }
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
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
  p->out = (struct stream){ .fd = out[0], .to = stdout };
  p->err = (struct stream){ .fd = err[0], .to = stderr };
  fcntl(out[0], F_SETFL, O_NONBLOCK);
  fcntl(err[0], F_SETFL, O_NONBLOCK);
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

static long long
now_ms(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
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

static int
make_run_dir(void)
{
  const char *tmp = getenv("TMPDIR");

  if (tmp == NULL || tmp[0] == '\0')
    tmp = "/tmp";
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
    fprintf(stderr, "xous-run: socket path too long: %s (set TMPDIR to a "
                    "shorter directory)\n", sock_path);
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

static bool
socket_ready(void)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  bool ok;

  if (fd < 0)
    return false;
  memcpy(sa.sun_path, sock_path, strlen(sock_path) + 1);
  ok = connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
  close(fd);
  return ok;
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
}

/* The first executable of self_dir/candidates[i]; false when none. */
static bool
find_beside(char *out, size_t size, const char *const candidates[])
{
  for (size_t i = 0; candidates[i] != NULL; i++) {
    if ((size_t)snprintf(out, size, "%s/%s", self_dir, candidates[i]) <
            size &&
        access(out, X_OK) == 0)
      return true;
  }
  return false;
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
    fprintf(stderr, "xous-run: %s is an rv32 program and there is no "
                    "xous-emu beside %s (set XOUS_EMU)\n", argv[0],
            self_dir);
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

/* examples/demo.image, the default run: from $XOUS_SRCDIR, the source
 * tree of this build tree, or the installed data. Its programs are taken
 * from the build tree's examples/ when xous-run runs there. Returns 1
 * when loaded, 0 when there is no image, -1 when it is wrong. */
static int
load_demo_image(struct manifest *m)
{
  const char *src = getenv("XOUS_SRCDIR");
  char dirs[4][PATH_MAX + 32], image[PATH_MAX + 64], progs[PATH_MAX + 16];
  struct stat st;
  int n = 0;

  if (src != NULL && src[0] != '\0')
    snprintf(dirs[n++], sizeof dirs[0], "%.*s/examples", PATH_MAX, src);
  snprintf(dirs[n++], sizeof dirs[0], "%s/examples", self_dir);
  if (build_srcdir(dirs[n], PATH_MAX) &&
      strlen(dirs[n]) + 10 < PATH_MAX) {
    strcat(dirs[n], "/examples");
    n++;
  }
  snprintf(dirs[n++], sizeof dirs[0], "%s/../share/%s", self_dir, PACKAGE);
  for (int i = 0; i < n; i++) {
    snprintf(image, sizeof image, "%s/demo.image", dirs[i]);
    if (access(image, R_OK) != 0)
      continue;
    snprintf(progs, sizeof progs, "%s/examples", self_dir);
    if (stat(progs, &st) != 0 || !S_ISDIR(st.st_mode))
      snprintf(progs, sizeof progs, "%s", dirs[i]);
    if (manifest_load_from(m, image, progs) != 0)
      return -1;
    /* A demo whose programs are not all built falls back to hello. */
    for (unsigned k = 0; k < m->count; k++) {
      const char *p = m->entries[k].argv[0];

      if (strchr(p, '/') != NULL &&
          access(p, is_elf(p) ? R_OK : X_OK) != 0) {
        fprintf(stderr, "xous-run: %s: %s is not built; running the hello "
                        "demo instead\n", image, p);
        manifest_free(m);
        return 0;
      }
    }
    return 1;
  }
  return 0;
}

/* ==== main ================================================================== */

int
main(int argc, char **argv)
{
  static const struct option longopts[] = {
    { "image", required_argument, NULL, 'i' },
    { "no-servers", no_argument, NULL, 'n' },
    { "keep-going", no_argument, NULL, 'k' },
    { "verbose", no_argument, NULL, 'v' },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 },
  };
  static const struct {
    const char *name;
    const char *paths[3];
  } standard[] = {
    { "xous-names", { "servers/names/xous-names", "xous-names", NULL } },
    { "xous-ticktimer",
      { "servers/ticktimer/xous-ticktimer", "xous-ticktimer", NULL } },
    { "xous-log", { "servers/log/xous-log", "xous-log", NULL } },
  };
  const char *image = NULL;
  bool no_servers = false, keep_going = false, verbose = false;
  struct manifest m = { 0 };
  char path[PATH_MAX];
  struct proc *first = NULL;
  int c, status = 0;

  while ((c = getopt_long(argc, argv, "+i:nkvhV", longopts, NULL)) != -1) {
    switch (c) {
    case 'i':
      image = optarg;
      break;
    case 'n':
      no_servers = true;
      break;
    case 'k':
      keep_going = true;
      break;
    case 'v':
      verbose = true;
      break;
    case 'h':
      usage(stdout);
      return 0;
    case 'V':
      printf("xous-run %s\n", PACKAGE_VERSION);
      return 0;
    default:
      usage(stderr);
      return 2;
    }
  }
  find_self(argv[0]);

  /* What to run: the command line, an image, or the demo. */
  if (image != NULL && optind < argc) {
    fprintf(stderr, "xous-run: give programs or --image, not both\n");
    return 2;
  }
  if (image != NULL) {
    if (manifest_load(&m, image) != 0)
      return 2;
  } else if (optind < argc) {
    if (manifest_from_argv(&m, argc - optind, argv + optind) != 0)
      return 2;
  } else {
    const char *demo = getenv("XOUS_DEMO_DIR");
    char dir[PATH_MAX];
    int loaded = 0;

    /* The demo image when there is one (XOUS_DEMO_DIR asks for the
     * hello pair of that directory instead). */
    if (demo == NULL || demo[0] == '\0')
      loaded = load_demo_image(&m);
    if (loaded < 0)
      return 2;
    if (loaded == 0) {
      if (demo != NULL && demo[0] != '\0')
        snprintf(dir, sizeof dir, "%s", demo);
      else if ((size_t)snprintf(dir, sizeof dir, "%s/examples/hello",
                                self_dir) >= sizeof dir)
        dir[0] = '\0';
      if (dir[0] == '\0' || manifest_demo(&m, dir) != 0) {
        fprintf(stderr,
                "xous-run: no program given and no demo in %s (build the "
                "examples, set XOUS_DEMO_DIR, or give a program)\n",
                dir);
        return 2;
      }
    }
  }
  if (m.count == 0) {
    fprintf(stderr, "xous-run: nothing to run\n");
    manifest_free(&m);
    return 2;
  }

  if (setup_signals() != 0 || make_run_dir() != 0) {
    remove_run_dir();
    manifest_free(&m);
    return 1;
  }
  setenv("XOUS_SOCKET", sock_path, 1);

  /* The broker, and a bounded wait for its socket. */
  {
    const char *env = getenv("XOUS_XOUSD");
    char *args[6];
    int n = 0;
    long long deadline = now_ms() + START_TIMEOUT_MS;

    if (env != NULL && env[0] != '\0')
      snprintf(path, sizeof path, "%s", env);
    else if (!find_beside(path, sizeof path,
                          (const char *const[]){ "xousd", NULL })) {
      fprintf(stderr, "xous-run: no xousd beside %s (set XOUS_XOUSD)\n",
              self_dir);
      status = 1;
      goto out;
    }
    args[n++] = path;
    args[n++] = "--foreground";
    args[n++] = "--socket";
    args[n++] = sock_path;
    if (verbose)
      args[n++] = "--verbose";
    args[n] = NULL;
    if (spawn("xousd", ROLE_BROKER, args) == NULL) {
      status = 1;
      goto out;
    }
    while (!socket_ready()) {
      if (!any_alive(ROLE_BROKER) || got_signal || now_ms() > deadline) {
        fprintf(stderr, "xous-run: xousd did not start\n");
        status = 1;
        goto out;
      }
      pump(20);
    }
  }

  /* The standard servers, in the order that lets each find the last. */
  for (size_t i = 0; !no_servers && i < sizeof standard / sizeof standard[0];
       i++) {
    char *args[2] = { path, NULL };

    if (!find_beside(path, sizeof path, standard[i].paths)) {
      fprintf(stderr, "xous-run: warning: %s is not built; skipping it\n",
              standard[i].name);
      continue;
    }
    if (spawn(standard[i].name, ROLE_SERVER, args) == NULL) {
      status = 1;
      goto out;
    }
  }

  /* The programs; a `wait` line ends before the next one starts. */
  for (unsigned i = 0; i < m.count && !got_signal; i++) {
    char **args = emulated(m.entries[i].argv);
    struct proc *p = args == NULL ? NULL
                                  : spawn(base_name(m.entries[i].argv[0]),
                                          ROLE_PROGRAM, args);

    if (args != m.entries[i].argv)
      free(args);
    if (p == NULL) {
      status = 127;
      goto out;
    }
    p->waited = m.entries[i].wait;
    if (first == NULL && !p->waited)
      first = p;
    if (p->waited) {
      while (p->pid > 0 && !got_signal)
        pump(-1);
      if (p->pid == 0 && exit_code(p->status) != 0) {
        status = exit_code(p->status);
        goto out;
      }
    }
  }

  if (got_signal) {
    status = 128 + got_signal;
    goto out;
  }
  if (first == NULL) /* only `wait` lines, and they all succeeded */
    goto out;
  /* Until the first program ends (or, with --keep-going, every program),
   * or a signal. */
  for (;;) {
    bool done;

    if (got_signal)
      break;
    if (keep_going)
      done = !any_alive(ROLE_PROGRAM);
    else
      done = first->pid == 0;
    if (done)
      break;
    if (procs[0].pid == 0) {
      fprintf(stderr, "xous-run: xousd ended unexpectedly\n");
      break;
    }
    pump(-1);
  }
  if (got_signal) {
    status = 128 + got_signal;
  } else if (first->pid == 0) {
    status = exit_code(first->status);
    if (keep_going && status == 0)
      for (unsigned i = 0; i < nprocs; i++)
        if (procs[i].role == ROLE_PROGRAM && procs[i].pid == 0 &&
            exit_code(procs[i].status) != 0) {
          status = exit_code(procs[i].status);
          break;
        }
    /* The others may be finishing what the first one asked of them. */
    wait_role(ROLE_PROGRAM, GRACE_MS);
  } else {
    status = 1; /* the broker died */
  }

out:
  stop_everything();
  remove_run_dir();
  manifest_free(&m);
  return status;
}
