/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * The Xous syscalls, one wrapper each, named after the syscall it wraps.
 *
 * Every call that can fail returns XOUS_OK or a Xous error code; results
 * come back through out-parameters, each of which may be NULL. Every
 * wrapper encodes its arguments into the eight ABI words, hands them to
 * xous_syscall() and decodes the eight result words: the backend (rv32
 * ecall, or the desktop broker) only moves words.
 *
 * Memory ownership, as on the device:
 *  1. A buffer lent with xous_lend() is borrowed by the server until it
 *     calls xous_return_memory(); the caller blocks until then.
 *  2. A buffer lent with xous_lend_mut() cannot be touched by the lender
 *     while it is lent (its pages are inaccessible); the server may write.
 *  3. A buffer given with xous_send() moves: the sender loses its pages and
 *     the server owns them, to be freed with xous_unmap_memory().
 *  4. A server that received a lend must not touch the pages after
 *     xous_return_memory().
 */
#ifndef XOUS_SYSCALL_H
#define XOUS_SYSCALL_H

#include <xous/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- errors and names ------------------------------------------------- */

/* A short English description of err; never NULL. */
const char *xous_strerror(xous_error_t err);
/* The kernel's name of err ("ServerNotFound"); never NULL. */
const char *xous_error_name(xous_error_t err);
/* The kernel's name of syscall number nr ("SendMessage"), or NULL. */
const char *xous_syscall_name(xous_word_t nr);

/* The SID of a well-known 16-byte name, each 4-byte group little-endian. */
xous_sid_t xous_sid_from_name(const char name[16]);
#if defined(__GNUC__) && !defined(__cplusplus)
/* A string literal as the name must be 16 characters, and an array at
 * least 16 bytes: anything else fails to compile, for a longer literal
 * would be cut (two such names giving one SID) and a shorter one read past
 * its end. A name given through a pointer is taken as the 16 bytes it
 * points to. */
#define XOUS__SID_NAME_IS_16(name)                                            \
  (__builtin_types_compatible_p(__typeof__(name), __typeof__(&*(name))) ||    \
   (__builtin_constant_p(name) ? sizeof(name) == 17 : sizeof(name) >= 16))
#define xous_sid_from_name(name)                                              \
  ((void)sizeof(struct {                                                      \
     int xous_sid_from_name_needs_16_bytes : XOUS__SID_NAME_IS_16(name) ? 1   \
                                                                        : -1; \
   }),                                                                        \
   (xous_sid_from_name)(name))
#endif
bool xous_sid_eq(xous_sid_t a, xous_sid_t b);
/* Who sent a message: bits 31..24 of the sender word, as on the device. */
xous_pid_t xous_sender_pid(xous_sender_t sender);
/* Whether the message named by sender still waits for its answer: false
 * once its client died (or it was answered). A server that parks
 * requests asks this to let go of what dead clients left behind. On the
 * device, whose kernel does not say, it is always true. */
bool xous_sender_waiting(xous_sender_t sender);
/* *stamp becomes a number that tells apart the processes that hold pid
 * in turn: the same for as long as the process that holds it now lives,
 * another once it has ended and a new process took the PID, and 0 while
 * no process holds it. A server that keeps something for a client (a
 * place, a token) notes the client's stamp to learn later that the
 * client died. XOUS_UNHANDLED_SYSCALL on the device, whose kernel does
 * not say; XOUS_INTERNAL_ERROR when the broker cannot be asked. */
xous_error_t xous_process_stamp(xous_pid_t pid, uint64_t *stamp);

/* ---- memory ----------------------------------------------------------- */

/* Maps size bytes (a nonzero page multiple) of zeroed memory. phys and virt
 * may be 0 (any). The caller owns the range until xous_unmap_memory(). */
xous_error_t xous_map_memory(xous_word_t phys, xous_word_t virt, size_t size,
                             unsigned flags, xous_range_t *out);
xous_error_t xous_unmap_memory(xous_range_t range);
xous_error_t xous_increase_heap(size_t bytes, unsigned flags,
                                xous_range_t *out);
xous_error_t xous_decrease_heap(size_t bytes, xous_range_t *out);
xous_error_t xous_update_memory_flags(xous_range_t range, unsigned flags,
                                      xous_pid_t pid);

/* ---- servers and connections ------------------------------------------ */

