/*
 * The files of a private system, shared by libxous-test and the tree's own
 * test harness (tests/support/harness.c): where its directory goes, how it
 * is removed, and how a process's captured output is read line by line.
 */
#ifndef XOUS_TESTKIT_FILES_H
#define XOUS_TESTKIT_FILES_H

#include <stddef.h>

/* $TMPDIR when it is an absolute path of at most max bytes (a longer one
 * leaves no room for a socket path of 108 bytes), else /tmp. */
const char *xous__test_tmp_base(size_t max);
/* Removes path and everything below it, not following links. */
void xous__test_remove_tree(const char *path);
/* The contents of path, NUL terminated, malloc()ed; "" when it cannot be
 * read (path may be NULL); NULL when out of memory. */
char *xous__test_file_text(const char *path);
/* Whole line number index (0 based) of text: its start, and its length
 * (without the newline) in *len; NULL when text holds fewer lines. */
const char *xous__test_nth_line(const char *text, size_t index, size_t *len);
/* The number of whole lines of text. */
size_t xous__test_line_count(const char *text);

#endif /* XOUS_TESTKIT_FILES_H */
