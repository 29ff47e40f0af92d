/*
 * The files of a private system (files.h).
 */
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "testkit/files.h"
#include "tools/monotonic.h"

const char *
xous__test_tmp_base(size_t max)
{
  const char *t = getenv("TMPDIR");

  if (t == NULL || t[0] != '/' || strlen(t) > max)
    return "/tmp";
  return t;
}

static int
remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  (void)st;
  (void)flag;
  (void)ftw;
  remove(path);
  return 0;
}

void
xous__test_remove_tree(const char *path)
{
  if (path != NULL && path[0] != '\0')
    nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

char *
xous__test_file_text(const char *path)
{
  size_t len = 0, cap = 4096;
  char *buf = malloc(cap);
  FILE *f;

  if (buf == NULL)
    return NULL;
  buf[0] = '\0';
  if (path == NULL || (f = fopen(path, "r")) == NULL)
    return buf;
  for (;;) {
    size_t n;

    if (cap - len < 2048) {
      char *bigger = realloc(buf, cap * 2);

      if (bigger == NULL) {
        fclose(f);
        free(buf);
        return NULL;
      }
      buf = bigger;
      cap *= 2;
    }
    n = fread(buf + len, 1, cap - len - 1, f);
    if (n == 0)
      break;
    len += n;
  }
  fclose(f);
  buf[len] = '\0';
  return buf;
}

int
xous__test_child_setup(pid_t parent, int out)
{
  sigset_t none;

  /* The caller may have threads: the child dies with the one that forked
   * it, and the signal mask it inherited is that thread's. */
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent)
    _exit(127);
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  signal(SIGPIPE, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  return dup2(out, STDOUT_FILENO) >= 0 ? 0 : -1;
}

const char *
xous__test_nth_line(const char *text, size_t index, size_t *len)
{
  for (const char *p = text;;) {
    const char *nl = strchr(p, '\n');

    if (nl == NULL)
      return NULL;
    if (index-- == 0) {
      *len = (size_t)(nl - p);
      return p;
    }
    p = nl + 1;
  }
}

size_t
xous__test_line_count(const char *text)
{
  size_t n = 0;

  for (const char *c = text; c != NULL && (c = strchr(c, '\n')) != NULL; c++)
    n++;
  return n;
}

/* Reads the file at path again and again until found() finds what it
 * looks for in its text (ctx), or until timeout_ms have passed. */
static xous_error_t
wait_file(const char *path, uint32_t timeout_ms,
          bool (*found)(const char *text, const void *ctx), const void *ctx)
{
  long long deadline = now_ms() + timeout_ms;

  for (;;) {
    char *text = xous__test_file_text(path);
    bool done;

    if (text == NULL)
      return XOUS_OUT_OF_MEMORY;
    done = found(text, ctx);
    free(text);
    if (done)
      return XOUS_OK;
    if (now_ms() >= deadline)
      return XOUS_TIMEOUT;
    sleep_for_ms(2);
  }
}

/* Whether text has a line that is ctx, a string, exactly. */
static bool
has_line(const char *text, const void *ctx)
{
  const char *line = ctx, *s;
  size_t want = strlen(line), len;

  for (size_t i = 0; (s = xous__test_nth_line(text, i, &len)) != NULL; i++)
    if (len == want && memcmp(s, line, len) == 0)
      return true;
  return false;
}

xous_error_t
xous__test_wait_file_line(const char *path, const char *line,
                          uint32_t timeout_ms)
{
  return wait_file(path, timeout_ms, has_line, line);
}

/* The line xous__test_wait_file_nth_line() waits for, and where it goes. */
struct nth_line {
  size_t index;
  char *buf;
  size_t size;
};

/* Copies line want->index of text, cut to fit, when text has it. */
static bool
copy_line(const char *text, const void *ctx)
{
  const struct nth_line *want = ctx;
  size_t len;
  const char *s = xous__test_nth_line(text, want->index, &len);

  if (s == NULL)
    return false;
  if (len >= want->size)
    len = want->size - 1;
  memcpy(want->buf, s, len);
  want->buf[len] = '\0';
  return true;
}

xous_error_t
xous__test_wait_file_nth_line(const char *path, size_t index, char *buf,
                              size_t size, uint32_t timeout_ms)
{
  struct nth_line want = { index, buf, size };

  return wait_file(path, timeout_ms, copy_line, &want);
}

/* Whether text holds ctx, a string, anywhere. */
static bool
has_text(const char *text, const void *ctx)
{
  return strstr(text, ctx) != NULL;
}

xous_error_t
xous__test_wait_file_text(const char *path, const char *text,
                          uint32_t timeout_ms)
{
  return wait_file(path, timeout_ms, has_text, text);
}
