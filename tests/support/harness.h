/*
 * Integration-test harness: starts a real xousd and real peer processes
 * for Check tests, each test in its own private temporary directory.
 *
 * Lifetimes, in order:
 *  1. harness_global_init() (optional, from main) makes one root directory
 *     under $TMPDIR (or /tmp); every test's directory is made inside it, so
 *     that harness_global_cleanup() removes what a killed test left behind.
 *  2. harness_start_broker() makes the test's directory (mode 0700), sets
 *     XOUS_SOCKET in the environment and starts
 *     `$XOUS_BUILDDIR/xousd --foreground --socket <dir>/xousd.sock`.
 *     libxous in the test process connects to it on first use.
 *  3. harness_spawn() starts peers; their stdout goes to a file in the
 *     test's directory, read with harness_output() and the wait helpers.
 *  4. harness_cleanup() (a checked teardown, and an atexit handler) kills
 *     every peer still running, stops the broker and removes the directory.
 *
 * Every child is started with PR_SET_PDEATHSIG = SIGKILL, so a test process
 * that dies (a timeout, a failed assertion) takes its children with it.
 * Call the spawning functions from the test's main thread only: the death
 * signal follows the thread that forked.
 *
 * A failure to set something up (no directory, the broker does not start)
 * fails the current test through ck_abort_msg(); what a test asserts about
 * the system is left to the test.
 */
#ifndef XOUS_TEST_HARNESS_H
#define XOUS_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <check.h>

/* Bounds for every wait in the harness. */
#define HARNESS_START_TIMEOUT_MS 5000
#define HARNESS_STOP_TIMEOUT_MS 5000

/* The peer program, relative to $XOUS_BUILDDIR. */
#define HARNESS_PEER "tests/helpers/xtest-peer"

/* ---- process-wide set-up, from main() ------------------------------------ */

void harness_global_init(void);
void harness_global_cleanup(void);
/* Runs suite s the way every integration suite runs: one forked process
 * per test (libxous joins the broker once per process), the root directory
 * made before and removed after. Returns the exit status for main. */
int harness_run(Suite *s);

/* ---- a suite as a table of its cases, in its main() ---------------------- */

/* What each test of a case starts with. */
enum harness_start {
  HARNESS_UNIT,    /* tests of code alone: no fixture of the harness */
  HARNESS_NOTHING, /* nothing (the test starts what it needs) */
  HARNESS_BROKER,  /* a broker, which must still be alive at the end */
};

/* A loop test: run once for each _i from 0 to end - 1. */
struct harness_loop {
  const TTest *test;
  int end;
};

/* One test case: its name; its timeout in seconds (0: Check's default);
 * what each test starts with, and but for HARNESS_UNIT each ends with
 * harness_cleanup(); a fixture of the suite's own (either part may be
 * NULL), which runs inside the harness's: its set-up after the broker
 * started, its teardown before harness_cleanup(); its tests in the order
 * they run (an array that ends with NULL, as HARNESS_TESTS makes), then
 * its loop tests (ended by a NULL test, as HARNESS_LOOPS makes, or NULL). */
struct harness_case {
  const char *name;
  int timeout;
  enum harness_start start;
  const TTest *const *tests;
  SFun setup;
  SFun teardown;
  const struct harness_loop *loops;
};

#define HARNESS_TESTS(...) ((const TTest *const[]){ __VA_ARGS__, NULL })
#define HARNESS_LOOPS(...)                                                    \
  ((const struct harness_loop[]){ __VA_ARGS__, { NULL, 0 } })

/* The suite name made of the n cases, in their order. The tables may go
 * once it returns: Check keeps only the tests, names and fixtures. */
Suite *harness_suite_of(const char *name, const struct harness_case *cases,
                        size_t n);
/* harness_suite(name, cases): the suite of every case of the array cases. */
#define harness_suite(name, cases)                                            \
  harness_suite_of((name), (cases), sizeof(cases) / sizeof((cases)[0]))

/* ---- the test's directory and broker ------------------------------------- */

/* Makes the test's private directory if it does not exist yet and returns
 * its path (valid until harness_cleanup()). */
