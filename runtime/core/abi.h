/*
 * The eight words of a syscall and of its result, decoded once.
 *
 * The public wrappers (messages.c, servers.c, ...) encode each call into
 * eight words and xous_syscall() hands them to a backend; every reader of
 * those words (the hosted backend, the broker, the emulator) goes through
 * this file and nothing else: one typed struct per call, one per result,
 * one sender word with its accessors. ABI.md §1-3 is the reference for
 * every layout below; the word numbers appear here and nowhere else.
 *
 * Private to the runtime: not installed, and free of any host header, so
 * that the rv32 build can use it too.
 */
#ifndef XOUS_CORE_ABI_H
#define XOUS_CORE_ABI_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <xous.h>

/* ---- message kinds -------------------------------------------------------- */

/* A SendMessage kind (1..5) that carries memory: the lends and Send. */
static inline bool
xous__is_memory(xous_word_t kind)
{
  return kind == XOUS_MSG_LEND_MUT || kind == XOUS_MSG_LEND ||
         kind == XOUS_MSG_SEND;
}

/* A kind whose sender waits for an answer: the lends and BlockingScalar. */
static inline bool
xous__is_blocking(xous_word_t kind)
{
  return kind == XOUS_MSG_LEND_MUT || kind == XOUS_MSG_LEND ||
         kind == XOUS_MSG_BLOCKING_SCALAR;
}

static inline bool
xous__kind_valid(xous_word_t kind)
{
  return kind >= XOUS_MSG_LEND_MUT && kind <= XOUS_MSG_BLOCKING_SCALAR;
}

/* ---- the sender word (MessageSender) ---------------------------------- */

/*
 * What a server gets with a message, and gives back to answer it:
 *   bits 31..24  the client's PID
 *   bits 23..16  the server's index in the kernel's (the broker's) table
 *   bits 15..0   the token: 0 for a message that needs no answer (Scalar,
 *                Send); else the slot that holds the message:
 *     bit 15     set when the broker holds the slot (a relayed message),
 *                clear when the server's own library does (a direct one)
 *     bits 14..7 the slot's generation, 1..XOUS__SENDER_GEN_MAX (it wraps
 *                there, so a stale word is refused, not mistaken)
 *     bits 6..0  the slot number, below XOUS_QUEUE_DEPTH
 * A word with bits above 31 set names nothing.
 */
#define XOUS__SENDER_SLOT_BITS 7
#define XOUS__SENDER_GEN_MAX 255
#define XOUS__SENDER_BROKER 0x8000u

_Static_assert(XOUS_QUEUE_DEPTH <= (1u << XOUS__SENDER_SLOT_BITS),
               "a slot number fits its bits");
_Static_assert((XOUS__SENDER_GEN_MAX << XOUS__SENDER_SLOT_BITS) <
                   XOUS__SENDER_BROKER,
               "a generation stays below the broker bit");

static inline xous_sender_t
xous__sender_make(unsigned pid, unsigned index, unsigned token)
{
  return ((xous_sender_t)(pid & 0xff) << 24) |
         ((xous_sender_t)(index & 0xff) << 16) | (token & 0xffff);
}

static inline unsigned
xous__token_make(bool broker, unsigned gen, unsigned slot)
{
  return (broker ? XOUS__SENDER_BROKER : 0u) |
         (gen << XOUS__SENDER_SLOT_BITS) | slot;
}

static inline unsigned
xous__sender_pid(xous_sender_t s)
{
  return (unsigned)(s >> 24) & 0xff;
}

static inline unsigned
xous__sender_index(xous_sender_t s)
{
  return (unsigned)(s >> 16) & 0xff;
}

static inline unsigned
xous__sender_token(xous_sender_t s)
{
  return (unsigned)s & 0xffff;
}

/* The word without its token: what a message that needs no answer gets. */
static inline xous_sender_t
xous__sender_untokened(xous_sender_t s)
{
  return s & ~(xous_sender_t)0xffff;
}

/* False for a word with bits above 31 (a 64-bit host's words are wider). */
static inline bool
xous__sender_fits(xous_sender_t s)
{
  return ((uint64_t)s >> 32) == 0;
}

static inline bool
xous__token_broker(unsigned token)
{
  return (token & XOUS__SENDER_BROKER) != 0;
}

