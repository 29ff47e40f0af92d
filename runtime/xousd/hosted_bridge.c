/*
 * xous-hosted: one Rust Xous program, connected over TCP in the Xous
 * hosted-mode protocol, as a process of a xous-posix system.
 *
 * xousd accepts the TCP connection, checks its key, answers its PID and
 * starts this program with the socket as descriptor 3. From then on this
 * process IS that Xous process for the broker: it joined with libxous as
 * any native process does (the broker knows it by its OS pid and gives it
 * the PID reserved for the key), so every call the Rust program makes is
 * decided by the same authority as a C program's, and its messages go
 * through the same rings. What the protocol cannot carry, shared memory,
 * is made here: the bytes of a lend are read into memory of our own that
 * we lend on (the server maps those pages), and what comes back is
 * written to the socket.
 *
 * Threads: a pool whose threads take turns at the socket, each making
 * and answering the call it read (see the pool below); a blocked call
 * blocks only the thread making it. Replies go out whole, one frame at a
 * time, under one lock.
 *
 * Lifetimes:
 *  1. The process lives as long as the TCP connection: at its end (or at
 *     anything the protocol does not allow) we exit, and the broker sees
 *     the process die, as for any native process.
 *  2. A lend's memory is ours from the frame that brings it until its
 *     answer has been written back.
 *  3. Memory a client lent to our server (a received lend) stays mapped
 *     until the program returns it; a Move received is unmapped once its
 *     bytes are sent, since the program has its own copy.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <xous.h>

#include "config.h"
#include "core/abi.h"
#include "core/internal.h"
#include "hosted/internal.h"
#include "hosted/wire.h"
#include "xousd/hosted_frame.h"

#define SOCK_FD 3
/* TIDs given out: 1 is taken at connect, as by the Xous hosted kernel,
 * and threads get 2 up to this: 28 threads, since each needs a thread of
 * ours making its calls, and one more reads the socket, within the 29
 * threads (XOUS_MAX_THREADS) that this process has, as any. */
#define MAX_TID (XOUS_MAX_THREADS)
/* Received lends the program has not returned yet. */
#define MAX_HELD XOUS_QUEUE_DEPTH
#define FAKE_ADDR 0x40000000ull /* MapMemory's answer: the client ignores it */

/* One call of a client thread, read from the socket. */
struct call {
  uint32_t tid;
  uint64_t w[8];
  uint8_t *payload; /* malloc'd, the bytes after the words, or NULL */
  size_t payload_len;
};

/* A lend a client made to our server, mapped here, until it is returned. */
struct held {
  bool used;
  xous_sender_t sender;
  uintptr_t addr;
  size_t len;
  xous_word_t kind; /* XOUS_MSG_LEND_MUT or XOUS_MSG_LEND */
};

/* Lends here are whole pages. So that a hosted server sees a hosted
 * client's own length, as the Xous hosted kernel would show it, the bytes
 * after a lend's last byte end with a mark: the broker's random secret
 * (XOUS_HOSTED_MARK, given to every bridge) and the length. A server of
 * another kind sees the mark as bytes past the end; one that forges it
 * shortens only what its own server is shown. */
#define MARK_BYTES 16
static uint8_t mark[8];
static bool have_mark;

static pthread_mutex_t write_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
/* Held while a received lend's pages are read or written here. Their
 * order is already the message's (a return follows the envelope, and
 * pages returned can come back mapped at the same address in the next
 * envelope), but it runs through the server and the kernel's mappings,
 * which ThreadSanitizer does not see: the lock shows it. */
static pthread_mutex_t lent_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned next_tid = 2;
static struct held held[MAX_HELD];

static void
die_quietly(void)
{
  /* The connection is the process: its end is our death, which the
   * broker handles as any process's. */
  _exit(0);
}

static void
page_round(size_t *len)
{
  *len = (*len + XOUS_PAGE_SIZE - 1) / XOUS_PAGE_SIZE * XOUS_PAGE_SIZE;
}

