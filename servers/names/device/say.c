/*
 * Diagnostics of the name server on the device: a record to the log
 * server, when there is one (the name server starts first, so it does
 * not wait for it). Desktop counterpart: hosted/say.c (stderr).
 */
#include <xous/log.h>

#include "../server.h"

void
names__say(const char *line)
{
  xous_cid_t cid;

  /* xous_log() connects with Connect, which waits for the server: try
   * first, so that a missing log server costs the line, not a hang. */
  if (xous_try_connect(xous_sid_from_name(XOUS_LOG_NAME), &cid) == XOUS_OK)
    (void)xous_log(XOUS_LOG_ERROR, "xous-names", "%s", line);
}

void
names__say_out(const char *line)
{
  names__say(line);
}
