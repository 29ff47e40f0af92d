/*
 * Raw frames on the broker's socket (raw.h).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <check.h>

#include "harness.h"
#include "raw.h"

struct xous_wire_frame
raw_frame(unsigned type)
{
  return xous__wire_frame(type);
}

int
raw_send_fd(int sock, const void *buf, size_t len, int fd)
{
  long n = xous__send_fd(sock, buf, len, fd, 0);

  if (n < 0)
    return (int)n;
  ck_assert_int_eq(n, (long)len);
  return 0;
}

int
raw_send(int sock, const void *buf, size_t len)
{
  return raw_send_fd(sock, buf, len, -1);
}

int
raw_recv(int sock, struct xous_wire_frame *f, int timeout_ms)
{
  struct pollfd p = { .fd = sock, .events = POLLIN };
  ssize_t n;
  int r;

  do
    r = poll(&p, 1, timeout_ms);
  while (r < 0 && errno == EINTR);
  if (r <= 0)
    return -1;
  memset(f, 0, sizeof *f);
  n = recv(sock, f, sizeof *f, MSG_CMSG_CLOEXEC);
  if (n <= 0)
    return 0; /* closed, or reset */
  ck_assert_msg(n == (ssize_t)sizeof *f, "the broker sent %zd bytes", n);
  return 1;
}

uint64_t
raw_expect_refused_fd(int sock, const void *buf, size_t len, int fd,
                      const char *what)
{
  struct xous_wire_frame f;
  int r = raw_send_fd(sock, buf, len, fd);

  if (r == -EPIPE || r == -ECONNRESET)
    return ~0ull;
  ck_assert_msg(r == 0, "%s: send: %s", what, strerror(-r));
  r = raw_recv(sock, &f, RAW_BOUND_MS);
  ck_assert_msg(r >= 0,
                "%s: the broker neither answered nor closed the socket "
                "within %d ms",
                what, RAW_BOUND_MS);
  if (r == 0)
    return ~0ull;
  ck_assert_msg(f.type == XOUS_WIRE_ERROR || (f.type == XOUS_WIRE_RESULT &&
                                              f.w[0] == XOUS_RESULT_ERROR),
                "%s: the broker answered with frame type %u, tag %llu, not "
                "an error",
                what, f.type, (unsigned long long)f.w[0]);
  return f.type == XOUS_WIRE_ERROR ? f.w[0] : f.w[1];
}

uint64_t
raw_expect_refused(int sock, const void *buf, size_t len, const char *what)
{
  return raw_expect_refused_fd(sock, buf, len, -1, what);
}

void
raw_expect_syscall_refused(int sock, const uint64_t w[8], const char *what)
{
  struct xous_wire_frame f = raw_frame(XOUS_WIRE_SYSCALL);

  memcpy(f.w, w, sizeof f.w);
  (void)raw_expect_refused(sock, &f, sizeof f, what);
}

struct xous_wire_frame
raw_call(int sock, const uint64_t w[8])
{
  struct xous_wire_frame f = raw_frame(XOUS_WIRE_SYSCALL);

  memcpy(f.w, w, sizeof f.w);
  ck_assert_int_eq(raw_send(sock, &f, sizeof f), 0);
  ck_assert_msg(raw_recv(sock, &f, RAW_BOUND_MS) == 1,
                "no answer to syscall %llu within %d ms",
                (unsigned long long)w[0], RAW_BOUND_MS);
  return f;
}

/* Sends a hello frame f on a new socket and returns the socket, with the
 * answer, a WELCOME, in *f. */
static int
hello(struct xous_wire_frame *f, const char *what)
{
  int fd = harness_raw_connect();

  ck_assert_int_eq(raw_send(fd, f, sizeof *f), 0);
  ck_assert_msg(raw_recv(fd, f, RAW_BOUND_MS) == 1,
                "no answer to %s within %d ms", what, RAW_BOUND_MS);
  ck_assert_msg(f->type == XOUS_WIRE_WELCOME,
                "%s answered with type %u, w[0] %llu", what, f->type,
                (unsigned long long)f->w[0]);
  return fd;
}

int
raw_hello_thread(xous_pid_t pid, uint32_t tid)
{
  struct xous_wire_frame f = raw_frame(XOUS_WIRE_HELLO_THREAD);

  f.tid = tid;
  f.w[0] = pid;
  return hello(&f, "HELLO_THREAD");
}

struct raw_session
raw_session(const char *name)
{
  struct xous_wire_frame f = raw_frame(XOUS_WIRE_HELLO_PROCESS);
  struct raw_session s;

  snprintf(f.name, sizeof f.name, "%s", name);
  s.proc = hello(&f, "HELLO_PROCESS");
  s.pid = (xous_pid_t)f.w[0];
  ck_assert_uint_ge(s.pid, 2);
  s.thread = raw_hello_thread(s.pid, 2);
  return s;
}

void
raw_close(struct raw_session *s)
{
  close(s->thread);
  close(s->proc);
}
