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

/* A role of a helper program: its name on the command line, and what
 * runs it with the arguments after the name. */
struct peer_role {
  const char *name;
  int (*run)(int argc, char **argv);
};

/* The role of the n in roles called name, or NULL. */
const struct peer_role *peer_find_role(const struct peer_role *roles, size_t n,
                                       const char *name);

#endif /* XOUS_TEST_PEER_H */
