/*
 * The stand-in kernel of the server fuzz targets (kernel.h). It plays the
 * backend of runtime/core: xous_syscall() and the two hooks.
 */
#include <string.h>

#include "core/internal.h"
#include "kernel.h"

static struct fz_reader *answers;
static size_t calls;

void
fk_answers(struct fz_reader *r)
{
  answers = r;
  calls = 0;
}

size_t
fk_calls(void)
{
  return calls;
}

/* The tag a successful call of syscall number nr answers with. */
static xous_word_t
tag_of(xous_word_t nr)
{
  switch (nr) {
  case XOUS_SYSCALL_CONNECT:
  case XOUS_SYSCALL_TRY_CONNECT:
  case XOUS_SYSCALL_CONNECT_FOR_PROCESS:
    return XOUS_RESULT_CONNECTION_ID;
  case XOUS_SYSCALL_CREATE_SERVER_ID:
    return XOUS_RESULT_SERVER_ID;
  case XOUS_SYSCALL_GET_PROCESS_ID:
    return XOUS_RESULT_PROCESS_ID;
  case XOUS_SYSCALL_GET_THREAD_ID:
    return XOUS_RESULT_THREAD_ID;
  default:
    return XOUS_RESULT_OK;
  }
}

void
xous_syscall(const xous_word_t args[8], xous_word_t r[8])
{
  uint8_t b = answers != NULL ? fz_u8(answers) : 0;

  calls++;
  memset(r, 0, 8 * sizeof r[0]);
  /* One byte in eight says no: the kernel can refuse any call (a client
   * that died, a full table), and the server must cope. */
  if ((b & 7) == 7) {
    r[0] = XOUS_RESULT_ERROR;
    r[1] = xous__error_word(
        (xous_error_t)(1 + (b >> 3) % (XOUS_ERROR_COUNT - 1)));
    return;
  }
  r[0] = tag_of(args[0]);
  switch (r[0]) {
  case XOUS_RESULT_CONNECTION_ID:
    r[1] = 2 + (b >> 3);
    break;
  case XOUS_RESULT_SERVER_ID:
    for (int i = 1; i <= 4; i++)
      r[i] = answers != NULL ? fz_u32(answers) : (xous_word_t)i;
    break;
  case XOUS_RESULT_PROCESS_ID:
  case XOUS_RESULT_THREAD_ID:
    r[1] = 2;
    break;
  default:
    break;
  }
}

/* Whether a parked request's client still waits: the input says, so that
 * a server's letting go of dead clients' requests is explored too. */
bool
xous_sender_waiting(xous_sender_t sender)
{
  (void)sender;
  calls++;
  return answers == NULL || (fz_u8(answers) & 3) != 3;
}

/* A process's stamp: one of a few, from the input, so that a server
 * sees clients die and PIDs change hands. */
xous_error_t
xous_process_stamp(xous_pid_t pid, uint64_t *stamp)
{
  uint8_t b = answers != NULL ? fz_u8(answers) : 0;

  (void)pid;
  calls++;
  if ((b & 7) == 7)
    return XOUS_INTERNAL_ERROR;
  *stamp = b >> 6;
  return XOUS_OK;
}

xous_error_t
xous__thread_stack(size_t size, xous_range_t *stack)
{
  stack->addr = NULL;
  stack->len = size;
  return XOUS_OK;
}

bool
xous__lendable(const void *buf, size_t len)
{
  return ((uintptr_t)buf % XOUS_PAGE_SIZE) == 0 && len != 0 &&
         len % XOUS_PAGE_SIZE == 0;
}

void
fk_envelope(struct fz_reader *r, xous_envelope_t *env, uint8_t *pages)
{
  uint8_t kind = fz_u8(r);
  uint8_t id = fz_u8(r);

  memset(env, 0, sizeof *env);
  env->body.kind = (xous_msg_kind_t)(XOUS_MSG_LEND_MUT + kind % 5);
  /* The PID sits in bits 31..24: a handful of PIDs make tables collide. */
  env->sender = ((xous_word_t)(2 + (kind >> 5)) << 24) | fz_u16(r);
  if (env->body.kind == XOUS_MSG_SCALAR ||
      env->body.kind == XOUS_MSG_BLOCKING_SCALAR) {
    env->body.scalar.id = id == 0xff ? fz_u64(r) : id;
    env->body.scalar.arg1 = fz_u64(r);
    env->body.scalar.arg2 = fz_u64(r);
    env->body.scalar.arg3 = fz_u64(r);
    env->body.scalar.arg4 = fz_u64(r);
  } else {
    size_t npages = 1 + (kind >> 3) % FK_MAX_PAGES;
    size_t fill = fz_u16(r) % (npages * XOUS_PAGE_SIZE + 1);

    env->body.memory.id = id == 0xff ? fz_u64(r) : id;
    env->body.memory.offset = fz_u64(r);
    env->body.memory.valid = fz_u64(r);
    /* The kernel maps whole pages; what is in them is the client's. */
    fz_bytes(r, pages, fill);
    memset(pages + fill, 0, FK_MAX_PAGES * XOUS_PAGE_SIZE - fill);
    env->body.memory.buf.addr = pages;
    env->body.memory.buf.len = npages * XOUS_PAGE_SIZE;
  }
}

uint8_t *
fk_pages(void)
{
  static uint8_t pages[FK_MAX_PAGES * XOUS_PAGE_SIZE]
      __attribute__((aligned(XOUS_PAGE_SIZE)));

  return pages;
}

void
fk_begin(struct fk_run *run, const uint8_t *data, size_t size)
{
  struct fz_reader in = { data, size };
  uint8_t split = fz_u8(&in);

  run->kernel.p = in.p + (fz_left(&in) * split) / 256;
  run->kernel.n = fz_left(&in) - (size_t)(run->kernel.p - in.p);
  run->msgs.p = in.p;
  run->msgs.n = (size_t)(run->kernel.p - in.p);
  fk_answers(&run->kernel);
}

bool
fk_next(struct fk_run *run, xous_envelope_t *env)
{
  if (fz_left(&run->msgs) == 0)
    return false;
  fk_envelope(&run->msgs, env, fk_pages());
  return true;
}

void
fk_end(struct fk_run *run)
{
  (void)run;
  fk_answers(NULL);
}
