/*
 * Image files and command lines for xous-run (see manifest.h).
 *
 * An image has one process per line: optional keywords (`wait`, `until`,
 * `after NAME`, `hosted`), the program and its arguments, separated by blanks;
 * "double quotes" keep blanks inside one word; `#` at the start of a word
 * starts a comment.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools/manifest.h"

#define MAX_WORDS 64

/* The keywords that may start a line of an image, before its program. */
struct line_keywords {
  bool wait, until, hosted;
  const char *after;
};

static int
add(struct manifest *m, const struct line_keywords *kw, char **words,
    unsigned n)
{
  struct manifest_entry *e;
  char **argv;

  e = realloc(m->entries, (m->count + 1) * sizeof *e);
  argv = calloc(n + 1, sizeof *argv);
  if (e == NULL || argv == NULL) {
    free(argv);
    if (e != NULL)
      m->entries = e;
    fprintf(stderr, "xous-run: out of memory\n");
    return -1;
  }
  m->entries = e;
  for (unsigned i = 0; i < n; i++)
    if ((argv[i] = strdup(words[i])) == NULL) {
      for (unsigned j = 0; j < i; j++)
        free(argv[j]);
      free(argv);
      fprintf(stderr, "xous-run: out of memory\n");
      return -1;
    }
  memset(&e[m->count], 0, sizeof e[m->count]);
  if (kw->after != NULL && (e[m->count].after = strdup(kw->after)) == NULL) {
    for (unsigned j = 0; j < n; j++)
      free(argv[j]);
    free(argv);
    fprintf(stderr, "xous-run: out of memory\n");
    return -1;
  }
  e[m->count].wait = kw->wait;
  e[m->count].until = kw->until;
  e[m->count].hosted = kw->hosted;
  e[m->count].argv = argv;
  m->count++;
  return 0;
}

/* Takes the keywords off the front of words. Returns the number of words
 * they took, or -1 after saying what is wrong. */
static int
take_keywords(char **words, int n, struct line_keywords *kw, const char *path,
              unsigned lineno)
{
  int i = 0;

  while (i < n) {
    if (strcmp(words[i], "wait") == 0)
      kw->wait = true;
    else if (strcmp(words[i], "until") == 0)
      kw->until = true;
    else if (strcmp(words[i], "hosted") == 0)
      kw->hosted = true; /* a Rust program of the Xous hosted mode */
    else if (strcmp(words[i], "after") == 0) {
      if (i + 1 >= n) {
        fprintf(stderr,
                "xous-run: %s:%u: `after` needs a name registered "
                "with xous-names, then a program\n",
                path, lineno);
        return -1;
      }
      kw->after = words[++i];
    } else
      break;
    i++;
  }
  if (i > 0 && i == n) {
    fprintf(stderr, "xous-run: %s:%u: `%s` needs a program after it\n", path,
            lineno, words[i - 1]);
    return -1;
  }
  if (kw->wait && kw->until) {
    fprintf(stderr,
            "xous-run: %s:%u: a line is `wait` or `until`, not "
            "both\n",
            path, lineno);
    return -1;
  }
  return i;
}

/* Splits line into words in place. Returns the count, or -1 on an
 * unclosed quote or too many words. */
static int
split(char *line, char **words)
{
  int n = 0;
  char *p = line;

  for (;;) {
    char *w;

    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
      p++;
    if (*p == '\0' || *p == '#')
      return n;
    if (n == MAX_WORDS)
      return -1;
    w = p;
    words[n++] = w;
    /* Copy the word onto itself, dropping quotes. */
    for (char *q = p;; q++) {
      if (*q == '"') {
        for (q++; *q != '"'; q++) {
          if (*q == '\0')
            return -1;
          *w++ = *q;
        }
        continue;
      }
      if (*q == '\0' || *q == ' ' || *q == '\t' || *q == '\r' || *q == '\n') {
        p = *q == '\0' ? q : q + 1;
        *w = '\0';
        break;
      }
      *w++ = *q;
    }
  }
}

int
manifest_load(struct manifest *m, const char *path)
{
  char dirbuf[PATH_MAX];

  snprintf(dirbuf, sizeof dirbuf, "%s", path);
  return manifest_load_from(m, path, dirname(dirbuf));
}

/* True when path names a program to run: an executable, or an rv32 ELF
 * file (.elf), which xous-run starts under xous-emu. */
