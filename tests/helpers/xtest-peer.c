/*
 * xtest-peer: one program, many roles, for the integration tests. It uses
 * only <xous.h> and the C library, as a portable Xous program would.
 *
 *   xtest-peer [--stdio-default] ROLE ARGS...
 *
 * --stdio-default leaves stdout buffered as the C library and libxous
 * make it (XOUS_LINE_BUFFERED), for the test of that knob.
 * Every result is one line on stdout (line buffered, so a test can read it
 * while the peer runs). A server prints "ready" once its server exists.
 * NAME16 is a 16-byte well-known name, turned into a SID with
 * xous_sid_from_name().
 *
 * The echo protocol (echo-server, rr-server, and the servers below that
 * end up serving it):
 *   BlockingScalar id 1  -> Scalar1(arg1 + arg2 + arg3 + arg4)
 *   BlockingScalar id 2  -> Scalar2(arg1, arg2)
 *   BlockingScalar id 5  -> Scalar5(arg1, arg2, arg3, arg4, id)
 *   BlockingScalar id 8  -> Scalar1(PID of the sender, from the sender word)
 *   BlockingScalar id 3  -> held without an answer; prints "held <arg1>"
 *   Scalar id 6          -> answers the held message with Scalar1(arg1);
 *                           prints "released <error name>"
 *   Scalar id 7          -> prints "scalar <arg1>"
 *   id 99                -> exit(0)
 *   any other blocking   -> Scalar1(0)
 *
 * Exit status: 0 done, 1 a Xous call failed (its error is printed on
 * stderr), 64 bad usage.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xous.h>

#include "../support/peer.h"

#define STACK_SIZE (128 * 1024)
#define MAX_POOL 16

const char *const peer_prog = "xtest-peer";

static _Noreturn void
usage(void)
{
  fprintf(stderr,
          "usage: %s pid [stay]\n"
          "       %s echo-server NAME16\n"
          "       %s rr-server NAME16\n"
          "       %s pool-server NAME16 NTHREADS\n"
          "       %s slow-server NAME16 [CONTROL16]\n"
          "       %s sleeper-server NAME16\n"
          "       %s many-servers PREFIX11 FIRST COUNT\n"
          "       %s client NAME16 call ID [ARG1 [ARG2 [ARG3 [ARG4]]]]\n"
          "       %s client NAME16 scalars COUNT\n"
          "       %s client NAME16 calls COUNT\n"
          "       %s blocked-client NAME16 [ID [ARG1]]\n"
          "       %s shutdown\n",
          peer_prog, peer_prog, peer_prog, peer_prog, peer_prog, peer_prog,
          peer_prog, peer_prog, peer_prog, peer_prog, peer_prog, peer_prog);
  exit(64);
}

/* ---- the echo protocol ---------------------------------------------------- */

/* The one message an echo server may hold unanswered (id 3). */
static xous_sender_t held;

/* Answers what a memory message needs so that no lender stays blocked. */
static void
answer_memory(const xous_envelope_t *env)
{
  const xous_memory_msg_t *m = &env->body.memory;

  if (env->body.kind == XOUS_MSG_SEND)
    xous_unmap_memory(m->buf);
  else
    xous_return_memory(env->sender, m->buf, 0, 0);
}

/* Works out the answer to env. Returns the number of reply words (1, 2 or
 * 5) for a BlockingScalar that wants an answer now, else 0. Handles the
 * one-way messages itself. */
static unsigned
echo_reply(const xous_envelope_t *env, xous_word_t reply[5])
{
  const xous_scalar_msg_t *s = &env->body.scalar;

  if (env->body.kind != XOUS_MSG_SCALAR &&
      env->body.kind != XOUS_MSG_BLOCKING_SCALAR) {
    answer_memory(env);
    return 0;
  }
  if (s->id == 99)
    exit(0);
  if (env->body.kind == XOUS_MSG_SCALAR) {
    if (s->id == 7)
      printf("scalar %llu\n", (unsigned long long)s->arg1);
    else if (s->id == 6 && held != 0) {
      xous_error_t err = xous_return_scalar1(held, s->arg1);

      held = 0;
      printf("released %s\n", xous_error_name(err));
    }
    return 0;
  }
  memset(reply, 0, 5 * sizeof reply[0]);
  switch (s->id) {
  case 1:
    reply[0] = s->arg1 + s->arg2 + s->arg3 + s->arg4;
    return 1;
  case 2:
    reply[0] = s->arg1;
    reply[1] = s->arg2;
    return 2;
  case 3:
    held = env->sender;
    printf("held %llu\n", (unsigned long long)s->arg1);
    return 0;
  case 5:
    reply[0] = s->arg1;
    reply[1] = s->arg2;
    reply[2] = s->arg3;
    reply[3] = s->arg4;
    reply[4] = s->id;
    return 5;
  case 8:
    reply[0] = xous_sender_pid(env->sender);
    return 1;
  default:
    return 1;
  }
}

