/*
 * hostile-peer: the well-behaved side of the reliability tests (a checking
 * server and checking clients) and a few small roles that block, for the
 * broker-death tests. It uses only <xous.h> and the C library.
 *
 *   hostile-peer server NAME16
 *   hostile-peer client NAME16 KEY COUNT KINDS [soak]
 *   hostile-peer receive NAME16 | hold NAME16 | connect NAME16 | pid
 *
 * The checking protocol. Every message of a client carries its KEY and a
 * sequence number that starts at 1 and grows by one per acknowledged
 * message; the server keeps, per (sender PID, KEY), the last sequence
 * number and counts any message that is not exactly the next one, or whose
 * bytes are not the pattern of its sequence number, as bad:
 *   Scalar id 1          (key, seq)
 *   BlockingScalar id 2  (key, seq, v)      -> Scalar2(seq, 3 * v + 1)
 *   Lend id 3, MutableLend id 4, Send id 5: a page whose first 8 bytes are
 *       key and seq and whose other valid bytes are pattern(seq, i); a lend
 *       is returned with offset = seq & 0xffff and valid unchanged, and a
 *       MutableLend's bytes after the header come back inverted
 *   BlockingScalar id 3  held, never answered (a caller that stays blocked)
 *   Scalar id 10         (ms) the server sleeps ms: lets a queue fill
 *   BlockingScalar id 9  (key) -> Scalar5(last seq, count, bad of this key,
 *                                         bad of all keys, messages)
 *   Scalar id 99         the server exits
 * A bad message prints "BAD pid key seq why" at once.
 *
 * KINDS is a string of s (Scalar), b (BlockingScalar), l (Lend),
 * m (MutableLend), d (Send), used in turn. COUNT 0 runs until SIGUSR1,
 * and then (but in soak mode) sends one more message of each kind.
 * At the end the client asks the server for its key and prints
 * "ok ACKED" when the server saw exactly the acknowledged messages, in
 * order, none bad; else "FAIL ...". In soak mode a failed call prints
 * "err USEC ERROR" (USEC on the monotonic clock), the client connects
 * again and goes on, and a second thread keeps one held call blocked on
 * the server and prints "held-err USEC ERROR" each time it fails.
 *
 * Exit status: 0 done, 1 a check or call failed, 64 bad usage.
 */
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xous.h>

#include "tools/monotonic.h"

#include "../support/peer.h"

const char *const peer_prog = "hostile-peer";

#define STACK_SIZE (128 * 1024)
#define MAX_KEYS 4096
#define MAX_HELD 512
#define MSG_BYTES 4096

enum {
  ID_SCALAR = 1,
  ID_BLOCKING = 2,
  ID_HOLD = 3,
  ID_LEND = 3,
  ID_LEND_MUT = 4,
  ID_SEND = 5,
  ID_QUERY = 9,
  ID_PAUSE = 10,
  ID_EXIT = 99,
};

static _Noreturn void
usage(void)
{
  fprintf(stderr, "usage: hostile-peer server NAME16\n"
                  "       hostile-peer client NAME16 KEY COUNT KINDS [soak]\n"
                  "       hostile-peer receive|hold|connect NAME16\n"
                  "       hostile-peer pid\n");
  exit(64);
}

static xous_sid_t
sid_of(const char *name)
{
  char n[16];

  if (strlen(name) != 16)
    usage();
  memcpy(n, name, 16);
  return xous_sid_from_name(n);
}

static uint8_t
pattern(uint32_t seq, size_t i)
{
  return (uint8_t)(seq * 31u + i * 7u + 1u);
}

/* ==== the checking server ================================================ */

struct key {
  uint64_t id; /* pid << 32 | key, 0 when free */
  uint32_t last;
  uint32_t count;
  uint32_t bad;
};

static struct key keys[MAX_KEYS];
static uint64_t bad_total, messages;
static xous_sender_t held[MAX_HELD];
static unsigned nheld;

static struct key *
key_of(xous_sender_t sender, uint32_t key)
{
  uint64_t id = ((uint64_t)xous_sender_pid(sender) << 32) | key | (1ull << 63);
  size_t h = (size_t)((id * 0x9e3779b97f4a7c15ull) >> 52) % MAX_KEYS;

  for (size_t i = 0; i < MAX_KEYS; i++) {
    struct key *k = &keys[(h + i) % MAX_KEYS];

    if (k->id == id)
      return k;
    if (k->id == 0) {
      k->id = id;
      return k;
    }
  }
  return NULL; /* full: the message is counted as bad */
}

