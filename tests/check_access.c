/*
 * Access control: who may reach the broker, and who may reach memory.
 *
 * Two layers keep other users out, and each is tested on its own:
 *  1. The socket's directory is 0700 (the broker makes it so) and the
 *     socket 0600: another uid fails at connect() with EACCES.
 *  2. The broker itself accepts only its own uid (SO_PEERCRED). To reach
 *     this layer at all, the test opens the first on purpose: it links the
 *     socket into a directory the other uid may enter and makes the socket
 *     file 0666, which no broker ever does. The other uid then connects,
 *     and the broker hangs up on it without a word.
 * Other users are played by `setpriv --reuid=65534 --regid=65534
 * --clear-groups` running tests/helpers/rel-dial; without root or setpriv
 * those tests are skipped and the program exits 77 after the others.
 *
 * Memory: a received lend is mapped (read only for a Lend) only until it
 * is returned, and the descriptor that came with it goes with it; pages
 * sent away leave the sender.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>

#include <xous.h>

#include "support/harness.h"
#include "support/procfs.h"

#define PEER "tests/helpers/hostile-peer"
#define DIAL "tests/helpers/rel-dial"
#define SETPRIV "/usr/bin/setpriv"
#define BOUND_MS 3000

static char sock[PATH_MAX];

/* Starts the broker on <dir>/xous/xousd.sock: the broker makes xous/. */
static void
setup_private_broker(void)
{
  const char *args[] = { "--socket", sock, NULL };

  snprintf(sock, sizeof sock, "%s/xous/xousd.sock", harness_dir());
  setenv("XOUS_SOCKET", sock, 1);
  harness_start_broker_with(sock, args);
}

/* Runs rel-dial on path, as user 65534 when other is true; its line. */
static char *
dial(const char *path, bool other)
{
  char prog[PATH_MAX];
  const char *b = getenv("XOUS_BUILDDIR");
  pid_t p;
  int st;

  snprintf(prog, sizeof prog, "%s/%s", b != NULL ? b : ".", DIAL);
  if (other)
    p = harness_spawn(SETPRIV, "--reuid=65534", "--regid=65534",
                      "--clear-groups", "--", prog, path, NULL);
  else
    p = harness_spawn(prog, path, NULL);
  ck_assert_msg(harness_wait(p, BOUND_MS, &st), "rel-dial hangs");
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
                "rel-dial %s ended with %#x (can user 65534 run %s?)",
                other ? "as 65534" : "", (unsigned)st, prog);
  return harness_output(p);
}

/* Lets user 65534 through the test's own directories (never the broker's
 * xous/ directory). */
static void
open_test_dirs(void)
{
  char d[PATH_MAX];
  char *slash;

  snprintf(d, sizeof d, "%s", harness_dir());
  ck_assert_int_eq(chmod(d, 0711), 0);
  slash = strrchr(d, '/');
  *slash = '\0';
  if (strncmp(strrchr(d, '/') + 1, "xous-check-", 11) == 0)
    ck_assert_int_eq(chmod(d, 0711), 0);
}

/* ==== the socket ================================================================ */

START_TEST(access_the_socket_directory_is_0700_and_the_socket_0600)
{
  struct stat st;
  char dir[PATH_MAX];

  snprintf(dir, sizeof dir, "%s/xous", harness_dir());
  ck_assert_int_eq(lstat(dir, &st), 0);
  ck_assert(S_ISDIR(st.st_mode));
  ck_assert_uint_eq(st.st_mode & 07777, 0700);
  ck_assert_uint_eq(st.st_uid, getuid());
  ck_assert_int_eq(lstat(sock, &st), 0);
  ck_assert(S_ISSOCK(st.st_mode));
  ck_assert_uint_eq(st.st_mode & 0777, 0600);
}
END_TEST

