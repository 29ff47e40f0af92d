/*
 * The upper protocol, shared by both ends of the example.
 */
#ifndef UPPER_H
#define UPPER_H

#include <xous.h>
#include <xous/buffer.h>

/* The server's well-known name: exactly 16 bytes, as Xous names are. */
#define UPPER_SERVER_NAME "upper-example-sv"

/* The longest string the server takes: one page. */
#define UPPER_MAX XOUS_PAGE_SIZE

enum upper_opcode {
  /* MutableLend: `valid` bytes of text; the server upper-cases them in
   * place and returns `valid` = the bytes it processed. */
  UPPER_CONVERT = 1,
  UPPER_QUIT = 2, /* Scalar: the server ends */
};

#endif /* UPPER_H */
