/*
 * The syscall bridge: each guest ecall goes to the hosted backend's
 * xous_syscall(), the very path a native process takes, and the result
 * comes back as eight 32-bit words. The only work here is addresses:
 * guest words that name memory become host pointers on the way in, and
 * host pointers in results become guest addresses on the way out, with
 * the guest's view of the pages kept in step (map.c). CreateThread makes
 * a real hosted thread that runs a CPU of its own.
 */
#include <stdio.h>
#include <stdlib.h>

#include "core/abi.h"
#include "emu/emu.h"

/* The heap is one reservation on the host side, grown in place: the
 * guest sees it linearly from 0x2000_0000. */
static uintptr_t heap_host;
static size_t heap_size;

static void
set_error(xous_word_t r[8], xous_error_t err)
{
  xous__result_set(r, XOUS_RESULT_ERROR, err, 0, 0, 0, 0);
}

/* Ok, or the error err. */
static void
set_status(xous_word_t r[8], xous_error_t err)
{
  if (err != XOUS_OK)
    set_error(r, err);
  else
    xous__result_set(r, XOUS_RESULT_OK, 0, 0, 0, 0, 0);
}

static int
is_error(const xous_word_t r[8], xous_error_t err)
{
  return xous__result_is_error(r) &&
         xous__result_error_word(r) == (xous_word_t)err;
}

/* MapMemory of a physical page: one of the emulated peripherals. */
static void
map_device(const struct xous__map_args *m, xous_word_t r[8])
{
  int device = emu_device_at((uint32_t)m->phys);
  uint32_t want = (uint32_t)m->virt, guest;

  if (device == 0 || m->size != XOUS_PAGE_SIZE) {
    set_error(r, XOUS_BAD_ADDRESS);
    return;
  }
  guest = emu_map_find_free(want != 0 ? want : EMU_MAP_BASE, XOUS_PAGE_SIZE);
  if (guest == 0 || (want != 0 && guest != want) ||
      emu_map_add_device(guest, XOUS_PAGE_SIZE, device) != 0) {
    set_error(r, XOUS_BAD_ADDRESS);
    return;
  }
  xous__result_set_range(r, guest, XOUS_PAGE_SIZE);
}

static void
map_memory(xous_word_t a[8], xous_word_t r[8])
{
  struct xous__map_args m = xous__map_args_of(a);
  struct xous__range got;
  uint32_t want = (uint32_t)m.virt, guest;

  if (m.phys != 0) {
    map_device(&m, r);
    return;
  }
  m.virt = 0; /* the host picks its own address */
  xous__map_args_words(&m, a);
  xous_syscall(a, r);
  if (xous__result_tag(r) != XOUS_RESULT_MEMORY_RANGE)
    return;
  got = xous__result_range(r);
  guest = want != 0 ? want : EMU_MAP_BASE;
  guest = emu_map_find_free(guest, got.size);
  if ((want != 0 && guest != want) || guest == 0 ||
      emu_map_add(guest, (void *)got.addr, got.size,
                  UC_PROT_READ | UC_PROT_WRITE |
                      (m.flags & XOUS_MEM_X ? UC_PROT_EXEC : 0)) != 0) {
    struct xous__range_args u = { got.addr, got.size, 0, 0 };
    xous_word_t ua[8] = { XOUS_SYSCALL_UNMAP_MEMORY }, ur[8];

    xous__range_args_words(&u, ua);
    xous_syscall(ua, ur);
    set_error(r, want != 0 ? XOUS_BAD_ADDRESS : XOUS_OUT_OF_MEMORY);
    return;
  }
  xous__result_set_range(r, guest, got.size);
}