/* ---- the socket --------------------------------------------------------- */

/* Writes one reply: its words, then len bytes of data (may be NULL for
 * none). A frame is never split by another's. */
static void
reply(uint64_t tid, const uint64_t r[8], const void *data, size_t len)
{
  struct xous_hosted_frame f = { .tid = tid };
  uint8_t raw[XOUS_HOSTED_HEADER_BYTES];
  struct iovec iov[2] = { { raw, sizeof raw }, { (void *)data, len } };
  int n = data != NULL && len > 0 ? 2 : 1;

  /* Once xousd is gone every call answers InternalError; to the program
   * the kernel has ended, and a hosted kernel that ends closes its
   * connections without a last answer. */
  if (xous__result_error(r) == XOUS_INTERNAL_ERROR && !xous__broker_alive())
    die_quietly();
  memcpy(f.w, r, sizeof f.w);
  xous__hosted_encode(&f, raw);
  pthread_mutex_lock(&write_lock);
  while (n > 0) {
    ssize_t k = writev(SOCK_FD, iov, n);

    if (k < 0 && errno == EINTR)
      continue;
    if (k < 0)
      die_quietly(); /* the client is gone */
    while (n > 0 && (size_t)k >= iov[0].iov_len) {
      k -= (ssize_t)iov[0].iov_len;
      iov[0] = iov[1];
      n--;
    }
    if (n > 0) {
      iov[0].iov_base = (uint8_t *)iov[0].iov_base + k;
      iov[0].iov_len -= (size_t)k;
    }
  }
  pthread_mutex_unlock(&write_lock);
}

static void
reply_words(uint64_t tid, xous_word_t tag, xous_word_t w1, xous_word_t w2)
{
  xous_word_t r[8];

  xous__result_set2(r, tag, w1, w2);
  reply(tid, r, NULL, 0);
}

static void
reply_error(uint64_t tid, xous_error_t err)
{
  reply_words(tid, XOUS_RESULT_ERROR, xous__error_word(err), 0);
}

/* ---- received lends --------------------------------------------------- */

static void
hold(xous_sender_t sender, uintptr_t addr, size_t len, xous_word_t kind)
{
  pthread_mutex_lock(&table_lock);
  for (unsigned i = 0; i < MAX_HELD; i++)
    if (!held[i].used) {
      held[i] = (struct held){ true, sender, addr, len, kind };
      break;
    }
  pthread_mutex_unlock(&table_lock);
}

static bool
unhold(xous_sender_t sender, struct held *out)
{
  bool found = false;

  pthread_mutex_lock(&table_lock);
  for (unsigned i = 0; i < MAX_HELD && !found; i++)
    if (held[i].used && held[i].sender == sender) {
      *out = held[i];
      held[i].used = false;
      found = true;
    }
  pthread_mutex_unlock(&table_lock);
  return found;
}

static void
read_mark(void)
{
  const char *env = getenv("XOUS_HOSTED_MARK");

  if (env == NULL || strlen(env) != 2 * sizeof mark)
    return;
  for (size_t i = 0; i < sizeof mark; i++) {
    unsigned v;

    if (sscanf(env + 2 * i, "%2x", &v) != 1)
      return;
    mark[i] = (uint8_t)v;
  }
  have_mark = true;
}

/* Writes the mark of a lend of len bytes at the end of its mapped pages
 * (mapped bytes, with room for it). */
static void
put_mark(uint8_t *pages, size_t mapped, size_t len)
{
  uint64_t v = len;

  memcpy(pages + mapped - MARK_BYTES, mark, sizeof mark);
  for (int i = 0; i < 8; i++, v >>= 8)
    pages[mapped - 8 + i] = (uint8_t)v;
}

/* The length a hosted client lent, when the pages carry its mark, else
 * their whole length. */
