/*
 * A test of the counter server, written as a user would write the test of
 * their own server: <xous/test.h> only (libxous-test, xous_test(3)), a
 * plain main, no framework. Built and run by make check, from the build
 * tree; outside it, build it with
 *
 *   cc test_counter.c $(pkg-config --cflags --libs xous-test)
 *
 * Every test starts a private system (the broker and the standard
 * servers), runs real processes in it and stops it, leaving nothing.
 */
#include <stdio.h>
#include <string.h>

#include <xous.h>
#include <xous/names.h>
#include <xous/test.h>

#include "counter.h"

/* make check runs tests from the top of the build tree. */
#define SERVER "examples/counter/counter-server"
#define CLIENT "examples/counter/counter-client"
#define SLEEPER "examples/sleeper/sleeper"

/* Every wait is bounded; none of them is a sleep. */
#define BOUND_MS 10000

static int failures;

#define CHECK(cond)                                                           \
  do {                                                                        \
    if (!(cond)) {                                                            \
      printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);                  \
      failures++;                                                             \
      goto out;                                                               \
    }                                                                         \
  } while (0)

/* Starts the counter server and waits until its name is registered. */
static xous_test_proc_t *
start_server(xous_test_t *t)
{
  const char *argv[] = { SERVER, NULL };
  xous_test_proc_t *p = NULL;

  if (xous_test_spawn(t, argv, &p) != XOUS_OK ||
      xous_test_wait_name(t, COUNTER_NAME, BOUND_MS) != XOUS_OK)
    return NULL;
  return p;
}

/* Starts a system with the counter server and connects the test, a Xous
 * process of the system too, to it. */
static bool
start_connected(xous_test_t **t, xous_cid_t *cid)
{
  return xous_test_start(NULL, t) == XOUS_OK && start_server(*t) != NULL &&
         xous_names_connect(COUNTER_NAME, cid) == XOUS_OK;
}

static void
counter_adds_what_it_is_sent(void)
{
  xous_test_t *t = NULL;
  xous_word_t ret[5];
  xous_cid_t cid;

  CHECK(start_connected(&t, &cid));
  CHECK(xous_scalar(cid, COUNTER_INCREMENT, 0, 0, 0, 0) == XOUS_OK);
  CHECK(xous_blocking_scalar(cid, COUNTER_ADD_AND_GET, 41, 0, 0, 0, ret) ==
        XOUS_OK);
  CHECK(ret[0] == 42);
out:
  xous_test_stop(t);
}

static void
client_of_a_killed_server_gets_an_error(void)
{
  const char *client_argv[] = { CLIENT, NULL };
  xous_test_t *t = NULL;
  xous_test_proc_t *server, *client = NULL;
  char line[256];
  int code = -1;

  CHECK(xous_test_start(NULL, &t) == XOUS_OK);
  CHECK((server = start_server(t)) != NULL);
  /* Paused, the server cannot answer: the client stays in its call... */
  CHECK(xous_test_pause(server) == XOUS_OK);
  CHECK(xous_test_spawn(t, client_argv, &client) == XOUS_OK);
  CHECK(xous_test_line(client, 0, line, sizeof line, BOUND_MS) == XOUS_OK);
  /* ...until the server dies under it. */
  CHECK(xous_test_kill(server) == XOUS_OK);
  CHECK(xous_test_wait(client, BOUND_MS, &code) == XOUS_OK);
  CHECK(code == 1);
  CHECK(xous_test_line(client, 1, line, sizeof line, BOUND_MS) == XOUS_OK);
  CHECK(strstr(line, "did not answer") != NULL);
out:
  xous_test_stop(t);
}

static void
failed_send_never_reaches_the_server(void)
{
  xous_test_t *t = NULL;
  xous_word_t ret[5];
  xous_cid_t cid;

  CHECK(start_connected(&t, &cid));
  /* The first SendMessage of this process from now on fails. */
  CHECK(xous_test_fail_call(t, xous_get_process_id(),
                            XOUS_SYSCALL_SEND_MESSAGE, 1,
                            XOUS_SERVER_QUEUE_FULL) == XOUS_OK);
  CHECK(xous_blocking_scalar(cid, COUNTER_ADD_AND_GET, 5, 0, 0, 0, ret) ==
        XOUS_SERVER_QUEUE_FULL);
  CHECK(xous_blocking_scalar(cid, COUNTER_ADD_AND_GET, 1, 0, 0, 0, ret) ==
        XOUS_OK);
  CHECK(ret[0] == 1);
out:
  xous_test_stop(t);
}

/* The sleeper example sleeps 10, 20 and 30 minutes of virtual time: an
 * hour, gone in as long as the messages take. */
static void
sleeper_sleeps_an_hour_of_virtual_time(void)
{
  const char *argv[] = { SLEEPER, "--sleeps", "3", "--ms", "600000", NULL };
  xous_test_options_t opt = { .virtual_time = true };
  xous_test_t *t = NULL;
  xous_test_proc_t *p = NULL;
  uint64_t now = 0;
  int code = -1;

  CHECK(xous_test_start(&opt, &t) == XOUS_OK);
  CHECK(xous_test_spawn(t, argv, &p) == XOUS_OK);
  for (uint64_t i = 1; i <= 3; i++) {
    /* Nothing moves until the test says so. */
    CHECK(xous_test_wait_sleepers(t, 1, BOUND_MS) == XOUS_OK);
    CHECK(xous_test_advance_ms(t, i * 600000 - 1) == XOUS_OK);
    CHECK(xous_test_wait_sleepers(t, 1, 0) == XOUS_OK);
    CHECK(xous_test_advance_ms(t, 1) == XOUS_OK);
  }
  CHECK(xous_test_wait_line(p,
                            "sleeper: asked for 1800000 ms, slept "
                            "1800000 ms",
                            BOUND_MS) == XOUS_OK);
  CHECK(xous_test_wait_line(p, "sleeper: 3600000 ms elapsed in all",
                            BOUND_MS) == XOUS_OK);
  CHECK(xous_test_wait(p, BOUND_MS, &code) == XOUS_OK);
  CHECK(code == 0);
  CHECK(xous_test_elapsed_ms(t, &now) == XOUS_OK);
  CHECK(now == 3600000);
out:
  xous_test_stop(t);
}

int
main(void)
{
  static const struct {
    const char *name;
    void (*run)(void);
  } tests[] = {
    { "counter_adds_what_it_is_sent", counter_adds_what_it_is_sent },
    { "client_of_a_killed_server_gets_an_error",
      client_of_a_killed_server_gets_an_error },
    { "failed_send_never_reaches_the_server",
      failed_send_never_reaches_the_server },
    { "sleeper_sleeps_an_hour_of_virtual_time",
      sleeper_sleeps_an_hour_of_virtual_time },
  };
  size_t n = sizeof tests / sizeof tests[0];

  setvbuf(stdout, NULL, _IOLBF, 0);
  printf("1..%zu\n", n);
  for (size_t i = 0; i < n; i++) {
    int before = failures;

    tests[i].run();
    printf("%s %zu - %s\n", failures == before ? "ok" : "not ok", i + 1,
           tests[i].name);
  }
  return failures == 0 ? 0 : 1;
}