START_TEST(access_another_uid_is_stopped_by_the_private_directory)
{
  char *out;

  open_test_dirs();
  out = dial(sock, true);
  ck_assert_str_eq(out, "connect-failed Permission denied\n");
  free(out);
  /* The broker's own user gets in, on the same path. */
  out = dial(sock, false);
  ck_assert_msg(strncmp(out, "welcome ", 8) == 0, "own uid: %s", out);
  free(out);
}
END_TEST

START_TEST(access_another_uid_that_reaches_the_socket_is_refused_by_the_broker)
{
  char open_dir[PATH_MAX], link_path[PATH_MAX + 16];
  char *out;

  open_test_dirs();
  snprintf(open_dir, sizeof open_dir, "%s/open", harness_dir());
  snprintf(link_path, sizeof link_path, "%s/xousd.sock", open_dir);
  ck_assert_int_eq(mkdir(open_dir, 0711), 0);
  ck_assert_int_eq(chmod(open_dir, 0711), 0);
  /* The same socket, by a path the other user may use, with a mode that
   * lets it write: only SO_PEERCRED stands in the way now. */
  ck_assert_int_eq(link(sock, link_path), 0);
  ck_assert_int_eq(chmod(link_path, 0666), 0);
  out = dial(link_path, false);
  ck_assert_msg(strncmp(out, "welcome ", 8) == 0, "own uid: %s", out);
  free(out);
  out = dial(link_path, true);
  ck_assert_str_eq(out, "closed\n");
  free(out);
  unlink(link_path);
}
END_TEST

/* ==== memory ===================================================================== */

/* True when [addr, addr+len) is mapped here. */
static bool
mapped(const void *addr, size_t len)
{
  return msync((void *)addr, len, MS_ASYNC) == 0;
}

START_TEST(access_a_lent_page_is_reachable_only_until_it_is_returned)
{
  const char *name = "rel-access-srv01";
  char n16[16];
  xous_sid_t sid;
  xous_cid_t cid;
  xous_envelope_t env;
  pid_t lender;
  int before, during;
  void *addr;
  size_t len;

  memcpy(n16, name, 16);
  sid = xous_sid_from_name(n16);
  ck_assert_int_eq(xous_create_server_with_address(sid, &cid), XOUS_OK);
  before = procfs_fd_count(0);
  lender = harness_spawn(PEER, "client", name, "1", "1", "l", NULL);
  ck_assert_int_eq(xous_receive_message(sid, &env), XOUS_OK);
  ck_assert_int_eq(env.body.kind, XOUS_MSG_LEND);
  addr = env.body.memory.buf.addr;
  len = env.body.memory.buf.len;
  during = procfs_fd_count(0);
  ck_assert(mapped(addr, len));
  ck_assert_str_eq(procfs_prot_at(addr), "r--"); /* a Lend is read only */
  /* The object's one descriptor, and our end of the socket the lender's
   * objects come through, kept while it is connected. */
  ck_assert_int_eq(during, before + 2);

  ck_assert_int_eq(xous_return_memory(env.sender, env.body.memory.buf, 1,
                                      env.body.memory.valid),
                   XOUS_OK);
  /* Kept for the lender's next lend, but out of reach. */
  ck_assert_str_eq(procfs_prot_at(addr), "---");

  /* Let the lender finish: it asks for its count. */
  ck_assert_int_eq(xous_receive_message(sid, &env), XOUS_OK);
  ck_assert_int_eq(xous_return_scalar5(env.sender, 1, 1, 0, 0, 2), XOUS_OK);
  ck_assert(harness_wait_line(lender, "ok 1", BOUND_MS));
  ck_assert(harness_wait(lender, BOUND_MS, NULL));
  /* Once the lender is gone, the server lets its object go as soon as it
   * looks at its rings again (any ReceiveMessage). */
  for (long long end = harness_now_ms() + BOUND_MS;
       (mapped(addr, len) || procfs_fd_count(0) > before + 1) &&
       harness_now_ms() < end;) {
    bool received = false;

    ck_assert_int_eq(xous_try_receive_message(sid, &env, &received), XOUS_OK);
    ck_assert(!received);
    harness_sleep_ms(5);
  }
  ck_assert(!mapped(addr, len));
  /* Only our end of the socket of a lender that is gone may be left. */
  ck_assert_int_le(procfs_fd_count(0), before + 1);
}
END_TEST