static void
bad(xous_sender_t sender, uint32_t key, uint32_t seq, const char *why)
{
  bad_total++;
  printf("BAD %u %u %u %s\n", xous_sender_pid(sender), key, seq, why);
}

/* Counts message seq of key, and says whether it was the next one. */
static void
check_seq(xous_sender_t sender, uint32_t key, uint32_t seq)
{
  struct key *k = key_of(sender, key);

  if (k == NULL) {
    bad(sender, key, seq, "no-room");
    return;
  }
  /* The first message seen starts the count: a client may have talked to
   * an earlier server of the same name. */
  if (k->count != 0 && seq != k->last + 1) {
    k->bad++;
    bad(sender, key, seq, seq <= k->last ? "repeated" : "lost-before");
  }
  k->last = seq;
  k->count++;
}

static void
serve_memory(const xous_envelope_t *env)
{
  const xous_memory_msg_t *m = &env->body.memory;
  static uint8_t local[MSG_BYTES];
  uint32_t key, seq;
  size_t valid = m->valid, i;
  bool ok = true;

  if (m->buf.addr == NULL || m->buf.len < 8 || valid < 8 ||
      valid > m->buf.len || valid > MSG_BYTES) {
    bad(env->sender, 0, 0, "bad-range");
    ok = false;
    valid = 0;
  } else {
    /* SAFETY: the lender may still be writing these pages; everything
     * is judged on one local copy. */
    memcpy(local, m->buf.addr, valid);
    memcpy(&key, local, 4);
    memcpy(&seq, local + 4, 4);
    for (i = 8; i < valid; i++)
      if (local[i] != pattern(seq, i)) {
        struct key *k = key_of(env->sender, key);

        if (k != NULL)
          k->bad++;
        bad(env->sender, key, seq, "corrupt");
        ok = false;
        break;
      }
    check_seq(env->sender, key, seq);
  }
  if (env->body.kind == XOUS_MSG_LEND_MUT && ok) {
    for (i = 8; i < valid; i++)
      local[i] = (uint8_t)~local[i];
    memcpy(m->buf.addr, local, valid);
  }
  if (env->body.kind == XOUS_MSG_SEND) {
    xous_unmap_memory(m->buf);
    return;
  }
  memcpy(&seq, local + 4, 4);
  xous_return_memory(env->sender, m->buf, ok ? (seq & 0xffff) : 0,
                     ok ? valid : 0);
}

static int
run_server(const char *name)
{
  xous_sid_t sid = sid_of(name);
  xous_cid_t cid;
  xous_error_t err = xous_create_server_with_address(sid, &cid);

  if (err != XOUS_OK) {
    printf("create %s\n", xous_error_name(err));
    return 1;
  }
  printf("ready\n");
  for (;;) {
    xous_envelope_t env;
    const xous_scalar_msg_t *s = &env.body.scalar;

    peer_receive(sid, &env);
    messages++;
    switch (env.body.kind) {
    case XOUS_MSG_SCALAR:
      if (s->id == ID_SCALAR)
        check_seq(env.sender, (uint32_t)s->arg1, (uint32_t)s->arg2);
      else if (s->id == ID_PAUSE)
        usleep((useconds_t)(s->arg1 < 5000 ? s->arg1 : 5000) * 1000);
      else if (s->id == ID_EXIT)
        return 0;
      break;
    case XOUS_MSG_BLOCKING_SCALAR:
      if (s->id == ID_BLOCKING) {
        check_seq(env.sender, (uint32_t)s->arg1, (uint32_t)s->arg2);
        xous_return_scalar2(env.sender, s->arg2, 3 * s->arg3 + 1);
      } else if (s->id == ID_HOLD && nheld < MAX_HELD) {
        held[nheld++] = env.sender; /* answered by the server's death */
      } else if (s->id == ID_QUERY) {
        struct key *k = key_of(env.sender, (uint32_t)s->arg1);

        xous_return_scalar5(env.sender, k != NULL ? k->last : 0,
                            k != NULL ? k->count : 0, k != NULL ? k->bad : 1,
                            bad_total, messages);
      } else {
        xous_return_scalar1(env.sender, 0);
      }
      break;
    default:
      serve_memory(&env);
      break;
    }
  }
}