static size_t
marked_length(const uint8_t *pages, size_t mapped)
{
  uint64_t v = 0;

  /* SAFETY: the lender wrote these bytes; a length is believed only
   * inside the pages and within their last two, where a mark is put. */
  if (!have_mark || mapped < MARK_BYTES ||
      memcmp(pages + mapped - MARK_BYTES, mark, sizeof mark) != 0)
    return mapped;
  for (int i = 7; i >= 0; i--)
    v = (v << 8) | pages[mapped - 8 + i];
  if (v == 0 || v > mapped - MARK_BYTES ||
      mapped - v > 2 * (size_t)XOUS_PAGE_SIZE)
    return mapped;
  return (size_t)v;
}

/* Sends a result that may be a message: an envelope of a memory kind
 * carries the bytes received, and a lend is remembered for its return. */
static void
reply_envelope(uint64_t tid, xous_word_t r[8])
{
  struct xous__envelope e;
  uint64_t len;
  uintptr_t addr;
  size_t mapped;

  if (!xous__result_is_envelope(r) ||
      !xous__is_memory((e = xous__envelope_of(r)).kind)) {
    reply(tid, r, NULL, 0);
    return;
  }
  addr = e.msg.mem.addr;
  mapped = (size_t)e.msg.mem.len;
  if (xous__hosted_envelope_payload(r, &len) != 0 || addr == 0) {
    /* Memory we could not map, or more than the protocol may carry. */
    reply_error(tid, XOUS_INTERNAL_ERROR);
    return;
  }
  if (xous__is_blocking(e.kind))
    hold(e.sender, addr, mapped, e.kind);
  /* The program sees the length its lender lent, when another hosted
   * program lent it; the pages stay whole here. */
  pthread_mutex_lock(&lent_lock);
  e.msg.mem.len = marked_length((const uint8_t *)addr, mapped);
  {
    xous_word_t words[8];

    xous__envelope_words(&e, words);
    reply(tid, words, (const void *)addr, (size_t)e.msg.mem.len);
  }
  pthread_mutex_unlock(&lent_lock);
  if (e.kind == XOUS_MSG_SEND) {
    /* A Move: the program has the bytes; ours can go. */
    xous_range_t range = { (void *)addr, mapped };

    (void)xous_unmap_memory(range);
  }
}

/* ReturnMemory, or ReplyAndReceiveNext with memory: the program's bytes
 * go into the pages it was lent, then the answer goes to the lender. */
static void
return_memory(struct call *wk, struct xous__answer ans, bool and_receive)
{
  struct held h;
  xous_word_t a[8], r[8] = { 0 };

  if (!unhold(ans.sender, &h)) {
    /* No lend waits for this answer: the kernel's return_memory says
     * DoubleFree, for an empty slot as for a BlockingScalar's. */
    reply_error(wk->tid, XOUS_DOUBLE_FREE);
    return;
  }
  /* SAFETY: at most the length lent is copied, whatever the frame said;
   * a Borrow's pages are read-only here, and its bytes are dropped. */
  if (h.kind == XOUS_MSG_LEND_MUT && wk->payload != NULL) {
    pthread_mutex_lock(&lent_lock);
    memcpy((void *)h.addr, wk->payload,
           wk->payload_len < h.len ? wk->payload_len : h.len);
    pthread_mutex_unlock(&lent_lock);
  }
  ans.addr = h.addr;
  ans.len = h.len;
  if (and_receive)
    xous__answer_reply_words(&ans, a);
  else
    xous__answer_return_words(&ans, a);
  xous_syscall(a, r);
  if (xous__result_is_error(r) &&
      xous__error_from_word(xous__result_error_word(r)) == XOUS_BAD_ADDRESS)
    hold(h.sender, h.addr, h.len, h.kind); /* still ours */
  reply_envelope(wk->tid, r);
}

/* SendMessage or TrySendMessage of a lend or a Move: the bytes go into
 * memory of ours, which is what is lent; what comes back is written back.
 */
