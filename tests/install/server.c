/*
 * A server of a user's own, built against the installed xous.pc: it
 * registers "install-check" with the name server and answers each
 * BlockingScalar with the sum of its first two arguments.
 */
#include <xous.h>
#include <xous/names.h>

int
main(void)
{
  xous_envelope_t env;
  xous_sid_t sid;

  if (xous_names_register("install-check", 0, &sid) != XOUS_OK)
    return 1;
  while (xous_receive_message(sid, &env) == XOUS_OK)
    if (env.body.kind == XOUS_MSG_BLOCKING_SCALAR)
      xous_return_scalar1(env.sender,
                          env.body.scalar.arg1 + env.body.scalar.arg2);
  return 1;
}