static xous_error_t
send_reply(xous_sender_t sender, const xous_word_t reply[5], unsigned n)
{
  switch (n) {
  case 1:
    return xous_return_scalar1(sender, reply[0]);
  case 2:
    return xous_return_scalar2(sender, reply[0], reply[1]);
  case 5:
    return xous_return_scalar5(sender, reply[0], reply[1], reply[2], reply[3],
                               reply[4]);
  default:
    return XOUS_OK;
  }
}

static _Noreturn void
echo_loop(xous_sid_t sid)
{
  for (;;) {
    xous_envelope_t env;
    xous_word_t reply[5];
    xous_error_t err;
    unsigned n;

    peer_receive(sid, &env);
    n = echo_reply(&env, reply);
    err = send_reply(env.sender, reply, n);
    if (err != XOUS_OK)
      fprintf(stderr, "%s: reply: %s\n", peer_prog, xous_error_name(err));
  }
}

static int
role_echo_server(int argc, char **argv)
{
  xous_sid_t sid;

  sid = peer_serve_named(argc, argv, usage);
  echo_loop(sid);
}

static int
role_rr_server(int argc, char **argv)
{
  xous_envelope_t env;
  xous_sid_t sid;
  xous_error_t err;

  sid = peer_serve_named(argc, argv, usage);
  err = xous_receive_message(sid, &env);
  for (;;) {
    xous_word_t reply[5] = { 0 };
    unsigned n;

    if (err != XOUS_OK)
      peer_fail("reply_and_receive_next", err);
    n = echo_reply(&env, reply);
    if (env.body.kind == XOUS_MSG_BLOCKING_SCALAR && n == 0) {
      /* A held message: leave it unanswered and only receive. */
      err = xous_receive_message(sid, &env);
      continue;
    }
    err = xous_reply_and_receive_next(sid, &env, reply, n);
  }
}

/* ---- a pool of server threads --------------------------------------------- */

static xous_sid_t pool_sid;
static unsigned pool_size;
static atomic_uint pool_held; /* id 3 messages received so far */

/* Each pool thread answers id 1 with Scalar2(sum, its TID) and id 3, once
 * pool_size of them are held at once (one per thread, if the pool works),
 * with Scalar2(arg1, its TID). */
static void *
pool_thread(void *arg)
{
  xous_tid_t tid = xous_get_thread_id();

  (void)arg;
  for (;;) {
    xous_envelope_t env;
    const xous_scalar_msg_t *s = &env.body.scalar;
    xous_error_t err;

    peer_receive(pool_sid, &env);
    if (env.body.kind != XOUS_MSG_BLOCKING_SCALAR) {
      xous_word_t reply[5];

      echo_reply(&env, reply);
      continue;
    }
    if (s->id == 99)
      exit(0);
    if (s->id == 3) {
      atomic_fetch_add(&pool_held, 1);
      while (atomic_load(&pool_held) < pool_size)
        xous_yield();
      err = xous_return_scalar2(env.sender, s->arg1, tid);
    } else
      err = xous_return_scalar2(env.sender,
                                s->arg1 + s->arg2 + s->arg3 + s->arg4, tid);
    if (err != XOUS_OK)
      fprintf(stderr, "%s: reply: %s\n", peer_prog, xous_error_name(err));
  }
  return NULL;
}

