/*
 * hosted-peer: the client side of the Xous hosted-mode TCP protocol
 * (XOUS-WIRE.md section 7), written from the specification, as a Rust
 * program built with the xous crate for the host speaks it. It joins with
 * XOUS_SERVER, XOUS_PID and XOUS_PROCESS_KEY from the environment.
 *
 *   hosted-peer ROLE ARGS...
 *
 * Every result is one line on stdout (line buffered). libxous is linked
 * only for the names of errors: every call goes over TCP.
 *
 * Roles:
 *   pid                        prints "pid P tid T"
 *   echo-server NAME16 [rarn]  serves the echo protocol of xtest-peer (ids
 *                              1, 2, 3, 5, 8, 7, 99) and memory: a
 *                              MutableBorrow has its first `valid` bytes
 *                              (all when 0) upper-cased and is returned
 *                              with offset 0 and that count as valid; a
 *                              Borrow is returned with offset = the sum
 *                              of its bytes & 0xffff; a Move prints
 *                              "moved LEN SUM". Prints "ready". With
 *                              rarn, answers with ReplyAndReceiveNext.
 *   client NAME16 call ID [A1..A4]   "ERR r0 r1 r2 r3 r4"
 *   client NAME16 scalars N    N Scalars id 7, then BlockingScalar id 1
 *                              (1,2,3,4): "sum S"
 *   client NAME16 lend-mut TEXT     "ERR TEXT' offset valid"
 *   client NAME16 lend TEXT         "ERR offset valid same|changed"
 *   client NAME16 move N            "ERR" (N bytes of 'm')
 *   client NAME16 quit         Scalar id 99: "sent"
 *   blocked-client NAME16 [ID [ARG]]  "connected", then the error name
 *                              of one BlockingScalar
 *   threads NAME16 N           N threads, each of its own TID (made up
 *                              first, as Rust std threads do), 50
 *                              BlockingScalars each: "threads ok"
 *   tids N                     N CreateThreads: "tids GIVEN"
 *   memcalls                   the calls a hosted client answers for
 *                              itself or the kernel fakes: one line each
 *                              ("map ok", "unmap Ok", "flags Ok",
 *                              "tid ok", "yield Ok", "limit 2 32")
 *   terminate CODE             TerminateProcess, which is never answered:
 *                              "connection ended" when the socket closes
 *   hello                      drives examples/hello: "sum S", "uptime"
 *   upper TEXT                 drives examples/upper: "upper TEXT'"
 *   counter ADD                finds examples/counter through xous-names
 *                              (BlockingConnect, as Rust std does),
 *                              adds ADD and prints "counter VALUE"
 *   fault garbage|short|huge|tid-zero|tid-wide|made-up-tid|bad-tid|
 *         zero-lend|unknown-call|stray-return|stray-reply|lend-nowhere|
 *         move-nowhere
 *                              breaks the protocol (see role_fault())
 *   bad-key                    shows a wrong key: "closed" when the
 *                              listener closes the connection
 *   shutdown                   Shutdown: "shutdown ERR"
 *   bench MODE NAME16 N        timing for bench/bench_hosted.c: MODE rtt
 *                              (BlockingScalar id 1), scalar (Scalar id 2,
 *                              then BlockingScalar id 1), lend4k or
 *                              lend1m (MutableBorrow id 4), or first (the
 *                              time from main() to the first answer);
 *                              prints "ns PER-OPERATION"
 *
 * Exit status: 0 done, 1 a call failed, 2 the connection ended, 64 usage.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <xous.h>
#include <xous/names.h>

#include "../support/peer.h"
#include "tools/monotonic.h"
#include "xousd/hosted_frame.h"

#define MAX_BOX 128 /* TIDs 0..63 and made-up TIDs 65536..65599 */
#define HELLO_NAME "hello-example-sv"
#define UPPER_NAME "upper-example-sv"

const char *const peer_prog = "hosted-peer";
static double started_ns;
static int sock = -1;
static pthread_mutex_t write_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t box_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t box_cond = PTHREAD_COND_INITIALIZER;
static unsigned next_fake;
static _Atomic bool end_expected; /* the main thread waits for the end */
static bool ended;                /* the reader saw the end (box_lock) */

/* What a thread waits for: its answer, and the bytes that come with it. */
struct box {
  bool waiting, done;
  uint64_t r[8];
  uint8_t *lend; /* a lend's buffer, read back into */
  size_t lend_len;
  uint8_t *env_bytes; /* an envelope's memory, malloc'd */
  size_t env_len;
};
static struct box boxes[MAX_BOX];

static double
now_ns(void)
{
  return (double)monotonic_ns();
}

static _Noreturn void
usage(void)
{
  fprintf(stderr,
          "usage: %s ROLE ARGS... (see the comment at the top of "
          "tests/helpers/hosted-peer.c)\n",
          peer_prog);
  exit(64);
}

static int
box_index(uint64_t tid)
{
  if (tid < 64)
    return (int)tid;
  if (tid >= XOUS_HOSTED_FAKE_TID && tid < XOUS_HOSTED_FAKE_TID + 64)
    return (int)(64 + tid - XOUS_HOSTED_FAKE_TID);
  return -1;
}

/* ---- the stream ------------------------------------------------------- */

static _Noreturn void
say_connection_ended(void)
{
  static atomic_flag said = ATOMIC_FLAG_INIT;

  /* The reader and a caller may both see the end: one line, one exit. */
  if (atomic_flag_test_and_set(&said))
    for (;;)
      pause();
  printf("connection ended\n");
  fflush(stdout);
  _exit(2);
}

