/*
 * The message trace of a test's system: a subscription to the broker's
 * trace stream (xousctl trace), read by a thread of the library into one
 * growing text, one JSON event a line, that a test searches or waits on.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "hosted/wire.h"
#include "testkit/internal.h"
#include "tools/ctl_client.h"
#include "tools/monotonic.h"
#include "xousd/ctl.h"

#define DATAGRAM (XOUS_WIRE_FRAME_SIZE + XOUS_WIRE_CTL_MAX)

struct xous__trace {
  int fd;
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t grew; /* a line was added, or the stream ended */
  char *text;          /* guarded by lock */
  size_t len, cap;
  bool ended;         /* the broker closed the stream */
  volatile bool stop; /* set by xous__trace_stop() */
};

/* Appends one event and a newline; false when out of memory. */
static bool
append(struct xous__trace *tr, const char *json, size_t n)
{
  bool ok = true;

  pthread_mutex_lock(&tr->lock);
  if (tr->len + n + 2 > tr->cap) {
    size_t cap = tr->cap * 2 > tr->len + n + 2 ? tr->cap * 2
                                               : tr->len + n + 4096;
    char *bigger = realloc(tr->text, cap);

    if (bigger == NULL)
      ok = false;
    else {
      tr->text = bigger;
      tr->cap = cap;
    }
  }
  if (ok) {
    memcpy(tr->text + tr->len, json, n);
    tr->len += n;
    tr->text[tr->len++] = '\n';
    tr->text[tr->len] = '\0';
    pthread_cond_broadcast(&tr->grew);
  }
  pthread_mutex_unlock(&tr->lock);
  return ok;
}

static void *
reader(void *arg)
{
  struct xous__trace *tr = arg;
  char *buf = malloc(DATAGRAM);

  while (buf != NULL && !tr->stop) {
    struct pollfd pfd = { .fd = tr->fd, .events = POLLIN };
    struct xous_wire_frame f;
    ssize_t n;

    if (poll(&pfd, 1, 50) <= 0)
      continue;
    n = recv(tr->fd, buf, DATAGRAM, 0);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < (ssize_t)sizeof f)
      break; /* the broker went away */
    memcpy(&f, buf, sizeof f);
    /* SAFETY: the broker's datagram: its header, and a length that the
     * datagram really holds. */
    if (f.magic != XOUS_WIRE_MAGIC || f.type != XOUS_WIRE_TRACE ||
        f.w[0] > (uint64_t)(n - (ssize_t)sizeof f))
      continue;
    if (!append(tr, buf + sizeof f, (size_t)f.w[0]))
      break;
  }
  free(buf);
  pthread_mutex_lock(&tr->lock);
  tr->ended = true;
  pthread_cond_broadcast(&tr->grew);
  pthread_mutex_unlock(&tr->lock);
  return NULL;
}

xous_error_t
xous_test_trace_start(xous_test_t *t)
{
  struct xous__trace *tr;
  char *buf;
  bool ok = false;

  if (t == NULL)
    return XOUS_INVALID_ARGUMENT;
  if (t->trace != NULL)
    return XOUS_OK;
  tr = calloc(1, sizeof *tr);
  buf = malloc(DATAGRAM + 1);
  if (tr == NULL || buf == NULL) {
    free(tr);
    free(buf);
    return XOUS_OUT_OF_MEMORY;
  }
  tr->fd = xous__ctl_dial(t->sock);
  if (tr->fd >= 0 && xous__ctl_send(tr->fd, XOUS_CTL_TRACE, NULL, NULL) == 0) {
    /* The answer says the subscription holds: every event from here on
     * comes. Events may come before it; they are kept. */
    for (;;) {
      unsigned type;
      bool timed_out;
      char *text = xous__ctl_receive(tr->fd, buf, DATAGRAM + 1,
                                     XOUS__TEST_START_MS, NULL, &type,
                                     &timed_out);

      if (text == NULL)
        break;
      if (type == XOUS_WIRE_TRACE) {
        (void)append(tr, text, strlen(text));
        continue;
      }
      ok = type == XOUS_WIRE_CTL_REPLY && strstr(text, "\"ok\":true") != NULL;
      break;
    }
  }
  free(buf);
  pthread_mutex_init(&tr->lock, NULL);
  pthread_cond_init(&tr->grew, NULL);
  if (!ok || pthread_create(&tr->thread, NULL, reader, tr) != 0) {
    if (tr->fd >= 0)
      close(tr->fd);
    pthread_mutex_destroy(&tr->lock);
    pthread_cond_destroy(&tr->grew);
    free(tr->text);
    free(tr);
    return ok ? XOUS_OUT_OF_MEMORY : XOUS_INTERNAL_ERROR;
  }
  t->trace = tr;
  return XOUS_OK;
}

