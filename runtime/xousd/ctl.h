/*
 * Control requests (XOUS_WIRE_CTL, w[0]) shared by xousd and xousctl.
 */
#ifndef XOUSD_CTL_H
#define XOUSD_CTL_H

enum xous_ctl_cmd {
  XOUS_CTL_PS = 1,      /* processes */
  XOUS_CTL_SERVERS = 2, /* servers */
  XOUS_CTL_CONNS = 3,   /* connection tables */
  XOUS_CTL_KILL = 4,    /* w[1] = Xous PID */
  XOUS_CTL_SHUTDOWN = 5,
  /* Subscribe: TRACE datagrams follow. w[1] = how many bytes of events
   * the broker may hold for a reader that falls behind (0: 8 MiB; at
   * least 16 KiB); past that, events are dropped and counted. */
  XOUS_CTL_TRACE = 6,
  XOUS_CTL_HOSTED_ENV = 7, /* name = program: reserve a PID and a key */
  /* Fault injection (xousd/fault.c): w[1] = Xous PID (0 = any), w[2] =
   * syscall number, w[3] = nth call (1 based, 0 = every), w[4] = error. */
  XOUS_CTL_FAIL = 16,
  XOUS_CTL_FAULTS = 17,       /* the rules */
  XOUS_CTL_FAULTS_CLEAR = 18, /* removes every rule */
  /* The answers of the servers of Xous PID w[1]: w[2] = 0 as they come,
   * 1 delayed by w[3] ms, 2 dropped. */
  XOUS_CTL_ANSWERS = 19,
};

#endif /* XOUSD_CTL_H */
