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
#include <string.h>
#include <unistd.h>

#include <xous.h>
#include <xous/ticktimer.h>

static const char *prog = "reliability-peer";

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
          prog, prog, prog, prog, prog, prog);
  exit(64);
}

static xous_sid_t
name_arg(const char *name)
{
  if (strlen(name) != 16) {
    fprintf(stderr, "%s: a name must be 16 bytes: '%s'\n", prog, name);
    exit(64);
  }
  return xous_sid_from_name(name);
}

static int
role_join(void)
{
  xous_cid_t cid;
  xous_error_t err = xous_try_connect(name_arg("reliability-none"), &cid);

  printf("%s\n", xous_error_name(err));
  return 0;
}

static int
role_pair_server(const char *name)
{
  xous_sid_t sid = name_arg(name);
  xous_error_t err = xous_create_server_with_address(sid, NULL);

  if (err != XOUS_OK) {
    fprintf(stderr, "%s: create_server: %s\n", prog, xous_error_name(err));
    return 1;
  }
  printf("ready\n");
  for (;;) {
    xous_envelope_t env;

    err = xous_receive_message(sid, &env);
    if (err != XOUS_OK)
      break;
    if (env.body.kind == XOUS_MSG_BLOCKING_SCALAR) {
      err = xous_return_scalar1(env.sender, env.body.scalar.arg1 + 1);
      if (err != XOUS_OK && err != XOUS_PROCESS_TERMINATED &&
          err != XOUS_SERVER_NOT_FOUND)
        break;
    }
  }
  printf("%s\n", xous_error_name(err));
  return 0;
}

static int
role_pair_client(const char *name)
{
  xous_cid_t cid;
  xous_error_t err = xous_connect(name_arg(name), &cid);
  xous_word_t i;

  if (err != XOUS_OK) {
    fprintf(stderr, "%s: connect: %s\n", prog, xous_error_name(err));
    return 1;
  }
  for (i = 1;; i++) {
    xous_word_t ret[5] = { 0 };

    err = xous_blocking_scalar(cid, 1, i, 0, 0, 0, ret);
    if (err != XOUS_OK)
      break;
    if (ret[0] != i + 1) {
      fprintf(stderr, "%s: call %llu answered %llu\n", prog,
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
role_sleepers(const char *count)
{
  int n = atoi(count);

  for (int i = 0; i < n; i++) {
    xous_tid_t tid;
    xous_error_t err = xous_create_thread(sleep_forever, NULL, 64 * 1024,
                                          &tid);

    if (err != XOUS_OK) {
      fprintf(stderr, "%s: create_thread: %s\n", prog, xous_error_name(err));
      return 1;
    }
  }
  printf("started\n");
  sleep_forever(NULL);
  return 0;
}

static int
role_deaf_server(const char *name)
{
  xous_error_t err = xous_create_server_with_address(name_arg(name), NULL);

  if (err != XOUS_OK) {
    fprintf(stderr, "%s: create_server: %s\n", prog, xous_error_name(err));
    return 1;
  }
  printf("ready\n");
  for (;;)
    pause();
}

static int
role_nap(void)
{
  printf("%s\n", xous_error_name(xous_ticktimer_sleep_ms(1)));
  return 0;
}

int
main(int argc, char **argv)
{
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc == 2 && strcmp(argv[1], "join") == 0)
    return role_join();
  if (argc == 3 && strcmp(argv[1], "sleepers") == 0)
    return role_sleepers(argv[2]);
  if (argc == 3 && strcmp(argv[1], "deaf-server") == 0)
    return role_deaf_server(argv[2]);
  if (argc == 2 && strcmp(argv[1], "nap") == 0)
    return role_nap();
  if (argc == 3 && strcmp(argv[1], "pair-server") == 0)
    return role_pair_server(argv[2]);
  if (argc == 3 && strcmp(argv[1], "pair-client") == 0)
    return role_pair_client(argv[2]);
  usage();
}
