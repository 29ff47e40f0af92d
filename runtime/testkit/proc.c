/*
 * The system's processes: started with fork and exec, their stdout kept
 * in a file of the system's directory, reaped on demand.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testkit/files.h"
#include "testkit/internal.h"
#include "tools/monotonic.h"

#define MAX_ENV 4096

extern char **environ;

uint64_t
xous__test_now_ms(void)
{
  return (uint64_t)now_ms();
}

void
xous__test_pause_ms(unsigned ms)
{
  sleep_for_ms((long)ms);
}

/* The caller's environment with extra added (replacing equal names), in
 * a vector the caller frees; NULL when out of memory. */
static char **
environment(const char *const extra[])
{
  size_t n = 0, k = 0, m = 0;
  char **env;

  while (environ[n] != NULL)
    n++;
  while (extra != NULL && extra[m] != NULL)
    m++;
  env = calloc(n + m + 1, sizeof *env);
  if (env == NULL)
    return NULL;
  for (size_t i = 0; i < n; i++) {
    bool replaced = false;

    for (size_t j = 0; j < m; j++) {
      size_t len = strcspn(extra[j], "=");

      if (strncmp(environ[i], extra[j], len) == 0 && environ[i][len] == '=')
        replaced = true;
    }
    if (!replaced)
      env[k++] = environ[i];
  }
  for (size_t j = 0; j < m; j++)
    env[k++] = (char *)extra[j];
  env[k] = NULL;
  return env;
}

xous_error_t
xous__test_spawn_env(struct xous_test *t, const char *const argv[],
                     const char *const extra_env[],
                     struct xous_test_proc **out)
{
  struct xous_test_proc *p;
  char **env;
  pid_t parent, pid;
  int fd, ready[2], child_errno = 0;

  if (t == NULL || argv == NULL || argv[0] == NULL)
    return XOUS_INVALID_ARGUMENT;
  p = calloc(1, sizeof *p);
  env = environment(extra_env);
  if (p == NULL || env == NULL) {
    free(p);
    free(env);
    return XOUS_OUT_OF_MEMORY;
  }
  p->t = t;
  snprintf(p->out, sizeof p->out, "%s/out-%u.txt", t->dir, t->out_seq++);
  fd = open(p->out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0 || pipe2(ready, O_CLOEXEC) != 0) {
    if (fd >= 0)
      close(fd);
    free(p);
    free(env);
    return XOUS_INTERNAL_ERROR;
  }
  fflush(stdout);
  fflush(stderr);
  parent = getpid();
  pid = fork();
  if (pid == 0) {
    /* Only async-signal-safe calls here: the caller may have threads. */
    if (xous__test_child_setup(parent, fd) == 0)
      execvpe(argv[0], (char *const *)argv, env);
    child_errno = errno;
    if (write(ready[1], &child_errno, sizeof child_errno) < 0) {
      /* The parent sees the exit status. */
    }
    _exit(127);
  }
  close(fd);
  close(ready[1]);
  free(env);
  if (pid < 0) {
    close(ready[0]);
    free(p);
    return XOUS_OUT_OF_MEMORY;
  }
  /* EOF when the exec worked, the errno when it did not. */
  while (read(ready[0], &child_errno, sizeof child_errno) < 0 &&
         errno == EINTR)
    continue;
  close(ready[0]);
  p->pid = pid;
  p->next = t->procs;
  t->procs = p;
  if (child_errno != 0) {
    fprintf(stderr, "xous_test_spawn: cannot run %s: %s\n", argv[0],
            strerror(child_errno));
    waitpid(pid, &p->status, 0);
    p->reaped = true;
    return XOUS_NOT_FOUND;
  }
  /* NULL: the caller does not want it; the process is still t's, and
   * xous_test_stop() ends it. */
  if (out != NULL)
    *out = p;
  return XOUS_OK;
}

xous_error_t
xous_test_spawn(xous_test_t *t, const char *const argv[], xous_test_proc_t **p)
{
  return xous__test_spawn_env(t, argv, NULL, p);
}

bool
xous__test_reap(struct xous_test_proc *p)
{
  int st;
  pid_t r;

  if (p->reaped)
    return true;
  do
    r = waitpid(p->pid, &st, WNOHANG);
  while (r < 0 && errno == EINTR);
  if (r == p->pid || (r < 0 && errno == ECHILD)) {
    p->reaped = true;
    p->status = r == p->pid ? st : 0;
    return true;
  }
  return false;
}

bool
xous_test_running(xous_test_proc_t *p)
{
  return p != NULL && !xous__test_reap(p);
}

static xous_error_t
send_signal(xous_test_proc_t *p, int sig)
{
  if (p == NULL)
    return XOUS_INVALID_ARGUMENT;
  if (xous__test_reap(p))
    return XOUS_PROCESS_TERMINATED;
  return kill(p->pid, sig) == 0 ? XOUS_OK : XOUS_PROCESS_TERMINATED;
}

xous_error_t
xous_test_kill(xous_test_proc_t *p)
{
  return send_signal(p, SIGKILL);
}

xous_error_t
xous_test_terminate(xous_test_proc_t *p)
{
  return send_signal(p, SIGTERM);
}

xous_error_t
xous_test_pause(xous_test_proc_t *p)
{
  return send_signal(p, SIGSTOP);
}

xous_error_t
xous_test_resume(xous_test_proc_t *p)
{
  return send_signal(p, SIGCONT);
}

xous_error_t
xous_test_wait(xous_test_proc_t *p, uint32_t timeout_ms, int *exit_code)
{
  uint64_t deadline = xous__test_now_ms() + timeout_ms;

  if (p == NULL)
    return XOUS_INVALID_ARGUMENT;
  while (!xous__test_reap(p)) {
    if (xous__test_now_ms() >= deadline)
      return XOUS_TIMEOUT;
    xous__test_pause_ms(1);
  }
  if (exit_code != NULL)
    *exit_code = WIFEXITED(p->status)     ? WEXITSTATUS(p->status)
                 : WIFSIGNALED(p->status) ? 128 + WTERMSIG(p->status)
                                          : 255;
  return XOUS_OK;
}

pid_t
xous_test_os_pid(const xous_test_proc_t *p)
{
  return p != NULL ? p->pid : 0;
}

/* ---- output ---------------------------------------------------------------- */

char *
xous_test_output(xous_test_proc_t *p)
{
  return xous__test_file_text(p != NULL ? p->out : NULL);
}

size_t
xous_test_line_count(xous_test_proc_t *p)
{
  char *text = xous_test_output(p);
  size_t n = xous__test_line_count(text);

  free(text);
  return n;
}

xous_error_t
xous_test_wait_line(xous_test_proc_t *p, const char *line, uint32_t timeout_ms)
{
  if (p == NULL || line == NULL)
    return XOUS_INVALID_ARGUMENT;
  return xous__test_wait_file_line(p->out, line, timeout_ms);
}

xous_error_t
xous_test_line(xous_test_proc_t *p, size_t index, char *buf, size_t size,
               uint32_t timeout_ms)
{
  if (p == NULL || buf == NULL || size == 0)
    return XOUS_INVALID_ARGUMENT;
  return xous__test_wait_file_nth_line(p->out, index, buf, size, timeout_ms);
}