static int
role_pool_server(int argc, char **argv)
{
  xous_tid_t tids[MAX_POOL];
  unsigned i;

  if (argc != 2)
    usage();
  pool_size = (unsigned)peer_number_arg(argv[1]);
  if (pool_size < 1 || pool_size > MAX_POOL)
    usage();
  pool_sid = peer_create_server(argv[0]);
  for (i = 0; i < pool_size; i++) {
    xous_error_t err = xous_create_thread(pool_thread, NULL, STACK_SIZE,
                                          &tids[i]);

    if (err != XOUS_OK)
      peer_fail("create_thread", err);
  }
  printf("ready\n");
  for (i = 0; i < pool_size; i++)
    xous_join_thread(tids[i], NULL);
  return 0;
}

/* ---- servers that do not answer ------------------------------------------- */

/* Creates NAME16 and never receives on it, so its queue fills. With
 * CONTROL16, it also creates that server and waits on it: the first
 * message there makes it print "draining" and start serving NAME16 with
 * the echo protocol. */
static int
role_slow_server(int argc, char **argv)
{
  xous_sid_t sid, ctl;
  xous_envelope_t env;
  xous_error_t err;

  if (argc != 1 && argc != 2)
    usage();
  sid = peer_create_server(argv[0]);
  if (argc == 2)
    ctl = peer_create_server(argv[1]);
  else {
    /* A server with a random SID that nobody knows: waiting on it is
     * waiting forever. */
    err = xous_create_server(&ctl, NULL);
    if (err != XOUS_OK)
      peer_fail("create_server", err);
  }
  printf("ready\n");
  peer_receive(ctl, &env);
  if (env.body.kind == XOUS_MSG_BLOCKING_SCALAR)
    xous_return_scalar1(env.sender, 0);
  printf("draining\n");
  echo_loop(sid);
}

static void
say_received(const xous_envelope_t *env)
{
  printf("received %llu\n", (unsigned long long)env->sender);
}

/* Receives BlockingScalars and never answers them; prints
 * "received <sender word>" for each. */
static int
role_sleeper_server(int argc, char **argv)
{
  peer_serve_forever(argc, argv, usage, say_received);
}

/* Creates COUNT servers named PREFIX11 followed by five digits, from
 * FIRST on, then waits for messages on the first one and drops them. */
static int
role_many_servers(int argc, char **argv)
{
  xous_sid_t first = { { 0 } };
  unsigned long i, from, count;

  if (argc != 3 || strlen(argv[0]) != 11)
    usage();
  from = (unsigned long)peer_number_arg(argv[1]);
  count = (unsigned long)peer_number_arg(argv[2]);
  if (count == 0 || from + count > 99999)
    usage();
  for (i = from; i < from + count; i++) {
    char name[40];
    xous_sid_t sid;

    snprintf(name, sizeof name, "%s%05u", argv[0], (unsigned)(i % 100000));
    sid = peer_create_server(name);
    if (i == from)
      first = sid;
  }
  printf("ready\n");
  for (;;) {
    xous_envelope_t env;
    xous_word_t reply[5];

    peer_receive(first, &env);
    send_reply(env.sender, reply, echo_reply(&env, reply));
  }
}

/* ---- clients -------------------------------------------------------------- */

/* "client NAME16 calls COUNT": COUNT BlockingScalars, each of which must
 * be answered with its arg1 + arg2. */
static int
client_calls(xous_cid_t cid, xous_word_t n)
{
  xous_word_t ret[5];

  for (xous_word_t i = 0; i < n; i++) {
    xous_error_t err = xous_blocking_scalar(cid, 1, i, 1, 0, 0, ret);

    if (err != XOUS_OK)
      peer_fail("blocking_scalar", err);
    if (ret[0] != i + 1) {
      printf("call %llu answered %llu\n", (unsigned long long)i,
             (unsigned long long)ret[0]);
      return 1;
    }
  }
  printf("calls %llu\n", (unsigned long long)n);
  return 0;
}

/* "client NAME16 scalars COUNT": COUNT Scalars, then one BlockingScalar
 * whose answer it prints. */
static int
client_scalars(xous_cid_t cid, xous_word_t n)
{
  xous_word_t ret[5];
  xous_error_t err;

  for (xous_word_t i = 0; i < n; i++) {
    err = xous_scalar(cid, 7, i, 0, 0, 0);
    if (err != XOUS_OK)
      peer_fail("scalar", err);
  }
  err = xous_blocking_scalar(cid, 1, 1, 2, 3, 4, ret);
  if (err != XOUS_OK)
    peer_fail("blocking_scalar", err);
  printf("sum %llu\n", (unsigned long long)ret[0]);
  return 0;
}