void
xous__trace_stop(struct xous_test *t)
{
  struct xous__trace *tr = t->trace;

  if (tr == NULL)
    return;
  tr->stop = true;
  pthread_join(tr->thread, NULL);
  close(tr->fd);
  pthread_mutex_destroy(&tr->lock);
  pthread_cond_destroy(&tr->grew);
  free(tr->text);
  free(tr);
  t->trace = NULL;
}

char *
xous_test_trace(xous_test_t *t)
{
  struct xous__trace *tr = t != NULL ? t->trace : NULL;
  char *copy;

  if (tr == NULL)
    return strdup("");
  pthread_mutex_lock(&tr->lock);
  copy = strndup(tr->text != NULL ? tr->text : "", tr->len);
  pthread_mutex_unlock(&tr->lock);
  return copy;
}

/* True when one line of text[from, len) holds every fragment. */
static bool
find_line(const char *text, size_t len, const char *const fragments[])
{
  const char *line = text, *end = text + len;

  while (line < end) {
    const char *nl = memchr(line, '\n', (size_t)(end - line));
    size_t n = nl != NULL ? (size_t)(nl - line) : (size_t)(end - line);
    bool all = true;

    for (size_t i = 0; all && fragments[i] != NULL; i++)
      all = memmem(line, n, fragments[i], strlen(fragments[i])) != NULL;
    if (all)
      return true;
    line += n + 1;
  }
  return false;
}

xous_error_t
xous_test_wait_trace(xous_test_t *t, const char *const fragments[],
                     uint32_t timeout_ms)
{
  struct xous__trace *tr = t != NULL ? t->trace : NULL;
  struct timespec deadline;
  xous_error_t err = XOUS_TIMEOUT;

  if (tr == NULL || fragments == NULL)
    return XOUS_INVALID_ARGUMENT;
  /* tr->grew has the default clock. */
  deadline = clock_after_ns(CLOCK_REALTIME, (uint64_t)timeout_ms * 1000000u);
  pthread_mutex_lock(&tr->lock);
  for (;;) {
    if (tr->text != NULL && find_line(tr->text, tr->len, fragments)) {
      err = XOUS_OK;
      break;
    }
    if (tr->ended) {
      err = XOUS_INTERNAL_ERROR;
      break;
    }
    if (pthread_cond_timedwait(&tr->grew, &tr->lock, &deadline) == ETIMEDOUT) {
      if (tr->text != NULL && find_line(tr->text, tr->len, fragments))
        err = XOUS_OK;
      break;
    }
  }
  pthread_mutex_unlock(&tr->lock);
  return err;
}

xous_error_t
xous_test_wait_received(xous_test_t *t, xous_pid_t server_pid,
                        xous_word_t opcode, xous_pid_t from,
                        uint32_t timeout_ms)
{
  char pid[32], peer[32], id[48];
  const char *fragments[5];
  int n = 0;

  fragments[n++] = "\"ev\":\"receive\"";
  if (server_pid != 0) {
    snprintf(pid, sizeof pid, "\"pid\":%u,", (unsigned)server_pid);
    fragments[n++] = pid;
  }
  if (from != 0) {
    snprintf(peer, sizeof peer, "\"from\":%u,", (unsigned)from);
    fragments[n++] = peer;
  }
  snprintf(id, sizeof id, "\"id\":%llu,", (unsigned long long)opcode);
  fragments[n++] = id;
  fragments[n] = NULL;
  return xous_test_wait_trace(t, fragments, timeout_ms);
}
