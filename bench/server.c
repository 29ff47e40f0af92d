/*
 * The server the benchmark measures against: the least work a server can
 * do per message, so that the figures are the runtime's own cost.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

/* Looks at one message and does its work. Sets reply and *nwords when the
 * sender waits for an answer (*nwords = 0 when nobody waits). Returns
 * false when the server should end. */
static bool
handle(const xous_envelope_t *env, xous_word_t *count, xous_word_t reply[5],
       unsigned *nwords)
{
  const xous_message_t *m = &env->body;

  *nwords = 0;
  memset(reply, 0, 5 * sizeof reply[0]);
  switch (m->kind) {
  case XOUS_MSG_SCALAR:
    if (m->scalar.id == BENCH_QUIT)
      return false;
    (*count)++;
    return true;
  case XOUS_MSG_BLOCKING_SCALAR:
    if (m->scalar.id == BENCH_SYNC) {
      reply[0] = *count;
      *count = 0;
    } else {
      reply[0] = m->scalar.arg1 + 1;
    }
    *nwords = 1;
    return true;
  case XOUS_MSG_LEND: {
    /* SAFETY: the byte is read once into a local and never used: the
     * read is the figure, whatever the lender put there. */
    uint8_t first = *(volatile const uint8_t *)m->memory.buf.addr;

    (void)first;
    *nwords = 2; /* offset and valid: both 0 */
    return true;
  }
  case XOUS_MSG_LEND_MUT:
    *(volatile uint8_t *)m->memory.buf.addr = 1;
    *nwords = 2;
    return true;
  case XOUS_MSG_SEND:
    /* The pages are ours now: touch one and free them all. */
    *(volatile uint8_t *)m->memory.buf.addr = 1;
    (*count)++;
    xous_unmap_memory(m->memory.buf);
    return true;
  }
  return true;
}

static int
serve(const char *name, enum bench_reply style)
{
  xous_sid_t sid = xous_sid_from_name(name);
  xous_envelope_t env;
  xous_word_t count = 0, reply[5];
  unsigned nwords;
  xous_error_t err;

  err = xous_create_server_with_address(sid, NULL);
  if (err != XOUS_OK) {
    fprintf(stderr, "bench server: cannot create %.16s: %s\n", name,
            xous_strerror(err));
    return 1;
  }
  memset(&env, 0, sizeof env);
  err = xous_receive_message(sid, &env);
  while (err == XOUS_OK && handle(&env, &count, reply, &nwords)) {
    if (style == BENCH_REPLY_COMBINED && nwords != 0) {
      err = xous_reply_and_receive_next(sid, &env, reply, nwords);
      continue;
    }
    if (nwords == 1)
      err = xous_return_scalar1(env.sender, reply[0]);
    else if (nwords == 2)
      err = xous_return_memory(env.sender, env.body.memory.buf, 0, 0);
    if (err == XOUS_OK)
      err = xous_receive_message(sid, &env);
  }
  if (err != XOUS_OK) {
    fprintf(stderr, "bench server: %s\n", xous_strerror(err));
    return 1;
  }
  xous_destroy_server(sid);
  return 0;
}

pid_t
bench_server_spawn(const char *name, enum bench_reply style)
{
  pid_t pid = bench_fork();

  if (pid != 0)
    return pid;
  _exit(serve(name, style));
}
