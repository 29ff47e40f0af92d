/*
 * What the helper programs share (peer.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "peer.h"

void
peer_fail(const char *what, xous_error_t err)
{
  fprintf(stderr, "%s: %s: %s (%s)\n", peer_prog, what, xous_error_name(err),
          xous_strerror(err));
  exit(1);
}

unsigned long long
peer_number_arg(const char *s)
{
  char *end;
  unsigned long long v = strtoull(s, &end, 0);

  if (*s == '\0' || *end != '\0') {
    fprintf(stderr, "%s: not a number: '%s'\n", peer_prog, s);
    exit(64);
  }
  return v;
}

xous_sid_t
peer_name_arg(const char *name)
{
  char n[16];

  if (strlen(name) != 16) {
    fprintf(stderr, "%s: a name must be 16 bytes: '%s'\n", peer_prog, name);
    exit(64);
  }
  memcpy(n, name, 16);
  return xous_sid_from_name(n);
}

xous_sid_t
peer_create_server(const char *name)
{
  xous_sid_t sid = peer_name_arg(name);
  xous_error_t err = xous_create_server_with_address(sid, NULL);

  if (err != XOUS_OK)
    peer_fail("create_server_with_address", err);
  return sid;
}

xous_cid_t
peer_connect(const char *name)
{
  xous_cid_t cid = 0;
  xous_error_t err = xous_connect(peer_name_arg(name), &cid);

  if (err != XOUS_OK)
    peer_fail("connect", err);
  return cid;
}

xous_sid_t
peer_serve_named(int argc, char **argv, void (*usage)(void))
{
  xous_sid_t sid;

  if (argc != 1) {
    usage();
    exit(64); /* a usage that printed and returned */
  }
  sid = peer_create_server(argv[0]);
  printf("ready\n");
  return sid;
}

void
peer_receive(xous_sid_t sid, xous_envelope_t *env)
{
  xous_error_t err = xous_receive_message(sid, env);

  if (err != XOUS_OK)
    peer_fail("receive_message", err);
}

void
peer_serve_forever(int argc, char **argv, void (*usage)(void),
                   void (*serve)(const xous_envelope_t *env))
{
  xous_sid_t sid = peer_serve_named(argc, argv, usage);

  for (;;) {
    xous_envelope_t env;

    peer_receive(sid, &env);
    serve(&env);
  }
}

xous_error_t
peer_serve_until(int argc, char **argv, void (*usage)(void),
                 xous_error_t (*serve)(const xous_envelope_t *env))
{
  xous_sid_t sid = peer_serve_named(argc, argv, usage);
  xous_envelope_t env;
  xous_error_t err;

  while ((err = xous_receive_message(sid, &env)) == XOUS_OK &&
         (err = serve(&env)) == XOUS_OK)
    continue;
  return err;
}

void
peer_never_receive(int argc, char **argv, void (*usage)(void))
{
  peer_serve_named(argc, argv, usage);
  for (;;)
    pause();
}

const struct peer_role *
peer_role_of(const struct peer_role *roles, size_t n, int argc, char **argv,
             void (*usage)(void))
{
  for (size_t i = 0; argc >= 2 && i < n; i++)
    if (strcmp(argv[1], roles[i].name) == 0)
      return &roles[i];
  usage();
  exit(64); /* a usage that printed and returned */
}

int
peer_main(const struct peer_role *roles, size_t n, int argc, char **argv,
          void (*usage)(void))
{
  const struct peer_role *role;

  setvbuf(stdout, NULL, _IOLBF, 0);
  role = peer_role_of(roles, n, argc, argv, usage);
  return role->run(argc - 2, argv + 2);
}
