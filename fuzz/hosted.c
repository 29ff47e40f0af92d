/*
 * Fuzz target: the hosted backend's reading of what the broker (a peer)
 * writes back: xous__wire_recv and xous__wire_check on any datagram, the
 * result words and the fd that came with them, and the adoption of a
 * memory message's pages (runtime/hosted/syscall.c adopt_envelope via
 * xous_receive_message, memory.c xous__span_adopt) or the decoding of
 * the words by the portable wrappers (runtime/core/decode.c and friends).
 *
 * A stand-in broker thread listens on a private socket and answers the
 * first syscall of each run with the datagram the input describes (any
 * length, any bytes, with or without a memory object); every later
 * syscall of the run (the ReturnMemory of a lend, the unmap) gets Ok.
 *
 * With the direct path, the first call that reaches the broker is the
 * request for a server page (a receive) or a ring (a send), so the input
 * is what the library makes of those answers (xous__hosted_object,
 * xous__map_object): a receive only tries, since a server page that maps
 * would have it wait for messages that never come.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <xous.h>

#include "hosted/wire.h"
#include "support/broker.h"
#include "support/fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The answer of this run, shared with the broker thread. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
  uint8_t bytes[2 * XOUS_WIRE_FRAME_SIZE];
  size_t len;
  unsigned pages; /* a memory object of this many pages goes with it */
  bool pending;
} answer;

/* Answers one frame from a client: the first syscall of a run gets the
 * input's datagram, any other Ok. */
static void
serve_frame(int s, const struct xous_wire_frame *f, long n)
{
  struct xous_wire_frame out;

  (void)n;
  memset(&out, 0, sizeof out);
  out.magic = XOUS_WIRE_MAGIC;
  out.version = XOUS_WIRE_VERSION;
  pthread_mutex_lock(&lock);
  if (answer.pending) {
    answer.pending = false;
    fz_send_pages(s, answer.bytes, answer.len, answer.pages, 0);
  } else {
    out.type = XOUS_WIRE_RESULT;
    out.tid = f->tid;
    out.w[0] = XOUS_RESULT_OK;
    fz_send_pages(s, &out, sizeof out, 0, 0);
  }
  pthread_mutex_unlock(&lock);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
  xous_cid_t cid;

  (void)argc;
  (void)argv;
  fb_start(7, serve_frame);
  /* Join now: the process and thread sockets then stay for every run. */
  (void)xous_try_connect(xous_sid_from_name("fuzz-fuzz-fuzz!!"), &cid);
  return 0;
}

/* Builds this run's answer from the input: any bytes, or (selector bits)
 * a frame with a header the backend accepts, a message envelope, and a
 * memory object of a few pages. */
static void
make_answer(struct fz_reader *in)
{
  uint8_t sel = fz_u8(in);
  struct xous_wire_frame f;

  fz_bytes(in, &f, sizeof f);
  answer.pages = (sel & 0x40) ? 1 + sel % 4 : 0;
  answer.len = sizeof f;
  if ((sel & 0x88) == 0x88)
    answer.len = f.tid % sizeof answer.bytes;
  if (sel & 0x10) {
    f.magic = XOUS_WIRE_MAGIC;
    f.version = XOUS_WIRE_VERSION;
    f.type = XOUS_WIRE_RESULT;
    f.flags = answer.pages > 0 ? XOUS_WIRE_F_FD : 0;
  }
  if (sel & 0x20) {
    /* A message envelope: kind 0..4, and for memory a length and offset
     * that mostly fit the object. */
    f.w[0] = XOUS_RESULT_MESSAGE_ENVELOPE;
    f.w[2] %= 6;
    if ((f.w[6] & 1) == 0) {
      f.w[5] = XOUS_PAGE_SIZE * (1 + f.w[5] % 4);
      f.mem_offset = XOUS_PAGE_SIZE * (f.mem_offset % 4);
    }
  }
  memset(answer.bytes, 0, sizeof answer.bytes);
  memcpy(answer.bytes, &f, sizeof f);
}

/* Gives back what a received message brought, as a server would. */
static void
finish(const xous_envelope_t *env)
{
  const xous_memory_msg_t *m = &env->body.memory;

  switch (env->body.kind) {
  case XOUS_MSG_LEND:
  case XOUS_MSG_LEND_MUT:
    (void)xous_return_memory(env->sender, m->buf, 0, 0);
    break;
  case XOUS_MSG_SEND:
    (void)xous_unmap_memory(m->buf);
    break;
  default:
    break;
  }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct fz_reader in = { data, size };
  int before = fz_open_fds();
  xous_sid_t sid = xous_sid_from_name("fuzz-fuzz-fuzz!!");
  uint8_t call = fz_u8(&in);
  xous_envelope_t env;
  xous_result_t res;
  xous_cid_t cid;
  xous_error_t err;

  pthread_mutex_lock(&lock);
  make_answer(&in);
  answer.pending = true;
  pthread_mutex_unlock(&lock);

  switch (call % 5) {
  case 0:
  case 1: {
    bool got = false;

    err = xous_try_receive_message(sid, &env, &got);
    if (err == XOUS_OK && got)
      finish(&env);
    break;
  }
  case 2:
    (void)xous_try_connect(sid, &cid);
    break;
  case 3: {
    xous_message_t m = { .kind = XOUS_MSG_BLOCKING_SCALAR };

    m.scalar.id = 1;
    (void)xous_send_message(2, &m, &res);
    break;
  }
  default: {
    /* A mutable lend: the pages are the lender's again afterwards,
     * whatever the answer. */
    xous_range_t r;

    if (xous_map_memory(0, 0, XOUS_PAGE_SIZE, XOUS_MEM_R | XOUS_MEM_W, &r) !=
        XOUS_OK)
      abort();
    xous_message_t m = { .kind = XOUS_MSG_LEND_MUT };

    m.memory.id = 1;
    m.memory.buf = r;
    (void)xous_send_message(2, &m, &res);
    memset(r.addr, 0, r.len); /* faults if the lend was not undone */
    (void)xous_unmap_memory(r);
    break;
  }
  }

  pthread_mutex_lock(&lock);
  answer.pending = false;
  pthread_mutex_unlock(&lock);
  fz_check_fds(before, "hosted");
  return 0;
}
