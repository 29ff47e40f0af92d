/*
 * tt_say() on the device: a record for the log server, when there is one
 * (tried first, so that a missing log server costs the line, not a hang).
 * Desktop counterpart: hosted/say.c.
 */
#include <xous/log.h>

#include "../platform.h"

void
tt_say(bool err, const char *line)
{
  xous_cid_t cid;

  if (xous_try_connect(xous_sid_from_name(XOUS_LOG_NAME), &cid) == XOUS_OK)
    (void)xous_log(err ? XOUS_LOG_ERROR : XOUS_LOG_INFO, "xous-ticktimer",
                   "%s", line);
}
