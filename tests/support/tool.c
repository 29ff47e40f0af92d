/*
 * Running the tree's commands as a user would (tool.h).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>

#include "expect.h"
#include "harness.h"
#include "testkit/files.h"
#include "tool.h"

char *
tool_path(const char *var, const char *rel)
{
  const char *top = getenv(var);
  char *p;

  ck_assert(asprintf(&p, "%s/%s", top != NULL ? top : ".", rel) > 0);
  return p;
}

char *
tool_build_path(const char *rel)
{
  return tool_path("XOUS_BUILDDIR", rel);
}

char *
tool_out_path(const char *name)
{
  char *p;

  ck_assert(asprintf(&p, "%s/%s", harness_dir(), name) > 0);
  return p;
}

char *
tool_slurp(const char *path)
{
  char *text = xous__test_file_text(path);

  ck_assert_ptr_nonnull(text);
  return text;
}

/* Starts prog with argv, its output into outfile and its errors into
 * errfile (or outfile when NULL), its input from /dev/null when
 * null_stdin, in a new process group, with TMPDIR set to tmpdir when that
 * is not NULL. */
static pid_t
start(const char *prog, const char *const argv[], const char *outfile,
      const char *errfile, bool null_stdin, const char *tmpdir)
{
  pid_t pid;

  fflush(NULL);
  pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    int fd = open(outfile, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int efd = errfile != NULL
                  ? open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0600)
                  : fd;
    int in = null_stdin ? open("/dev/null", O_RDONLY) : STDIN_FILENO;

    prctl(PR_SET_PDEATHSIG, SIGKILL);
    setpgid(0, 0);
    if (fd < 0 || efd < 0 || in < 0)
      _exit(126);
    dup2(in, STDIN_FILENO);
    dup2(fd, STDOUT_FILENO);
    dup2(efd, STDERR_FILENO);
    if (tmpdir != NULL)
      setenv("TMPDIR", tmpdir, 1);
    execv(prog, (char *const *)argv);
    _exit(127);
  }
  setpgid(pid, pid); /* either side may win the race; both say the same */
  return pid;
}

pid_t
tool_start(const char *outfile, const char *tmpdir, const char *const argv[])
{
  return start(argv[0], argv, outfile, NULL, false, tmpdir);
}

pid_t
tool_start_split(const char *prog, const char *const argv[],
                 const char *outfile, const char *errfile)
{
  return start(prog, argv, outfile, errfile, true, NULL);
}

int
tool_finish(pid_t pid, const char *what, int bound_ms)
{
  int st;

  if (!harness_wait(pid, bound_ms, &st)) {
    kill(-pid, SIGKILL);
    harness_wait(pid, bound_ms, NULL);
    ck_abort_msg("%s did not end within %d ms", what, bound_ms);
  }
  return st;
}

char *
tool_finish_ok(pid_t pid, const char *what, const char *outfile, int bound_ms)
{
  int st = tool_finish(pid, what, bound_ms);
  char *text = tool_slurp(outfile);

  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s ended with %s:\n%s",
                what, status_text(st), text);
  return text;
}

bool
tool_wait_text(const char *path, const char *text, int bound_ms)
{
  xous_error_t err = xous__test_wait_file_text(path, text,
                                               (uint32_t)harness_bound_ms(
                                                   bound_ms));

  ck_assert_int_ne(err, XOUS_OUT_OF_MEMORY);
  return err == XOUS_OK;
}
