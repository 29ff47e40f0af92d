/*
 * mem-peer: one program, many roles, for the tests of memory messages
 * (tests/check_memory.c). Xous calls go through <xous.h> only; the C
 * library's signals are used to observe faults, which a Xous program on
 * the device would not do.
 *
 *   mem-peer ROLE ARGS...
 *
 * Every result is one line on stdout (line buffered). A server prints
 * "ready" once its server exists. NAME16 is a 16-byte well-known name.
 *
 * The mem protocol (role server):
 *   id 1 ECHO     any memory message: prints
 *                 "echo kind=K len=L offset=O valid=V sum=S" (S the sum of
 *                 the bytes); a lend is returned with offset O+1000 and
 *                 valid V+1, a Send is unmapped.
 *   id 2 FILL     MutableLend: every byte becomes offset & 0xff; returned
 *                 with offset O and valid L.
 *   id 3 HOLD     a lend: a MutableLend gets "held by mem-peer" written at
 *                 its start; prints "holding B" (B its first byte) and
 *                 keeps the lend until Scalar id 10.
 *   id 5 HOLD_PAGES as HOLD, with the mark at the start of every page of
 *                 a MutableLend (so that all of them are mapped here).
 *   id 4 RO_WRITE a Lend: tries to write its first byte; prints
 *                 "ro-write faulted" or "ro-write succeeded" and returns
 *                 valid 1 when it faulted, else 0.
 *   id 6 SEND     a Send: prints "send len=L sum=S", writes the pages
 *                 ("send-write ok"/"send-write faulted"), unmaps them
 *                 ("unmap E"), unmaps again ("unmap-again E") and touches
 *                 them ("after-unmap faulted"/"after-unmap readable").
 *   id 7 BUFFER   through <xous/buffer.h> with 8 <= valid <= 64: reverses
 *                 the valid bytes and returns them; prints "buffer ok N",
 *                 or "buffer E" for what the helpers refused.
 *   Scalar id 10  RELEASE: prints "saw B" (the held lend's first byte
 *                 now), returns it with offset 0 and valid 7
 *                 ("returned E"), then touches the old address
 *                 ("after-return faulted"/"after-return readable").
 *   Scalar id 99  exit(0).
 *   any other blocking message is answered with nothing of interest.
 *
 * Exit status: 0 done, 1 a Xous call failed, 64 bad usage.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xous.h>
#include <xous/buffer.h>

#include "../support/mem_protocol.h"
#include "../support/peer.h"
#include "../support/probe.h"

const char *const peer_prog = "mem-peer";

static _Noreturn void
usage(void)
{
  fprintf(stderr,
          "usage: %s server NAME16\n"
          "       %s stuck NAME16\n"
          "       %s lend NAME16 lend|lend-mut|send ID PAGES [VALID]\n",
          peer_prog, peer_prog, peer_prog);
  exit(64);
}

/* ---- observing faults ------------------------------------------------------ */

/* True when reading (or, with write, writing) *p faults. */
static bool
faults(volatile unsigned char *p, bool write)
{
  if (probe_read_faults(p))
    return true;
  return write && probe_write_faults(p, (unsigned char)(*p ^ 0x20));
}

/* ---- the mem protocol ------------------------------------------------------- */

static unsigned long
sum_of(const xous_range_t *r)
{
  const unsigned char *p = r->addr;
  unsigned long sum = 0;
  size_t i;

  /* SAFETY: only summed for the test's eyes; no decision depends on it. */
  for (i = 0; i < r->len; i++)
    sum += p[i];
  return sum;
}

static bool
is_lend(const xous_envelope_t *env)
{
  return env->body.kind == XOUS_MSG_LEND ||
         env->body.kind == XOUS_MSG_LEND_MUT;
}

/* Gives the memory of a memory message back: a lend returns to its
 * lender with offset and valid, the pages of a send are the server's to
 * unmap. */
static void
give_back(const xous_envelope_t *env, size_t offset, size_t valid)
{
  if (is_lend(env))
    xous_return_memory(env->sender, env->body.memory.buf, offset, valid);
  else
    xous_unmap_memory(env->body.memory.buf);
}

/* Ends a message nobody asked for more: no lender stays blocked. */
static void
dismiss(const xous_envelope_t *env)
{
  if (is_lend(env) || env->body.kind == XOUS_MSG_SEND)
    give_back(env, 0, 0);
  else if (env->body.kind == XOUS_MSG_BLOCKING_SCALAR)
    xous_return_scalar1(env->sender, 0);
}

static xous_envelope_t held;
static bool holding;

static void
serve_release(void)
{
  volatile unsigned char *p = held.body.memory.buf.addr;
  xous_error_t err;

  if (!holding) {
    printf("nothing held\n");
    return;
  }
  printf("saw %u\n", (unsigned)*p);
  err = xous_return_memory(held.sender, held.body.memory.buf, 0, 7);
  holding = false;
  printf("returned %s\n", xous_error_name(err));
  printf("after-return %s\n", faults(p, false) ? "faulted" : "readable");
}

static void
serve_send(const xous_envelope_t *env)
{
  const xous_range_t *r = &env->body.memory.buf;
  volatile unsigned char *p = r->addr;

  printf("send len=%zu sum=%lu\n", r->len, sum_of(r));
  printf("send-write %s\n", faults(p, true) ? "faulted" : "ok");
  printf("unmap %s\n", xous_error_name(xous_unmap_memory(*r)));
  printf("unmap-again %s\n", xous_error_name(xous_unmap_memory(*r)));
  printf("after-unmap %s\n", faults(p, false) ? "faulted" : "readable");
}

