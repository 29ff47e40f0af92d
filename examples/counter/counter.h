/*
 * The counter protocol, shared by the counter server and its clients. The
 * server is found by name through the name server, so no SID appears here.
 */
#ifndef COUNTER_H
#define COUNTER_H

#include <xous.h>
#include <xous/names.h>

/* The name the server registers with xous-names(8). */
#define COUNTER_NAME "counter"

enum counter_opcode {
  COUNTER_INCREMENT = 1, /* Scalar: adds one */
  COUNTER_GET = 2,       /* BlockingScalar: answers Scalar1(value) */
  COUNTER_ADD_AND_GET =
      3,             /* BlockingScalar: adds arg1, answers Scalar1(value) */
  COUNTER_RESET = 4, /* Scalar or BlockingScalar: sets 0, answers
                              Scalar1(the value before) when blocking */
  COUNTER_QUIT = 5,  /* Scalar or BlockingScalar: unregisters and ends,
                              answering Scalar1(value) first when blocking */
};

#endif /* COUNTER_H */
