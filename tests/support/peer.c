/*
 * What the helper programs share (peer.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

const struct peer_role *
peer_find_role(const struct peer_role *roles, size_t n, const char *name)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp(name, roles[i].name) == 0)
      return &roles[i];
  return NULL;
}