static bool
runnable(const char *path)
{
  size_t n = strlen(path);

  if (n > 4 && strcmp(path + n - 4, ".elf") == 0)
    return access(path, R_OK) == 0;
  return access(path, X_OK) == 0;
}

int
manifest_load_from(struct manifest *m, const char *path, const char *dir)
{
  char prog[PATH_MAX * 2], *line = NULL;
  char *words[MAX_WORDS];
  size_t cap = 0;
  unsigned lineno = 0;
  FILE *f = fopen(path, "r");
  int rc = 0;

  if (f == NULL) {
    fprintf(stderr, "xous-run: cannot read %s: %s\n", path, strerror(errno));
    return -1;
  }
  while (rc == 0 && getline(&line, &cap, f) >= 0) {
    int n = split(line, words), taken;
    struct line_keywords kw = { 0 };

    lineno++;
    if (n < 0) {
      fprintf(stderr,
              "xous-run: %s:%u: unclosed quote or more than %d "
              "words\n",
              path, lineno, MAX_WORDS);
      rc = -1;
      break;
    }
    if ((taken = take_keywords(words, n, &kw, path, lineno)) < 0) {
      rc = -1;
      break;
    }
    memmove(words, words + taken, (size_t)(n - taken) * sizeof *words);
    n -= taken;
    if (n == 0)
      continue;
    /* A path is taken from the image's directory; a bare name too when
     * the program is there, else it is looked up in PATH. */
    if (words[0][0] != '/') {
      snprintf(prog, sizeof prog, "%s/%s", dir, words[0]);
      if (strchr(words[0], '/') != NULL || runnable(prog))
        words[0] = prog;
    }
    rc = add(m, &kw, words, (unsigned)n);
  }
  free(line);
  fclose(f);
  if (rc != 0)
    manifest_free(m);
  return rc;
}

int
manifest_from_argv(struct manifest *m, int argc, char **argv)
{
  const struct line_keywords none = { 0 }, hosted = { .hosted = true };
  int start = 0;

  for (int i = 0; i <= argc; i++) {
    bool is_hosted;

    if (i < argc && strcmp(argv[i], "--") != 0 && strcmp(argv[i], ":") != 0)
      continue;
    is_hosted = i > start && strcmp(argv[start], "--hosted") == 0;
    if (is_hosted && ++start == i) {
      fprintf(stderr, "xous-run: --hosted needs a program\n");
      manifest_free(m);
      return -1;
    }
    if (i > start && add(m, is_hosted ? &hosted : &none, argv + start,
                         (unsigned)(i - start)) != 0) {
      manifest_free(m);
      return -1;
    }
    start = i + 1;
  }
  return 0;
}

int
manifest_demo(struct manifest *m, const char *dir)
{
  static const char *const progs[] = { "hello-server", "hello-client" };
  const struct line_keywords none = { 0 };
  char path[PATH_MAX];

  for (size_t i = 0; i < 2; i++) {
    char *words[1] = { path };

    snprintf(path, sizeof path, "%s/%s", dir, progs[i]);
    if (access(path, X_OK) != 0 || add(m, &none, words, 1) != 0) {
      manifest_free(m);
      return -1;
    }
  }
  return 0;
}

unsigned
manifest_mark_until(struct manifest *m, const char *prog)
{
  unsigned marked = 0;

  for (unsigned i = 0; i < m->count; i++) {
    const char *path = m->entries[i].argv[0];
    const char *slash = strrchr(path, '/');

    if (strcmp(path, prog) == 0 ||
        (slash != NULL && strcmp(slash + 1, prog) == 0)) {
      m->entries[i].until = true;
      marked++;
    }
  }
  return marked;
}

int
manifest_set_after(struct manifest *m, const char *name)
{
  for (unsigned i = 1; i < m->count; i++) {
    char *copy = strdup(name);

    if (copy == NULL) {
      fprintf(stderr, "xous-run: out of memory\n");
      return -1;
    }
    free(m->entries[i].after);
    m->entries[i].after = copy;
  }
  return 0;
}

void
manifest_free(struct manifest *m)
{
  for (unsigned i = 0; i < m->count; i++) {
    free(m->entries[i].after);
    for (char **a = m->entries[i].argv; *a != NULL; a++)
      free(*a);
    free(m->entries[i].argv);
  }
  free(m->entries);
  m->entries = NULL;
  m->count = 0;
}
