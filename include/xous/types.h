/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Types of the portable Xous API. Fixed-size C types only: no POSIX type
 * appears here, so the same header serves rv32 bare metal and the desktop.
 */
#ifndef XOUS_TYPES_H
#define XOUS_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if !defined(__cplusplus) &&                                                  \
    (!defined(__STDC_VERSION__) || __STDC_VERSION__ < 201112L)
#error "the Xous headers need C11 (-std=c11 or later) or C++11"
#endif

/* The few C11 words the headers use, spelled so that C++ takes them too. */
#ifdef __cplusplus
#define XOUS_NORETURN [[noreturn]]
#define XOUS_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
/* C++ before C++23 has no _Atomic: there the word is plain, of the same
 * size and alignment; only libxous's functions touch it. */
#define XOUS_ATOMIC(type) type
#else
#define XOUS_NORETURN _Noreturn
#define XOUS_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#define XOUS_ATOMIC(type) _Atomic type
#endif

#include <xous/error_list.h>
#include <xous/syscall_list.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A machine word: 32 bits on rv32, 64 on the desktop. */
typedef uintptr_t xous_word_t;

/* A 128-bit server ID, as the kernel's four 32-bit words. */
typedef struct {
  uint32_t w[4];
} xous_sid_t;

typedef uint32_t xous_cid_t;       /* connection ID, per process (2..33) */
typedef uint8_t xous_pid_t;        /* 1 is the kernel (the broker) */
typedef xous_word_t xous_tid_t;    /* thread ID, per process; first is 2 */
typedef xous_word_t xous_sender_t; /* MessageSender: opaque reply handle */

/* A MemoryRange: page aligned address and length. */
typedef struct {
  void *addr;
  size_t len;
} xous_range_t;

/* Every Xous error, same numbers as the kernel's (error_list.h). */
typedef enum {
#define XOUS_ERROR_ENUM_(name, num, xname, text) XOUS_##name = num,
  XOUS_ERROR_MAP(XOUS_ERROR_ENUM_)
#undef XOUS_ERROR_ENUM_
      XOUS_ERROR_COUNT = 40 /* one past the last code: a count, not an error */
} xous_error_t;

/* The syscall numbers (syscall_list.h): XOUS_SYSCALL_SEND_MESSAGE, ... */
enum {
#define XOUS_SYSCALL_ENUM_(name, num, xname) XOUS_SYSCALL_##name = num,
  XOUS_SYSCALL_MAP(XOUS_SYSCALL_ENUM_)
#undef XOUS_SYSCALL_ENUM_
      XOUS_SYSCALL_COUNT = 47
};

/* The result tags (a0 of a result): XOUS_RESULT_SCALAR1, ... */
enum {
#define XOUS_RESULT_ENUM_(name, num, xname) XOUS_RESULT_##name = num,
  XOUS_RESULT_MAP(XOUS_RESULT_ENUM_)
#undef XOUS_RESULT_ENUM_
      XOUS_RESULT_COUNT = 22
};
/* The tag of a result the kernel could not encode. */
#define XOUS_RESULT_UNKNOWN 0xffffffffu

/* How UnknownError is written into a result word. */
#define XOUS_UNKNOWN_ERROR_WORD 0xffffffffu

/* The SendMessage codes. A MessageEnvelope carries the same kinds 0-based. */
typedef enum {
  XOUS_MSG_LEND_MUT = 1,
  XOUS_MSG_LEND = 2,
  XOUS_MSG_SEND = 3,
  XOUS_MSG_SCALAR = 4,
  XOUS_MSG_BLOCKING_SCALAR = 5,
} xous_msg_kind_t;

typedef struct {
  xous_word_t id, arg1, arg2, arg3, arg4;
} xous_scalar_msg_t;

typedef struct {
  xous_word_t id;
  xous_range_t buf;
  size_t offset, valid; /* advisory words, never checked by the kernel */
} xous_memory_msg_t;

typedef struct {
  xous_msg_kind_t kind;
  union {
    xous_scalar_msg_t scalar;
    xous_memory_msg_t memory;
  };
} xous_message_t;

typedef struct {
  xous_sender_t sender;
  xous_message_t body;
} xous_envelope_t;

/* A raw Result: the tag and the seven words after it. */
typedef struct {
  xous_word_t kind;
  xous_word_t w[7];
} xous_result_t;

#define XOUS_PAGE_SIZE 4096

/* MemoryFlags, same bits as the kernel's. */
#define XOUS_MEM_FREE 0x00u
#define XOUS_MEM_RESERVE 0x01u /* allocate now, not on first touch */
#define XOUS_MEM_R 0x02u
#define XOUS_MEM_W 0x04u
#define XOUS_MEM_X 0x08u
#define XOUS_MEM_DEV 0x10u
#define XOUS_MEM_VIRT 0x20u
#define XOUS_MEM_ALL 0x3fu /* larger values do not decode */

/* Device limits (ABI.md). The desktop keeps the same ones by default. */
#define XOUS_MAX_CONNECTIONS 32 /* per process; CID = slot + 2 */
#define XOUS_FIRST_CID 2
#define XOUS_MAX_SERVERS 128 /* system wide */
#define XOUS_QUEUE_DEPTH 128 /* pending messages per server */
/* Threads per process, the main thread included: the kernel's table has
 * 31 slots and TIDs 0 (interrupts) and 1 (exceptions) are not threads, so
 * TIDs run 2..30; the 30th CreateThread gives ThreadNotAvailable. */
#define XOUS_MAX_THREADS 29
#define XOUS_KERNEL_PID 1
/* Processes besides the kernel: PIDs 2..64 (the kernel's 64 slots, PID 1
 * its own); the next gives OutOfMemory. xousd --max-processes raises it on
 * the desktop, up to 254 (8-bit PIDs). */
#define XOUS_MAX_PROCESSES 63

/* AdjustProcessLimit indices. 1 and 2 are the kernel's; 3 and up exist on
 * the desktop only (the device answers InvalidLimit). Each answers
 * Scalar2(index, value in force) and changes the value only when the
 * caller's "current" word matches it.
 *  3  servers the process may own (broker; default 32 = xousd
 *     --process-servers, which is also the most it may ask for); past it
 *     CreateServer* gives OutOfMemory.
 *  4  bytes the process may hold from MapMemory at once (libxous; default
 *     256 MiB, a page multiple, not below what is mapped now); past it
 *     MapMemory gives OutOfMemory. A guard against runaway allocation in
 *     the process's own library, not a security boundary.
 *  5  connections (broker; default and most = xousd --max-connections,
 *     32); past it Connect gives OutOfMemory.
 *  6  live threads (libxous; 1..XOUS_MAX_THREADS, not below the threads
 *     alive now); past it CreateThread gives ThreadNotAvailable. */
#define XOUS_LIMIT_HEAP_MAX 1
#define XOUS_LIMIT_HEAP_SIZE 2
#define XOUS_LIMIT_SERVERS 3
#define XOUS_LIMIT_MAPPED 4
#define XOUS_LIMIT_CONNECTIONS 5
#define XOUS_LIMIT_THREADS 6
#define XOUS_MAPPED_DEFAULT ((size_t)256 << 20)

/* Reply type word of ReplyAndReceiveNext for a memory reply: 0xffffffff
 * on every target (not all ones on the 64-bit desktop). */
#define XOUS_REPLY_MEMORY ((xous_word_t)0xffffffffu)

#ifdef __cplusplus
}
#endif

#endif /* XOUS_TYPES_H */
