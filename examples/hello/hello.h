/*
 * The hello protocol: what the hello server answers, shared by both ends.
 */
#ifndef HELLO_H
#define HELLO_H

#include <xous.h>

/* The server's well-known name: exactly 16 bytes, as Xous names are. */
#define HELLO_SERVER_NAME "hello-example-sv"

enum hello_opcode {
  HELLO_ADD = 1,    /* BlockingScalar: answers Scalar1(a1 + a2 + a3 + a4) */
  HELLO_GREET = 2,  /* Scalar: the server prints a greeting from a1 */
  HELLO_UPTIME = 3, /* BlockingScalar: answers Scalar2(messages, sender pid) */
  HELLO_QUIT = 4,   /* Scalar: the server ends */
};

#endif /* HELLO_H */
