/*
 * A tiny rv32 program for tests/check_emu: runs under xous-emu and
 * reports through its exit status (0 = every check passed, else the
 * number of the first failed check), since a device process has no
 * console of its own. With the argument "crash" it stores through a
 * NULL pointer instead, to show that a guest fault is contained.
 *
 * Two more checks need no server:
 *   args A B C   argv as xous-emu passes it in the ArgL block, after an
 *                EnvB block of odd size (the blocks are not padded);
 *   irq-tls      an interrupt handler (the emulated TICKTIMER's alarm,
 *                IRQ 8) that uses errno and a thread-local of its own, as
 *                on the device where interrupt context starts with tp 0;
 *   answers      the words a BlockingScalar gives back for each kind of
 *                answer (from a server thread of its own) and for an
 *                error, every word of ret written, with the ecall made
 *                inline by the message helpers.
 * Every run also checks that a0 at entry was the .eh_frame address.
 *
 * It expects the native hello server (examples/hello) to be running and
 * tells it to quit at the end.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <xous.h>

#include "../../examples/hello/hello.h"

/* What runtime/riscv/start.c kept of the loader's a0. */
extern const void *xous__eh_frame;

/* The .eh_frame that a0 named: it starts with a CIE (a nonzero length,
 * then a CIE id of 0). */
static int
check_eh_frame(void)
{
  const uint32_t *cie = xous__eh_frame;

  if (cie == NULL || ((uintptr_t)cie & 3) != 0)
    return 1;
  return cie[0] != 0 && cie[0] != 0xffffffffu && cie[1] == 0 ? 0 : 1;
}

static int
check_args(int argc, char **argv)
{
  static const char *const want[] = { "args", "two words", "", "x" };

  if (argc != 5)
    return 30;
  for (int i = 0; i < 4; i++)
    if (strcmp(argv[1 + i], want[i]) != 0)
      return 31 + i;
  return argv[5] == NULL ? 0 : 35;
}

/* The emulated TICKTIMER (servers/ticktimer/device/timer.h). */
#define TT_PHYS 0xf0012000u
#define TT_IRQ 8u
#define TT_TIME0 2
#define TT_TARGET1 3
#define TT_TARGET0 4
#define TT_PENDING 6
#define TT_ENABLE 7

static volatile uint32_t *tt;
static _Thread_local unsigned handler_count;
static volatile int irq_result = -1;

static void
on_alarm(unsigned irq, void *arg)
{
  int ok;

  tt[TT_ENABLE] = 0;
  tt[TT_PENDING] = 1;
  /* errno and a thread-local through tp: a TLS block of its own, fresh
   * from the template on every interrupt. */
  errno = 0x5a5a;
  handler_count++;
  ok = irq == TT_IRQ && arg == (void *)0x77 && errno == 0x5a5a &&
       handler_count == 1;
  irq_result = ok ? 0 : 1;
}

static int
check_irq_tls(void)
{
  xous_range_t r;
  uint32_t now;

  if (xous_map_memory(TT_PHYS, 0, XOUS_PAGE_SIZE,
                      XOUS_MEM_R | XOUS_MEM_W | XOUS_MEM_DEV, &r) != XOUS_OK)
    return 40;
  tt = r.addr;
  errno = 7;
  handler_count = 100;
  if (xous_claim_interrupt(TT_IRQ, on_alarm, (void *)0x77) != XOUS_OK)
    return 41;
  now = tt[TT_TIME0];
  tt[TT_TARGET1] = 0;
  tt[TT_TARGET0] = now + 1;
  tt[TT_ENABLE] = 1;
  /* Bounded: the alarm is 1 ms away. */
  for (int i = 0; i < 1000000 && irq_result < 0; i++)
    (void)xous_yield();
  if (irq_result != 0)
    return irq_result < 0 ? 42 : 43;
  /* The main thread's TLS is its own still. */
  return errno == 7 && handler_count == 100 ? 0 : 44;
}

/* The server of "answers": each id its own kind of answer. */
static xous_sid_t answers_sid;

static void *
answer(void *arg)
{
  xous_envelope_t env;

  (void)arg;
  for (;;) {
    if (xous_receive_message(answers_sid, &env) != XOUS_OK)
      return (void *)1;
    switch (env.body.scalar.id) {
    case 1:
      (void)xous_return_scalar1(env.sender, 26);
      break;
    case 2:
      (void)xous_return_scalar2(env.sender, 11, 12);
      break;
    case 5:
      (void)xous_return_scalar5(env.sender, 1, 2, 3, 4, 5);
      break;
    default: /* a Scalar: the end */
      return (void *)(uintptr_t)(env.body.kind == XOUS_MSG_SCALAR ? 0 : 2);
    }
  }
}

