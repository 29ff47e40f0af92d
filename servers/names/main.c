/*
 * xous-names: the Xous name server, at the well-known SID of
 * "xous-name-server". See xous-names(8); the wire format is in
 * <xous/names.h>.
 */
#include <string.h>

#include "server.h"

static const char usage_text[] =
    "usage: xous-names [--trusted NAME] ...\n"
    "       xous-names --help | --version\n"
    "\n"
    "The Xous name server (see xous-names(8)).\n"
    "\n"
    "  --trusted NAME  a name that must be registered before\n"
    "                  xous_names_trusted_init_done() says done\n"
    "                  (at most 32, each 1 to 63 bytes of UTF-8)\n"
    "  -h, --help      this text\n"
    "  -V, --version   the version";

/* How long the server polls, in receive attempts and yields, for the
 * server of a name just registered that a BlockingConnect waits for.
 * Nobody tells the name server when the registrant creates it; a
 * registrant that never does must not keep it spinning, so after this it
 * sleeps in a receive and looks again at every message (a registrant
 * that ended is noticed then, and its name removed). */
#define PENDING_POLLS 50000

/* Says what was wrong, with the argument, on one line, then the usage. */
static int
usage_error(const char *what, const char *arg)
{
  char line[160];
  size_t n = strlen(what), m = strlen(arg);

  if (n > sizeof line - 2)
    n = sizeof line - 2;
  if (m > sizeof line - 2 - n)
    m = sizeof line - 2 - n; /* a long argument is cut, not overflowed */
  memcpy(line, what, n);
  line[n] = ' ';
  memcpy(line + n + 1, arg, m);
  line[n + 1 + m] = '\0';
  names__say(line);
  names__say(usage_text);
  return 2;
}

static unsigned polls;

/* The next message. While a waiter waits for a pending name, polls. */
static xous_error_t
next_message(xous_sid_t sid, xous_envelope_t *env)
{
  while (polls < PENDING_POLLS && names__pending_waiters()) {
    bool received = false;
    xous_error_t err = xous_try_receive_message(sid, env, &received);

    if (err != XOUS_OK || received)
      return err;
    names__recheck();
    (void)xous_yield();
    polls++;
  }
  if (!names__pending_waiters())
    polls = 0;
  return xous_receive_message(sid, env);
}

int
main(int argc, char **argv)
{
  xous_sid_t sid = xous_sid_from_name(XOUS_NAMES_SERVER_NAME);
  xous_envelope_t env;
  xous_error_t err;

  names__table_init();
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      names__say_out(usage_text);
      return 0;
    }
    if (strcmp(argv[i], "--version") == 0 || strcmp(argv[i], "-V") == 0) {
      names__say_out("xous-names " XOUS_VERSION_STRING);
      return 0;
    }
    if (strcmp(argv[i], "--trusted") != 0)
      return usage_error("xous-names: unknown argument (try --help):",
                         argv[i]);
    if (i + 1 == argc)
      return usage_error("xous-names: --trusted needs a name after it:",
                         argv[i]);
    if (!names__trusted_add(argv[++i])) {
      names__say("xous-names: a trusted name is 1 to 63 bytes of UTF-8, "
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
    err = next_message(sid, &env);
    if (err != XOUS_OK) {
      names__say("xous-names: cannot receive");
      names__say(xous_strerror(err));
      return 1;
    }
    names__serve(&env);
    /* Each registration gets its own time to appear. */
    if (env.body.kind == XOUS_MSG_LEND_MUT &&
        env.body.memory.id == XOUS_NAMES_OP_REGISTER)
      polls = 0;
  }
}