/* ==== the checking client ================================================ */

static atomic_bool stop;
static bool soak;
static xous_sid_t server_sid;
static xous_cid_t server_cid;

static void
on_usr1(int sig)
{
  (void)sig;
  atomic_store(&stop, true);
}

static void
say_err(const char *what, xous_error_t err)
{
  printf("%s %lld %s\n", what, now_us(), xous_error_name(err));
}

/* The holder: one call always blocked on the server, in soak mode. */
static void *
holder(void *arg)
{
  (void)arg;
  for (;;) {
    xous_cid_t cid;
    xous_word_t ret[5];
    xous_error_t err = xous_connect(server_sid, &cid);

    if (err == XOUS_OK)
      err = xous_blocking_scalar(cid, ID_HOLD, 0, 0, 0, 0, ret);
    say_err("held-err", err);
    if (err == XOUS_INTERNAL_ERROR)
      return NULL; /* the broker is gone */
  }
}

/* Sends message seq of kind k; XOUS_OK only when the answer checks out. */
static xous_error_t
send_one(char k, uint32_t key, uint32_t seq, xous_buffer_t *page)
{
  xous_word_t ret[5];
  xous_error_t err;
  size_t valid = 64 + seq % 512, off = 0, got = 0, i;
  uint8_t *p;

  switch (k) {
  case 's':
    return xous_scalar(server_cid, ID_SCALAR, key, seq, 0, 0);
  case 'b':
    err = xous_blocking_scalar(server_cid, ID_BLOCKING, key, seq, seq * 5u, 0,
                               ret);
    if (err == XOUS_OK && (ret[0] != seq || ret[1] != 15u * seq + 1))
      return XOUS_INVALID_ARGUMENT;
    return err;
  case 'l':
  case 'm':
  case 'd':
    if (page->page == NULL && (err = xous_buffer_new(MSG_BYTES, page)) != 0)
      return err;
    p = page->page;
    memcpy(p, &key, 4);
    memcpy(p + 4, &seq, 4);
    for (i = 8; i < valid; i++)
      p[i] = pattern(seq, i);
    if (k == 'd') {
      xous_word_t id = ID_SEND;

      err = xous_send(server_cid, id, page->page, page->len, 0, valid);
      if (err == XOUS_OK) {
        page->page = NULL; /* the pages moved */
        page->len = 0;
      }
      return err;
    }
    if (k == 'l')
      err = xous_lend(server_cid, ID_LEND, p, page->len, 0, valid, &off, &got);
    else
      err = xous_lend_mut(server_cid, ID_LEND_MUT, p, page->len, 0, valid,
                          &off, &got);
    if (err != XOUS_OK)
      return err;
    if (off != (seq & 0xffff) || got != valid)
      return XOUS_INVALID_ARGUMENT;
    if (k == 'm')
      for (i = 8; i < valid; i++)
        if ((uint8_t)(p[i] ^ pattern(seq, i)) != 0xff)
          return XOUS_INVALID_ARGUMENT;
    return XOUS_OK;
  default:
    return XOUS_INVALID_ARGUMENT;
  }
}

