/*
 * The IPC benchmark's parts: a private broker, the server process it
 * measures against, and the machine's limits it compares with.
 */
#ifndef XOUS_BENCH_H
#define XOUS_BENCH_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include <xous.h>

/* The opcodes of the benchmark server. */
enum bench_op {
  BENCH_PING = 1,  /* BlockingScalar: answers arg1 + 1 */
  BENCH_COUNT = 2, /* Scalar: counted, not answered */
  BENCH_SYNC = 3,  /* BlockingScalar: answers the count and clears it */
  BENCH_TOUCH = 4, /* memory: touches the first byte; returns or unmaps */
  BENCH_QUIT = 5   /* Scalar: the server ends */
};

/* How the server answers a BlockingScalar or a lend. */
enum bench_reply {
  BENCH_REPLY_SEPARATE, /* xous_return_*() then xous_receive_message() */
  BENCH_REPLY_COMBINED  /* xous_reply_and_receive_next() */
};

/* The well-known name of each server (16 bytes, no NUL). */
#define BENCH_NAME_SEPARATE "bench-ipc-sep..."
#define BENCH_NAME_COMBINED "bench-ipc-comb.."

/* ---- the private broker (broker.c) ----------------------------------- */

/* Makes a private directory, sets XOUS_SOCKET to a socket in it, starts
 * `xousd --foreground` there and waits (bounded) until it accepts
 * connections. Returns the OS pid, or -1 with a message on stderr. */
pid_t bench_broker_start(const char *xousd);
/* Leaves the broker, then stops it (SIGTERM, then SIGKILL after a bound)
 * and removes the directory. Safe to call when nothing was started. */
void bench_broker_stop(void);

/* In libxous (runtime/hosted/broker.c): this process leaves its broker on
 * purpose, so that the broker's end is not reported as a lost connection.
 * A benchmark calls it before it stops a broker it has talked to. */
void xous__hosted_leave(void);

/* Forks a child that dies with this process (a broker, server or probe
 * left behind by a killed benchmark would hold its broker), output
 * flushed first so that the child does not repeat it. As fork(). */
pid_t bench_fork(void);

/* ---- the server process (server.c) ------------------------------------ */

/* Forks a process that serves name with the given reply style until it
 * gets BENCH_QUIT. Call before this process makes its first Xous call, so
 * that the child joins the broker as a process of its own. */
pid_t bench_server_spawn(const char *name, enum bench_reply style);

/* ---- the machine's limits (limits.c) ---------------------------------- */

struct bench_limits {
  bool present;                   /* run-limits was found and ran */
  double futex_block_same;        /* median ns, each 0 when missing */
  double futex_block_same_pinned; /* both ends on one CPU */
  double futex_block_cross;
  double futex_spin_cross;
  double unix_seqpacket_cross;
  double memcpy_4k;
  double memcpy_1m;
  double memcpy_16m;
  double mprotect_pair_4k;  /* access lost and regained, 4 KiB */
  double mprotect_pair_16m; /* the same, PTE by PTE, 16 MiB */
  double mremap_pair_16m;   /* the same by moving page tables, 16 MiB */
  char raw[2048];           /* run-limits' JSON, for the results file */
};

/* Runs `NOPIN=1 path --json` and reads the figures. path may be NULL.
 * Returns false (and says why on stderr) when it cannot. */
bool bench_limits_run(const char *path, struct bench_limits *out);

/* ---- the comparison table (report.c) ---------------------------------- */

/* One figure of ours beside the figure it is compared with. */
struct bench_target {
  const char *figure;
  double ours;
  const char *ours_unit;
  const char *limit_name;
  double limit;
  double ratio;     /* ours / limit, 0 when there is no limit */
  const char *goal; /* as in DESIGN.md, or NULL when only reported */
  bool pass;
};

/* One row of the table: ours beside what it is held against, with goal
 * (NULL: only reported); ratio and pass are set later. */
struct bench_target bench_row(const char *figure, double ours,
                              const char *unit, const char *limit_name,
                              double limit, const char *goal);
/* Sets each ratio where there is a limit to compare with. */
void bench_target_ratios(struct bench_target *t, size_t n);
/* "reported", "no limit", "PASS" or "MISS". */
const char *bench_target_result(const struct bench_target *t);
/* The table on stdout, one line per target. */
void bench_print_targets(const struct bench_target *t, size_t n);
/* The whole file at path, NUL terminated (free it); NULL when it cannot
 * be read. */
char *bench_read_file(const char *path);
/* qsort() order for doubles. */
int bench_cmp_double(const void *a, const void *b);

/* ---- the command line (options.c) ------------------------------------ */

/* What every benchmark's command line may say. */
struct bench_args {
  bool quick;           /* --quick */
  const char *json;     /* --json FILE, or NULL */
  char xousd[1024];     /* --xousd PATH, else $XOUS_BUILDDIR/xousd */
  const char *builddir; /* $XOUS_BUILDDIR, or "." */
};

/* The defaults, from $XOUS_BUILDDIR. */
void bench_args_init(struct bench_args *a);
/* From tools/cli.h, a desktop header: the rv32 benchmarks use this one. */
struct xous_cli_option;
/* Reads --quick, --json, --xousd and --help into a, and the program's own
 * options (own: a table as xous__cli_read() takes, ending in a NULL name,
 * own_letters their letters; either may be NULL): those stored in their
 * places there, the program's own through take(), which says false to a
 * wrong one. Returns -1 to go on, else the status to end with: 0 after
 * --help (usage on stdout), 2 after a wrong option (usage on stderr). */
int bench_args_read(int argc, char **argv, struct bench_args *a,
                    const struct xous_cli_option *own, const char *own_letters,
                    bool (*take)(int opt, const char *arg, void *ctx),
                    void *ctx, void (*usage)(FILE *out));

/* ---- time -------------------------------------------------------------- */

double bench_now_ns(void);
/* CPU time of OS process pid so far, in ns, or -1. */
double bench_cpu_ns(pid_t pid);

#endif /* XOUS_BENCH_H */