static void
send_memory(struct call *wk, struct xous__send_args m)
{
  size_t len = wk->payload_len, mapped = len;
  xous_range_t range;
  xous_word_t a[8], r[8] = { 0 };
  bool lend = xous__is_blocking(m.kind);
  xous_error_t err;

  if (len == 0) {
    /* A range of nothing does not decode, as the kernel's from_args. */
    reply_error(wk->tid, XOUS_UNHANDLED_SYSCALL);
    return;
  }
  page_round(&mapped);
  if (have_mark && mapped != len && mapped - len < MARK_BYTES)
    mapped += XOUS_PAGE_SIZE; /* room for the mark */
  err = xous_map_memory(0, 0, mapped, XOUS_MEM_R | XOUS_MEM_W, &range);
  if (err != XOUS_OK) {
    xous__result_set1(r, XOUS_RESULT_ERROR, xous__error_word(err));
  } else {
    memcpy(range.addr, wk->payload, len);
    if (have_mark && mapped != len)
      put_mark(range.addr, mapped, len);
    /* A lend here is of whole pages: the server sees the length rounded
     * up, zeroes past the client's bytes. */
    m.msg.mem.addr = (xous_word_t)range.addr;
    m.msg.mem.len = mapped;
    xous__send_args_words(&m, a);
    xous_syscall(a, r);
  }
  if (lend) {
    /* Whatever the answer, the client reads its buffer back: the
     * server's bytes for a MutableBorrow, the original ones for a
     * Borrow and after a failure, so the stream stays whole. */
    const void *back = m.kind == XOUS_MSG_LEND_MUT && err == XOUS_OK &&
                               !xous__result_is_error(r)
                           ? range.addr
                           : wk->payload;

    reply(wk->tid, r, back, len);
  } else {
    reply(wk->tid, r, NULL, 0);
  }
  /* A Move that went is the server's now; anything else is ours. */
  if (err == XOUS_OK && (lend || xous__result_is_error(r)))
    (void)xous_unmap_memory(range);
}

/* One call of a client thread, made by a thread of the pool. */
static void
run_call(struct call *wk)
{
  xous_word_t *a = wk->w, r[8] = { 0 };

  switch (xous__call_number(a)) {
  case XOUS_SYSCALL_MAP_MEMORY: {
    /* The client maps its own memory and ignores the range. */
    xous_word_t size = xous__map_args_of(a).size;

    reply_words(wk->tid, XOUS_RESULT_MEMORY_RANGE, FAKE_ADDR,
                size != 0 ? size : XOUS_PAGE_SIZE);
    return;
  }
  case XOUS_SYSCALL_UNMAP_MEMORY:
  case XOUS_SYSCALL_UPDATE_MEMORY_FLAGS:
  case XOUS_SYSCALL_YIELD:
  case XOUS_SYSCALL_WAIT_EVENT:
  case XOUS_SYSCALL_JOIN_THREAD:
    reply_words(wk->tid, XOUS_RESULT_OK, 0, 0);
    return;
  case XOUS_SYSCALL_INCREASE_HEAP:
  case XOUS_SYSCALL_DECREASE_HEAP:
  case XOUS_SYSCALL_CREATE_PROCESS:
    /* A hosted program uses the host's allocator, and its children are
     * started by xous-run, not by a call. */
    reply_error(wk->tid, XOUS_UNHANDLED_SYSCALL);
    return;
  case XOUS_SYSCALL_GET_THREAD_ID:
    reply_words(wk->tid, XOUS_RESULT_THREAD_ID, wk->tid, 0);
    return;
  case XOUS_SYSCALL_TERMINATE_PROCESS:
    /* Never answered: the process is gone. */
    _exit((int)(xous__arg1(a) & 0xff));
  case XOUS_SYSCALL_SHUTDOWN:
    /* The broker's end (PR_SET_PDEATHSIG) must not take us before the
     * client has its Ok. */
    signal(SIGTERM, SIG_IGN);
    xous_syscall(a, r);
    reply(wk->tid, r, NULL, 0);
    if (!xous__result_is_error(r))
      die_quietly(); /* the system ends: the client sees its socket close */
    return;
  case XOUS_SYSCALL_SEND_MESSAGE:
  case XOUS_SYSCALL_TRY_SEND_MESSAGE: {
    struct xous__send_args m = xous__send_args_of(a);

    if (xous__is_memory(m.kind)) {
      send_memory(wk, m);
      return;
    }
    break;
  }
  case XOUS_SYSCALL_RETURN_MEMORY:
    return_memory(wk, xous__answer_of_return(a), false);
    return;
  case XOUS_SYSCALL_REPLY_AND_RECEIVE_NEXT:
    if (xous__reply_type(a) == XOUS_HOSTED_REPLY_MEMORY) {
      /* The protocol's memory sentinel is usize::MAX; ours is
       * XOUS_REPLY_MEMORY. */
      xous__reply_set_type(a, XOUS_REPLY_MEMORY);
      return_memory(wk, xous__answer_of_reply(a), true);
      return;
    }
    break;
  default:
    break;
  }
  xous_syscall(a, r);
  reply_envelope(wk->tid, r);
}