static void
heap_call(xous_word_t a[8], xous_word_t r[8])
{
  struct xous__heap_args h = xous__heap_args_of(a);
  struct xous__range got;

  xous_syscall(a, r);
  if (xous__result_tag(r) != XOUS_RESULT_MEMORY_RANGE)
    return;
  got = xous__result_range(r);
  if (xous__call_number(a) == XOUS_SYSCALL_DECREASE_HEAP) {
    if (got.size < heap_size)
      emu_map_remove(EMU_HEAP_BASE + (uint32_t)got.size, heap_size - got.size);
    heap_size = got.size;
    xous__result_set_range(r, EMU_HEAP_BASE, got.size);
    return;
  }
  if (heap_host == 0)
    heap_host = h.bytes == 0 ? got.addr : got.addr - heap_size;
  if (h.bytes != 0 &&
      emu_map_add(EMU_HEAP_BASE + (uint32_t)(got.addr - heap_host),
                  (void *)got.addr, got.size,
                  UC_PROT_READ | UC_PROT_WRITE) == 0)
    heap_size += got.size;
  xous__result_set_range(r, EMU_HEAP_BASE + (got.addr - heap_host), got.size);
}

/* A guest word naming [addr, addr+len) becomes the host pointer; 0 when
 * the guest has no such memory. */
static int
to_host(xous_word_t *word, xous_word_t len)
{
  void *host = emu_to_host((uint32_t)*word, len);

  if (host == NULL)
    return -1;
  *word = (xous_word_t)host;
  return 0;
}

/* A message that came with memory: show it to the guest. */
static void
adopt(xous_word_t r[8])
{
  struct xous__envelope e = xous__envelope_of(r);
  uint32_t guest;

  if (xous__result_tag(r) != XOUS_RESULT_MESSAGE_ENVELOPE ||
      !xous__is_memory(e.kind))
    return;
  guest = emu_map_find_free(EMU_MESSAGE_BASE, e.msg.mem.len);
  if (guest == 0 || emu_map_add(guest, (void *)e.msg.mem.addr, e.msg.mem.len,
                                UC_PROT_READ | UC_PROT_WRITE) != 0) {
    fprintf(stderr, "xous-emu: %s: no room for a lent buffer\n", emu_program);
    xous__envelope_set_addr(r, 0);
    return;
  }
  xous__envelope_set_addr(r, guest);
}

struct thread_start {
  uint32_t pc, sp, arg[4];
};

static void *
thread_main(void *p)
{
  struct thread_start t = *(struct thread_start *)p;
  struct emu_cpu *cpu = emu_cpu_new();
  uint32_t ret;

  free(p);
  if (cpu == NULL) {
    fprintf(stderr, "xous-emu: %s: cannot start a CPU\n", emu_program);
    return NULL;
  }
  emu_cpu_set(cpu, UC_RISCV_REG_SP, t.sp);
  emu_cpu_set(cpu, UC_RISCV_REG_RA, EMU_THREAD_EXIT);
  for (int i = 0; i < 4; i++)
    emu_cpu_set(cpu, UC_RISCV_REG_A0 + i, t.arg[i]);
  ret = emu_cpu_run(cpu, t.pc);
  emu_cpu_free(cpu);
  return (void *)(uintptr_t)ret;
}

static void
create_thread(const xous_word_t a[8], xous_word_t r[8])
{
  struct xous__thread_args ta = xous__thread_args_of(a);
  struct thread_start *t = malloc(sizeof(*t));
  xous_tid_t tid;
  xous_error_t err;

  if (t == NULL) {
    set_error(r, XOUS_OUT_OF_MEMORY);
    return;
  }
  t->pc = (uint32_t)ta.entry;
  t->sp = (uint32_t)((ta.stack + ta.stack_len - 16) & ~(xous_word_t)15);
  for (int i = 0; i < 4; i++)
    t->arg[i] = (uint32_t)ta.arg[i];
  err = xous_create_thread(thread_main, t, 0, &tid);
  if (err != XOUS_OK) {
    free(t);
    set_error(r, err);
    return;
  }
  xous__result_set1(r, XOUS_RESULT_THREAD_ID, tid);
}

/* The words of a call whose memory words are the guest's, made the
 * host's; -1 when the guest has no such memory. */
static int
range_to_host(xous_word_t a[8], struct xous__range_args *u)
{
  *u = xous__range_args_of(a);
  if (to_host(&u->addr, u->len) != 0)
    return -1;
  xous__range_args_words(u, a);
  return 0;
}