/* ret after a BlockingScalar of id, which starts as all ones: want, and
 * the call's error err. */
static int
answered(xous_cid_t cid, xous_word_t id, xous_error_t err,
         const xous_word_t want[5])
{
  xous_word_t ret[5];

  memset(ret, 0xff, sizeof ret);
  if (xous_blocking_scalar(cid, id, 5, 6, 7, 8, ret) != err)
    return 1;
  return memcmp(ret, want, sizeof ret) == 0 ? 0 : 1;
}

static int
check_answers(void)
{
  xous_cid_t cid, gone;
  xous_tid_t tid;
  void *joined = (void *)99;

  answers_sid = xous_sid_from_name("emu-answers-srv!");
  if (xous_create_server_with_address(answers_sid, &cid) != XOUS_OK ||
      xous_create_thread(answer, NULL, 0, &tid) != XOUS_OK)
    return 50;
  if (answered(cid, 1, XOUS_OK, (const xous_word_t[5]){ 26 }) != 0)
    return 51;
  if (answered(cid, 2, XOUS_OK, (const xous_word_t[5]){ 11, 12 }) != 0)
    return 52;
  if (answered(cid, 5, XOUS_OK, (const xous_word_t[5]){ 1, 2, 3, 4, 5 }) != 0)
    return 53;
  if (xous_scalar(cid, 9, 0, 0, 0, 0) != XOUS_OK)
    return 54;
  if (xous_join_thread(tid, &joined) != XOUS_OK || joined != NULL)
    return 55;
  /* An error: every word of ret 0, and a Scalar to nowhere fails too. */
  if (xous_connect(answers_sid, &gone) != XOUS_OK ||
      xous_disconnect(gone) != XOUS_OK)
    return 56;
  {
    xous_word_t ret[5];
    xous_error_t err;

    memset(ret, 0xff, sizeof ret);
    err = xous_blocking_scalar(gone, 1, 5, 6, 7, 8, ret);
    if (err == XOUS_OK || ret[0] != 0 || ret[1] != 0 || ret[2] != 0 ||
        ret[3] != 0 || ret[4] != 0)
      return 57;
    if (xous_scalar(gone, 1, 0, 0, 0, 0) != err)
      return 58;
  }
  return 0;
}

static void *
twice(void *arg)
{
  return (void *)((uintptr_t)arg * 2);
}

int
main(int argc, char **argv)
{
  xous_word_t ret[5];
  xous_cid_t cid;
  xous_tid_t tid;
  void *joined = NULL;
  unsigned char *p;

  if (argc >= 2 && strcmp(argv[1], "crash") == 0) {
    volatile int *volatile nowhere = NULL;

    *nowhere = 1;
    return 99;
  }
  if (check_eh_frame() != 0)
    return 8;
  if (argc >= 2 && strcmp(argv[1], "args") == 0)
    return check_args(argc, argv);
  if (argc >= 2 && strcmp(argv[1], "irq-tls") == 0)
    return check_irq_tls();
  if (argc >= 2 && strcmp(argv[1], "answers") == 0)
    return check_answers();
  if (argc < 1 || argv[0] == NULL)
    return 9; /* xous-emu passes the program's own name */
  if (xous_get_process_id() < 2)
    return 10;
  if (xous_get_thread_id() == 0)
    return 11;
  if (xous_connect(xous_sid_from_name(HELLO_SERVER_NAME), &cid) != XOUS_OK)
    return 12;
  if (xous_blocking_scalar(cid, HELLO_ADD, 1, 2, 3, 4, ret) != XOUS_OK ||
      ret[0] != 10)
    return 13;
  /* The heap (sbrk over IncreaseHeap), beyond one page. */
  p = malloc(3 * XOUS_PAGE_SIZE);
  if (p == NULL)
    return 14;
  memset(p, 0xa5, 3 * XOUS_PAGE_SIZE);
  if (p[3 * XOUS_PAGE_SIZE - 1] != 0xa5)
    return 15;
  free(p);
  /* A thread: its own CPU, its value back through JoinThread. */
  if (xous_create_thread(twice, (void *)21, 0, &tid) != XOUS_OK)
    return 16;
  if (xous_join_thread(tid, &joined) != XOUS_OK || joined != (void *)42)
    return 17;
  if (xous_scalar(cid, HELLO_QUIT, 0, 0, 0, 0) != XOUS_OK)
    return 18;
  return 0;
}