/* The reader's view of the end. With nobody waiting the end is the main
 * thread's to see: it may be printing the last answer, or about to make
 * the call the end answers; `ended` tells that call not to wait. */
static void
connection_ended_in_reader(void)
{
  bool waiting;

  pthread_mutex_lock(&box_lock);
  ended = true;
  waiting = false;
  for (int i = 0; i < MAX_BOX; i++)
    waiting |= boxes[i].waiting && !boxes[i].done;
  pthread_cond_broadcast(&box_cond);
  pthread_mutex_unlock(&box_lock);
  if (end_expected || waiting)
    say_connection_ended();
  pthread_exit(NULL);
}

/* The one reader, as xous-rs has: each answer goes to its TID's box. */
static void *
reader(void *arg)
{
  (void)arg;
  for (;;) {
    uint8_t raw[XOUS_HOSTED_HEADER_BYTES];
    struct xous_hosted_frame f;
    struct box *b;
    uint64_t len;
    int i;

    if (xous__hosted_read_all(sock, raw, sizeof raw) != 0)
      connection_ended_in_reader();
    xous__hosted_decode(raw, &f);
    i = box_index(f.tid);
    pthread_mutex_lock(&box_lock);
    b = i >= 0 ? &boxes[i] : NULL;
    if (b == NULL || !b->waiting) {
      fprintf(stderr, "%s: an answer for tid %llu, which asked nothing\n",
              peer_prog, (unsigned long long)f.tid);
      exit(3);
    }
    pthread_mutex_unlock(&box_lock);
    if (xous__hosted_envelope_payload(f.w, &len) != 0) {
      fprintf(stderr, "%s: an envelope of %llu bytes\n", peer_prog,
              (unsigned long long)len);
      exit(3);
    }
    if (len > 0) {
      b->env_bytes = malloc((size_t)len);
      b->env_len = (size_t)len;
      if (b->env_bytes == NULL ||
          xous__hosted_read_all(sock, b->env_bytes, (size_t)len) != 0)
        connection_ended_in_reader();
    }
    /* A lend's bytes follow any answer but RetryCall. */
    if (b->lend != NULL && f.w[0] != XOUS_RESULT_RETRY_CALL &&
        xous__hosted_read_all(sock, b->lend, b->lend_len) != 0)
      connection_ended_in_reader();
    pthread_mutex_lock(&box_lock);
    memcpy(b->r, f.w, sizeof b->r);
    b->done = true;
    pthread_cond_broadcast(&box_cond);
    pthread_mutex_unlock(&box_lock);
  }
  return NULL;
}

/* One call: the words and payload out, the answer in. For a lend, back
 * (len bytes) receives the buffer as it comes back. *env gets an
 * envelope's bytes (malloc'd) when there are any. RetryCall is retried
 * after 5 ms, payload included, as xous-rs does. */
static void
call(uint64_t tid, const uint64_t w[8], const void *payload, size_t len,
     void *back, uint64_t r[8], uint8_t **env, size_t *env_len)
{
  int i = box_index(tid);
  struct box *b = &boxes[i];

  for (;;) {
    struct xous_hosted_frame f = { .tid = tid };
    uint8_t raw[XOUS_HOSTED_HEADER_BYTES];

    memcpy(f.w, w, sizeof f.w);
    xous__hosted_encode(&f, raw);
    pthread_mutex_lock(&box_lock);
    b->waiting = true;
    b->done = false;
    b->lend = back;
    b->lend_len = back != NULL ? len : 0;
    b->env_bytes = NULL;
    b->env_len = 0;
    pthread_mutex_unlock(&box_lock);
    pthread_mutex_lock(&write_lock);
    if (xous__hosted_write_all(sock, raw, sizeof raw) != 0 ||
        (len > 0 && xous__hosted_write_all(sock, payload, len) != 0))
      say_connection_ended();
    pthread_mutex_unlock(&write_lock);
    pthread_mutex_lock(&box_lock);
    while (!b->done && !ended)
      pthread_cond_wait(&box_cond, &box_lock);
    if (!b->done)
      say_connection_ended();
    b->waiting = false;
    memcpy(r, b->r, 8 * sizeof r[0]);
    pthread_mutex_unlock(&box_lock);
    if (r[0] != XOUS_RESULT_RETRY_CALL)
      break;
    nanosleep(&(struct timespec){ 0, 5000000 }, NULL);
  }
  if (env != NULL) {
    *env = b->env_bytes;
    *env_len = b->env_len;
  } else {
    free(b->env_bytes);
  }
}

static void
call_words(uint64_t tid, const uint64_t w[8], uint64_t r[8])
{
  call(tid, w, NULL, 0, NULL, r, NULL, NULL);
}

static const char *
result_name(const uint64_t r[8])
{
  return r[0] == XOUS_RESULT_ERROR ? xous_error_name((xous_error_t)r[1])
                                   : "NoError";
}

/* A TID for this thread, asked for under a made-up one. */
static uint64_t
new_tid(void)
{
  uint64_t w[8] = { XOUS_SYSCALL_CREATE_THREAD }, r[8];
  unsigned k = __atomic_fetch_add(&next_fake, 1, __ATOMIC_SEQ_CST);

  call_words(XOUS_HOSTED_FAKE_TID + k, w, r);
  if (r[0] != XOUS_RESULT_THREAD_ID || box_index(r[1]) < 0 || r[1] >= 64) {
    fprintf(stderr, "%s: CreateThread answered %llu %llu\n", peer_prog,
            (unsigned long long)r[0], (unsigned long long)r[1]);
    exit(1);
  }
  return r[1];
}

