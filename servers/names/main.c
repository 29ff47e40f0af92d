/*
 * xous-names: the Xous name server, at the well-known SID of
 * "xous-name-server". See xous-names(8); the wire format is in
 * <xous/names.h>.
 */
#include <string.h>

#include "server.h"

static int
usage(void)
{
  names__say("usage: xous-names [--trusted name] ...");
  return 2;
}

int
main(int argc, char **argv)
{
  xous_sid_t sid = xous_sid_from_name(XOUS_NAMES_SERVER_NAME);
  xous_envelope_t env;
  xous_error_t err;

  names__table_init();
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--trusted") != 0 || i + 1 == argc)
      return usage();
    if (!names__trusted_add(argv[++i])) {
      names__say("xous-names: a trusted name is 1 to 64 bytes of UTF-8, "
                 "at most 32 of them");
      return 2;
    }
  }

  err = xous_create_server_with_address(sid, NULL);
  if (err != XOUS_OK) {
    names__say("xous-names: cannot create the name server");
    names__say(xous_strerror(err));
    return 1;
  }
  for (;;) {
    err = xous_receive_message(sid, &env);
    if (err != XOUS_OK) {
      names__say("xous-names: cannot receive");
      names__say(xous_strerror(err));
      return 1;
    }
    names__serve(&env);
  }
}