/* ---- the reader --------------------------------------------------------- */

/* A TID for a thread that asks for one; 0 when all are given. */
static uint32_t
new_tid(void)
{
  uint32_t tid;

  pthread_mutex_lock(&table_lock);
  tid = next_tid <= MAX_TID ? next_tid++ : 0;
  pthread_mutex_unlock(&table_lock);
  return tid;
}

static bool
tid_given(uint64_t tid)
{
  bool given;

  pthread_mutex_lock(&table_lock);
  given = tid >= 1 && tid < next_tid && tid <= MAX_TID;
  pthread_mutex_unlock(&table_lock);
  return given;
}

/* A call that cannot be made: its error, and for a lend the bytes the
 * client will read back. */
static void
refuse(const struct xous_hosted_frame *f, const uint8_t *payload, size_t len,
       xous_error_t err)
{
  xous_word_t r[8];

  xous__result_set1(r, XOUS_RESULT_ERROR, xous__error_word(err));
  reply(f->tid, r, xous__hosted_is_lend(f->w) ? payload : NULL,
        xous__hosted_is_lend(f->w) ? len : 0);
}

/* ---- the pool -------------------------------------------------------- */

/* The thread that reads a call makes it and answers it, and then reads
 * the next, so that a round trip wakes one thread of ours for the
 * request (the client's write wakes it in its read, as it would wake a
 * reader of its own) and the same one for the server's answer; none is
 * woken to hand the socket on. While the reader makes its call the
 * others may read: the socket is in an epoll set of ours, armed
 * (EPOLLONESHOT) only while no thread holds it, and they wait in
 * epoll_wait, which wakes one of them when a frame comes, none when the
 * reader takes the socket back first. A thread is added when none is
 * left waiting, up to one per TID given plus SPARE: each TID has one
 * call at a time, so one more to read is enough, and it keeps us within
 * our XOUS_MAX_THREADS threads (each of ours has a libxous TID of its
 * own). The first SPARE + 1 are started, and introduced to the broker,
 * before the connection comes, so that making a thread is not in the way
 * of the program's first calls. */
#define SPARE 2
static unsigned
pool_cap(void)
{
  unsigned given;

  pthread_mutex_lock(&table_lock);
  given = next_tid - 1; /* TID 1 and those from CreateThread */
  pthread_mutex_unlock(&table_lock);
  return given + SPARE < XOUS_MAX_THREADS ? given + SPARE : XOUS_MAX_THREADS;
}

static int frames = -1; /* the epoll set of the socket */
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static bool reading = true;  /* a thread holds the socket; the first does */
static unsigned idle;        /* threads waiting for a frame */
static unsigned threads = 1; /* of the pool, started or starting */

static void *pool_main(void *arg);

/* Starts a thread of the pool, counted in threads already. */
static void
pool_add(void)
{
  pthread_t t;

  if (pthread_create(&t, NULL, pool_main, NULL) == 0) {
    pthread_detach(t);
    return;
  }
  pthread_mutex_lock(&pool_lock);
  threads--;
  pthread_mutex_unlock(&pool_lock);
}

