/*
 * reliability-peer: the processes of the reliability tests, written
 * against <xous.h> only.
 *
 *   reliability-peer join
 *       Makes one call that needs the broker (a TryConnect to a name that
 *       nobody serves) and prints the name of its error: "ServerNotFound"
 *       when the process joined, another when it could not.
 *   reliability-peer pair-server NAME16
 *       Prints "ready", then answers every BlockingScalar with arg1 + 1
 *       until a call fails; prints the failing error's name and exits 0.
 *   reliability-peer sleepers N
 *       Starts N threads that each sleep for ever on the ticktimer, prints
 *       "started", and sleeps for ever itself.
 *   reliability-peer deaf-server NAME16
 *       Makes the server, prints "ready", and never receives.
 *   reliability-peer nap
 *       Sleeps 1 ms on the ticktimer and prints the error's name.
 *   reliability-peer pair-client NAME16
 *       Calls the pair server in a loop as fast as it answers, checking
 *       each answer; prints "running" after the first 1000 calls, and the
 *       name of the first error when a call fails (then exits 0).
 *
 * Exit status: 0 done, 1 a wrong answer or a setup call failed, 64 bad
 * usage.
 */
#include <stdio.h>
#include <stdlib.h>

#include <xous.h>
#include <xous/ticktimer.h>

#include "../support/peer.h"

const char *const peer_prog = "reliability-peer";

static _Noreturn void
usage(void)
{
  fprintf(stderr,
          "usage: %s join\n"
          "       %s sleepers N\n"
          "       %s deaf-server NAME16\n"
          "       %s nap\n"
          "       %s pair-server NAME16\n"
          "       %s pair-client NAME16\n",
          peer_prog, peer_prog, peer_prog, peer_prog, peer_prog, peer_prog);
  exit(64);
}

static int
role_join(int argc, char **argv)
{
  xous_cid_t cid;
  xous_error_t err;

  (void)argv;
  if (argc != 0)
    usage();
  err = xous_try_connect(peer_name_arg("reliability-none"), &cid);

  printf("%s\n", xous_error_name(err));
  return 0;
}

/* A BlockingScalar answered with arg1 + 1; a caller that died before its
 * answer is no reason to stop. */
static xous_error_t
answer_plus_one(const xous_envelope_t *env)
{
  xous_error_t err;

  if (env->body.kind != XOUS_MSG_BLOCKING_SCALAR)
    return XOUS_OK;
  err = xous_return_scalar1(env->sender, env->body.scalar.arg1 + 1);
  if (err == XOUS_PROCESS_TERMINATED || err == XOUS_SERVER_NOT_FOUND)
    return XOUS_OK;
  return err;
}

static int
role_pair_server(int argc, char **argv)
{
  printf("%s\n", xous_error_name(
                     peer_serve_until(argc, argv, usage, answer_plus_one)));
  return 0;
}

static int
role_pair_client(int argc, char **argv)
{
  xous_cid_t cid;
  xous_error_t err;
  xous_word_t i;

  if (argc != 1)
    usage();
  cid = peer_connect(argv[0]);
  for (i = 1;; i++) {
    xous_word_t ret[5] = { 0 };

    err = xous_blocking_scalar(cid, 1, i, 0, 0, 0, ret);
    if (err != XOUS_OK)
      break;
    if (ret[0] != i + 1) {
      fprintf(stderr, "%s: call %llu answered %llu\n", peer_prog,
              (unsigned long long)i, (unsigned long long)ret[0]);
      return 1;
    }
    if (i == 1000)
      printf("running\n");
  }
  printf("%s\n", xous_error_name(err));
  return 0;
}

static void *
sleep_forever(void *arg)
{
  (void)arg;
  for (;;)
    xous_ticktimer_sleep_ms((xous_word_t)-1);
  return NULL;
}

static int
role_sleepers(int argc, char **argv)
{
  unsigned long long n;

  if (argc != 1)
    usage();
  n = peer_number_arg(argv[0]);
  for (unsigned long long i = 0; i < n; i++) {
    xous_tid_t tid;
    xous_error_t err = xous_create_thread(sleep_forever, NULL, 64 * 1024,
                                          &tid);

    if (err != XOUS_OK)
      peer_fail("create_thread", err);
  }
  printf("started\n");
  sleep_forever(NULL);
  return 0;
}

static int
role_deaf_server(int argc, char **argv)
{
  peer_never_receive(argc, argv, usage);
}

static int
role_nap(int argc, char **argv)
{
  (void)argv;
  if (argc != 0)
    usage();
  printf("%s\n", xous_error_name(xous_ticktimer_sleep_ms(1)));
  return 0;
}

static const struct peer_role roles[] = {
  { "join", role_join },
  { "sleepers", role_sleepers },
  { "deaf-server", role_deaf_server },
  { "nap", role_nap },
  { "pair-server", role_pair_server },
  { "pair-client", role_pair_client },
};

int
main(int argc, char **argv)
{
  return peer_main(roles, sizeof roles / sizeof roles[0], argc, argv, usage);
}