static inline unsigned
xous__token_gen(unsigned token)
{
  return (token & (XOUS__SENDER_BROKER - 1)) >> XOUS__SENDER_SLOT_BITS;
}

static inline unsigned
xous__token_slot(unsigned token)
{
  return token & ((1u << XOUS__SENDER_SLOT_BITS) - 1);
}

/* The next generation of a slot: 1..XOUS__SENDER_GEN_MAX, never 0. */
static inline uint8_t
xous__gen_next(unsigned gen)
{
  return (uint8_t)(gen >= XOUS__SENDER_GEN_MAX ? 1 : gen + 1);
}

/* ---- a message's body --------------------------------------------------- */

/* The five words after the kind, in SendMessage (a3..a7) and in a
 * MessageEnvelope (a3..a7) alike. */
struct xous__msg {
  xous_word_t id;
  union {
    xous_word_t arg[4]; /* Scalar, BlockingScalar */
    struct {
      xous_word_t addr, len, offset, valid; /* the lends, Send */
    } mem;
  };
};

static inline struct xous__msg
xous__msg_of(const xous_word_t w[5])
{
  struct xous__msg m;

  m.id = w[0];
  for (int i = 0; i < 4; i++)
    m.arg[i] = w[1 + i];
  return m;
}

static inline void
xous__msg_words(const struct xous__msg *m, xous_word_t w[5])
{
  w[0] = m->id;
  for (int i = 0; i < 4; i++)
    w[1 + i] = m->arg[i];
}

/* ---- arguments, one struct per call ------------------------------------ */

static inline xous_word_t
xous__call_number(const xous_word_t a[8])
{
  return a[0];
}

/* Starts the words of call nr, whose first argument is a1: the others 0
 * until the encoder sets them. */
static inline void
xous__words_start(xous_word_t a[8], xous_word_t nr, xous_word_t a1)
{
  a[0] = nr;
  a[1] = a1;
  for (int i = 2; i < 8; i++)
    a[i] = 0;
}

static inline xous_sid_t
xous__sid_of_words(const xous_word_t w[4])
{
  xous_sid_t sid;

  for (int i = 0; i < 4; i++)
    sid.w[i] = (uint32_t)w[i];
  return sid;
}

/* SendMessage, TrySendMessage: CID, kind (1..5), then the body. */
struct xous__send_args {
  bool try_only;
  xous_word_t cid;
  xous_word_t kind;
  struct xous__msg msg;
};

static inline struct xous__send_args
xous__send_args_of(const xous_word_t a[8])
{
  struct xous__send_args s;

  s.try_only = a[0] == XOUS_SYSCALL_TRY_SEND_MESSAGE;
  s.cid = a[1];
  s.kind = a[2];
  s.msg = xous__msg_of(&a[3]);
  return s;
}

static inline void
xous__send_args_words(const struct xous__send_args *s, xous_word_t a[8])
{
  a[0] = s->try_only ? XOUS_SYSCALL_TRY_SEND_MESSAGE
                     : XOUS_SYSCALL_SEND_MESSAGE;
  a[1] = s->cid;
  a[2] = s->kind;
  xous__msg_words(&s->msg, &a[3]);
}

/* Calls that name a server: ReceiveMessage, TryReceiveMessage,
 * CreateServerWithAddress, DestroyServer, Connect, TryConnect (a1..a4);
 * ConnectForProcess puts the PID first (a1) and the SID after it. */
static inline xous_sid_t
xous__sid_arg(const xous_word_t a[8])
{
  return xous__sid_of_words(&a[1]);
}

struct xous__connect_for_args {
  xous_word_t pid;
  xous_sid_t sid;
};

static inline struct xous__connect_for_args
xous__connect_for_args_of(const xous_word_t a[8])
{
  struct xous__connect_for_args c = { a[1], xous__sid_of_words(&a[2]) };

  return c;
}

/* Calls of one word: Disconnect (CID), JoinThread (TID), FreeInterrupt
 * (irq), TerminateProcess (exit code), DecreaseHeap (bytes). */
static inline xous_word_t
xous__arg1(const xous_word_t a[8])
{
  return a[1];
}

/*
 * The calls whose arguments are plain words from a1 on: one struct each,
 * its fields in word order, read by xous__NAME_args_of() and written by
 * xous__NAME_args_words(). A struct of words alone has no padding, so it
 * is copied as the words it lists.
 */
