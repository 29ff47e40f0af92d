/*
 * The stand-in broker of the hosted backend's fuzz targets (broker.h).
 */
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "broker.h"

#define MAX_CONNS 8

static char dir[64];
static char path[128];
static int listen_fd = -1;
static unsigned welcome_pid;
static fb_serve_fn *serve;

static void
serve_frame(int s)
{
  struct xous_wire_frame f;
  int fd;
  long n = xous__wire_recv(s, &f, sizeof f, &fd);

  if (fd >= 0)
    close(fd);
  if (n <= 0)
    return;
  if (f.type == XOUS_WIRE_HELLO_PROCESS || f.type == XOUS_WIRE_HELLO_THREAD) {
    struct xous_wire_frame out = xous__wire_frame(XOUS_WIRE_WELCOME);

    out.w[0] = welcome_pid;
    (void)xous__wire_send(s, &out, -1);
    return;
  }
  serve(s, &f, n);
}

static void *
loop(void *arg)
{
  struct pollfd p[1 + MAX_CONNS];
  int n = 1;

  (void)arg;
  p[0].fd = listen_fd;
  p[0].events = POLLIN;
  for (;;) {
    if (poll(p, (nfds_t)n, -1) < 0)
      continue;
    for (int i = 1; i < n; i++)
      if (p[i].revents & POLLIN)
        serve_frame(p[i].fd);
    if ((p[0].revents & POLLIN) && n < 1 + MAX_CONNS) {
      int s = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);

      if (s >= 0) {
        p[n].fd = s;
        p[n].events = POLLIN;
        n++;
      }
    }
  }
  return NULL;
}

static void
cleanup(void)
{
  unlink(path);
  rmdir(dir);
}

void
fb_start(unsigned pid, fb_serve_fn *serve_fn)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  pthread_t t;

  welcome_pid = pid;
  serve = serve_fn;
  signal(SIGPIPE, SIG_IGN);
  snprintf(dir, sizeof dir, "/tmp/xous-fuzz-XXXXXX");
  if (mkdtemp(dir) == NULL)
    abort();
  snprintf(path, sizeof path, "%s/xousd.sock", dir);
  memcpy(sa.sun_path, path, strlen(path) + 1);
  listen_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&sa, sizeof sa) ||
      listen(listen_fd, 8) != 0)
    abort();
  atexit(cleanup);
  setenv("XOUS_SOCKET", path, 1);
  if (pthread_create(&t, NULL, loop, NULL) != 0)
    abort();
  pthread_detach(t);
}
