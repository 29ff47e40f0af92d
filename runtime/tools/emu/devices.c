/*
 * The two peripherals of the Precursor SoC that the device builds of the
 * standard servers map with MapMemory(phys) (addresses and registers from
 * xous-core's utralib): the console UART, whose bytes go to our standard
 * output, and the TICKTIMER, a millisecond counter (the host's monotonic
 * clock) with an alarm that raises IRQ 8. A claimed interrupt runs the
 * guest's handler on a CPU of its own, in a thread of its own, as the
 * kernel would run it in interrupt context.
 */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#include "emu/emu.h"
#include "tools/monotonic.h"

#define CONSOLE_PHYS 0xf0007000u
#define TICKTIMER_PHYS 0xf0012000u
#define TICKTIMER_IRQ 8u
#define IRQ_STACK_SIZE (64u * 1024u)

/* TICKTIMER registers, by byte offset. */
enum {
  TT_TIME1 = 4,
  TT_TIME0 = 8,
  TT_TARGET1 = 12,
  TT_TARGET0 = 16,
  TT_EV_STATUS = 20,
  TT_EV_PENDING = 24,
  TT_EV_ENABLE = 28,
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed;
static bool claimed;          /* the alarm thread runs */
static uint64_t target;       /* MSLEEP_TARGET, in counter time */
static bool enabled, pending; /* EV_ENABLE and EV_PENDING of the alarm */
static uint32_t irq_pc, irq_arg;
static uint64_t epoch;

static uint64_t
monotonic_ms(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void
init(void)
{
  pthread_condattr_t attr;

  epoch = monotonic_ms();
  pthread_condattr_init(&attr);
  pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  pthread_cond_init(&changed, &attr);
  pthread_condattr_destroy(&attr);
}

/* The counter: milliseconds since the first device access, as after a
 * reset. */
static uint64_t
count(void)
{
  static pthread_once_t once = PTHREAD_ONCE_INIT;

  pthread_once(&once, init);
  return monotonic_ms() - epoch;
}

int
emu_device_at(uint32_t phys)
{
  if (phys == CONSOLE_PHYS)
    return EMU_DEV_CONSOLE;
  if (phys == TICKTIMER_PHYS) {
    (void)count();
    return EMU_DEV_TICKTIMER;
  }
  return 0;
}

uint64_t
emu_device_read(int device, uint64_t offset, unsigned size)
{
  uint64_t v = 0;

  (void)size;
  if (device != EMU_DEV_TICKTIMER)
    return 0; /* console: TXFULL and RXEMPTY... all 0, never full */
  pthread_mutex_lock(&lock);
  switch (offset) {
  case TT_TIME1:
    v = count() >> 32;
    break;
  case TT_TIME0:
    v = (uint32_t)count();
    break;
  case TT_TARGET1:
    v = target >> 32;
    break;
  case TT_TARGET0:
    v = (uint32_t)target;
    break;
  case TT_EV_STATUS:
    v = count() >= target;
    break;
  case TT_EV_PENDING:
    v = pending;
    break;
  case TT_EV_ENABLE:
    v = enabled;
    break;
  default:
    break;
  }
  pthread_mutex_unlock(&lock);
  return v;
}

void
emu_device_write(int device, uint64_t offset, unsigned size, uint64_t value)
{
  (void)size;
  if (device == EMU_DEV_CONSOLE) {
    if (offset == 0) {
      putchar((int)(value & 0xff));
      if ((value & 0xff) == '\n')
        fflush(stdout);
    }
    return;
  }
  pthread_mutex_lock(&lock);
  switch (offset) {
  case TT_TARGET1:
    target = (target & 0xffffffffu) | (uint64_t)(uint32_t)value << 32;
    break;
  case TT_TARGET0:
    target = (target & ~(uint64_t)0xffffffffu) | (uint32_t)value;
    break;
  case TT_EV_PENDING:
    if (value & 1)
      pending = false;
    break;
  case TT_EV_ENABLE:
    enabled = value & 1;
    break;
  default:
    break;
  }
  pthread_cond_signal(&changed);
  pthread_mutex_unlock(&lock);
}

/* Runs the handler as the kernel does: a0 = irq, a1 = arg, ra = the
 * IRQ-return address, on a stack of its own. */
static void
run_handler(struct emu_cpu *cpu, uint32_t sp)
{
  emu_cpu_set(cpu, UC_RISCV_REG_SP, sp);
  emu_cpu_set(cpu, UC_RISCV_REG_RA, EMU_IRQ_RETURN);
  emu_cpu_set(cpu, UC_RISCV_REG_A0, TICKTIMER_IRQ);
  emu_cpu_set(cpu, UC_RISCV_REG_A1, irq_arg);
  (void)emu_cpu_run(cpu, irq_pc);
}

static void *
alarm_thread(void *arg)
{
  struct emu_cpu *cpu = emu_cpu_new();
  xous_range_t r;
  uint32_t stack;

  (void)arg;
  if (cpu == NULL ||
      xous_map_memory(0, 0, IRQ_STACK_SIZE, XOUS_MEM_R | XOUS_MEM_W, &r) !=
          XOUS_OK ||
      (stack = emu_map_find_free(EMU_MAP_BASE, IRQ_STACK_SIZE)) == 0 ||
      emu_map_add(stack, r.addr, IRQ_STACK_SIZE,
                  UC_PROT_READ | UC_PROT_WRITE) != 0) {
    fprintf(stderr, "xous-emu: %s: cannot set up interrupts\n", emu_program);
    return NULL;
  }
  pthread_mutex_lock(&lock);
  for (;;) {
    uint64_t now = count();

    if (!enabled || !claimed) {
      pthread_cond_wait(&changed, &lock);
    } else if (now < target && !pending) {
      uint64_t left = target - now;
      struct timespec ts;

      if (left > 3600u * 1000u)
        left = 3600u * 1000u;
      ts = clock_after_ns(CLOCK_MONOTONIC, left * 1000000u);
      pthread_cond_timedwait(&changed, &lock, &ts);
    } else {
      /* Level triggered, as the hardware: the handler must acknowledge
       * (or disable) the event, or it runs again. */
      pending = true;
      pthread_mutex_unlock(&lock);
      run_handler(cpu, stack + IRQ_STACK_SIZE - 16);
      pthread_mutex_lock(&lock);
    }
  }
  return NULL;
}

xous_error_t
emu_irq_claim(uint32_t irq, uint32_t pc, uint32_t arg)
{
  static bool thread_started;
  xous_error_t err = XOUS_OK;
  xous_tid_t tid;

  if (irq != TICKTIMER_IRQ || pc == 0)
    return XOUS_INTERRUPT_NOT_FOUND;
  (void)count();
  pthread_mutex_lock(&lock);
  if (claimed) {
    pthread_mutex_unlock(&lock);
    return XOUS_INTERRUPT_IN_USE;
  }
  irq_pc = pc;
  irq_arg = arg;
  claimed = true;
  pthread_cond_signal(&changed);
  pthread_mutex_unlock(&lock);
  /* A thread of the hosted backend, so that the handler's syscalls have
   * a connection to the broker. */
  if (!thread_started) {
    err = xous_create_thread(alarm_thread, NULL, 0, &tid);
    thread_started = err == XOUS_OK;
  }
  return err;
}

xous_error_t
emu_irq_free(uint32_t irq)
{
  xous_error_t err = XOUS_OK;

  pthread_mutex_lock(&lock);
  if (irq != TICKTIMER_IRQ || !claimed)
    err = XOUS_INTERRUPT_NOT_FOUND;
  else
    claimed = false;
  pthread_mutex_unlock(&lock);
  return err;
}