xous_error_t xous_create_server_with_address(xous_sid_t sid, xous_cid_t *cid);
xous_error_t xous_create_server(xous_sid_t *sid, xous_cid_t *cid);
xous_error_t xous_create_server_id(xous_sid_t *sid);
xous_error_t xous_destroy_server(xous_sid_t sid);
/* Waits until a server with sid exists. */
xous_error_t xous_connect(xous_sid_t sid, xous_cid_t *cid);
xous_error_t xous_try_connect(xous_sid_t sid, xous_cid_t *cid);
/* A connection in process pid's table; the CID is valid in that process. */
xous_error_t xous_connect_for_process(xous_pid_t pid, xous_sid_t sid,
                                      xous_cid_t *cid);
xous_error_t xous_disconnect(xous_cid_t cid);

/* ---- messages --------------------------------------------------------- */

/* Sends msg on cid; waits while the server's queue is full. res receives
 * the raw result: Ok, Scalar1/2/5 for a BlockingScalar, MemoryReturned for
 * a lend. The memory rules at the top of this file apply. */
xous_error_t xous_send_message(xous_cid_t cid, const xous_message_t *msg,
                               xous_result_t *res);
/* As xous_send_message(), but XOUS_SERVER_QUEUE_FULL when the queue is full. */
xous_error_t xous_try_send_message(xous_cid_t cid, const xous_message_t *msg,
                                   xous_result_t *res);
/* Waits for the next message to the caller's server sid. A lent buffer in
 * env is borrowed until xous_return_memory(); a sent one is owned. */
xous_error_t xous_receive_message(xous_sid_t sid, xous_envelope_t *env);
xous_error_t xous_try_receive_message(xous_sid_t sid, xous_envelope_t *env,
                                      bool *received);
/* Gives a lent buffer back; buf must be the range the message carried.
 * offset and valid reach the lender. The server loses access to buf. */
xous_error_t xous_return_memory(xous_sender_t sender, xous_range_t buf,
                                size_t offset, size_t valid);
xous_error_t xous_return_scalar1(xous_sender_t sender, xous_word_t a1);
xous_error_t xous_return_scalar2(xous_sender_t sender, xous_word_t a1,
                                 xous_word_t a2);
xous_error_t xous_return_scalar5(xous_sender_t sender, xous_word_t a1,
                                 xous_word_t a2, xous_word_t a3,
                                 xous_word_t a4, xous_word_t a5);
/* Answers env (nwords = 1, 2 or 5 scalars for a BlockingScalar; for a lend,
 * reply[0] and reply[1] are offset and valid), then waits for the next
 * message on the same server into env. After a Scalar or a Send there is
 * nothing to answer: it only receives on sid. The server answered is
 * found from env's sender word, as the kernel does. */
xous_error_t xous_reply_and_receive_next(xous_sid_t sid, xous_envelope_t *env,
                                         const xous_word_t reply[5],
                                         unsigned nwords);

/* ---- threads, processes, events --------------------------------------- */

xous_error_t xous_create_thread(void *(*entry)(void *), void *arg,
                                size_t stack_size, xous_tid_t *tid);
xous_error_t xous_join_thread(xous_tid_t tid, void **ret);
/* Both give 0 when the broker (desktop) cannot be reached. */
xous_pid_t xous_get_process_id(void);
xous_tid_t xous_get_thread_id(void);
xous_error_t xous_yield(void);
xous_error_t xous_wait_event(void);
XOUS_NORETURN void xous_terminate_process(uint32_t code);
xous_error_t xous_shutdown(void);
xous_error_t xous_claim_interrupt(unsigned irq,
                                  void (*handler)(unsigned irq, void *arg),
                                  void *arg);
xous_error_t xous_free_interrupt(unsigned irq);
xous_error_t xous_adjust_process_limit(unsigned index, xous_word_t current,
                                       xous_word_t proposed,
                                       xous_word_t *limit);

/* ---- the rest of the kernel ABI (system programs on the device) ------- */

/* The calls below are the device kernel's, for the few programs that
 * schedule, load or drive hardware themselves. Each makes the real call
 * on the device (ABI.md has the words). On the desktop there is no
 * scheduler, loader or physical memory to reach, and each returns
 * XOUS_UNHANDLED_SYSCALL, the kernel's own answer for a call it does not
 * handle; xous(3) says so per call. */

/* ReturnToParent (4): gives the CPU back to the process that switched to
 * this one (an interrupt handler's tick in a pre-emptive scheduler: pid 1
 * and cpu 0 on the device). */