/* Sets what wakes a waiting thread: a frame (EPOLLIN), or nothing but
 * the connection's end. Always EPOLLONESHOT: whatever woke one thread
 * wakes no other until the socket is let go again. */
static void
arm(int op, uint32_t events)
{
  struct epoll_event ev = { .events = events | EPOLLONESHOT };

  if (epoll_ctl(frames, op, SOCK_FD, &ev) != 0)
    die_quietly();
}

/* Lets the socket go while this thread makes its call: the next frame
 * wakes a waiting thread. True when none is waiting, and a thread may
 * be added (counted in threads already). */
static bool
let_go(void)
{
  bool grow;

  pthread_mutex_lock(&pool_lock);
  reading = false;
  arm(EPOLL_CTL_MOD, EPOLLIN);
  grow = idle == 0 && threads < pool_cap();
  if (grow)
    threads++;
  pthread_mutex_unlock(&pool_lock);
  return grow;
}

/* Takes the socket back after a call, unless another thread took it
 * meanwhile. Returns whether it did. */
static bool
take_back(void)
{
  bool mine;

  pthread_mutex_lock(&pool_lock);
  mine = !reading;
  if (mine) {
    reading = true;
    arm(EPOLL_CTL_MOD, 0);
  }
  pthread_mutex_unlock(&pool_lock);
  return mine;
}

/* Waits until this thread holds the socket: a frame came while no thread
 * held it. */
static void
wait_turn(void)
{
  bool mine = false;

  while (!mine) {
    struct epoll_event ev;
    int n;

    pthread_mutex_lock(&pool_lock);
    idle++;
    pthread_mutex_unlock(&pool_lock);
    do
      n = epoll_wait(frames, &ev, 1, -1);
    while (n < 0 && errno == EINTR);
    if (n < 0)
      die_quietly();
    pthread_mutex_lock(&pool_lock);
    idle--;
    /* Woken for nothing when the holder took it back first. */
    if (!reading) {
      reading = true;
      mine = true;
    }
    pthread_mutex_unlock(&pool_lock);
  }
}

/* Reads frames until one is a call for a thread of ours to make;
 * CreateThread and refusals are answered on the way. */
static void
read_call(struct call *c)
{
  for (;;) {
    uint8_t raw[XOUS_HOSTED_HEADER_BYTES];
    struct xous_hosted_frame f;
    enum xous_hosted_verdict verdict;
    uint8_t *payload = NULL;
    uint64_t len;

    if (xous__hosted_read_all(SOCK_FD, raw, sizeof raw) != 0)
      die_quietly();
    /* SAFETY: the nine words are copied out once; the payload length
     * they imply is bounded before anything is allocated. */
    xous__hosted_decode(raw, &f);
    verdict = xous__hosted_classify(&f, &len);
    if (verdict == XOUS_HOSTED_CLOSE) {
      fprintf(stderr,
              "xous-hosted: a frame no client sends (tid %llu, call "
              "%llu, %llu payload bytes; at most %u): closing\n",
              (unsigned long long)f.tid,
              (unsigned long long)xous__call_number(f.w),
              (unsigned long long)len, XOUS_HOSTED_PAYLOAD_MAX);
      die_quietly();
    }
    if (len > 0) {
      payload = malloc((size_t)len);
      if (payload == NULL ||
          xous__hosted_read_all(SOCK_FD, payload, (size_t)len) != 0)
        die_quietly();
    }
    if (verdict == XOUS_HOSTED_NEW_THREAD) {
      /* From a thread that has no TID yet (a made-up one) or from a
       * parent: either way a new TID, answered to the asker. */
      uint32_t tid = new_tid();

      free(payload);
      if (tid == 0)
        reply_error(f.tid, XOUS_THREAD_NOT_AVAILABLE);
      else
        reply_words(f.tid, XOUS_RESULT_THREAD_ID, tid, 0);
      continue;
    }
    if (!tid_given(f.tid)) {
      refuse(&f, payload, (size_t)len, XOUS_THREAD_NOT_AVAILABLE);
      free(payload);
      continue;
    }
    c->tid = (uint32_t)f.tid;
    memcpy(c->w, f.w, sizeof c->w);
    c->payload = payload;
    c->payload_len = (size_t)len;
    return;
  }
}