static void
serve_buffer(const xous_envelope_t *env)
{
  unsigned char local[64], reversed[64];
  xous_buffer_view_t view;
  xous_error_t err;
  size_t i;

  err = xous_buffer_from_envelope(env, 8, sizeof local, &view);
  if (err == XOUS_OK)
    err = xous_buffer_read(&view, local, view.len);
  if (err == XOUS_OK) {
    for (i = 0; i < view.len; i++)
      reversed[i] = local[view.len - 1 - i];
    err = xous_buffer_write(&view, reversed, view.len);
  }
  if (err != XOUS_OK) {
    printf("buffer %s\n", xous_error_name(err));
    dismiss(env);
    return;
  }
  printf("buffer ok %zu\n", view.len);
  err = xous_buffer_return(env, view.len);
  if (err != XOUS_OK)
    printf("buffer-return %s\n", xous_error_name(err));
}

static void
serve(const xous_envelope_t *env)
{
  const xous_memory_msg_t *m = &env->body.memory;

  if (env->body.kind == XOUS_MSG_SCALAR ||
      env->body.kind == XOUS_MSG_BLOCKING_SCALAR) {
    if (env->body.scalar.id == MEM_QUIT)
      exit(0);
    if (env->body.scalar.id == MEM_RELEASE)
      serve_release();
    dismiss(env);
    return;
  }
  switch (m->id) {
  case MEM_ECHO:
    printf("echo kind=%d len=%zu offset=%zu valid=%zu sum=%lu\n",
           (int)env->body.kind, m->buf.len, m->offset, m->valid,
           sum_of(&m->buf));
    give_back(env, m->offset + 1000, m->valid + 1);
    return;
  case MEM_FILL:
    if (env->body.kind != XOUS_MSG_LEND_MUT)
      break;
    memset(m->buf.addr, (int)(m->offset & 0xff), m->buf.len);
    xous_return_memory(env->sender, m->buf, m->offset, m->buf.len);
    return;
  case MEM_HOLD:
  case MEM_HOLD_PAGES:
    if (!is_lend(env) || holding)
      break;
    if (env->body.kind == XOUS_MSG_LEND_MUT)
      for (size_t at = 0; at < m->buf.len;
           at += m->id == MEM_HOLD_PAGES ? XOUS_PAGE_SIZE : m->buf.len)
        memcpy((char *)m->buf.addr + at, HOLD_MARK, sizeof HOLD_MARK);
    held = *env;
    holding = true;
    printf("holding %u\n", (unsigned)*(const unsigned char *)m->buf.addr);
    return;
  case MEM_RO_WRITE: {
    bool faulted = faults(m->buf.addr, true);

    printf("ro-write %s\n", faulted ? "faulted" : "succeeded");
    give_back(env, 0, faulted ? 1 : 0);
    return;
  }
  case MEM_SEND:
    if (env->body.kind != XOUS_MSG_SEND)
      break;
    serve_send(env);
    return;
  case MEM_BUFFER:
    serve_buffer(env);
    return;
  default:
    break;
  }
  dismiss(env);
}

static int
role_server(int argc, char **argv)
{
  peer_serve_forever(argc, argv, usage, serve);
}

/* A server that never receives: what is sent to it stays queued in the
 * broker. */
static int
role_stuck(int argc, char **argv)
{
  peer_never_receive(argc, argv, usage);
}

/* Lends (or sends) PAGES pages filled with 'a' with the given id and
 * valid (default: the length), and prints "<how> E offset valid". */
static int
role_lend(int argc, char **argv)
{
  xous_msg_kind_t kind;
  xous_message_t msg;
  xous_result_t res;
  xous_range_t r;
  xous_cid_t cid;
  xous_error_t err;
  size_t len;

  if (argc != 4 && argc != 5)
    usage();
  if (strcmp(argv[1], "lend") == 0)
    kind = XOUS_MSG_LEND;
  else if (strcmp(argv[1], "lend-mut") == 0)
    kind = XOUS_MSG_LEND_MUT;
  else if (strcmp(argv[1], "send") == 0)
    kind = XOUS_MSG_SEND;
  else
    usage();
  len = peer_number_arg(argv[3]) * XOUS_PAGE_SIZE;
  cid = peer_connect(argv[0]);
  err = xous_map_memory(0, 0, len, XOUS_MEM_R | XOUS_MEM_W, &r);
  if (err != XOUS_OK)
    peer_fail("map_memory", err);
  memset(r.addr, 'a', len);
  memset(&msg, 0, sizeof msg);
  msg.kind = kind;
  msg.memory.id = peer_number_arg(argv[2]);
  msg.memory.buf = r;
  msg.memory.valid = argc == 5 ? peer_number_arg(argv[4]) : len;
  printf("connected\n");
  memset(&res, 0, sizeof res);
  err = xous_send_message(cid, &msg, &res);
  printf("%s %s %zu %zu\n", argv[1], xous_error_name(err),
         err == XOUS_OK && kind != XOUS_MSG_SEND ? (size_t)res.w[0] : 0,
         err == XOUS_OK && kind != XOUS_MSG_SEND ? (size_t)res.w[1] : 0);
  return 0;
}

static const struct peer_role roles[] = {
  { "server", role_server },
  { "stuck", role_stuck },
  { "lend", role_lend },
};

int
main(int argc, char **argv)
{
  return peer_main(roles, sizeof roles / sizeof roles[0], argc, argv, usage);
}
