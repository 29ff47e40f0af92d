/*
 * xous-pddb's command line and message loop (xous-pddb(8)); the messages
 * themselves are served by server.c.
 *
 * Usage: xous-pddb [--format PAGES] [--no-idle-sync] IMAGE
 */
#include <string.h>

#include <xous.h>
#include <xous/names.h>
#include <xous/pddb.h>
#include <xous/version.h>

#include "engine.h"
#include "server.h"

/* Registers the server's name. A server restarted at once after a crash
 * may find its name still held for the old one until the kernel has seen
 * that process end: it asks again, a bounded number of times. */
static bool
register_name(xous_sid_t *sid)
{
  int tries;

  for (tries = 0; tries < 2000; tries++) {
    if (xous_names_register(XOUS_PDDB_SERVER_NAME, 0, sid) == XOUS_OK)
      return true;
    (void)xous_yield();
  }
  return false;
}

static bool
parse_u32(const char *s, uint32_t *v)
{
  uint64_t n = 0;

  if (*s == '\0')
    return false;
  for (; *s; s++) {
    if (*s < '0' || *s > '9' || n > 0xffffffffu)
      return false;
    n = n * 10 + (uint64_t)(*s - '0');
  }
  if (n > 0xffffffffu)
    return false;
  *v = (uint32_t)n;
  return true;
}

#define USAGE "usage: xous-pddb [--format PAGES] [--no-idle-sync] IMAGE"

static int
usage_error(const char *what, const char *arg)
{
  pddb_say(false, "xous-pddb: ", what, arg, NULL);
  pddb_say(false, USAGE, NULL);
  return 2;
}

int
main(int argc, char **argv)
{
  struct pddb_engine *engine;
  xous_sid_t server_sid;
  const char *image = NULL;
  uint32_t format_pages = 0;
  xous_envelope_t env;
  bool got, idle_sync = true;
  xous_error_t err;
  int i, rc = 0;

  pddb_protect_process();
  for (i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--help") == 0) {
      pddb_say(true, USAGE, NULL);
      pddb_say(true,
               "Serves the PDDB in IMAGE as \"" XOUS_PDDB_SERVER_NAME
               "\"; --format makes IMAGE first (PAGES of 4 KiB) when "
               "it does not exist. See xous-pddb(8).",
               NULL);
      return 0;
    } else if (strcmp(argv[i], "--version") == 0) {
      pddb_say(true, "xous-pddb ", xous_version_string(), NULL);
      return 0;
    } else if (strcmp(argv[i], "--format") == 0) {
      if (i + 1 == argc)
        return usage_error("--format needs a number of pages", "");
      if (!parse_u32(argv[++i], &format_pages) ||
          format_pages < PDDB_MIN_PAGES || format_pages > PDDB_MAX_PAGES)
        return usage_error("--format: not a number of pages from 64 to "
                           "4194304: ",
                           argv[i]);
    } else if (strcmp(argv[i], "--no-idle-sync") == 0) {
      idle_sync = false;
    } else if (argv[i][0] == '-') {
      return usage_error("unknown option ", argv[i]);
    } else if (image != NULL) {
      return usage_error("one IMAGE only; one too many: ", argv[i]);
    } else {
      image = argv[i];
    }
  }
  if (image == NULL)
    return usage_error("no IMAGE given", "");
  if (format_pages != 0) {
    err = pddb_format(image, format_pages, 0, 0, NULL, NULL);
    if (err != XOUS_OK && err != XOUS_SERVER_EXISTS) {
      pddb_say(false, "xous-pddb: ", image,
               ": cannot format: ", pddb_open_error(err), NULL);
      return 1;
    }
  }
  if ((err = pddb_open(image, &engine)) != XOUS_OK) {
    pddb_say(false, "xous-pddb: ", image, ": ", pddb_open_error(err), NULL);
    return 1;
  }
  if (!register_name(&server_sid)) {
    pddb_say(false,
             "xous-pddb: cannot register \"" XOUS_PDDB_SERVER_NAME
             "\" with the name server (is xous-names running, and no "
             "other xous-pddb?)",
             NULL);
    pddb_abandon(engine);
    return 1;
  }
  if (pddb_stop_on_signal(server_sid) != XOUS_OK) {
    pddb_say(false, "xous-pddb: cannot arrange to stop on a signal", NULL);
    (void)pddb_close(engine);
    return 1;
  }
  pddb__serve_on(engine, server_sid);
  for (;;) {
    if (idle_sync && pddb_dirty(engine)) {
      if (xous_try_receive_message(server_sid, &env, &got) != XOUS_OK)
        break;
      if (!got) {
        /* Nothing waiting: write what is cached. */
        (void)pddb_sync(engine);
        continue;
      }
    } else if (xous_receive_message(server_sid, &env) != XOUS_OK) {
      break;
    }
    if (!pddb__handle(&env))
      break;
  }
  /* pddb_close() syncs what is cached. */
  if ((err = pddb_close(engine)) != XOUS_OK) {
    pddb_say(false, "xous-pddb: ", image,
             ": the last sync failed: ", xous_strerror(err), NULL);
    rc = 1;
  }
  return rc;
}
