/*
 * The files of a private system, shared by libxous-test and the tree's own
 * test harness (tests/support/harness.c): where its directory goes, how it
 * is removed, how a process is made to write its output into a file of it,
 * and how that output is read line by line and waited for.
 */
#ifndef XOUS_TESTKIT_FILES_H
#define XOUS_TESTKIT_FILES_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <xous/types.h>

/* $TMPDIR when it is an absolute path of at most max bytes (a longer one
 * leaves no room for a socket path of 108 bytes), else /tmp. */
const char *xous__test_tmp_base(size_t max);
/* Removes path and everything below it, not following links. */
void xous__test_remove_tree(const char *path);
/* The contents of path, NUL terminated, malloc()ed; "" when it cannot be
 * read (path may be NULL); NULL when out of memory. */
char *xous__test_file_text(const char *path);
/* In a child between fork() and exec(), with async-signal-safe calls
 * only: has it killed when the thread that forked it ends, and _exit(127)
 * at once when parent is already gone; unblocks every signal, puts SIGPIPE
 * and SIGTERM back to their defaults and makes out its stdout. 0, or -1
 * with errno when out cannot become its stdout. */
int xous__test_child_setup(pid_t parent, int out);
/* Whole line number index (0 based) of text: its start, and its length
 * (without the newline) in *len; NULL when text holds fewer lines. */
const char *xous__test_nth_line(const char *text, size_t index, size_t *len);
/* The number of whole lines of text. */
size_t xous__test_line_count(const char *text);

/* Each waits until the file at path (NULL: none) holds what it looks for,
 * reading it again every 2 ms: XOUS_OK, XOUS_TIMEOUT once timeout_ms have
 * passed without it, or XOUS_OUT_OF_MEMORY. */
/* A whole line that is line exactly. */
xous_error_t xous__test_wait_file_line(const char *path, const char *line,
                                       uint32_t timeout_ms);
/* Whole line number index, copied into buf (cut to fit size, which is not
 * 0, and NUL terminated). */
xous_error_t xous__test_wait_file_nth_line(const char *path, size_t index,
                                           char *buf, size_t size,
                                           uint32_t timeout_ms);
/* text anywhere in it. */
xous_error_t xous__test_wait_file_text(const char *path, const char *text,
                                       uint32_t timeout_ms);

#endif /* XOUS_TESTKIT_FILES_H */
