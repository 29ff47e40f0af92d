/*
 * <xous/test.h>: test your own Xous servers on the desktop, with real
 * processes (libxous-test, xous_test(3); pkg-config xous-test).
 *
 * This header is for desktop test programs only. Unlike the rest of
 * the xous headers it uses host types (pid_t, size_t from the C library) and
 * the library behind it forks, execs and signals: a portable server must
 * never include it. It works from a plain main(), Check or cmocka alike.
 *
 * Lifetimes, in order:
 *  1. xous_test_start() makes a private directory (mode 0700) under
 *     $TMPDIR or /tmp, starts the real xousd on a socket in it, sets
 *     XOUS_SOCKET to that socket (for the calling process and every child)
 *     and starts the standard servers (xous-names, xous-ticktimer,
 *     xous-log) unless told not to, waiting until each has its server.
 *     The calling process becomes a Xous process of that broker at its
 *     first Xous call. One system per process at a time.
 *  2. xous_test_spawn() starts programs; their stdout is kept (read it
 *     with xous_test_output() and the line functions), their stderr is
 *     the caller's. Every child dies with the calling process, even when
 *     that is killed outright.
 *  3. xous_test_stop() ends everything the system started: every child
 *     (SIGTERM, then SIGKILL after a bound), the broker, the socket, the
 *     directory, and the calling process's own connection to the broker;
 *     then a new xous_test_start() may follow. Every xous_test_proc_t of
 *     the system is freed with it.
 *
 * Every function returns XOUS_OK or a Xous error code; every wait is
 * bounded by its timeout_ms and gives XOUS_TIMEOUT when it runs out.
 *
 * Programs are found (xousd and the standard servers) in, in order:
 * $XOUS_TEST_PROGRAMS (a list of directories, ':' between them), the
 * build tree $XOUS_BUILDDIR (as make check sets it), the directories
 * beside the installed library (../libexec/xous-posix and ../bin), and
 * the configured libexecdir/xous-posix and bindir.
 */
#ifndef XOUS_TEST_H
#define XOUS_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <xous.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct xous_test xous_test_t;
typedef struct xous_test_proc xous_test_proc_t;

typedef struct {
  /* The ticktimer runs on a clock the test drives with
   * xous_test_advance_ms(); it stands still otherwise. */
  bool virtual_time;
  /* The standard servers start unless told not to. */
  bool no_names, no_ticktimer, no_log;
  /* 0: random; else every random SID, key and token of the run derives
   * from it, so that a run can be replayed. */
  uint64_t seed;
} xous_test_options_t;

/* ==== the system ========================================================= */

/* Starts a private broker and the standard servers; opt may be NULL (all
 * defaults). *t is the system until xous_test_stop(). XOUS_SERVER_EXISTS
 * when this process runs a system already, XOUS_NOT_FOUND when xousd or
 * a standard server cannot be found, XOUS_TIMEOUT when one does not come
 * up. */
xous_error_t xous_test_start(const xous_test_options_t *opt, xous_test_t **t);

/* Ends everything t started (see above) and frees t. NULL is ignored. */
void xous_test_stop(xous_test_t *t);

/* The system's private directory and the broker's socket in it. */
const char *xous_test_dir(const xous_test_t *t);
const char *xous_test_socket(const xous_test_t *t);

/* ==== processes ========================================================== */

/* Starts argv[0] (a path, or a name looked up on $PATH) with argv (NULL
 * terminated). *p belongs to t. */
xous_error_t xous_test_spawn(xous_test_t *t, const char *const argv[],
                             xous_test_proc_t **p);

/* Waits until name is registered with xous-names (at most timeout_ms).
 * The caller holds no place of the name's connection limit afterwards. */
xous_error_t xous_test_wait_name(xous_test_t *t, const char *name,
                                 uint32_t timeout_ms);

/* Kills p outright (SIGKILL), as a crash would. XOUS_PROCESS_TERMINATED
 * when it had already ended. */
xous_error_t xous_test_kill(xous_test_proc_t *p);
/* Sends p SIGTERM: an orderly end (libxous exits, so coverage data is
 * written) unless the program handles SIGTERM itself. */
xous_error_t xous_test_terminate(xous_test_proc_t *p);
/* Stops p (SIGSTOP) and lets it go on (SIGCONT): a peer that hangs. */
xous_error_t xous_test_pause(xous_test_proc_t *p);
xous_error_t xous_test_resume(xous_test_proc_t *p);

/* Waits up to timeout_ms for p to end; *exit_code (may be NULL) is its
 * exit status, or 128 + the signal that ended it, as a shell shows. */
xous_error_t xous_test_wait(xous_test_proc_t *p, uint32_t timeout_ms,
                            int *exit_code);
