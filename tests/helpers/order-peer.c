/*
 * order-peer: one sender of a relay that checks the order in which a
 * server takes messages from several clients, for tests/check_direct and
 * the soak.
 *
 *   order-peer COLLECT16 DONE16 SELF16 NEXT16
 *   order-peer collect COLLECT16 DONE16 FIRST16 BATCH
 *
 * It makes the server SELF16, prints "ready", and takes the token there:
 * a Scalar id 1 with arg1 = a number v and arg2 = the hops left h. On
 * each token it sends COLLECT16 a Scalar id 1 (arg1 v, arg2 its own
 * Xous PID) and, only once that send has returned, passes the token on:
 * to NEXT16 (v + 1, h - 1) while h > 0, else a Scalar id 2 (arg1 v) to
 * DONE16. A server that keeps one queue for all its clients therefore
 * takes the numbers in order, whoever sent them. A Scalar id 3 ends it
 * (exit status 0); a failed call ends it with status 1.
 *
 * With "collect" it is the server of the relay instead, for the soak: it
 * makes COLLECT16 and DONE16 and, until SIGUSR1, sends FIRST16 a token of
 * BATCH hops, waits for the relay's end on DONE16 and only then takes the
 * BATCH numbers from COLLECT16, printing "BAD want W got G from P" for
 * each one out of order. It ends with "ok N", the hops it checked.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xous.h>

#include "../support/peer.h"

const char *const peer_prog = "order-peer";

#define TOKEN 1
#define DONE 2
#define QUIT 3

/* A connection made on first use: every peer exists by the first token,
 * and Connect would wait for it anyway. */
static xous_cid_t
cid_of(xous_sid_t sid, xous_cid_t *cid)
{
  xous_error_t err;

  if (*cid == 0 && (err = xous_connect(sid, cid)) != XOUS_OK)
    peer_fail("connect", err);
  return *cid;
}

static volatile sig_atomic_t stop;

static void
on_usr1(int sig)
{
  (void)sig;
  stop = 1;
}

static int
run_collector(char **argv)
{
  xous_sid_t collector = peer_name_arg(argv[0]), done = peer_name_arg(argv[1]);
  xous_cid_t first = 0;
  unsigned long batch = strtoul(argv[3], NULL, 10), hops = 0;
  xous_word_t v = 0;
  xous_error_t err;

  if (batch == 0 || batch > 100) {
    fprintf(stderr, "order-peer: BATCH is 1..100 (the queue holds 128)\n");
    return 64;
  }
  signal(SIGUSR1, on_usr1);
  if ((err = xous_create_server_with_address(collector, NULL)) != XOUS_OK ||
      (err = xous_create_server_with_address(done, NULL)) != XOUS_OK)
    peer_fail("create_server_with_address", err);
  printf("ready\n");
  while (!stop) {
    xous_envelope_t env;

    err = xous_scalar(cid_of(peer_name_arg(argv[2]), &first), TOKEN, v,
                      batch - 1, 0, 0);
    if (err != XOUS_OK)
      peer_fail("scalar to the first sender", err);
    do {
      peer_receive(done, &env);
    } while (env.body.kind != XOUS_MSG_SCALAR || env.body.scalar.id != DONE);
    for (unsigned long n = 0; n < batch; n++) {
      peer_receive(collector, &env);
      if (env.body.scalar.arg1 != v + n)
        printf("BAD want %lu got %lu from %lu\n", (unsigned long)(v + n),
               (unsigned long)env.body.scalar.arg1,
               (unsigned long)env.body.scalar.arg2);
    }
    v += batch;
    hops += batch;
  }
  printf("ok %lu\n", hops);
  return 0;
}

int
main(int argc, char **argv)
{
  xous_sid_t collect, done, self, next;
  xous_cid_t to_collect = 0, to_done = 0, to_next = 0, own;
  xous_word_t me;
  xous_error_t err;

  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc == 6 && strcmp(argv[1], "collect") == 0)
    return run_collector(argv + 2);
  if (argc != 5) {
    fprintf(stderr, "usage: order-peer COLLECT16 DONE16 SELF16 NEXT16\n"
                    "       order-peer collect COLLECT16 DONE16 FIRST16 "
                    "BATCH\n");
    return 64;
  }
  collect = peer_name_arg(argv[1]);
  done = peer_name_arg(argv[2]);
  self = peer_name_arg(argv[3]);
  next = peer_name_arg(argv[4]);
  if ((err = xous_create_server_with_address(self, &own)) != XOUS_OK)
    peer_fail("create_server_with_address", err);
  me = xous_get_process_id();
  printf("ready\n");
  for (;;) {
    xous_envelope_t env;
    const xous_scalar_msg_t *m = &env.body.scalar;

    peer_receive(self, &env);
    if (env.body.kind != XOUS_MSG_SCALAR)
      continue;
    if (m->id == QUIT)
      return 0;
    if (m->id != TOKEN)
      continue;
    err = xous_scalar(cid_of(collect, &to_collect), TOKEN, m->arg1, me, 0, 0);
    if (err != XOUS_OK)
      peer_fail("scalar to the collector", err);
    if (m->arg2 > 0)
      err = xous_scalar(cid_of(next, &to_next), TOKEN, m->arg1 + 1,
                        m->arg2 - 1, 0, 0);
    else
      err = xous_scalar(cid_of(done, &to_done), DONE, m->arg1, 0, 0, 0);
    if (err != XOUS_OK)
      peer_fail("scalar to pass the token", err);
  }
}
