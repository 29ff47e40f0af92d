/*
 * The files of a private system (files.h).
 */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testkit/files.h"

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