/* True while p has not ended. */
bool xous_test_running(xous_test_proc_t *p);

/* The host's process ID of p (for gdb -p, /proc, perf). */
pid_t xous_test_os_pid(const xous_test_proc_t *p);
/* p's Xous PID, once p has joined the broker (at most timeout_ms). */
xous_error_t xous_test_pid(xous_test_proc_t *p, uint32_t timeout_ms,
                           xous_pid_t *pid);

/* ==== output ============================================================= */

/* Everything p has printed on stdout so far, NUL terminated; the caller
 * frees it. NULL when out of memory. */
char *xous_test_output(xous_test_proc_t *p);
/* The number of whole lines p has printed so far. */
size_t xous_test_line_count(xous_test_proc_t *p);
/* Waits until p has printed a line equal to line. */
xous_error_t xous_test_wait_line(xous_test_proc_t *p, const char *line,
                                 uint32_t timeout_ms);
/* Waits until p has printed line number index (0 based) and copies it,
 * without its newline and cut to size - 1 bytes, into buf. */
xous_error_t xous_test_line(xous_test_proc_t *p, size_t index, char *buf,
                            size_t size, uint32_t timeout_ms);

/* ==== the message trace ================================================== */

/* Starts keeping every event of the broker's trace (xousctl trace): the
 * events of each message, process and server, and injected failures.
 * Events from the moment it returns on are kept, as JSON lines. */
xous_error_t xous_test_trace_start(xous_test_t *t);
/* The events kept so far, one JSON object a line, NUL terminated; the
 * caller frees it. "" when no trace was started. */
char *xous_test_trace(xous_test_t *t);
/* Waits until one kept event holds every string of fragments (NULL
 * terminated), such as "\"ev\":\"fault\"". XOUS_INTERNAL_ERROR when the
 * trace ended (the broker went away) without one. */
xous_error_t xous_test_wait_trace(xous_test_t *t,
                                  const char *const fragments[],
                                  uint32_t timeout_ms);
/* Waits until the server of process server_pid (0: any) has received a
 * message with opcode from process from (0: any). */
xous_error_t xous_test_wait_received(xous_test_t *t, xous_pid_t server_pid,
                                     xous_word_t opcode, xous_pid_t from,
                                     uint32_t timeout_ms);

/* ==== time =============================================================== */

/* With virtual_time: moves the ticktimer's clock on by ms. Every sleep,
 * timeout and condvar wait that falls due is answered, in deadline order
 * (the oldest first among equal deadlines), and nothing else; it returns
 * once all of them have been answered, with the clock at the old time +
 * ms. Whoever wakes reads that time or later: a sleep it then starts
 * counts from there. Nothing else moves time. XOUS_UNAVAILABLE without
 * virtual time or without the ticktimer. */
xous_error_t xous_test_advance_ms(xous_test_t *t, uint64_t ms);
/* The ticktimer's clock (ElapsedMs), virtual or not. */
xous_error_t xous_test_elapsed_ms(xous_test_t *t, uint64_t *ms);
/* Waits until at least n sleeps or timed waits are parked in the
 * ticktimer: a sleep a program was told to make has reached the server,
 * so the next advance counts it. */
xous_error_t xous_test_wait_sleepers(xous_test_t *t, unsigned n,
                                     uint32_t timeout_ms);

/* ==== faults ============================================================= */

/* From now on, the nth (1 based; 0 = every) call of syscall (a
 * XOUS_SYSCALL_* number) by Xous process pid (0 = any) fails with err,
 * counted from this call. The broker checks its rules on every call it
 * sees, and the library sends messages through the broker while a rule
 * for SendMessage or TrySendMessage exists, so these fail too. Calls a
 * process answers by itself (memory, threads) are not seen. Each failure
 * injected is in the trace. */
xous_error_t xous_test_fail_call(xous_test_t *t, xous_pid_t pid,
                                 unsigned syscall, uint32_t nth,
                                 xous_error_t err);
/* A slow server: from now on the answers of every server of Xous process
 * server_pid reach their clients ms milliseconds (wall clock) after the
 * server gave them; 0 makes them prompt again. Messages to those servers
 * go through the broker meanwhile. */
xous_error_t xous_test_delay_answers(xous_test_t *t, xous_pid_t server_pid,
                                     uint32_t ms);
/* A lossy server: its answers are dropped; each client waits as if none
 * had been given, until the server ends (then ServerNotFound).
 * xous_test_delay_answers(t, pid, 0) ends the rule. */
xous_error_t xous_test_drop_answers(xous_test_t *t, xous_pid_t server_pid);
/* Removes every rule, of calls and of answers. */
xous_error_t xous_test_clear_faults(xous_test_t *t);

#ifdef __cplusplus
}
#endif

#endif /* XOUS_TEST_H */
