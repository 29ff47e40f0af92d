/*
 * The list of processes xous-run starts: from an image file (documented in
 * xous-run(1)), from the command line, or the built-in demo.
 */
#ifndef XOUS_TOOLS_MANIFEST_H
#define XOUS_TOOLS_MANIFEST_H

#include <stdbool.h>

struct manifest_entry {
  bool wait;   /* start the next line only once this process has ended */
  bool until;  /* the run ends when this process (and every other such
                  process) has ended */
  char *after; /* start only once this name is registered with xous-names;
                  NULL for no wait */
  bool hosted; /* a Rust program of the Xous hosted mode (TCP) */
  char **argv; /* NULL terminated */
};

struct manifest {
  struct manifest_entry *entries;
  unsigned count;
};

/* Reads an image file; relative program paths are taken from the file's
 * directory. Returns 0, or -1 after printing where it is wrong. */
int manifest_load(struct manifest *m, const char *path);
/* As manifest_load(), with relative program paths taken from dir. */
int manifest_load_from(struct manifest *m, const char *path, const char *dir);
/* Programs separated by "--" or ":"; one whose first word is --hosted is
 * a hosted-mode program. Returns 0 or -1. */
int manifest_from_argv(struct manifest *m, int argc, char **argv);
/* Marks every entry whose program is prog (its path, or the last part of
 * it) as `until`. Returns the number of entries marked. */
unsigned manifest_mark_until(struct manifest *m, const char *prog);
/* Makes every entry but the first start `after` name (kept as given).
 * Returns 0 or -1 (out of memory). */
int manifest_set_after(struct manifest *m, const char *name);
/* dir/hello-server, then dir/hello-client. Returns -1 when either is not
 * an executable file. */
int manifest_demo(struct manifest *m, const char *dir);
void manifest_free(struct manifest *m);

#endif /* XOUS_TOOLS_MANIFEST_H */