static int
run_client(const char *name, uint32_t key, unsigned long count,
           const char *kinds)
{
  xous_buffer_t page = { NULL, 0 };
  xous_word_t ret[5];
  xous_error_t err;
  uint32_t seq = 0;
  size_t nk = strlen(kinds);
  unsigned long sent = 0, until = 0;

  if (nk == 0)
    usage();
  signal(SIGUSR1, on_usr1);
  server_sid = sid_of(name);
  err = xous_connect(server_sid, &server_cid);
  if (err != XOUS_OK) {
    printf("connect %s\n", xous_error_name(err));
    return 1;
  }
  if (soak) {
    xous_tid_t tid;

    err = xous_create_thread(holder, NULL, STACK_SIZE, &tid);
    if (err != XOUS_OK) {
      printf("thread %s\n", xous_error_name(err));
      return 1;
    }
  }
  printf("started\n");
  /* Asked to stop, a client that has no count sends one more message of
   * each kind first (not in a soak, whose servers may be gone): so that
   * it has talked after whatever came before the stop, however little
   * it got to run until then. */
  while (count == 0 || sent < count) {
    char k = kinds[sent % nk];

    if (atomic_load(&stop)) {
      if (soak || count != 0)
        break;
      if (until == 0)
        until = sent + nk;
      if (sent >= until)
        break;
    }

    err = send_one(k, key, seq + 1, &page);
    if (err == XOUS_OK) {
      seq++;
      sent++;
      if (seq % 1000 == 0)
        printf("acked %u\n", seq);
      continue;
    }
    if (!soak || err == XOUS_INVALID_ARGUMENT || err == XOUS_INTERNAL_ERROR) {
      printf("FAIL %c seq %u: %s\n", k, seq + 1, xous_error_name(err));
      return 1;
    }
    /* The server died: the message was not acknowledged. Wait for the
     * next server of that name and go on with the same number. */
    say_err("err", err);
    err = xous_connect(server_sid, &server_cid);
    if (err != XOUS_OK) {
      printf("FAIL reconnect: %s\n", xous_error_name(err));
      return 1;
    }
  }
  /* Everything acknowledged was seen once, in order, intact. A query
   * that fails because the server died is asked again of the next one,
   * which has seen nothing of this key: then only the error is checked. */
  for (;;) {
    err = xous_blocking_scalar(server_cid, ID_QUERY, key, 0, 0, 0, ret);
    if (err == XOUS_OK || !soak)
      break;
    say_err("err", err);
    if (xous_connect(server_sid, &server_cid) != XOUS_OK)
      break;
  }
  if (err != XOUS_OK) {
    printf("FAIL query: %s\n", xous_error_name(err));
    return 1;
  }
  if (ret[2] != 0 || (ret[1] != 0 && ret[0] != seq)) {
    printf("FAIL acked %u, server last %lu count %lu bad %lu\n", seq,
           (unsigned long)ret[0], (unsigned long)ret[1],
           (unsigned long)ret[2]);
    return 1;
  }
  printf("ok %u\n", seq);
  return 0;
}

/* ==== small blocking roles ============================================== */

static int
run_small(const char *role, const char *name)
{
  xous_error_t err;
  xous_cid_t cid;

  if (strcmp(role, "receive") == 0) {
    xous_envelope_t env;
    xous_sid_t sid = sid_of(name);

    err = xous_create_server_with_address(sid, &cid);
    if (err == XOUS_OK) {
      printf("ready\n");
      err = xous_receive_message(sid, &env);
    }
  } else if (strcmp(role, "hold") == 0) {
    xous_word_t ret[5];

    err = xous_connect(sid_of(name), &cid);
    if (err == XOUS_OK) {
      printf("ready\n");
      err = xous_blocking_scalar(cid, ID_HOLD, 0, 0, 0, 0, ret);
    }
  } else if (strcmp(role, "connect") == 0) {
    printf("ready\n");
    err = xous_connect(sid_of(name), &cid);
  } else {
    usage();
  }
  printf("%s\n", xous_error_name(err));
  /* The next call too must fail at once, not hang. */
  err = xous_try_connect(sid_of(name), &cid);
  printf("then %s\n", xous_error_name(err));
  return 0;
}

int
main(int argc, char **argv)
{
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc < 2)
    usage();
  if (strcmp(argv[1], "server") == 0 && argc == 3)
    return run_server(argv[2]);
  if (strcmp(argv[1], "client") == 0 && (argc == 6 || argc == 7)) {
    soak = argc == 7 && strcmp(argv[6], "soak") == 0;
    return run_client(argv[2], (uint32_t)strtoul(argv[3], NULL, 0),
                      strtoul(argv[4], NULL, 0), argv[5]);
  }
  if (strcmp(argv[1], "pid") == 0 && argc == 2) {
    xous_sid_t sid;
    xous_error_t err = xous_create_server_id(&sid);

    /* Joining happens at the first call: its error is what we say. */
    printf("pid %u %s\n", xous_get_process_id(), xous_error_name(err));
    return err == XOUS_OK ? 0 : 1;
  }
  if (argc == 3)
    return run_small(argv[1], argv[2]);
  usage();
}