#define XOUS__PLAIN_ARGS(name, ...)                                           \
  struct xous__##name##_args {                                                \
    xous_word_t __VA_ARGS__;                                                  \
  };                                                                          \
  _Static_assert(sizeof(struct xous__##name##_args) % sizeof(xous_word_t) ==  \
                         0 &&                                                 \
                     sizeof(struct xous__##name##_args) <=                    \
                         7 * sizeof(xous_word_t),                             \
                 "the arguments of " #name " are words a1..a7");              \
  static inline struct xous__##name##_args xous__##name##_args_of(            \
      const xous_word_t a[8])                                                 \
  {                                                                           \
    struct xous__##name##_args s;                                             \
                                                                              \
    memcpy(&s, &a[1], sizeof s);                                              \
    return s;                                                                 \
  }                                                                           \
  static inline void                                                          \
      xous__##name##_args_words(const struct xous__##name##_args *s,          \
                                xous_word_t a[8])                             \
  {                                                                           \
    memcpy(&a[1], s, sizeof *s);                                              \
  }

/* MapMemory: phys (0: any), virt (0: the kernel picks), size, flags. */
XOUS__PLAIN_ARGS(map, phys, virt, size, flags)

/* UnmapMemory (addr, len), UpdateMemoryFlags (addr, len, flags, pid: 0 is
 * the caller), IncreaseHeap (len: the bytes, flags). */
XOUS__PLAIN_ARGS(range, addr, len, flags, pid)

/* IncreaseHeap (bytes, flags), DecreaseHeap (bytes). */
XOUS__PLAIN_ARGS(heap, bytes, flags)

/* AdjustProcessLimit: index, expected, proposed. */
XOUS__PLAIN_ARGS(limit, index, expected, proposed)

/* CreateThread: entry, stack base, stack size, arg1..arg4. */
XOUS__PLAIN_ARGS(thread, entry, stack, stack_len, arg[4])

/* ClaimInterrupt: irq, handler, arg. */
XOUS__PLAIN_ARGS(irq, irq, handler, arg)

/* ---- answers: ReturnScalar1/2/5, ReturnMemory, ReplyAndReceiveNext ----- */

/* One answer to a blocking message, whichever call gave it. tag is what
 * the client gets: XOUS_RESULT_SCALAR1/2/5 with v[0..4], or
 * XOUS_RESULT_MEMORY_RETURNED for the range [addr, addr+len) that comes
 * back, with v[0] the offset and v[1] the valid word it carries. */
struct xous__answer {
  xous_sender_t sender;
  xous_word_t tag;
  xous_word_t v[5];
  xous_word_t addr, len;
  xous_word_t id; /* a memory ReplyAndReceiveNext repeats the message's
                   * id in a2; the kernel does not read it */
};

static inline bool
xous__answer_is_memory(const struct xous__answer *ans)
{
  return ans->tag == XOUS_RESULT_MEMORY_RETURNED;
}

/* ReturnScalar1 (sender, v), ReturnScalar2 (sender, v, v), ReturnScalar5
 * (sender, five values), ReturnMemory (sender, addr, len, offset, valid).
 * Another call number is read as ReturnScalar5. */
static inline struct xous__answer
xous__answer_of_return(const xous_word_t a[8])
{
  struct xous__answer ans = { a[1], XOUS_RESULT_SCALAR5, { 0 }, 0, 0, 0 };

  switch (a[0]) {
  case XOUS_SYSCALL_RETURN_SCALAR1:
    ans.tag = XOUS_RESULT_SCALAR1;
    ans.v[0] = a[2];
    break;
  case XOUS_SYSCALL_RETURN_SCALAR2:
    ans.tag = XOUS_RESULT_SCALAR2;
    ans.v[0] = a[2];
    ans.v[1] = a[3];
    break;
  case XOUS_SYSCALL_RETURN_MEMORY:
    ans.tag = XOUS_RESULT_MEMORY_RETURNED;
    ans.addr = a[2];
    ans.len = a[3];
    ans.v[0] = a[4];
    ans.v[1] = a[5];
    break;
  default:
    for (int i = 0; i < 5; i++)
      ans.v[i] = a[2 + i];
    break;
  }
  return ans;
}

/* ReplyAndReceiveNext: sender, a2..a6, type (a7). Type 1 answers
 * Scalar1(a3), 2 Scalar2(a3, a4), XOUS_REPLY_MEMORY gives back the range
 * at a3 (len a4) with offset a5 and valid a6, any other Scalar5(a2..a6). */
static inline struct xous__answer
xous__answer_of_reply(const xous_word_t a[8])
{
  struct xous__answer ans = { a[1], XOUS_RESULT_SCALAR5, { 0 }, 0, 0, 0 };

  if (a[7] == XOUS_REPLY_MEMORY) {
    ans.tag = XOUS_RESULT_MEMORY_RETURNED;
    ans.id = a[2];
    ans.addr = a[3];
    ans.len = a[4];
    ans.v[0] = a[5];
    ans.v[1] = a[6];
  } else if (a[7] == 1) {
    ans.tag = XOUS_RESULT_SCALAR1;
    ans.v[0] = a[3];
  } else if (a[7] == 2) {
    ans.tag = XOUS_RESULT_SCALAR2;
    ans.v[0] = a[3];
    ans.v[1] = a[4];
  } else {
    for (int i = 0; i < 5; i++)
      ans.v[i] = a[2 + i];
  }
  return ans;
}

/* ReplyAndReceiveNext's type word (a7): 1, 2, 5 or XOUS_REPLY_MEMORY;
 * the hosted-mode protocol says usize::MAX for memory, and its bridge
 * puts XOUS_REPLY_MEMORY in its place. */
static inline xous_word_t
xous__reply_type(const xous_word_t a[8])
{
  return a[7];
}

static inline void
xous__reply_set_type(xous_word_t a[8], xous_word_t type)
{
  a[7] = type;
}

/* The Return call that gives this answer (to pass it on to the broker). */
static inline void
xous__answer_return_words(const struct xous__answer *ans, xous_word_t a[8])
{
  xous__words_start(a, 0, ans->sender); /* the number comes with the tag */
  switch (ans->tag) {
  case XOUS_RESULT_SCALAR1:
    a[0] = XOUS_SYSCALL_RETURN_SCALAR1;
    a[2] = ans->v[0];
    break;
  case XOUS_RESULT_SCALAR2:
    a[0] = XOUS_SYSCALL_RETURN_SCALAR2;
    a[2] = ans->v[0];
    a[3] = ans->v[1];
    break;
  case XOUS_RESULT_MEMORY_RETURNED:
    a[0] = XOUS_SYSCALL_RETURN_MEMORY;
    a[2] = ans->addr;
    a[3] = ans->len;
    a[4] = ans->v[0];
    a[5] = ans->v[1];
    break;
  default:
    a[0] = XOUS_SYSCALL_RETURN_SCALAR5;
    for (int i = 0; i < 5; i++)
      a[2 + i] = ans->v[i];
    break;
  }
}

/* The ReplyAndReceiveNext that gives this answer (a2 is the id for a
 * memory answer). */
static inline void
xous__answer_reply_words(const struct xous__answer *ans, xous_word_t a[8])
{
  xous__words_start(a, XOUS_SYSCALL_REPLY_AND_RECEIVE_NEXT, ans->sender);
  switch (ans->tag) {
  case XOUS_RESULT_SCALAR1:
    a[3] = ans->v[0];
    a[7] = 1;
    break;
  case XOUS_RESULT_SCALAR2:
    a[3] = ans->v[0];
    a[4] = ans->v[1];
    a[7] = 2;
    break;
  case XOUS_RESULT_MEMORY_RETURNED:
    a[2] = ans->id;
    a[3] = ans->addr;
    a[4] = ans->len;
    a[5] = ans->v[0];
    a[6] = ans->v[1];
    a[7] = XOUS_REPLY_MEMORY;
    break;
  default:
    for (int i = 0; i < 5; i++)
      a[2 + i] = ans->v[i];
    a[7] = 5;
    break;
  }
}

/* ---- results ------------------------------------------------------------ */

static inline xous_word_t
xous__result_tag(const xous_word_t r[8])
{
  return r[0];
}

static inline bool
xous__result_is_error(const xous_word_t r[8])
{
  return r[0] == XOUS_RESULT_ERROR;
}

/* The raw error word of an Error result (xous__error_from_word decodes). */
static inline xous_word_t
xous__result_error_word(const xous_word_t r[8])
{
  return r[1];
}

/* A result of tag with up to five words after it, the rest 0. */
static inline void
xous__result_set(xous_word_t r[8], xous_word_t tag, xous_word_t w1,
                 xous_word_t w2, xous_word_t w3, xous_word_t w4,
                 xous_word_t w5)
{
  r[0] = tag;
  r[1] = w1;
  r[2] = w2;
  r[3] = w3;
  r[4] = w4;
  r[5] = w5;
  r[6] = 0;
  r[7] = 0;
}

/* The one word after the tag: ThreadID, ProcessID, ConnectionID,
 * Scalar1; the address of a MemoryRange. */
static inline xous_word_t
xous__result_word1(const xous_word_t r[8])
{
  return r[1];
}

/* The second word: Scalar2's second value (AdjustProcessLimit's limit in
 * force), NewProcess's CID. */
static inline xous_word_t
xous__result_word2(const xous_word_t r[8])
{
  return r[2];
}

/* MemoryRange: address, size. */
struct xous__range {
  xous_word_t addr, size;
};

static inline struct xous__range
xous__result_range(const xous_word_t r[8])
{
  struct xous__range m = { r[1], r[2] };

  return m;
}

static inline void
xous__result_set_range(xous_word_t r[8], xous_word_t addr, xous_word_t size)
{
  xous__result_set(r, XOUS_RESULT_MEMORY_RANGE, addr, size, 0, 0, 0);
}

/* Scalar1, ThreadID, ProcessID, ConnectionID: one word. */
static inline void
xous__result_set1(xous_word_t r[8], xous_word_t tag, xous_word_t w1)
{
  xous__result_set(r, tag, w1, 0, 0, 0, 0);
}

/* Scalar2, MemoryReturned: two words. */
static inline void
xous__result_set2(xous_word_t r[8], xous_word_t tag, xous_word_t w1,
                  xous_word_t w2)
{
  xous__result_set(r, tag, w1, w2, 0, 0, 0);
}

/* NewServerID (SID, CID) and ServerID (SID). */
static inline void
xous__result_set_sid(xous_word_t r[8], xous_word_t tag, xous_sid_t sid,
                     xous_word_t cid)
{
  xous__result_set(r, tag, sid.w[0], sid.w[1], sid.w[2], sid.w[3], cid);
}

/* The SID of a NewServerID or ServerID, and the CID of a NewServerID. */
static inline xous_sid_t
xous__result_sid(const xous_word_t r[8])
{
  return xous__sid_of_words(&r[1]);
}

static inline xous_word_t
xous__result_new_server_cid(const xous_word_t r[8])
{
  return r[5];
}

/* The result the client of an answer gets. */
static inline void
xous__result_set_answer(xous_word_t r[8], const struct xous__answer *ans)
{
  xous__result_set(r, ans->tag, ans->v[0], ans->v[1], ans->v[2], ans->v[3],
                   ans->v[4]);
}

/* MessageEnvelope: sender, kind, then the body. The word counts kinds
 * from 0 (MutableLend is 0); the struct, as SendMessage, from 1. */
struct xous__envelope {
  xous_sender_t sender;
  xous_word_t kind; /* 1..5 */
  struct xous__msg msg;
};

/* Whether r is a MessageEnvelope of a kind a message can have. */
static inline bool
xous__result_is_envelope(const xous_word_t r[8])
{
  return r[0] == XOUS_RESULT_MESSAGE_ENVELOPE &&
         r[2] <= XOUS_MSG_BLOCKING_SCALAR - 1u;
}

static inline struct xous__envelope
xous__envelope_of(const xous_word_t r[8])
{
  struct xous__envelope e;

  e.sender = r[1];
  e.kind = r[2] + 1u;
  e.msg = xous__msg_of(&r[3]);
  return e;
}

static inline void
xous__envelope_words(const struct xous__envelope *e, xous_word_t r[8])
{
  r[0] = XOUS_RESULT_MESSAGE_ENVELOPE;
  r[1] = e->sender;
  r[2] = e->kind - 1u;
  xous__msg_words(&e->msg, &r[3]);
}

/* Where a received memory message is in this process: its address word
 * is rewritten by whoever maps it. */
static inline void
xous__envelope_set_addr(xous_word_t r[8], xous_word_t addr)
{
  r[4] = addr;
}

#endif /* XOUS_CORE_ABI_H */
