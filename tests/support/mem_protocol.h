/*
 * The mem protocol of tests/helpers/mem-peer (its opening comment says
 * what each message does), shared by mem-peer and check_memory.
 */
#ifndef XOUS_TEST_MEM_PROTOCOL_H
#define XOUS_TEST_MEM_PROTOCOL_H

enum {
  MEM_ECHO = 1,
  MEM_FILL = 2,
  MEM_HOLD = 3,
  MEM_RO_WRITE = 4,
  MEM_HOLD_PAGES = 5,
  MEM_SEND = 6,
  MEM_BUFFER = 7,
  MEM_RELEASE = 10,
  MEM_QUIT = 99,
};

/* What HOLD writes at the start of a MutableLend (HOLD_PAGES: of each of
 * its pages). */
#define HOLD_MARK "held by mem-peer"

#endif /* XOUS_TEST_MEM_PROTOCOL_H */
