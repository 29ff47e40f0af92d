/*
 * Fuzz target: the ticktimer server's opcodes (servers/ticktimer): its
 * tt_serve() and the parked-request tables, on a clock the input moves,
 * with the kernel's answers to the server's replies from the input too.
 */
#include <string.h>

#include "support/kernel.h"

#include "../servers/ticktimer/platform.h"
#include "../servers/ticktimer/serve.h"
#include "../servers/ticktimer/waiters.h"

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
  struct fk_run run;
  xous_pid_t self;

  fk_begin(&run, data, size);
  fake_now = fz_u32(&run.msgs);
  self = (xous_pid_t)(2 + fz_u8(&run.msgs) % 8);
  fake_virtual = (self & 1) != 0;
  tt_serve_init(self);
  for (int i = 0; i < 256 && fz_left(&run.msgs) > 0; i++) {
    xous_envelope_t env;
    uint8_t step = fz_u8(&run.msgs);

    /* The loop of main(): time passes, deadlines expire, one message. */
    fake_now += step == 0xff ? fz_u32(&run.msgs) : step;
    tt_serve_expire();
    if (tt_serve_parked() >= TT_PARKED_LIMIT &&
        tt_serve_earliest() != TT_NEVER) {
      tt_clock_wait_until(tt_serve_earliest());
      continue;
    }
    fk_envelope(&run.msgs, &env, fk_pages());
    tt_serve(&env);
  }
  /* Every timed request is answered once its time has come. */
  if (tt_serve_earliest() != TT_NEVER) {
    fake_now = tt_serve_earliest() + 1 > fake_now ? tt_serve_earliest() + 1
                                                  : fake_now;
    if (fake_now < TT_NEVER - 1)
      tt_serve_expire();
  }
  fk_end(&run);
  return 0;
}
