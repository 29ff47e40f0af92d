/*
 * xous-run's questions to its system (see run_system.h): the process table
 * over the broker's control protocol, names through xous-names' client API.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xous.h>
#include <xous/names.h>

#include "hosted/wire.h"
#include "tools/ctl_client.h"
#include "tools/json.h"
#include "tools/run_system.h"
#include "xousd/ctl.h"

/* The broker answers at once; a second is a broker in trouble. */
#define ASK_TIMEOUT_MS 1000

/* The JSON text of the answer to cmd, NUL terminated, in buf (size
 * bytes), or NULL. */
static const char *
ask_named(int fd, unsigned cmd, const char *name, char *buf, size_t size)
{
  bool timed_out;

  return xous__ctl_ask(fd, cmd, NULL, name, buf, size, ASK_TIMEOUT_MS,
                       &timed_out);
}

int
run_hosted_env(const char *sock_path, const char *name)
{
  static char buf[XOUS_WIRE_FRAME_SIZE + 1024];
  const char *json, *server, *key;
  unsigned long long pid;
  char pid_text[8];
  json_t *o;
  int fd = xous__ctl_dial(sock_path);

  if (fd < 0)
    return -1;
  json = ask_named(fd, XOUS_CTL_HOSTED_ENV, name, buf, sizeof buf);
  close(fd);
  o = json != NULL ? xous__json_parse(json) : NULL;
  server = xous__json_s(o, "server");
  key = xous__json_s(o, "key");
  pid = xous__json_u(o, "pid", 0);
  if (server == NULL || key == NULL || pid == 0 || pid > 255) {
    fprintf(stderr, "xous-run: the broker gave no hosted-mode key: %s\n",
            json != NULL ? json : "no answer");
    json_decref(o);
    return -1;
  }
  snprintf(pid_text, sizeof pid_text, "%llu", pid);
  setenv("XOUS_SERVER", server, 1);
  setenv("XOUS_PID", pid_text, 1);
  setenv("XOUS_PROCESS_KEY", key, 1);
  json_decref(o);
  return (int)pid;
}

int
run_server_pids(const char *sock_path, pid_t *pids, unsigned *xous_pids,
                unsigned max)
{
  size_t size = XOUS_WIRE_FRAME_SIZE + XOUS_WIRE_CTL_MAX + 1;
  char *buf = malloc(size);
  const char *json;
  json_t *list, *o;
  int fd = xous__ctl_dial(sock_path);
  unsigned n = 0;
  size_t i;

  if (fd < 0 || buf == NULL) {
    if (fd >= 0)
      close(fd);
    free(buf);
    return -1;
  }
  json = ask_named(fd, XOUS_CTL_PS, NULL, buf, size);
  close(fd);
  if (json == NULL) {
    free(buf);
    return -1;
  }
  list = xous__json_parse(json);
  json_array_foreach(list, i, o)
  {
    if (n < max && xous__json_u(o, "servers", 0) > 0) {
      xous_pids[n] = (unsigned)xous__json_u(o, "pid", 0);
      pids[n++] = (pid_t)xous__json_u(o, "os_pid", 0);
    }
  }
  json_decref(list);
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
