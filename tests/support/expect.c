/*
 * What the suites expect of their peers (expect.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <check.h>

#include "expect.h"
#include "harness.h"

const char *
status_text(int st)
{
  static char buf[64];

  if (WIFEXITED(st))
    snprintf(buf, sizeof buf, "exit status %d", WEXITSTATUS(st));
  else if (WIFSIGNALED(st))
    snprintf(buf, sizeof buf, "signal %d", WTERMSIG(st));
  else
    snprintf(buf, sizeof buf, "wait status %#x", (unsigned)st);
  return buf;
}

/* The last part of a long output: what a failure message shows. */
static const char *
tail(const char *out)
{
  size_t n = strlen(out);

  return n > 2000 ? out + n - 2000 : out;
}

void
expect_line(pid_t pid, const char *line, int timeout_ms)
{
  char *out;
  int st;

  if (harness_wait_line(pid, line, timeout_ms))
    return;
  out = harness_output(pid);
  if (harness_wait(pid, 0, &st))
    ck_abort_msg("peer %d ended (%s) without printing '%s'; it printed '%s'",
                 (int)pid, status_text(st), line, tail(out));
  ck_abort_msg("peer %d did not print '%s' within %d ms; it printed '%s'",
               (int)pid, line, timeout_ms, tail(out));
}

void
expect_text(pid_t pid, const char *text, int timeout_ms)
{
  long long end = harness_now_ms() + timeout_ms;
  char *out = harness_output(pid);

  while (strstr(out, text) == NULL && harness_now_ms() < end) {
    free(out);
    harness_sleep_ms(20);
    out = harness_output(pid);
  }
  ck_assert_msg(strstr(out, text) != NULL, "peer %d: no '%s' in '%s'",
                (int)pid, text, tail(out));
  free(out);
}

void
expect_ready(pid_t pid)
{
  expect_line(pid, "ready", HARNESS_START_TIMEOUT_MS);
}

const char *
expect_nth_line(pid_t pid, size_t index, int timeout_ms)
{
  static char buf[256];

  if (!harness_wait_nth_line(pid, index, buf, sizeof buf, timeout_ms)) {
    char *out = harness_output(pid);

    ck_abort_msg("peer %d did not print line %zu within %d ms; it printed "
                 "'%s'",
                 (int)pid, index, timeout_ms, tail(out));
  }
  return buf;
}

void
expect_exit(pid_t pid, int code, int timeout_ms)
{
  char *out;
  int st;

  if (!harness_wait(pid, timeout_ms, &st)) {
    out = harness_output(pid);
    ck_abort_msg("peer %d still running after %d ms; it printed '%s'",
                 (int)pid, timeout_ms, tail(out));
  }
  out = harness_output(pid);
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == code,
                "peer %d ended with %s, not exit status %d; it printed '%s'",
                (int)pid, status_text(st), code, tail(out));
  free(out);
}

const char *
name16(const char *stem, unsigned n)
{
  static char names[32][32];
  static unsigned next;
  char *s = names[next++ % 32];

  snprintf(s, sizeof names[0], "%-11.11s%05u", stem, n % 100000);
  ck_assert_uint_eq(strlen(s), 16);
  return s;
}

xous_sid_t
sid16(const char *name)
{
  char n[16];

  memcpy(n, name, 16);
  return xous_sid_from_name(n);
}

pid_t
start_peer_server(const char *role, const char *name)
{
  pid_t pid = harness_peer(role, name, NULL);

  expect_ready(pid);
  return pid;
}

xous_cid_t
connect_to(const char *name)
{
  xous_cid_t cid = 0;
  xous_error_t err = xous_try_connect(sid16(name), &cid);

  ck_assert_msg(err == XOUS_OK, "try_connect %s: %s", name,
                xous_error_name(err));
  return cid;
}

void
expect_broker_serves(void)
{
  static unsigned seq;
  const char *name = name16("xtest-alive", ++seq);
  pid_t client;
  char *out;

  harness_assert_broker_alive();
  start_peer_server("echo-server", name);
  client = harness_peer("client", name, "call", "1", "1", "2", "3", "4", NULL);
  expect_exit(client, 0, 2000);
  out = harness_output(client);
  ck_assert_str_eq(out, "NoError 10 0 0 0 0\n");
  free(out);
  harness_assert_broker_alive();
}