/* Calls on the guest's memory: its addresses become the host's. */
static void
memory_call(xous_word_t a[8], xous_word_t r[8])
{
  struct xous__range_args guest = xous__range_args_of(a), host;

  if (range_to_host(a, &host) != 0) {
    set_error(r, XOUS_BAD_ADDRESS);
    return;
  }
  xous_syscall(a, r);
  if (xous__call_number(a) == XOUS_SYSCALL_UNMAP_MEMORY &&
      xous__result_tag(r) == XOUS_RESULT_OK)
    emu_map_remove((uint32_t)guest.addr, guest.len);
}

static void
send_message(xous_word_t a[8], xous_word_t r[8])
{
  struct xous__send_args m = xous__send_args_of(a);
  struct xous__msg guest = m.msg;
  bool memory = xous__is_memory(m.kind);

  if (memory) {
    if (to_host(&m.msg.mem.addr, m.msg.mem.len) != 0) {
      set_error(r, XOUS_BAD_ADDRESS);
      return;
    }
    xous__send_args_words(&m, a);
  }
  xous_syscall(a, r);
  if (m.kind == XOUS_MSG_SEND && !xous__result_is_error(r))
    emu_map_remove((uint32_t)guest.mem.addr, guest.mem.len); /* moved */
}

/* ReturnMemory and a ReplyAndReceiveNext with a memory answer: the range
 * given back leaves the guest's view. */
static void
answer_call(xous_word_t a[8], xous_word_t r[8])
{
  bool reply = xous__call_number(a) == XOUS_SYSCALL_REPLY_AND_RECEIVE_NEXT;
  struct xous__answer ans = reply ? xous__answer_of_reply(a)
                                  : xous__answer_of_return(a);
  xous_word_t guest = ans.addr;

  if (xous__answer_is_memory(&ans)) {
    if (to_host(&ans.addr, ans.len) != 0) {
      set_error(r, XOUS_BAD_ADDRESS);
      return;
    }
    if (reply)
      xous__answer_reply_words(&ans, a);
    else
      xous__answer_return_words(&ans, a);
  }
  xous_syscall(a, r);
  if (xous__answer_is_memory(&ans) && !is_error(r, XOUS_BAD_ADDRESS))
    emu_map_remove((uint32_t)guest, ans.len);
  if (reply)
    adopt(r);
}

void
emu_syscall(const uint32_t in[8], uint32_t out[8])
{
  xous_word_t a[8], r[8] = { 0 };
  int i;

  for (i = 0; i < 8; i++)
    a[i] = in[i];
  if (xous__call_number(a) == XOUS_SYSCALL_TERMINATE_PROCESS)
    emu_trace(in, NULL);
  switch (xous__call_number(a)) {
  case XOUS_SYSCALL_MAP_MEMORY:
    map_memory(a, r);
    break;
  case XOUS_SYSCALL_UNMAP_MEMORY:
  case XOUS_SYSCALL_UPDATE_MEMORY_FLAGS:
    memory_call(a, r);
    break;
  case XOUS_SYSCALL_INCREASE_HEAP:
  case XOUS_SYSCALL_DECREASE_HEAP:
    heap_call(a, r);
    break;
  case XOUS_SYSCALL_SEND_MESSAGE:
  case XOUS_SYSCALL_TRY_SEND_MESSAGE:
    send_message(a, r);
    break;
  case XOUS_SYSCALL_RECEIVE_MESSAGE:
  case XOUS_SYSCALL_TRY_RECEIVE_MESSAGE:
    xous_syscall(a, r);
    adopt(r);
    break;
  case XOUS_SYSCALL_RETURN_MEMORY:
  case XOUS_SYSCALL_REPLY_AND_RECEIVE_NEXT:
    answer_call(a, r);
    break;
  case XOUS_SYSCALL_CREATE_THREAD:
    create_thread(a, r);
    break;
  case XOUS_SYSCALL_CLAIM_INTERRUPT: {
    struct xous__irq_args irq = xous__irq_args_of(a);

    set_status(r, emu_irq_claim((uint32_t)irq.irq, (uint32_t)irq.handler,
                                (uint32_t)irq.arg));
    break;
  }
  case XOUS_SYSCALL_FREE_INTERRUPT:
    set_status(r, emu_irq_free((uint32_t)xous__arg1(a)));
    break;
  default:
    xous_syscall(a, r);
    break;
  }
  for (i = 0; i < 8; i++)
    out[i] = (uint32_t)r[i];
  emu_trace(in, out);
}
