/*
 * Fuzz target: the ticktimer server's opcodes (servers/ticktimer): its
 * dispatch() and the parked-request tables, on a clock the input moves,
 * with the kernel's answers to the server's replies from the input too.
 */
#include <string.h>

#include "support/kernel.h"

/* The server's sources, for its private dispatch() and state; its main()
 * is renamed out of the way. */
int tt_server_main(int argc, char **argv);
#define main tt_server_main
#include "../servers/ticktimer/server.c"
#undef main

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t fake_now;
static bool
    fake_virtual; /* the test clock's opcodes work (chosen by the input) */

/* The server's diagnostics (platform.h) go nowhere. */
void
tt_say(bool err, const char *line)
{
  (void)err;
  (void)line;
}

/* The platform (platform.h), played by the input: time (in nanoseconds)
 * moves only when a message says so. */
uint64_t
tt_clock_ns(void)
{
  return fake_now;
}

uint64_t
tt_clock_ms(void)
{
  return fake_now / 1000000u;
}

uint64_t
tt_clock_slack_ns(void)
{
  return fake_virtual ? 0 : 1;
}

void
tt_clock_wait_until(uint64_t ns)
{
  if (ns > fake_now)
    fake_now = ns;
}

bool
tt_clock_virtual(void)
{
  return fake_virtual;
}

bool
tt_clock_set(uint64_t ns)
{
  if (!fake_virtual)
    return false;
  if (ns > fake_now)
    fake_now = ns;
  return true;
}

xous_error_t
tt_alarm_start(xous_cid_t self_cid)
{
  (void)self_cid;
  return XOUS_OK;
}

void
tt_alarm_set(uint64_t deadline_ns)
{
  (void)deadline_ns;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static uint8_t pages[FK_MAX_PAGES * XOUS_PAGE_SIZE]
      __attribute__((aligned(XOUS_PAGE_SIZE)));
  struct fz_reader in = { data, size };
  struct fz_reader kernel;
  uint8_t split = fz_u8(&in);

  kernel.p = in.p + (fz_left(&in) * split) / 256;
  kernel.n = fz_left(&in) - (size_t)(kernel.p - in.p);
  in.n = (size_t)(kernel.p - in.p);

  memset(&state, 0, sizeof state);
  fake_now = fz_u32(&in);
  self_pid = (xous_pid_t)(2 + fz_u8(&in) % 8);
  fake_virtual = (self_pid & 1) != 0;
  fk_answers(&kernel);
  for (int i = 0; i < 256 && fz_left(&in) > 0; i++) {
    xous_envelope_t env;
    uint8_t step = fz_u8(&in);

    /* The loop of main(): time passes, deadlines expire, one message. */
    fake_now += step == 0xff ? fz_u32(&in) : step;
    expire();
    if (state.parked >= PARKED_LIMIT && tt_earliest(&state) != TT_NEVER) {
      tt_clock_wait_until(tt_earliest(&state));
      continue;
    }
    fk_envelope(&in, &env, pages);
    dispatch(&env);
  }
  /* Every timed request is answered once its time has come. */
  if (tt_earliest(&state) != TT_NEVER) {
    fake_now = tt_earliest(&state) + 1 > fake_now ? tt_earliest(&state) + 1
                                                  : fake_now;
    if (fake_now < TT_NEVER - 1)
      expire();
  }
  fk_answers(NULL);
  return 0;
}