/* ---- joining ---------------------------------------------------------- */

static int
hex_digit(char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static void
dial(void)
{
  const char *server = getenv("XOUS_SERVER");
  char host[128];
  const char *colon;
  struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
  int one = 1;

  if (server == NULL || (colon = strrchr(server, ':')) == NULL ||
      (size_t)(colon - server) >= sizeof host) {
    fprintf(stderr, "%s: XOUS_SERVER must be HOST:PORT\n", peer_prog);
    exit(64);
  }
  memcpy(host, server, (size_t)(colon - server));
  host[colon - server] = '\0';
  if (host[0] == '[') {
    memmove(host, host + 1, strlen(host));
    host[strlen(host) - 1] = '\0';
  }
  if (getaddrinfo(host, colon + 1, &hints, &ai) != 0) {
    fprintf(stderr, "%s: cannot resolve %s\n", peer_prog, server);
    exit(64);
  }
  sock = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (sock < 0 || connect(sock, ai->ai_addr, ai->ai_addrlen) != 0) {
    fprintf(stderr, "%s: cannot connect to %s: %s\n", peer_prog, server,
            strerror(errno));
    exit(2);
  }
  freeaddrinfo(ai);
  setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

/* The handshake: the key out, the PID byte in, which must be ours. */
static void
join(void)
{
  const char *key = getenv("XOUS_PROCESS_KEY"), *pid = getenv("XOUS_PID");
  uint8_t k[XOUS_HOSTED_KEY_BYTES], got;
  pthread_t t;

  if (key == NULL || strlen(key) != 32 || pid == NULL) {
    fprintf(stderr,
            "%s: needs XOUS_PROCESS_KEY (32 hex digits) and "
            "XOUS_PID\n",
            peer_prog);
    exit(64);
  }
  for (int i = 0; i < 16; i++) {
    int hi = hex_digit(key[2 * i]), lo = hex_digit(key[2 * i + 1]);

    if (hi < 0 || lo < 0)
      usage();
    k[i] = (uint8_t)(hi << 4 | lo);
  }
  dial();
  if (xous__hosted_write_all(sock, k, sizeof k) != 0 ||
      xous__hosted_read_all(sock, &got, 1) != 0) {
    printf("closed\n");
    exit(2);
  }
  if (got != (uint8_t)atoi(pid)) {
    fprintf(stderr, "%s: PID %u, expected %s\n", peer_prog, got, pid);
    exit(1);
  }
  pthread_create(&t, NULL, reader, NULL);
  pthread_detach(t);
}

/* ---- helpers ---------------------------------------------------------- */

static void
sid_words(const char *name, uint64_t w[4])
{
  xous_sid_t sid;

  if (strlen(name) != 16) {
    fprintf(stderr, "%s: a name must be 16 bytes: '%s'\n", peer_prog, name);
    exit(64);
  }
  sid = xous_sid_from_name(name);
  for (int i = 0; i < 4; i++)
    w[i] = sid.w[i];
}

static uint64_t
connect_to(uint64_t tid, const char *name)
{
  uint64_t w[8] = { XOUS_SYSCALL_CONNECT }, r[8];

  sid_words(name, &w[1]);
  call_words(tid, w, r);
  if (r[0] != XOUS_RESULT_CONNECTION_ID) {
    fprintf(stderr, "%s: connect: %s\n", peer_prog, result_name(r));
    exit(1);
  }
  return r[1];
}

static uint64_t
number(const char *s)
{
  char *end;
  unsigned long long v = strtoull(s, &end, 0);

  if (*s == '\0' || *end != '\0')
    usage();
  return v;
}

static void
blocking_scalar(uint64_t tid, uint64_t cid, uint64_t id, const uint64_t a[4],
                uint64_t r[8])
{
  uint64_t w[8] = { XOUS_SYSCALL_SEND_MESSAGE,
                    cid,
                    XOUS_MSG_BLOCKING_SCALAR,
                    id,
                    a[0],
                    a[1],
                    a[2],
                    a[3] };

  call_words(tid, w, r);
}

static void
scalar(uint64_t tid, uint64_t cid, uint64_t id, uint64_t a1)
{
  uint64_t w[8] = { XOUS_SYSCALL_SEND_MESSAGE, cid, XOUS_MSG_SCALAR, id, a1 },
           r[8];

  call_words(tid, w, r);
  if (r[0] == XOUS_RESULT_ERROR) {
    fprintf(stderr, "%s: scalar: %s\n", peer_prog, result_name(r));
    exit(1);
  }
}

/* A memory message of len bytes from buf; back gets a lend's bytes. */
static void
send_memory(uint64_t tid, uint64_t cid, unsigned kind, uint64_t id,
            const void *buf, size_t len, uint64_t valid, void *back,
            uint64_t r[8])
{
  /* The address word is the client's own and means nothing to the
   * kernel: any nonzero value, as a Rust pointer would be. */
  uint64_t w[8] = { XOUS_SYSCALL_SEND_MESSAGE, cid, kind, id,
                    (uint64_t)(uintptr_t)buf,  len, 0,    valid };

  call(tid, w, buf, len, kind == XOUS_MSG_SEND ? NULL : back, r, NULL, NULL);
}

/* A call without arguments, from a new thread: *r its answer; the
 * thread's TID. */
static uint64_t
call_alone(uint64_t number, uint64_t r[8])
{
  uint64_t tid = new_tid(), w[8] = { number };

  call_words(tid, w, r);
  return tid;
}

/* ---- roles -------------------------------------------------------------- */

static int
role_pid(int argc, char **argv)
{
  uint64_t r[8], tid = call_alone(XOUS_SYSCALL_GET_PROCESS_ID, r);

  (void)argc;
  (void)argv;
  printf("pid %llu tid %llu\n", (unsigned long long)r[1],
         (unsigned long long)tid);
  return 0;
}

static void
upper_bytes(uint8_t *p, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (p[i] >= 'a' && p[i] <= 'z')
      p[i] = (uint8_t)(p[i] - 'a' + 'A');
}

/* The answer to one received message: the words of a ReturnScalar or
 * ReturnMemory (w[0] 0 when none is due), and for memory the bytes. */
static void
echo_answer(const uint64_t e[8], uint8_t *bytes, size_t len, uint64_t w[8])
{
  uint64_t kind = e[2], id = e[3], sender = e[1];

  memset(w, 0, 8 * sizeof w[0]);
  if (kind == 0 || kind == 1) { /* MutableBorrow, Borrow */
    uint64_t valid = e[7] != 0 && e[7] < len ? e[7] : len, sum = 0;

    if (kind == 0)
      upper_bytes(bytes, (size_t)valid);
    for (size_t i = 0; i < len; i++)
      sum += bytes[i];
    w[0] = XOUS_SYSCALL_RETURN_MEMORY;
    w[1] = sender;
    w[2] = e[4];
    w[3] = len;
    w[4] = kind == 0 ? 0 : (sum & 0xffff);
    w[5] = valid;
    return;
  }
  if (kind == 2) { /* Move */
    uint64_t sum = 0;

    for (size_t i = 0; i < len; i++)
      sum += bytes[i];
    printf("moved %zu %llu\n", len, (unsigned long long)sum);
    return;
  }
  if (id == 99)
    exit(0);
  if (kind == 3) { /* Scalar */
    if (id == 7)
      printf("scalar %llu\n", (unsigned long long)e[4]);
    return;
  }
  w[1] = sender;
  switch (id) {
  case 1:
    w[0] = XOUS_SYSCALL_RETURN_SCALAR1;
    w[2] = e[4] + e[5] + e[6] + e[7];
    break;
  case 2:
    w[0] = XOUS_SYSCALL_RETURN_SCALAR2;
    w[2] = e[4];
    w[3] = e[5];
    break;
  case 5:
    w[0] = XOUS_SYSCALL_RETURN_SCALAR5;
    w[2] = e[4];
    w[3] = e[5];
    w[4] = e[6];
    w[5] = e[7];
    w[6] = id;
    break;
  case 8:
    w[0] = XOUS_SYSCALL_RETURN_SCALAR1;
    w[2] = (sender >> 24) & 0xff;
    break;
  case 3: /* held without an answer */
    printf("held %llu\n", (unsigned long long)e[4]);
    w[1] = 0;
    break;
  default:
    w[0] = XOUS_SYSCALL_RETURN_SCALAR1;
    break;
  }
}

static int
role_echo_server(int argc, char **argv)
{
  uint64_t tid, w[8] = { XOUS_SYSCALL_CREATE_SERVER_WITH_ADDRESS }, r[8];
  uint64_t sid[4];
  bool rarn = argc > 1 && strcmp(argv[1], "rarn") == 0;
  uint8_t *bytes = NULL;
  size_t len = 0;

  if (argc < 1)
    usage();
  tid = new_tid();
  sid_words(argv[0], sid);
  memcpy(&w[1], sid, sizeof sid);
  call_words(tid, w, r);
  if (r[0] != XOUS_RESULT_NEW_SERVER_ID) {
    fprintf(stderr, "%s: create server: %s\n", peer_prog, result_name(r));
    return 1;
  }
  printf("ready\n");
  memset(w, 0, sizeof w);
  w[0] = XOUS_SYSCALL_RECEIVE_MESSAGE;
  memcpy(&w[1], sid, sizeof sid);
  call(tid, w, NULL, 0, NULL, r, &bytes, &len);
  for (;;) {
    uint64_t a[8], e[8];

    if (r[0] != XOUS_RESULT_MESSAGE_ENVELOPE) {
      fprintf(stderr, "%s: receive: %s\n", peer_prog, result_name(r));
      return 1;
    }
    memcpy(e, r, sizeof e);
    echo_answer(e, bytes, len, a);
    if (a[0] == 0 || !rarn) {
      if (a[0] != 0) {
        call(tid, a, bytes, a[0] == XOUS_SYSCALL_RETURN_MEMORY ? len : 0, NULL,
             r, NULL, NULL);
        if (r[0] == XOUS_RESULT_ERROR)
          fprintf(stderr, "%s: reply: %s\n", peer_prog, result_name(r));
      }
      free(bytes);
      bytes = NULL;
      len = 0;
      memset(w, 0, sizeof w);
      w[0] = XOUS_SYSCALL_RECEIVE_MESSAGE;
      memcpy(&w[1], sid, sizeof sid);
      call(tid, w, NULL, 0, NULL, r, &bytes, &len);
      continue;
    }
    /* ReplyAndReceiveNext(sender, a0..a4, how many | all ones) */
    {
      uint64_t n[8] = { XOUS_SYSCALL_REPLY_AND_RECEIVE_NEXT, a[1] };
      uint8_t *old = bytes;
      size_t old_len = len;

      if (a[0] == XOUS_SYSCALL_RETURN_MEMORY) {
        n[2] = e[3]; /* id */
        n[3] = a[2]; /* addr */
        n[4] = a[3]; /* len */
        n[5] = a[4]; /* offset */
        n[6] = a[5]; /* valid */
        n[7] = XOUS_HOSTED_REPLY_MEMORY;
      } else if (a[0] == XOUS_SYSCALL_RETURN_SCALAR5) {
        /* Scalar5 takes a2..a6; Scalar1 and 2 take a3 (and a4), with
         * the message's id in a2, as xous-rs fills them. */
        memcpy(&n[2], &a[2], 5 * sizeof n[0]);
        n[7] = 5;
      } else {
        n[2] = e[3];
        n[3] = a[2];
        n[4] = a[3];
        n[7] = a[0] == XOUS_SYSCALL_RETURN_SCALAR1 ? 1 : 2;
      }
      bytes = NULL;
      len = 0;
      call(tid, n, old, a[0] == XOUS_SYSCALL_RETURN_MEMORY ? old_len : 0, NULL,
           r, &bytes, &len);
      free(old);
    }
  }
}

static int
role_client(int argc, char **argv)
{
  uint64_t tid, cid, r[8];

  if (argc < 2)
    usage();
  tid = new_tid();
  cid = connect_to(tid, argv[0]);
  if (strcmp(argv[1], "call") == 0) {
    uint64_t a[4] = { 0 };

    if (argc < 3 || argc > 7)
      usage();
    for (int i = 3; i < argc; i++)
      a[i - 3] = number(argv[i]);
    blocking_scalar(tid, cid, number(argv[2]), a, r);
    if (r[0] == XOUS_RESULT_ERROR)
      memset(&r[1], 0, 7 * sizeof r[1]);
    printf("%s %llu %llu %llu %llu %llu\n", result_name(r),
           (unsigned long long)r[1], (unsigned long long)r[2],
           (unsigned long long)r[3], (unsigned long long)r[4],
           (unsigned long long)r[5]);
    return r[0] == XOUS_RESULT_ERROR;
  }
  if (strcmp(argv[1], "scalars") == 0 && argc == 3) {
    uint64_t n = number(argv[2]), a[4] = { 1, 2, 3, 4 };

    for (uint64_t i = 0; i < n; i++)
      scalar(tid, cid, 7, i);
    blocking_scalar(tid, cid, 1, a, r);
    printf("sum %llu\n", (unsigned long long)r[1]);
    return 0;
  }
  if ((strcmp(argv[1], "lend-mut") == 0 || strcmp(argv[1], "lend") == 0) &&
      argc == 3) {
    bool mut = argv[1][4] == '-';
    size_t len = strlen(argv[2]);
    char *buf = strdup(argv[2]), *back = calloc(1, len + 1);

    send_memory(tid, cid, mut ? XOUS_MSG_LEND_MUT : XOUS_MSG_LEND, 1, buf, len,
                len, back, r);
    if (mut)
      printf("%s %s %llu %llu\n", result_name(r), back,
             (unsigned long long)r[1], (unsigned long long)r[2]);
    else
      printf("%s %llu %llu %s\n", result_name(r), (unsigned long long)r[1],
             (unsigned long long)r[2],
             memcmp(buf, back, len) == 0 ? "same" : "changed");
    free(buf);
    free(back);
    return 0;
  }
  if (strcmp(argv[1], "move") == 0 && argc == 3) {
    size_t len = (size_t)number(argv[2]);
    char *buf = malloc(len);

    memset(buf, 'm', len);
    send_memory(tid, cid, XOUS_MSG_SEND, 1, buf, len, len, NULL, r);
    printf("%s\n", result_name(r));
    free(buf);
    return 0;
  }
  if (strcmp(argv[1], "quit") == 0 && argc == 2) {
    scalar(tid, cid, 99, 0);
    printf("sent\n");
    return 0;
  }
  usage();
}

static int
role_blocked_client(int argc, char **argv)
{
  uint64_t tid, cid, r[8], a[4] = { 0 };

  if (argc < 1 || argc > 3)
    usage();
  a[0] = argc >= 3 ? number(argv[2]) : 0;
  tid = new_tid();
  cid = connect_to(tid, argv[0]);
  printf("connected\n");
  blocking_scalar(tid, cid, argc >= 2 ? number(argv[1]) : 1, a, r);
  printf("%s\n", result_name(r));
  return 0;
}

struct thread_arg {
  const char *name;
  int bad;
};

static void *
thread_main(void *p)
{
  struct thread_arg *ta = p;
  uint64_t tid = new_tid(), cid = connect_to(tid, ta->name), r[8];

  for (uint64_t i = 0; i < 50; i++) {
    uint64_t a[4] = { tid, i, 0, 0 };

    blocking_scalar(tid, cid, 1, a, r);
    if (r[0] != XOUS_RESULT_SCALAR1 || r[1] != tid + i)
      __atomic_add_fetch(&ta->bad, 1, __ATOMIC_SEQ_CST);
  }
  return NULL;
}

static int
role_threads(int argc, char **argv)
{
  pthread_t t[16];
  struct thread_arg ta = { .name = argv[0] };
  unsigned n;

  if (argc != 2 || (n = (unsigned)number(argv[1])) == 0 || n > 16)
    usage();
  for (unsigned i = 0; i < n; i++)
    pthread_create(&t[i], NULL, thread_main, &ta);
  for (unsigned i = 0; i < n; i++)
    pthread_join(t[i], NULL);
  printf(ta.bad == 0 ? "threads ok\n" : "threads bad %d\n", ta.bad);
  return ta.bad != 0;
}

static int
role_tids(int argc, char **argv)
{
  unsigned n, given = 0;

  if (argc != 1 || (n = (unsigned)number(argv[0])) == 0 || n > 60)
    usage();
  for (unsigned i = 0; i < n; i++) {
    uint64_t w[8] = { XOUS_SYSCALL_CREATE_THREAD }, r[8];

    call_words(XOUS_HOSTED_FAKE_TID + i, w, r);
    given += r[0] == XOUS_RESULT_THREAD_ID;
  }
  printf("tids %u\n", given);
  return 0;
}

static int
role_hello(int argc, char **argv)
{
  uint64_t tid = new_tid(), cid = connect_to(tid, HELLO_NAME), r[8];
  uint64_t a[4] = { 2, 3, 4, 5 }, none[4] = { 0 };

  (void)argc;
  (void)argv;
  blocking_scalar(tid, cid, 1, a, r); /* HELLO_ADD */
  printf("sum %llu\n", (unsigned long long)r[1]);
  scalar(tid, cid, 2, 7);                /* HELLO_GREET */
  blocking_scalar(tid, cid, 3, none, r); /* HELLO_UPTIME */
  printf("uptime %llu from %llu\n", (unsigned long long)r[1],
         (unsigned long long)r[2]);
  return 0;
}

static int
role_upper(int argc, char **argv)
{
  uint64_t tid, cid, r[8];
  size_t len;
  char *buf, *back;

  if (argc != 1)
    usage();
  tid = new_tid();
  cid = connect_to(tid, UPPER_NAME);
  len = strlen(argv[0]);
  buf = strdup(argv[0]);
  back = calloc(1, len + 1);
  send_memory(tid, cid, XOUS_MSG_LEND_MUT, 1, buf, len, len, back, r);
  if (r[0] == XOUS_RESULT_ERROR)
    printf("upper %s\n", result_name(r));
  else
    printf("upper %.*s\n", (int)(r[2] <= len ? r[2] : len), back);
  free(buf);
  free(back);
  return r[0] == XOUS_RESULT_ERROR;
}

static const char *
tag_name(uint64_t tag)
{
  return tag == XOUS_RESULT_OK      ? "Ok"
         : tag == XOUS_RESULT_ERROR ? "Error"
                                    : "other";
}

static int
role_memcalls(int argc, char **argv)
{
  uint64_t tid = new_tid(), r[8];
  uint64_t map[8] = { XOUS_SYSCALL_MAP_MEMORY, 0, 0, 3 * 4096,
                      XOUS_MEM_R | XOUS_MEM_W };
  uint64_t unmap[8] = { XOUS_SYSCALL_UNMAP_MEMORY, 0x7000000, 4096 };
  uint64_t flags[8] = { XOUS_SYSCALL_UPDATE_MEMORY_FLAGS, 0x7000000, 4096,
                        XOUS_MEM_R };
  uint64_t gtid[8] = { XOUS_SYSCALL_GET_THREAD_ID };
  uint64_t yield[8] = { XOUS_SYSCALL_YIELD };
  uint64_t limit[8] = { XOUS_SYSCALL_ADJUST_PROCESS_LIMIT,
                        XOUS_LIMIT_CONNECTIONS, 0, 0 };

  (void)argc;
  (void)argv;
  /* MapMemory: any nonzero page-aligned range of the size asked. */
  call_words(tid, map, r);
  printf("map %s\n", r[0] == XOUS_RESULT_MEMORY_RANGE && r[1] != 0 &&
                             r[1] % 4096 == 0 && r[2] == 3 * 4096
                         ? "ok"
                         : "bad");
  call_words(tid, unmap, r);
  printf("unmap %s\n", tag_name(r[0]));
  call_words(tid, flags, r);
  printf("flags %s\n", tag_name(r[0]));
  call_words(tid, gtid, r);
  printf("tid %s\n",
         r[0] == XOUS_RESULT_THREAD_ID && r[1] == tid ? "ok" : "bad");
  call_words(tid, yield, r);
  printf("yield %s\n", tag_name(r[0]));
  call_words(tid, limit, r);
  printf("limit %llu %llu\n", (unsigned long long)r[1],
         (unsigned long long)r[2]);
  return 0;
}

static int
role_terminate(int argc, char **argv)
{
  uint64_t tid = new_tid(), r[8];
  uint64_t w[8] = { XOUS_SYSCALL_TERMINATE_PROCESS };

  if (argc != 1)
    usage();
  w[1] = number(argv[0]);
  call_words(tid, w, r); /* the reader ends the process at the close */
  printf("answered %llu\n", (unsigned long long)r[0]);
  return 1;
}

static int
role_counter(int argc, char **argv)
{
  uint64_t tid, names, cid, r[8], a[4] = { 0 };
  static uint8_t page[XOUS_PAGE_SIZE], back[XOUS_PAGE_SIZE];
  uint32_t answer[2];

  if (argc != 1)
    usage();
  tid = new_tid();
  names = connect_to(tid, XOUS_NAMES_SERVER_NAME);
  /* Rust std's connect(): BlockingConnect with the raw page, the name at
   * 0 and its length at 64, valid = the length; the answer comes back in
   * place (0 and the CID). */
  memset(page, 0, sizeof page);
  memcpy(page, "counter", 7);
  page[XOUS_NAMES_CONNECT_LEN_OFFSET] = 7;
  send_memory(tid, names, XOUS_MSG_LEND_MUT, XOUS_NAMES_OP_BLOCKING_CONNECT,
              page, sizeof page, 7, back, r);
  memcpy(answer, back, sizeof answer);
  if (r[0] != XOUS_RESULT_MEMORY_RETURNED || answer[0] != 0 ||
      answer[1] == 0) {
    printf("counter lookup %s %lu %lu\n", result_name(r),
           (unsigned long)answer[0], (unsigned long)answer[1]);
    return 1;
  }
  cid = answer[1];
  a[0] = number(argv[0]);
  blocking_scalar(tid, cid, 3, a, r); /* COUNTER_ADD_AND_GET */
  printf("counter %llu\n", (unsigned long long)r[1]);
  return r[0] != XOUS_RESULT_SCALAR1;
}

/* Breaks the protocol in one way; prints what came back, if anything. */
static int
role_fault(int argc, char **argv)
{
  uint64_t tid, r[8];

  if (argc != 1)
    usage();
  tid = new_tid();
  end_expected = strcmp(argv[0], "garbage") == 0 ||
                 strcmp(argv[0], "short") == 0 ||
                 strcmp(argv[0], "huge") == 0 ||
                 strcmp(argv[0], "tid-zero") == 0 ||
                 strcmp(argv[0], "tid-wide") == 0 ||
                 strcmp(argv[0], "made-up-tid") == 0;
  if (strcmp(argv[0], "garbage") == 0) {
    /* Bytes that are no frame: a huge lend length among them. */
    uint8_t junk[256];

    for (size_t i = 0; i < sizeof junk; i++)
      junk[i] = (uint8_t)(i * 37 + 11);
    memset(junk + 16, 0xff, 40);
    xous__hosted_write_all(sock, junk, sizeof junk);
  } else if (strcmp(argv[0], "short") == 0) {
    uint8_t raw[XOUS_HOSTED_HEADER_BYTES] = { 0 };

    xous__hosted_write_all(sock, raw, 30); /* then silence, then the end */
    shutdown(sock, SHUT_WR);
  } else if (strcmp(argv[0], "huge") == 0) {
    struct xous_hosted_frame f = { .tid = tid };
    uint8_t raw[XOUS_HOSTED_HEADER_BYTES];

    f.w[0] = XOUS_SYSCALL_SEND_MESSAGE;
    f.w[1] = 2;
    f.w[2] = XOUS_MSG_LEND_MUT;
    f.w[5] = (uint64_t)XOUS_HOSTED_PAYLOAD_MAX + 1;
    xous__hosted_encode(&f, raw);
    xous__hosted_write_all(sock, raw, sizeof raw);
  } else if (strcmp(argv[0], "tid-zero") == 0 ||
             strcmp(argv[0], "tid-wide") == 0 ||
             strcmp(argv[0], "made-up-tid") == 0) {
    /* A call under TID 0, a TID past 32 bits, or a made-up TID asking for
     * anything but a TID: frames no client sends. */
    struct xous_hosted_frame f = { .tid = 0 };
    uint8_t raw[XOUS_HOSTED_HEADER_BYTES];

    if (strcmp(argv[0], "tid-wide") == 0)
      f.tid = (uint64_t)1 << 32 | tid;
    else if (strcmp(argv[0], "made-up-tid") == 0)
      f.tid = XOUS_HOSTED_FAKE_TID + 77;
    f.w[0] = XOUS_SYSCALL_GET_PROCESS_ID;
    xous__hosted_encode(&f, raw);
    xous__hosted_write_all(sock, raw, sizeof raw);
  } else if (strcmp(argv[0], "bad-tid") == 0) {
    /* A TID never given: an error answer, the stream goes on. */
    uint64_t w[8] = { XOUS_SYSCALL_GET_PROCESS_ID };

    call_words(40, w, r);
    printf("bad-tid %s\n", result_name(r));
    call_words(tid, w, r);
    printf("after %s\n", result_name(r));
    return 0;
  } else if (strcmp(argv[0], "zero-lend") == 0) {
    /* A lend of nothing (MemoryRange::new would refuse it). */
    uint64_t
        w[8] = { XOUS_SYSCALL_SEND_MESSAGE, 2, XOUS_MSG_LEND, 1, 4096, 0 },
        g[8] = { XOUS_SYSCALL_GET_PROCESS_ID };
    uint8_t none[1];

    call(tid, w, NULL, 0, none, r, NULL, NULL);
    printf("zero-lend %s\n", result_name(r));
    call_words(tid, g, r);
    printf("after %s\n", result_name(r));
    return 0;
  } else if (strcmp(argv[0], "stray-return") == 0 ||
             strcmp(argv[0], "stray-reply") == 0) {
    /* A ReturnMemory, or a ReplyAndReceiveNext with memory, for a lend
     * nobody made: its payload is still read, an error comes back, and
     * the stream goes on. */
    uint64_t w[8] = { XOUS_SYSCALL_RETURN_MEMORY, 0x02010005, 0x1000, 100 },
             g[8] = { XOUS_SYSCALL_GET_PROCESS_ID };
    uint8_t bytes[100];

    if (strcmp(argv[0], "stray-reply") == 0) {
      uint64_t rr[8] = { XOUS_SYSCALL_REPLY_AND_RECEIVE_NEXT,
                         0x02010005,
                         7,
                         0x1000,
                         100,
                         0,
                         0,
                         XOUS_HOSTED_REPLY_MEMORY };

      memcpy(w, rr, sizeof w);
    }
    memset(bytes, 0x5a, sizeof bytes);
    call(tid, w, bytes, sizeof bytes, NULL, r, NULL, NULL);
    printf("%s %s\n", argv[0], result_name(r));
    call_words(tid, g, r);
    printf("after %s\n", result_name(r));
    return 0;
  } else if (strcmp(argv[0], "lend-nowhere") == 0 ||
             strcmp(argv[0], "move-nowhere") == 0) {
    /* A Borrow or a Move of 100 bytes on a CID never connected: an error;
     * the Borrow's bytes come back as they went, the Move's not at all. */
    bool lend = strcmp(argv[0], "lend-nowhere") == 0;
    uint64_t w[8] = { XOUS_SYSCALL_SEND_MESSAGE,
                      30,
                      lend ? XOUS_MSG_LEND : XOUS_MSG_SEND,
                      1,
                      0x1000,
                      100 },
             g[8] = { XOUS_SYSCALL_GET_PROCESS_ID };
    uint8_t bytes[100], back[100];

    for (size_t i = 0; i < sizeof bytes; i++)
      bytes[i] = (uint8_t)(i * 7 + 1);
    memset(back, 0, sizeof back);
    call(tid, w, bytes, sizeof bytes, lend ? back : NULL, r, NULL, NULL);
    printf("%s %s%s\n", argv[0], result_name(r),
           !lend || memcmp(back, bytes, sizeof back) == 0 ? " bytes whole"
                                                          : " bytes changed");
    call_words(tid, g, r);
    printf("after %s\n", result_name(r));
    return 0;
  } else if (strcmp(argv[0], "unknown-call") == 0) {
    uint64_t w[8] = { 200, 1, 2, 3 }, g[8] = { XOUS_SYSCALL_GET_PROCESS_ID };

    call_words(tid, w, r);
    printf("unknown %s\n", result_name(r));
    call_words(tid, g, r);
    printf("after %s\n", result_name(r));
    return 0;
  } else {
    usage();
  }
  /* The listener must end this connection: wait for it. */
  for (;;)
    pause();
}

static int
role_bad_key(void)
{
  uint8_t k[XOUS_HOSTED_KEY_BYTES], got;

  memset(k, 0x5a, sizeof k);
  dial();
  if (xous__hosted_write_all(sock, k, sizeof k) == 0 &&
      xous__hosted_read_all(sock, &got, 1) != 0) {
    printf("closed\n");
    return 0;
  }
  printf("answered %u\n", got);
  return 1;
}

static int
role_shutdown(int argc, char **argv)
{
  uint64_t r[8];

  (void)argc;
  (void)argv;
  call_alone(XOUS_SYSCALL_SHUTDOWN, r);
  printf("shutdown %s\n", result_name(r));
  return 0;
}

/* ---- timing, for bench/ -------------------------------------------------- */

/* bench rtt|scalar|lend4k|lend1m NAME16 N: prints "ns PER-OPERATION". */
static int
role_bench(int argc, char **argv)
{
  uint64_t tid, cid, r[8], n, a[4] = { 1, 2, 3, 4 };
  size_t len = 0;
  uint8_t *buf = NULL, *back = NULL;
  double t0;

  if (argc != 3)
    usage();
  tid = new_tid();
  cid = connect_to(tid, argv[1]);
  if (strcmp(argv[0], "first") == 0) {
    /* From the start of main() to the first answer of a server. */
    blocking_scalar(tid, cid, 1, a, r);
    printf("ns %.0f\n", now_ns() - started_ns);
    return 0;
  }
  n = number(argv[2]);
  if (strcmp(argv[0], "lend4k") == 0)
    len = 4096;
  else if (strcmp(argv[0], "lend1m") == 0)
    len = 1 << 20;
  if (len > 0) {
    buf = calloc(1, len);
    back = malloc(len);
  }
  blocking_scalar(tid, cid, 1, a, r); /* warm */
  t0 = now_ns();
  for (uint64_t i = 0; i < n; i++) {
    if (strcmp(argv[0], "rtt") == 0)
      blocking_scalar(tid, cid, 1, a, r);
    else if (strcmp(argv[0], "scalar") == 0)
      scalar(tid, cid, 2, i);
    else if (len > 0)
      send_memory(tid, cid, XOUS_MSG_LEND_MUT, 4, buf, len, len, back, r);
    else
      usage();
  }
  if (strcmp(argv[0], "scalar") == 0)
    blocking_scalar(tid, cid, 1, a, r); /* all taken */
  printf("ns %.0f\n", (now_ns() - t0) / (double)n);
  free(buf);
  free(back);
  return 0;
}

/* The roles that join the system first, by name. */
static const struct peer_role roles[] = {
  { "pid", role_pid },           { "echo-server", role_echo_server },
  { "client", role_client },     { "blocked-client", role_blocked_client },
  { "threads", role_threads },   { "hello", role_hello },
  { "memcalls", role_memcalls }, { "terminate", role_terminate },
  { "counter", role_counter },   { "tids", role_tids },
  { "upper", role_upper },       { "fault", role_fault },
  { "shutdown", role_shutdown }, { "bench", role_bench },
};

int
main(int argc, char **argv)
{
  const struct peer_role *role;

  started_ns = now_ns();
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc >= 2 && strcmp(argv[1], "bad-key") == 0)
    return role_bad_key();
  role = peer_role_of(roles, sizeof roles / sizeof roles[0], argc, argv,
                      usage);
  join();
  return role->run(argc - 2, argv + 2);
}