START_TEST(access_pages_sent_away_leave_the_sender)
{
  const char *name = "rel-access-srv02";
  char n16[16];
  xous_sid_t sid;
  xous_cid_t cid;
  xous_range_t r;
  xous_envelope_t env;
  int before;

  memcpy(n16, name, 16);
  sid = xous_sid_from_name(n16);
  ck_assert_int_eq(xous_create_server_with_address(sid, &cid), XOUS_OK);
  /* One Send first, so that the connection's own descriptors (the two
   * ends of its object socket, made for its first memory message) are
   * there before counting. */
  ck_assert_int_eq(xous_map_memory(0, 0, 4096, XOUS_MEM_R | XOUS_MEM_W, &r),
                   XOUS_OK);
  ck_assert_int_eq(xous_send(cid, 5, r.addr, r.len, 0, 16), XOUS_OK);
  ck_assert_int_eq(xous_receive_message(sid, &env), XOUS_OK);
  ck_assert_int_eq(xous_unmap_memory(env.body.memory.buf), XOUS_OK);
  before = procfs_fd_count(0);
  ck_assert_int_eq(xous_map_memory(0, 0, 8192, XOUS_MEM_R | XOUS_MEM_W, &r),
                   XOUS_OK);
  ck_assert(mapped(r.addr, r.len));
  ck_assert_int_eq(xous_send(cid, 5, r.addr, r.len, 0, 16), XOUS_OK);
  ck_assert(!mapped(r.addr, r.len));
  /* The receiver (this process, here) owns them now; once it unmaps
   * them, no descriptor of the object is left. */
  ck_assert_int_eq(xous_receive_message(sid, &env), XOUS_OK);
  ck_assert(mapped(env.body.memory.buf.addr, env.body.memory.buf.len));
  ck_assert_int_eq(xous_unmap_memory(env.body.memory.buf), XOUS_OK);
  ck_assert_int_eq(procfs_fd_count(0), before);
}
END_TEST

static bool
can_play_another_user(const char **why)
{
  if (getuid() != 0) {
    *why = "not root: cannot run as another uid";
    return false;
  }
  if (access(SETPRIV, X_OK) != 0) {
    *why = SETPRIV " is missing";
    return false;
  }
  return true;
}

/* The tests of a private broker on <dir>/xous/xousd.sock, which must
 * still be alive at the end; the two other-uid ones only when other. */
int
main(void)
{
  const char *why = NULL;
  bool other = can_play_another_user(&why);

  /* The tests as another user run only where this process can play one. */
  const struct harness_case cases[] = {
    { "socket", 30, HARNESS_NOTHING,
      .tests =
          other
              ? HARNESS_TESTS(
                    access_the_socket_directory_is_0700_and_the_socket_0600,
                    access_another_uid_is_stopped_by_the_private_directory,
                    access_another_uid_that_reaches_the_socket_is_refused_by_the_broker)
              : HARNESS_TESTS(
                    access_the_socket_directory_is_0700_and_the_socket_0600),
      .setup = setup_private_broker, .teardown = harness_assert_broker_alive },
    { "memory", 30, HARNESS_NOTHING,
      .tests = HARNESS_TESTS(
          access_a_lent_page_is_reachable_only_until_it_is_returned,
          access_pages_sent_away_leave_the_sender),
      .setup = setup_private_broker, .teardown = harness_assert_broker_alive },
  };

  if (harness_run(harness_suite("access", cases)) != EXIT_SUCCESS)
    return EXIT_FAILURE;
  if (!other) {
    printf("SKIP: the other-uid tests: %s\n", why);
    return 77;
  }
  return EXIT_SUCCESS;
}
