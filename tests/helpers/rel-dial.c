/*
 * rel-dial: knocks on a broker's socket the way a Xous process does and
 * says how far it got, for the access-control tests (run as another user).
 *
 *   rel-dial PATH
 *
 * Prints one line: "connect-failed ERRNO-TEXT" when the socket cannot be
 * reached, "closed" when the broker hung up without an answer, "welcome
 * PID" or "error WORD" for its answer to HELLO_PROCESS, "silent" when
 * nothing came within two seconds. Exit status 0, or 64 for bad usage.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "hosted/wire.h"

int
main(int argc, char **argv)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  struct xous_wire_frame f;
  struct pollfd p;
  ssize_t n;
  int fd;

  if (argc != 2 || strlen(argv[1]) >= sizeof sa.sun_path) {
    fprintf(stderr, "usage: rel-dial PATH\n");
    return 64;
  }
  memcpy(sa.sun_path, argv[1], strlen(argv[1]) + 1);
  fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
    printf("connect-failed %s\n", strerror(errno));
    return 0;
  }
  f = xous__wire_frame(XOUS_WIRE_HELLO_PROCESS);
  snprintf(f.name, sizeof f.name, "rel-dial");
  if (send(fd, &f, sizeof f, MSG_NOSIGNAL) != (ssize_t)sizeof f) {
    printf("closed\n");
    return 0;
  }
  p.fd = fd;
  p.events = POLLIN;
  if (poll(&p, 1, 2000) != 1) {
    printf("silent\n");
    return 0;
  }
  n = recv(fd, &f, sizeof f, 0);
  if (n != (ssize_t)sizeof f)
    printf("closed\n");
  else if (f.type == XOUS_WIRE_WELCOME)
    printf("welcome %llu\n", (unsigned long long)f.w[0]);
  else
    printf("error %llu\n", (unsigned long long)f.w[0]);
  return 0;
}
