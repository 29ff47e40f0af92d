/*
 * The suites' way of running a command of the tree (xous-run, xousctl, an
 * example) as a user would: in a process group of its own, its standard
 * output and error into one file, waited for with a bound.
 */
#ifndef XOUS_TEST_TOOL_H
#define XOUS_TEST_TOOL_H

#include <stdbool.h>
#include <sys/types.h>

/* $var/rel ($XOUS_BUILDDIR, $XOUS_SRCDIR; "." when unset), malloc()ed. */
char *tool_path(const char *var, const char *rel);
/* $XOUS_BUILDDIR/rel. */
char *tool_build_path(const char *rel);
/* name in the test's directory (harness_dir()), malloc()ed. */
char *tool_out_path(const char *name);
/* The contents of path ("" when there is none), malloc()ed. */
char *tool_slurp(const char *path);
/* Starts argv (argv[0] a path) with its output into outfile, in a new
 * process group, with TMPDIR set to tmpdir when that is not NULL. */
pid_t tool_start(const char *outfile, const char *tmpdir,
                 const char *const argv[]);
/* Starts prog with argv (argv[0] its name, as the program is to see it)
 * as tool_start() does, but with standard error into errfile of its own,
 * standard input from /dev/null and TMPDIR as it is. */
pid_t tool_start_split(const char *prog, const char *const argv[],
                       const char *outfile, const char *errfile);
/* Waits up to bound_ms for pid; on a timeout kills its group and fails
 * the test, naming what. Returns the wait status. */
int tool_finish(pid_t pid, const char *what, int bound_ms);
/* tool_finish(), and asserts that pid exited with status 0; returns what
 * it wrote into outfile (malloc()ed), which a failure shows. */
char *tool_finish_ok(pid_t pid, const char *what, const char *outfile,
                     int bound_ms);
/* Waits up to bound_ms until the file at path holds text. */
bool tool_wait_text(const char *path, const char *text, int bound_ms);

#endif /* XOUS_TEST_TOOL_H */