static int
role_client(int argc, char **argv)
{
  xous_cid_t cid;
  xous_error_t err;

  if (argc < 2)
    usage();
  cid = peer_connect(argv[0]);
  if (strcmp(argv[1], "call") == 0) {
    xous_word_t a[4] = { 0 }, ret[5] = { 0 };
    int i;

    if (argc < 3 || argc > 7)
      usage();
    for (i = 3; i < argc; i++)
      a[i - 3] = peer_number_arg(argv[i]);
    err = xous_blocking_scalar(cid, peer_number_arg(argv[2]), a[0], a[1], a[2],
                               a[3], ret);
    printf("%s %llu %llu %llu %llu %llu\n", xous_error_name(err),
           (unsigned long long)ret[0], (unsigned long long)ret[1],
           (unsigned long long)ret[2], (unsigned long long)ret[3],
           (unsigned long long)ret[4]);
    return err == XOUS_OK ? 0 : 1;
  }
  if (argc == 3 && strcmp(argv[1], "calls") == 0)
    return client_calls(cid, peer_number_arg(argv[2]));
  if (argc == 3 && strcmp(argv[1], "scalars") == 0)
    return client_scalars(cid, peer_number_arg(argv[2]));
  usage();
}

/* Connects, prints "connected", makes one BlockingScalar and prints the
 * name of the error it returned ("NoError" when answered). */
static int
role_blocked_client(int argc, char **argv)
{
  xous_word_t id = 1, arg = 0, ret[5];
  xous_cid_t cid;
  xous_error_t err;

  if (argc < 1 || argc > 3)
    usage();
  if (argc >= 2)
    id = peer_number_arg(argv[1]);
  if (argc >= 3)
    arg = peer_number_arg(argv[2]);
  cid = peer_connect(argv[0]);
  printf("connected\n");
  err = xous_blocking_scalar(cid, id, arg, 0, 0, 0, ret);
  printf("%s\n", xous_error_name(err));
  return 0;
}

/* ---- the rest ------------------------------------------------------------- */

/* Prints "pid <Xous PID>" and "tid <TID>"; with "stay", then waits
 * forever, so that the PID stays taken. */
static int
role_pid(int argc, char **argv)
{
  xous_envelope_t env;
  xous_sid_t sid;
  xous_error_t err;

  if (argc > 1 || (argc == 1 && strcmp(argv[0], "stay") != 0))
    usage();
  printf("pid %u\n", (unsigned)xous_get_process_id());
  printf("tid %llu\n", (unsigned long long)xous_get_thread_id());
  if (argc == 0)
    return 0;
  /* A server with a random SID that nobody knows: waiting on it is
   * waiting forever. */
  err = xous_create_server(&sid, NULL);
  if (err != XOUS_OK)
    peer_fail("create_server", err);
  err = xous_receive_message(sid, &env);
  peer_fail("receive_message", err);
}

static int
role_shutdown(int argc, char **argv)
{
  xous_error_t err;

  (void)argv;
  if (argc != 0)
    usage();
  err = xous_shutdown();
  printf("%s\n", xous_error_name(err));
  return err == XOUS_OK ? 0 : 1;
}

static const struct peer_role roles[] = {
  { "pid", role_pid },
  { "echo-server", role_echo_server },
  { "rr-server", role_rr_server },
  { "pool-server", role_pool_server },
  { "slow-server", role_slow_server },
  { "sleeper-server", role_sleeper_server },
  { "many-servers", role_many_servers },
  { "client", role_client },
  { "blocked-client", role_blocked_client },
  { "shutdown", role_shutdown },
};

int
main(int argc, char **argv)
{
  const struct peer_role *role;

  if (argc >= 2 && strcmp(argv[1], "--stdio-default") == 0) {
    argv[1] = argv[0];
    argv++;
    argc--;
  } else
    setvbuf(stdout, NULL, _IOLBF, 0);
  role = peer_role_of(roles, sizeof roles / sizeof roles[0], argc, argv,
                      usage);
  return role->run(argc - 2, argv + 2);
}
