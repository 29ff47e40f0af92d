/*
 * xous-run's questions to its system (see run_system.h): the process table
 * over the broker's control protocol, names through xous-names' client API.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <xous.h>
#include <xous/names.h>

#include "hosted/wire.h"
#include "tools/json.h"
#include "tools/run_system.h"
#include "xousd/ctl.h"

/* The broker answers at once; a second is a broker in trouble. */
#define ASK_TIMEOUT_MS 1000

static int
dial(const char *sock_path)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  int fd;

  if (strlen(sock_path) >= sizeof sa.sun_path)
    return -1;
  memcpy(sa.sun_path, sock_path, strlen(sock_path) + 1);
  fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

/* The JSON text of the answer to cmd, NUL terminated, in buf (size
 * bytes), or NULL. */
static const char *
ask_named(int fd, unsigned cmd, const char *name, char *buf, size_t size)
{
  struct xous_wire_frame f;
  struct pollfd pfd = { .fd = fd, .events = POLLIN };
  ssize_t n;

  memset(&f, 0, sizeof f);
  f.magic = XOUS_WIRE_MAGIC;
  f.version = XOUS_WIRE_VERSION;
  f.type = XOUS_WIRE_CTL;
  f.w[0] = cmd;
  snprintf(f.name, sizeof f.name, "%s", name);
  if (xous__wire_send(fd, &f, -1) != 0)
    return NULL;
  for (;;) {
    int r = poll(&pfd, 1, ASK_TIMEOUT_MS);

    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      return NULL;
    n = recv(fd, buf, size - 1, 0);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < (ssize_t)sizeof f)
      return NULL;
    /* SAFETY: the broker's datagram: the header is copied out once and
     * the length it gives is checked against what arrived. */
    memcpy(&f, buf, sizeof f);
    if (f.magic != XOUS_WIRE_MAGIC || f.version != XOUS_WIRE_VERSION ||
        f.w[0] > (uint64_t)(n - (ssize_t)sizeof f))
      return NULL;
    if (f.type != XOUS_WIRE_CTL_REPLY)
      continue;
    buf[sizeof f + f.w[0]] = '\0';
    return buf + sizeof f;
  }
}

static const char *
ask(int fd, unsigned cmd, char *buf, size_t size)
{
  return ask_named(fd, cmd, "", buf, size);
}

int
run_hosted_env(const char *sock_path, const char *name)
{
  static char buf[XOUS_WIRE_FRAME_SIZE + 1024];
  char server[96], pid[8], key[40];
  const char *json, *pos;
  struct json_obj o;
  int fd = dial(sock_path);

  if (fd < 0)
    return -1;
  json = ask_named(fd, XOUS_CTL_HOSTED_ENV, name, buf, sizeof buf);
  close(fd);
  pos = json;
  if (json == NULL || !json_next_object(&pos, &o) ||
      !json_get(&o, "server", server, sizeof server) ||
      !json_get(&o, "pid", pid, sizeof pid) ||
      !json_get(&o, "key", key, sizeof key)) {
    fprintf(stderr, "xous-run: the broker gave no hosted-mode key: %s\n",
            json != NULL ? json : "no answer");
    return -1;
  }
  setenv("XOUS_SERVER", server, 1);
  setenv("XOUS_PID", pid, 1);
  setenv("XOUS_PROCESS_KEY", key, 1);
  return atoi(pid);
}

int
run_server_pids(const char *sock_path, pid_t *pids, unsigned *xous_pids,
                unsigned max)
{
  size_t size = XOUS_WIRE_FRAME_SIZE + XOUS_WIRE_CTL_MAX + 1;
  char *buf = malloc(size);
  const char *json, *pos;
  struct json_obj o;
  int fd = dial(sock_path);
  unsigned n = 0;

  if (fd < 0 || buf == NULL) {
    if (fd >= 0)
      close(fd);
    free(buf);
    return -1;
  }
  json = ask(fd, XOUS_CTL_PS, buf, size);
  close(fd);
  if (json == NULL) {
    free(buf);
    return -1;
  }
  pos = json;
  while (n < max && json_next_object(&pos, &o))
    if (json_get_u(&o, "servers", 0) > 0) {
      xous_pids[n] = (unsigned)json_get_u(&o, "pid", 0);
      pids[n++] = (pid_t)json_get_u(&o, "os_pid", 0);
    }
  free(buf);
  return (int)n;
}

bool
run_name_registered(const char *name)
{
  xous_cid_t names_cid, cid;
  xous_names_token_t token;

  /* xous_names_try_connect() would wait for xous-names itself. */
  if (xous_try_connect(xous_sid_from_name(XOUS_NAMES_SERVER_NAME),
                       &names_cid) != XOUS_OK)
    return false;
  if (xous_names_try_connect_token(name, &cid, &token) != XOUS_OK)
    return false;
  /* The program that waits for the name may need the only place. */
  xous_names_disconnect(name, token);
  xous_disconnect(cid);
  return true;
}
