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

#include "emu/emu.h"

/* The heap is one reservation on the host side, grown in place: the
 * guest sees it linearly from 0x2000_0000. */
static uintptr_t heap_host;
static size_t heap_size;

static void
set_error(xous_word_t r[8], xous_error_t err)
{
  for (int i = 0; i < 8; i++)
    r[i] = 0;
  r[0] = XOUS_RESULT_ERROR;
  r[1] = err;
}

static int
is_error(const xous_word_t r[8], xous_error_t err)
{
  return r[0] == XOUS_RESULT_ERROR && r[1] == (xous_word_t)err;
}

/* MapMemory of a physical page: one of the emulated peripherals. */
static void
map_device(const xous_word_t a[8], xous_word_t r[8])
{
  int device = emu_device_at((uint32_t)a[1]);
  uint32_t want = (uint32_t)a[2], guest;

  if (device == 0 || a[3] != XOUS_PAGE_SIZE) {
    set_error(r, XOUS_BAD_ADDRESS);
    return;
  }
  guest = emu_map_find_free(want != 0 ? want : EMU_MAP_BASE, XOUS_PAGE_SIZE);
  if (guest == 0 || (want != 0 && guest != want) ||
      emu_map_add_device(guest, XOUS_PAGE_SIZE, device) != 0) {
    set_error(r, XOUS_BAD_ADDRESS);
    return;
  }
  for (int i = 0; i < 8; i++)
    r[i] = 0;
  r[0] = XOUS_RESULT_MEMORY_RANGE;
  r[1] = guest;
  r[2] = XOUS_PAGE_SIZE;
}

static void
map_memory(xous_word_t a[8], xous_word_t r[8])
{
  uint32_t want = (uint32_t)a[2], guest;

  if (a[1] != 0) {
    map_device(a, r);
    return;
  }
  a[2] = 0; /* the host picks its own address */
  xous_syscall(a, r);
  if (r[0] != XOUS_RESULT_MEMORY_RANGE)
    return;
  guest = want != 0 ? want : EMU_MAP_BASE;
  guest = emu_map_find_free(guest, r[2]);
  if ((want != 0 && guest != want) || guest == 0 ||
      emu_map_add(guest, (void *)r[1], r[2],
                  UC_PROT_READ | UC_PROT_WRITE |
                      (a[4] & XOUS_MEM_X ? UC_PROT_EXEC : 0)) != 0) {
    xous_word_t u[8] = {XOUS_SYSCALL_UNMAP_MEMORY, r[1], r[2]}, ur[8];

    xous_syscall(u, ur);
    set_error(r, want != 0 ? XOUS_BAD_ADDRESS : XOUS_OUT_OF_MEMORY);
    return;
  }
  r[1] = guest;
}

