/*
 * The ticktimer's alarm on the device: the TICKTIMER interrupt (IRQ 8).
 * tt_alarm_set() writes the deadline into the MSLEEP_TARGET registers and
 * enables the alarm event; when the count reaches it the kernel runs
 * on_alarm(), which acknowledges the event and sends the server a
 * RecalculateSleep Scalar (TrySendMessage: the one kind of send allowed
 * in interrupt context), so that the loop blocked in
 * xous_receive_message() wakes up. Desktop counterpart: hosted/alarm.c.
 *
 * When the interrupt cannot be claimed (another process holds it, or a
 * kernel without it) a thread polls the clock instead, yielding between
 * looks: it burns the time no one else wants, but deadlines are still
 * met. There is no way to sleep below the ticktimer.
 */
#include <stdatomic.h>

#include <xous/ticktimer.h>

#include "../platform.h"
#include "timer.h"

static xous_cid_t self;
static bool use_irq;

/* The polling thread's deadline: a spin lock around 64 bits, since rv32
 * has no 64-bit atomics. */
static atomic_flag busy = ATOMIC_FLAG_INIT;
static uint64_t poll_deadline = TT_NEVER;

static void
wake_server(void)
{
  xous_message_t m = { .kind = XOUS_MSG_SCALAR };

  m.scalar.id = XOUS_TICKTIMER_RECALCULATE_SLEEP;
  /* A full queue already holds a message that will make it recalculate. */
  (void)xous_try_send_message(self, &m, NULL);
}

static void
on_alarm(unsigned irq, void *arg)
{
  volatile uint32_t *t = tt_hw();

  (void)irq;
  (void)arg;
  t[TT_REG_EV_ENABLE] = 0;
  t[TT_REG_EV_PENDING] = 1;
  wake_server();
}

static uint64_t
swap_deadline(uint64_t value, bool write)
{
  uint64_t old;

  while (atomic_flag_test_and_set_explicit(&busy, memory_order_acquire))
    (void)xous_yield();
  old = poll_deadline;
  if (write)
    poll_deadline = value;
  atomic_flag_clear_explicit(&busy, memory_order_release);
  return old;
}

static void *
poll_thread(void *arg)
{
  (void)arg;
  for (;;) {
    uint64_t d = swap_deadline(0, false);

    if (d != TT_NEVER && tt_clock_ns() >= d) {
      /* One wake-up per deadline, unless a new one came meanwhile. */
      if (swap_deadline(TT_NEVER, true) == d)
        (void)xous_scalar(self, XOUS_TICKTIMER_RECALCULATE_SLEEP, 0, 0, 0, 0);
      else
        (void)swap_deadline(d, false);
    }
    (void)xous_yield();
  }
  return NULL;
}

xous_error_t
tt_alarm_start(xous_cid_t self_cid)
{
  volatile uint32_t *t = tt_hw();
  xous_tid_t tid;

  self = self_cid;
  if (t == NULL)
    return XOUS_HARDWARE_ERROR;
  t[TT_REG_EV_ENABLE] = 0;
  t[TT_REG_EV_PENDING] = 1;
  if (xous_claim_interrupt(TT_HW_IRQ, on_alarm, NULL) == XOUS_OK) {
    use_irq = true;
    return XOUS_OK;
  }
  return xous_create_thread(poll_thread, NULL, 0, &tid);
}

void
tt_alarm_set(uint64_t deadline_ns)
{
  volatile uint32_t *t = tt_hw();
  uint64_t at;

  if (!use_irq) {
    (void)swap_deadline(deadline_ns, true);
    return;
  }
  t[TT_REG_EV_ENABLE] = 0;
  t[TT_REG_EV_PENDING] = 1;
  if (deadline_ns == TT_NEVER)
    return;
  /* The counter's millisecond at or after the deadline: never early. */
  at = tt_hw_epoch() + (deadline_ns + 999999u) / 1000000u;
  /* High word first: the target never passes through a value below the
   * count by way of a stale high half. */
  t[TT_REG_MSLEEP_TARGET1] = (uint32_t)(at >> 32);
  t[TT_REG_MSLEEP_TARGET0] = (uint32_t)at;
  t[TT_REG_EV_ENABLE] = 1;
}

/* Only the loop touches the server's state here: the interrupt and the
 * polling thread send it a message instead (platform.h). */
void
tt_lock(void)
{
}

void
tt_unlock(void)
{
}