const char *harness_dir(void);
/* The broker's socket path in the test's directory (<dir>/xousd.sock). */
const char *harness_socket_path(void);
/* Starts xousd on harness_socket_path(), after setting XOUS_SOCKET to it,
 * and waits until the socket accepts connections. Returns the OS pid. */
pid_t harness_start_broker(void);
/* Starts xousd --foreground with the extra arguments args (NULL terminated,
 * may be NULL) and waits until socket_path accepts connections. The
 * environment is left as it is. Returns the OS pid. */
pid_t harness_start_broker_with(const char *socket_path,
                                const char *const args[]);
/* The running broker's OS pid, or 0. */
pid_t harness_broker_pid(void);
/* Sends SIGTERM to the broker, waits for it (bounded) and asserts that it
 * exited with status 0 and that its socket file is gone. */
void harness_stop_broker(void);
/* Asserts that the broker started by the harness is still running: a
 * broker must survive whatever a test did to it. */
void harness_assert_broker_alive(void);
/* Forgets the broker without stopping it: for tests that make it exit on
 * purpose and reap it with harness_wait(). */
void harness_forget_broker(void);

/* ---- peers ---------------------------------------------------------------- */

/* Starts prog with the given arguments (a NULL-terminated list of strings).
 * prog is an absolute path, or a path relative to $XOUS_BUILDDIR ("." when
 * unset). stdout goes to a file in the test's directory; stderr is the
 * test's. Returns the OS pid. */
pid_t harness_spawn(const char *prog, ...);
pid_t harness_spawn_argv(const char *prog, const char *const argv[]);
/* harness_peer(role, ...): harness_spawn(HARNESS_PEER, role, ...). */
#define harness_peer(...) harness_spawn(HARNESS_PEER, __VA_ARGS__)

/* A wait's bound of ms stretched by $CK_TIMEOUT_MULTIPLIER (when above 1),
 * as Check stretches each case's timeout: a bound only ends a hang, and a
 * run that asks for more time (a sanitizer, valgrind, a loaded machine)
 * gives it to the waits inside a test as well as to the test. Every wait
 * of the harness, its line waits, tool.h's and async.h's apply it. */
int harness_bound_ms(int ms);

/* Waits up to timeout_ms for pid to end. Returns true with *status (may be
 * NULL) set as by waitpid() when it did; false when it is still running. */
bool harness_wait(pid_t pid, int timeout_ms, int *status);
/* Sends sig to pid if it is still running. */
void harness_kill(pid_t pid, int sig);
/* True when pid has not ended (it is reaped if it has). */
bool harness_running(pid_t pid);

/* The captured stdout of pid so far, NUL terminated, or "" when none.
 * Returns a malloc()ed string that the caller frees. */
char *harness_output(pid_t pid);
/* Waits up to timeout_ms until pid's stdout holds a line equal to line. */
bool harness_wait_line(pid_t pid, const char *line, int timeout_ms);
/* Waits up to timeout_ms until pid's stdout holds at least n lines, and
 * copies line number index (0 based) of them into buf. */
bool harness_wait_nth_line(pid_t pid, size_t index, char *buf, size_t size,
                           int timeout_ms);
/* The number of complete lines pid has printed so far. */
size_t harness_line_count(pid_t pid);

/* ---- raw frames ----------------------------------------------------------- */

/* Opens a SOCK_SEQPACKET socket connected to the broker; returns the fd
 * (close it with close()). Fails the test when the connection fails. */
int harness_raw_connect(void);
/* Like harness_raw_connect(), but returns -1 (errno set) on failure. */
int harness_raw_try_connect(const char *socket_path);

/* ---- time ----------------------------------------------------------------- */

/* Milliseconds on the monotonic clock. */
long long harness_now_ms(void);
void harness_sleep_ms(int ms);

/* ---- cleanup -------------------------------------------------------------- */

/* Kills every peer still running, stops the broker (SIGTERM, then SIGKILL
 * after a bound), removes the test's directory and unsets XOUS_SOCKET.
 * Safe to call more than once. */
void harness_cleanup(void);

#endif /* XOUS_TEST_HARNESS_H */
