/*
 * The TICKTIMER peripheral of the Precursor SoC, as xous-core's utralib
 * describes it (utra::ticktimer): a 64-bit count of milliseconds since
 * reset, and a compare register that raises interrupt 8 when the count
 * reaches it. Shared by device/clock.c and device/alarm.c.
 */
#ifndef TICKTIMER_DEVICE_TIMER_H
#define TICKTIMER_DEVICE_TIMER_H

#include <stdint.h>

#include <xous.h>

#define TT_HW_BASE 0xf0012000u
#define TT_HW_IRQ 8u

/* Word indices of the registers. */
enum {
  TT_REG_CONTROL = 0, /* bit 0: reset the count */
  TT_REG_TIME1 = 1,   /* count, high word */
  TT_REG_TIME0 = 2,   /* count, low word */
  TT_REG_MSLEEP_TARGET1 = 3,
  TT_REG_MSLEEP_TARGET0 = 4,
  TT_REG_EV_STATUS = 5,
  TT_REG_EV_PENDING = 6, /* write 1 to clear the alarm event */
  TT_REG_EV_ENABLE = 7,  /* bit 0: interrupt when count >= target */
};

/* The registers, mapped on first use with MapMemory(phys); NULL when the
 * kernel gave no such page (then there is no clock). */
volatile uint32_t *tt_hw(void);
/* The hardware count, read so that a carry between the halves is seen. */
uint64_t tt_hw_now(void);
/* The hardware count at time 0 of tt_clock_ms(). */
uint64_t tt_hw_epoch(void);

#endif /* TICKTIMER_DEVICE_TIMER_H */
