/*
 * What the helper programs (tests/helpers) share: they are Xous programs
 * that a suite starts and follows by their output, not Check suites, so a
 * failure is an exit status (1 a call failed, 64 usage) and a line on the
 * standard error that names the program (peer_prog, which each defines).
 */
#ifndef XOUS_TEST_PEER_H
#define XOUS_TEST_PEER_H

#include <stddef.h>

#include <xous.h>

extern const char *const peer_prog;

/* Says that what failed with err and exits 1. */
_Noreturn void peer_fail(const char *what, xous_error_t err);
/* A number given as an argument (decimal, 0x hexadecimal or 0 octal, as
 * strtoull reads it); exits 64 otherwise. */
unsigned long long peer_number_arg(const char *s);
/* The SID of a 16-byte name given as an argument; exits 64 otherwise. */
xous_sid_t peer_name_arg(const char *name);
/* Makes the server of a 16-byte name given as an argument; its SID. Exits
 * as peer_name_arg does, or 1 when the broker refuses. */
xous_sid_t peer_create_server(const char *name);
/* Connects to the server of a 16-byte name given as an argument, waiting
 * for it to be made; the CID. Exits as peer_create_server does. */
xous_cid_t peer_connect(const char *name);
/* The server of a role whose only argument is its NAME16: made, and
 * "ready" said; usage (then exit 64) for other arguments. */
xous_sid_t peer_serve_named(int argc, char **argv, void (*usage)(void));
/* The same server, which then never receives: what is sent to it stays
 * queued until the process is killed. */
_Noreturn void peer_never_receive(int argc, char **argv, void (*usage)(void));
/* The next message sid receives, into env; a failed receive is said and
 * exits 1 (peer_fail). */
void peer_receive(xous_sid_t sid, xous_envelope_t *env);
/* The same server, which hands every message it receives to serve, until
 * a receive fails (peer_receive). */
_Noreturn void peer_serve_forever(int argc, char **argv, void (*usage)(void),
                                  void (*serve)(const xous_envelope_t *env));
/* The same server, which hands every message it receives to serve until a
 * receive fails or serve returns an error: that error. */
xous_error_t
peer_serve_until(int argc, char **argv, void (*usage)(void),
                 xous_error_t (*serve)(const xous_envelope_t *env));

/* A role of a helper program: its name on the command line, and what
 * runs it with the arguments after the name. */
struct peer_role {
  const char *name;
  int (*run)(int argc, char **argv);
};

/* The role of the n in roles that argv[1] names; when argv names none,
 * calls usage, which says how the program is run, and exits 64. */
const struct peer_role *peer_role_of(const struct peer_role *roles, size_t n,
                                     int argc, char **argv,
                                     void (*usage)(void));
/* The whole main of a helper whose output is followed line by line: stdout
 * line buffered, then the role of argv run with the arguments after its
 * name (peer_role_of); its exit status. */
int peer_main(const struct peer_role *roles, size_t n, int argc, char **argv,
              void (*usage)(void));

#endif /* XOUS_TEST_PEER_H */
