/*
 * xous-emu: rv32 builds (scripts/cross-build) run as ordinary Xous
 * processes beside native ones, against a real broker. Skipped (77) when
 * the cross compiler or xous-emu is missing.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/harness.h"

#define WAIT_MS 10000

static char rv32_dir[2048];
static char emu[4096];

static const char *
rv32(const char *name)
{
  static char path[3][4096];
  static int next;
  char *p = path[next++ % 3];

  snprintf(p, sizeof(path[0]), "%s/%s", rv32_dir, name);
  return p;
}

/* Runs prog under xous-emu and returns its wait status (bounded). */
static int
run_guest(pid_t pid)
{
  int status = -1;

  ck_assert_msg(harness_wait(pid, WAIT_MS, &status), "guest did not end");
  return status;
}

START_TEST(emu_guest_client_gets_answers_from_native_server)
{
  pid_t server, guest;
  int status;

  harness_start_broker();
  server = harness_spawn("examples/hello/hello-server", NULL);
  guest = harness_spawn(emu, rv32("tests/rv32/conformance.elf"), NULL);
  status = run_guest(guest);
  ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                "conformance check %d failed", WEXITSTATUS(status));
  ck_assert(harness_wait(server, WAIT_MS, &status));
  ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  harness_assert_broker_alive();
}
END_TEST

START_TEST(emu_guest_server_answers_native_client)
{
  pid_t server, client;
  int status;
  char *out;

  harness_start_broker();
  server = harness_spawn(emu, rv32("examples/hello/hello-server.elf"), NULL);
  client = harness_spawn("examples/hello/hello-client", NULL);
  ck_assert(harness_wait(client, WAIT_MS, &status));
  out = harness_output(client);
  ck_assert_msg(strstr(out, "1 + 2 + 3 + 4 = 10") != NULL, "got: %s", out);
  free(out);
  ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  /* The client told the server to quit: the guest ends cleanly. */
  status = run_guest(server);
  ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
END_TEST

START_TEST(emu_guest_server_writes_into_mutable_lend_of_native_client)
{
  pid_t server, client;
  int status;
  char *out;

  harness_start_broker();
  server = harness_spawn(emu, rv32("examples/upper/upper-server.elf"), NULL);
  client = harness_spawn("examples/upper/upper-client", "--quit",
                         "make me loud", NULL);
  ck_assert(harness_wait(client, WAIT_MS, &status));
  out = harness_output(client);
  ck_assert_msg(strstr(out, "MAKE ME LOUD") != NULL, "got: %s", out);
  free(out);
  ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  status = run_guest(server);
  ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
END_TEST

START_TEST(emu_guest_fault_ends_only_the_guest)
{
  pid_t guest;
  int status;

  harness_start_broker();
  guest = harness_spawn(emu, rv32("tests/rv32/conformance.elf"), "crash",
                        NULL);
  status = run_guest(guest);
  ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 128 + SIGSEGV,
                "status %#x", status);
  harness_assert_broker_alive();
}
END_TEST

/* Builds the rv32 programs; false when there is no cross toolchain. */
static bool
build_rv32(void)
{
  const char *src = getenv("XOUS_SRCDIR"), *build = getenv("XOUS_BUILDDIR");
  char cmd[8192];
  int rc;

  if (src == NULL)
    src = ".";
  if (build == NULL)
    build = ".";
  snprintf(rv32_dir, sizeof(rv32_dir), "%s/rv32", build);
  snprintf(emu, sizeof(emu), "%s/xous-emu", build);
  if (access(emu, X_OK) != 0) {
    fprintf(stderr, "check_emu: %s not built: skipped\n", emu);
    return false;
  }
  snprintf(cmd, sizeof(cmd), "'%s/scripts/cross-build' '%s' -s tests >&2",
           src, rv32_dir);
  rc = system(cmd);
  if (rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) == 77)
    return false;
  if (rc != 0) {
    fprintf(stderr, "check_emu: the rv32 build failed\n");
    exit(1);
  }
  return true;
}

int
main(void)
{
  Suite *s = suite_create("emu");
  TCase *tc = tcase_create("mixed");
  SRunner *sr;
  int failed;

  if (!build_rv32())
    return 77;
  harness_global_init();
  tcase_add_checked_fixture(tc, NULL, harness_cleanup);
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, emu_guest_client_gets_answers_from_native_server);
  tcase_add_test(tc, emu_guest_server_answers_native_client);
  tcase_add_test(tc, emu_guest_server_writes_into_mutable_lend_of_native_client);
  tcase_add_test(tc, emu_guest_fault_ends_only_the_guest);
  suite_add_tcase(s, tc);
  sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  harness_global_cleanup();
  return failed == 0 ? 0 : 1;
}
