/*
 * libxous-test's one internal contract: the system (xous_test_t) and its
 * processes, and the helpers the files of the library share.
 */
#ifndef XOUS_TESTKIT_INTERNAL_H
#define XOUS_TESTKIT_INTERNAL_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <xous.h>
#include <xous/test.h>

/* Bounds of the waits the library makes by itself. */
#define XOUS__TEST_START_MS 10000
#define XOUS__TEST_STOP_MS 5000

struct xous_test_proc {
  struct xous_test *t;
  pid_t pid;
  bool reaped;
  int status;    /* as from waitpid(), once reaped */
  char out[128]; /* the file that holds its stdout */
  struct xous_test_proc *next;
};

struct xous_test {
  xous_test_options_t opt;
  char dir[96];   /* under a base of at most 60 bytes */
  char sock[108]; /* fits sockaddr_un.sun_path */
  struct xous_test_proc *broker;
  struct xous_test_proc *procs; /* every child, the broker included */
  unsigned out_seq;
  xous_cid_t ticktimer;      /* 0 until the first advance */
  struct xous__trace *trace; /* NULL until xous_test_trace_start() */
};

/* ---- find.c: where the programs are --------------------------------------- */

/* The path of program name (build-tree path rel, e.g. "servers/names/
 * xous-names") in out; false when it is nowhere (see <xous/test.h>). */
bool xous__test_find(const char *name, const char *rel, char *out,
                     size_t size);

/* ---- proc.c ---------------------------------------------------------------- */

/* Starts argv[0] with argv and, besides the caller's environment, the
 * extra NAME=VALUE strings (NULL terminated, may be NULL). */
xous_error_t xous__test_spawn_env(struct xous_test *t,
                                  const char *const argv[],
                                  const char *const extra_env[],
                                  struct xous_test_proc **p);
/* Reaps p if it has ended; true when it has. */
bool xous__test_reap(struct xous_test_proc *p);
/* Milliseconds on the monotonic clock, and a short pause between polls. */
uint64_t xous__test_now_ms(void);
void xous__test_pause_ms(unsigned ms);

/* ---- ctl.c: the broker's control protocol ---------------------------------- */

/* Sends control request cmd with up to 7 argument words to the broker of
 * t and returns its JSON answer (malloc()ed, NUL terminated) in *json. */
xous_error_t xous__test_ctl(struct xous_test *t, unsigned cmd,
                            const uint64_t args[7], char **json);
/* True when the broker of t lists a server with SID sid. */
bool xous__test_has_server(struct xous_test *t, xous_sid_t sid);

/* ---- trace.c --------------------------------------------------------------- */

/* Ends the trace subscription of t, if any, and frees what it kept. */
void xous__trace_stop(struct xous_test *t);

/* ---- in libxous (runtime/hosted/broker.c) ----------------------------------- */

void xous__hosted_leave(void);
void xous__hosted_expect_end(void);

#endif /* XOUS_TESTKIT_INTERNAL_H */