static void *
pool_main(void *arg)
{
  bool mine = arg != NULL; /* the first thread starts with the socket */

  /* Our thread socket to the broker now, not at our first call. */
  xous__thread_attach(xous__tid());
  for (;;) {
    struct call c;

    if (!mine)
      wait_turn();
    read_call(&c);
    if (let_go())
      pool_add();
    run_call(&c);
    free(c.payload);
    mine = take_back();
  }
  return NULL;
}

/* Waits on the hand-over socket (descriptor 3) for the connection and
 * puts it in its place. Returns 0, or -1 when none came. */
static int
take_connection(void)
{
  struct xous_wire_frame f; /* only its size matters: one byte comes */
  long n;
  int fd = -1;

  do
    n = xous__wire_recv(SOCK_FD, &f, sizeof f, &fd);
  while (n == -EINTR);
  if (n <= 0 || fd < 0) {
    if (fd >= 0)
      close(fd);
    return -1;
  }
  /* SAFETY: the broker's datagram; all we keep is the descriptor, which
   * must be a stream socket to be read as one. */
  {
    int type;
    socklen_t tlen = sizeof type;

    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tlen) != 0 ||
        type != SOCK_STREAM || dup2(fd, SOCK_FD) != SOCK_FD) {
      close(fd);
      return -1;
    }
  }
  close(fd);
  return 0;
}

int
main(int argc, char **argv)
{
  if (argc > 1 && strcmp(argv[1], "--version") == 0) {
    printf("xous-hosted %s\n", PACKAGE_VERSION);
    return 0;
  }
  if (argc > 1 && strcmp(argv[1], "--help") == 0) {
    printf("usage: xous-hosted\n"
           "\n"
           "Started by xousd for each Rust program that joins over the Xous\n"
           "hosted-mode protocol, with its TCP connection as descriptor 3;\n"
           "not meant to be run by hand (see xousd(8), --hosted).\n");
    return 0;
  }
  if (argc > 1) {
    fprintf(stderr, "xous-hosted: no arguments (try --help)\n");
    return 2;
  }
  /* The broker's end is ours: when it goes, so do we, and the client
   * sees its connection close. */
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  signal(SIGPIPE, SIG_IGN);
  read_mark();
  {
    int type;
    socklen_t tlen = sizeof type;

    if (getsockopt(SOCK_FD, SOL_SOCKET, SO_TYPE, &type, &tlen) != 0 ||
        (type != SOCK_STREAM && type != SOCK_SEQPACKET)) {
      fprintf(stderr, "xous-hosted: descriptor 3 is not a connection "
                      "(this program is started by xousd)\n");
      return 2;
    }
    /* Join the broker now, so that the process exists before its
     * program's first call, and start the pool's first threads, which
     * wait for the connection's first frames. */
    if (xous_get_process_id() == 0)
      return 1;
    frames = epoll_create1(EPOLL_CLOEXEC);
    if (frames < 0)
      return 1;
    xous__thread_attach(xous__tid());
    /* What a first wait for an answer would look up (the CPUs, the
     * load), looked up now. */
    (void)xous__spin_ns();
    (void)xous__cpus_taken();
    pthread_mutex_lock(&pool_lock);
    threads += SPARE;
    pthread_mutex_unlock(&pool_lock);
    for (unsigned i = 0; i < SPARE; i++)
      pool_add();
    /* The hand-over socket: the connection comes on it once the program
     * has shown its key; its end without one is the reservation's. */
    if (type == SOCK_SEQPACKET && take_connection() != 0)
      return 0;
  }
  arm(EPOLL_CTL_ADD, 0);
  pool_main(&frames);
  return 0;
}
