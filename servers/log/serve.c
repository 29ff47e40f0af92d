/*
 * The log server's opcodes (serve.h): records, raw output and Rust std's
 * panic output, one message at a time.
 */
#include <string.h>

#include <xous.h>
#include <xous/log.h>

#include "record.h"
#include "serve.h"
#include "terminal.h"

/* One record at a time: the entry is large for a stack. */
static struct log_entry entry;

/* Gives a lent buffer back, or frees moved pages. A served lend comes
 * back with offset and valid as they were sent, as from the real log
 * server (a client that sends offset 0 reads it as XOUS_OK); a rejected
 * one with the error in offset and valid 0, where the real server would
 * stop. */
static void
finish(const xous_envelope_t *env, xous_error_t status)
{
  const xous_message_t *m = &env->body;

  switch (m->kind) {
  case XOUS_MSG_LEND:
  case XOUS_MSG_LEND_MUT:
    if (status == XOUS_OK)
      (void)xous_return_memory(env->sender, m->memory.buf, m->memory.offset,
                               m->memory.valid);
    else
      (void)xous_return_memory(env->sender, m->memory.buf, (size_t)status, 0);
    break;
  case XOUS_MSG_SEND:
    (void)xous_unmap_memory(m->memory.buf);
    break;
  case XOUS_MSG_BLOCKING_SCALAR:
    (void)xous_return_scalar1(env->sender, (xous_word_t)status);
    break;
  default:
    break;
  }
}

/* Writes v in decimal. */
static void
put_decimal(unsigned v)
{
  char digits[12];
  size_t n = 0;

  do {
    digits[sizeof digits - 1 - n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v != 0 && n < sizeof digits);
  log_term_raw(false, digits + sizeof digits - n, n);
}

/* Rust std's panic output, written as the real log server writes it: a
 * line naming the PID, the text as it comes, a closing line. True when
 * s was one of its opcodes. */
static bool
serve_panic(const xous_envelope_t *env)
{
  const xous_scalar_msg_t *s = &env->body.scalar;

  if (s->id == XOUS_LOG_OP_PANIC_STARTED) {
    static const char head[] = "PANIC in PID ";

    log_term_raw(false, head, sizeof head - 1);
    put_decimal(xous_sender_pid(env->sender));
    log_term_raw(false, ":\n", 2);
  } else if (s->id > XOUS_LOG_OP_PANIC_MESSAGE0 &&
             s->id <= XOUS_LOG_OP_PANIC_MESSAGE_LAST) {
    const xous_word_t w[4] = { s->arg1, s->arg2, s->arg3, s->arg4 };
    uint8_t text[4 * sizeof(xous_word_t)];
    size_t n = s->id - XOUS_LOG_OP_PANIC_MESSAGE0;

    /* The words' bytes, little-endian, as many as the opcode says and no
     * more than the four words hold. */
    for (size_t i = 0; i < sizeof text; i++)
      text[i] = (uint8_t)(w[i / sizeof(xous_word_t)] >>
                          (8 * (i % sizeof(xous_word_t))));
    log_term_raw(false, text, n < sizeof text ? n : sizeof text);
  } else if (s->id == XOUS_LOG_OP_PANIC_FINISHED) {
    static const char tail[] = "Terminating process\n";

    log_term_raw(false, tail, sizeof tail - 1);
  } else if (s->id != XOUS_LOG_OP_PANIC_MESSAGE0) {
    return false;
  }
  return true;
}

void
log_serve(const xous_envelope_t *env, xous_log_level_t max)
{
  const xous_memory_msg_t *m = &env->body.memory;
  bool memory = env->body.kind == XOUS_MSG_LEND ||
                env->body.kind == XOUS_MSG_LEND_MUT ||
                env->body.kind == XOUS_MSG_SEND;
  xous_error_t status;

  if (!memory) {
    /* Only the panic output is served (Xous's EnableRx needs no work
     * here); a blocking one is answered 0. */
    finish(env, serve_panic(env) ? XOUS_OK : XOUS_INVALID_ARGUMENT);
    return;
  }
  switch (m->id) {
  case XOUS_LOG_OP_RECORD:
    status = log_record_read(m->buf.addr, m->buf.len, &entry);
    /* Answered before printing: the sender need not wait for the tty. */
    finish(env, status);
    if (status == XOUS_OK && entry.level <= max)
      log_term_entry(&entry, xous_sender_pid(env->sender));
    break;
  case XOUS_LOG_OP_STDOUT:
  case XOUS_LOG_OP_STDERR: {
    static uint8_t raw[XOUS_PAGE_SIZE];
    size_t done = 0;

    /* SAFETY: valid comes from the sender; only min(valid, len) bytes of
     * the lent buffer are read, copied out a page at a time. */
    size_t n = m->valid < m->buf.len ? m->valid : m->buf.len;

    while (done < n) {
      size_t k = n - done < sizeof raw ? n - done : sizeof raw;

      memcpy(raw, (const uint8_t *)m->buf.addr + done, k);
      log_term_raw(m->id == XOUS_LOG_OP_STDERR, raw, k);
      done += k;
    }
    finish(env, XOUS_OK);
    break;
  }
  default:
    finish(env, XOUS_INVALID_ARGUMENT);
    break;
  }
}