static void
heap_call(xous_word_t a[8], xous_word_t r[8])
{
  xous_syscall(a, r);
  if (r[0] != XOUS_RESULT_MEMORY_RANGE)
    return;
  if (a[0] == XOUS_SYSCALL_DECREASE_HEAP) {
    if (r[2] < heap_size)
      emu_map_remove(EMU_HEAP_BASE + (uint32_t)r[2], heap_size - r[2]);
    heap_size = r[2];
    r[1] = EMU_HEAP_BASE;
    return;
  }
  if (heap_host == 0)
    heap_host = a[1] == 0 ? r[1] : r[1] - heap_size;
  if (a[1] != 0 &&
      emu_map_add(EMU_HEAP_BASE + (uint32_t)(r[1] - heap_host), (void *)r[1],
                  r[2], UC_PROT_READ | UC_PROT_WRITE) == 0)
    heap_size += r[2];
  r[1] = EMU_HEAP_BASE + (r[1] - heap_host);
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
  uint32_t guest;

  if (r[0] != XOUS_RESULT_MESSAGE_ENVELOPE || r[2] > 2)
    return;
  guest = emu_map_find_free(EMU_MESSAGE_BASE, r[5]);
  if (guest == 0 || emu_map_add(guest, (void *)r[4], r[5],
                                UC_PROT_READ | UC_PROT_WRITE) != 0) {
    fprintf(stderr, "xous-emu: %s: no room for a lent buffer\n", emu_program);
    r[4] = 0;
    return;
  }
  r[4] = guest;
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
create_thread(const uint32_t in[8], xous_word_t r[8])
{
  struct thread_start *t = malloc(sizeof(*t));
  xous_tid_t tid;
  xous_error_t err;

  if (t == NULL) {
    set_error(r, XOUS_OUT_OF_MEMORY);
    return;
  }
  t->pc = in[1];
  t->sp = (uint32_t)(((uint64_t)in[2] + in[3] - 16) & ~15u);
  for (int i = 0; i < 4; i++)
    t->arg[i] = in[4 + i];
  err = xous_create_thread(thread_main, t, 0, &tid);
  if (err != XOUS_OK) {
    free(t);
    set_error(r, err);
    return;
  }
  for (int i = 0; i < 8; i++)
    r[i] = 0;
  r[0] = XOUS_RESULT_THREAD_ID;
  r[1] = tid;
}

void
emu_syscall(const uint32_t in[8], uint32_t out[8])
{
  xous_word_t a[8], r[8] = {0};
  xous_error_t err;
  int i;

  for (i = 0; i < 8; i++)
    a[i] = in[i];
  if (in[0] == XOUS_SYSCALL_TERMINATE_PROCESS)
    emu_trace(in, NULL);
  switch (in[0]) {
  case XOUS_SYSCALL_MAP_MEMORY:
    map_memory(a, r);
    break;
  case XOUS_SYSCALL_UNMAP_MEMORY:
    if (to_host(&a[1], a[2]) != 0) {
      set_error(r, XOUS_BAD_ADDRESS);
      break;
    }
    xous_syscall(a, r);
    if (r[0] == XOUS_RESULT_OK)
      emu_map_remove(in[1], in[2]);
    break;
  case XOUS_SYSCALL_INCREASE_HEAP:
  case XOUS_SYSCALL_DECREASE_HEAP:
    heap_call(a, r);
    break;
  case XOUS_SYSCALL_UPDATE_MEMORY_FLAGS:
    if (to_host(&a[1], a[2]) != 0)
      set_error(r, XOUS_BAD_ADDRESS);
    else
      xous_syscall(a, r);
    break;
  case XOUS_SYSCALL_SEND_MESSAGE:
  case XOUS_SYSCALL_TRY_SEND_MESSAGE:
    if (in[2] >= XOUS_MSG_LEND_MUT && in[2] <= XOUS_MSG_SEND &&
        to_host(&a[4], a[5]) != 0) {
      set_error(r, XOUS_BAD_ADDRESS);
      break;
    }
    xous_syscall(a, r);
    if (in[2] == XOUS_MSG_SEND && r[0] != XOUS_RESULT_ERROR)
      emu_map_remove(in[4], in[5]); /* the pages moved */
    break;
  case XOUS_SYSCALL_RECEIVE_MESSAGE:
  case XOUS_SYSCALL_TRY_RECEIVE_MESSAGE:
    xous_syscall(a, r);
    adopt(r);
    break;
  case XOUS_SYSCALL_RETURN_MEMORY:
    if (to_host(&a[2], a[3]) != 0) {
      set_error(r, XOUS_BAD_ADDRESS);
      break;
    }
    xous_syscall(a, r);
    if (!is_error(r, XOUS_BAD_ADDRESS))
      emu_map_remove(in[2], in[3]);
    break;
  case XOUS_SYSCALL_REPLY_AND_RECEIVE_NEXT:
    if (in[7] == 0xffffffffu) {
      a[7] = XOUS_REPLY_MEMORY;
      if (to_host(&a[3], a[4]) != 0) {
        set_error(r, XOUS_BAD_ADDRESS);
        break;
      }
    }
    xous_syscall(a, r);
    if (in[7] == 0xffffffffu && !is_error(r, XOUS_BAD_ADDRESS))
      emu_map_remove(in[3], in[4]);
    adopt(r);
    break;
  case XOUS_SYSCALL_CREATE_THREAD:
    create_thread(in, r);
    break;
  case XOUS_SYSCALL_CLAIM_INTERRUPT:
    err = emu_irq_claim(in[1], in[2], in[3]);
    if (err != XOUS_OK)
      set_error(r, err);
    else
      r[0] = XOUS_RESULT_OK;
    break;
  case XOUS_SYSCALL_FREE_INTERRUPT:
    err = emu_irq_free(in[1]);
    if (err != XOUS_OK)
      set_error(r, err);
    else
      r[0] = XOUS_RESULT_OK;
    break;
  default:
    xous_syscall(a, r);
    break;
  }
  for (i = 0; i < 8; i++)
    out[i] = (uint32_t)r[i];
  emu_trace(in, out);
}