xous_error_t xous_return_to_parent(xous_pid_t pid, xous_word_t cpu);
/* SwitchTo (7): runs thread context of process pid, a child of ours. */
xous_error_t xous_switch_to(xous_pid_t pid, xous_word_t context);
/* ReadyThreads (8): asks whether process pid has threads ready to run. */
xous_error_t xous_ready_threads(xous_pid_t pid);
/* SetMemRegion (13): gives process pid the region [addr, addr+size) of
 * the kernel's memory type type. */
xous_error_t xous_set_mem_region(xous_pid_t pid, unsigned type,
                                 xous_word_t addr, size_t size);

/* CreateProcess (21) on rv32: the six words of the kernel's ProcessInit;
 * the text pages move from the caller to the child. */
typedef struct {
  xous_word_t stack_base, stack_size; /* the child's stack */
  xous_word_t text_addr, text_size;   /* the image in the caller */
  xous_word_t load_addr;              /* where the image goes in the child */
  xous_word_t entry;                  /* its first instruction */
} xous_process_init_t;
/* Starts a process from init; *pid and *cid (a connection to the server
 * the kernel makes in the child) on success. */
xous_error_t xous_create_process(const xous_process_init_t *init,
                                 xous_pid_t *pid, xous_cid_t *cid);
/* SetExceptionHandler (37): the kernel answers UnhandledSyscall on the
 * device too (its handler is not wired in). */
xous_error_t xous_set_exception_handler(xous_word_t pc, xous_word_t sp);
/* VirtToPhys (39) and VirtToPhysPid (42): the physical address behind virt
 * in this process, or in process pid; a kernel built without the v2p
 * feature answers UnhandledSyscall, an unmapped address BadAddress. */
xous_error_t xous_virt_to_phys(xous_word_t virt, xous_word_t *phys);
xous_error_t xous_virt_to_phys_pid(xous_pid_t pid, xous_word_t virt,
                                   xous_word_t *phys);
/* PlatformSpecific (46): args[0] the operation, args[1..6] its words, as
 * the platform defines them; res (may be NULL) the raw result. Beware: a
 * kernel with no platform calls (the Precursor's) stops the system on it,
 * by design of that kernel. */
xous_error_t xous_platform_specific(const xous_word_t args[7],
                                    xous_result_t *res);

/* ---- the raw ABI ------------------------------------------------------ */

/* Eight words in, eight out: what every wrapper above comes down to.
 * Implemented by the backend (rv32 ecall, or the desktop broker). */
void xous_syscall(const xous_word_t args[8], xous_word_t result[8]);

/* ---- helpers (the everyday calls) ------------------------------------- */

xous_error_t xous_scalar(xous_cid_t cid, xous_word_t id, xous_word_t a1,
                         xous_word_t a2, xous_word_t a3, xous_word_t a4);
/* ret receives the words of a Scalar1, Scalar2 or Scalar5 reply, zeros
 * elsewhere; it may be NULL. */
xous_error_t xous_blocking_scalar(xous_cid_t cid, xous_word_t id,
                                  xous_word_t a1, xous_word_t a2,
                                  xous_word_t a3, xous_word_t a4,
                                  xous_word_t ret[5]);
/* Lends buf (len bytes) for reading. buf may be any memory: a buffer that
 * is not a whole range from xous_map_memory() is bounced through shared
 * memory (one copy each way). */
xous_error_t xous_lend(xous_cid_t cid, xous_word_t id, const void *buf,
                       size_t len, size_t offset, size_t valid,
                       size_t *ret_offset, size_t *ret_valid);
xous_error_t xous_lend_mut(xous_cid_t cid, xous_word_t id, void *buf,
                           size_t len, size_t offset, size_t valid,
                           size_t *ret_offset, size_t *ret_valid);
/* A connection to sid made once per process: *cache is a zero-initialised
 * word the caller keeps (static), remembering the CID with the PID it
 * belongs to, so that threads share it and a forked child, a new process,
 * connects again. Waits for the server as xous_connect(). */
xous_error_t xous_connect_cached(xous_sid_t sid, uint32_t *cache,
                                 xous_cid_t *cid);
/* The pages move: a page-aligned range from xous_map_memory() leaves the
 * sender. Any other buffer is copied into fresh pages that move instead,
 * and the caller keeps its buffer. */
xous_error_t xous_send(xous_cid_t cid, xous_word_t id, void *buf, size_t len,
                       size_t offset, size_t valid);

#ifdef __cplusplus
}
#endif

#endif /* XOUS_SYSCALL_H */
