/*
 * One emulated rv32 CPU per guest thread. Every ecall is handed to the
 * bridge inside the interrupt hook; a change to the memory table stops
 * the CPU so that it remaps before going on (cheap: unicorn keeps its
 * translated code). A fault ends the process as a crash would.
 */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "emu/emu.h"

#define ECALL 0x00000073u
#define CAUSE_ECALL_U 8

struct emu_cpu {
  uc_engine *uc;
  uc_hook intr, invalid;
  unsigned gen;
  struct emu_region *mapped;
  size_t nmapped;
  int cause;         /* a non-ecall exception, or 0 */
  uint64_t bad_addr; /* the address of an invalid access */
  int bad_type;      /* its UC_MEM_* type */
  uint32_t ecall_pc; /* the pc after the last ecall checked, or 0 */
};

static const char *const reg_names[32] = {
  "zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "s0", "s1", "a0",
  "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
  "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"
};

static uint32_t
get(struct emu_cpu *cpu, int reg)
{
  uint32_t v = 0;

  uc_reg_read(cpu->uc, reg, &v);
  return v;
}

void
emu_cpu_set(struct emu_cpu *cpu, int reg, uint32_t value)
{
  uc_reg_write(cpu->uc, reg, &value);
}

static uint64_t
mmio_read(uc_engine *uc, uint64_t offset, unsigned size, void *user)
{
  (void)uc;
  return emu_device_read((int)(intptr_t)user, offset, size);
}

static void
mmio_write(uc_engine *uc, uint64_t offset, unsigned size, uint64_t value,
           void *user)
{
  (void)uc;
  emu_device_write((int)(intptr_t)user, offset, size, value);
}

/* Shows the CPU the table as it is now. */
static void
sync_memory(struct emu_cpu *cpu)
{
  struct emu_region *now;
  unsigned gen;
  size_t n = emu_map_snapshot(&now, &gen), i;

  for (i = 0; i < cpu->nmapped; i++)
    uc_mem_unmap(cpu->uc, cpu->mapped[i].guest, cpu->mapped[i].len);
  for (i = 0; i < n; i++)
    if ((now[i].device != 0
             ? uc_mmio_map(cpu->uc, now[i].guest, now[i].len, mmio_read,
                           (void *)(intptr_t)now[i].device, mmio_write,
                           (void *)(intptr_t)now[i].device)
             : uc_mem_map_ptr(cpu->uc, now[i].guest, now[i].len, now[i].perms,
                              now[i].host)) != UC_ERR_OK)
      fprintf(stderr, "xous-emu: cannot map guest 0x%08" PRIx32 "\n",
              now[i].guest);
  free(cpu->mapped);
  cpu->mapped = now;
  cpu->nmapped = n;
  cpu->gen = gen;
  cpu->ecall_pc = 0; /* the code may be other code now */
}

/* The pc and the registers of an ecall's words, a0..a7, for the batch
 * calls: read as one, the words written back as one. */
static int ecall_regs[9] = {
  UC_RISCV_REG_PC, UC_RISCV_REG_A0, UC_RISCV_REG_A1,
  UC_RISCV_REG_A2, UC_RISCV_REG_A3, UC_RISCV_REG_A4,
  UC_RISCV_REG_A5, UC_RISCV_REG_A6, UC_RISCV_REG_A7
};

/* unicorn has already stepped past the ecall (ABI.md section 5): the word
 * before pc must be that ecall. Checked once per pc: the pc of the last
 * ecall found there is kept, since a guest makes its calls from a few
 * places (the message helpers, xous_syscall()) over and over. */
static bool
is_ecall_before(struct emu_cpu *cpu, uint32_t pc)
{
  uint32_t word = 0;

  if (pc == cpu->ecall_pc)
    return true;
  if (pc < 4 || uc_mem_read(cpu->uc, pc - 4, &word, 4) != UC_ERR_OK ||
      word != ECALL)
    return false;
  cpu->ecall_pc = pc;
  return true;
}

static void
on_interrupt(uc_engine *uc, uint32_t intno, void *user)
{
  struct emu_cpu *cpu = user;
  uint32_t in[9], out[8]; /* in: the pc, then the eight words */
  void *in_p[9], *out_p[8];
  int i;

  /* One call each way: unicorn's per-register call costs as much again
   * as the register itself. */
  for (i = 0; i < 9; i++)
    in_p[i] = &in[i];
  uc_reg_read_batch(uc, ecall_regs, in_p, 9);
  if (intno != CAUSE_ECALL_U || !is_ecall_before(cpu, in[0])) {
    cpu->cause = intno == CAUSE_ECALL_U ? -1 : (int)intno;
    uc_emu_stop(uc);
    return;
  }
  emu_syscall(&in[1], out);
  for (i = 0; i < 8; i++)
    out_p[i] = &out[i];
  uc_reg_write_batch(uc, &ecall_regs[1], out_p, 8);
  if (emu_map_generation() != cpu->gen)
    uc_emu_stop(uc);
}

static bool
on_invalid(uc_engine *uc, uc_mem_type type, uint64_t address, int size,
           int64_t value, void *user)
{
  struct emu_cpu *cpu = user;

  cpu->bad_addr = address;
  cpu->bad_type = type;
  return false;
}

struct emu_cpu *
emu_cpu_new(void)
{
  struct emu_cpu *cpu = calloc(1, sizeof(*cpu));

  if (cpu == NULL)
    return NULL;
  if (uc_open(UC_ARCH_RISCV, UC_MODE_RISCV32, &cpu->uc) != UC_ERR_OK) {
    free(cpu);
    return NULL;
  }
  uc_hook_add(cpu->uc, &cpu->intr, UC_HOOK_INTR, (void *)on_interrupt, cpu, 1,
              0);
  uc_hook_add(cpu->uc, &cpu->invalid, UC_HOOK_MEM_INVALID, (void *)on_invalid,
              cpu, 1, 0);
  sync_memory(cpu);
  return cpu;
}

void
emu_cpu_free(struct emu_cpu *cpu)
{
  if (cpu == NULL)
    return;
  uc_close(cpu->uc);
  free(cpu->mapped);
  free(cpu);
}

/* A guest fault: what a kernel would print, then the process dies. */
static _Noreturn void
crash(struct emu_cpu *cpu, uc_err err, uint32_t pc)
{
  int sig = SIGSEGV, i;

  if (cpu->cause > 0) {
    sig = SIGILL;
    /* unicorn reports the pc after the faulting instruction. */
    fprintf(stderr,
            "xous-emu: %s: guest exception (cause %d, illegal instruction "
            "when 2) near pc 0x%08" PRIx32 "\n",
            emu_program, cpu->cause, pc);
  } else if (cpu->cause < 0) {
    sig = SIGILL;
    fprintf(stderr,
            "xous-emu: %s: unexpected ecall report at pc 0x%08" PRIx32 "\n",
            emu_program, pc);
  } else {
    fprintf(stderr,
            "xous-emu: %s: guest fault: %s, address 0x%08" PRIx64
            ", pc 0x%08" PRIx32 "\n",
            emu_program, uc_strerror(err), cpu->bad_addr, pc);
  }
  for (i = 1; i < 32; i++)
    fprintf(stderr, "  %-4s 0x%08" PRIx32 "%s", reg_names[i],
            get(cpu, UC_RISCV_REG_X0 + i), i % 4 == 3 ? "\n" : "");
  fprintf(stderr, "\n");
  fflush(stderr);
  /* As a crashed process: the broker sees the hang-up and cleans up. */
  _exit(128 + sig);
}

uint32_t
emu_cpu_run(struct emu_cpu *cpu, uint32_t pc)
{
  /* A CPU that ran before (an interrupt's) may have a stale table. */
  if (emu_map_generation() != cpu->gen)
    sync_memory(cpu);
  for (;;) {
    uc_err err = uc_emu_start(cpu->uc, pc, UINT64_MAX, 0, 0);

    pc = get(cpu, UC_RISCV_REG_PC);
    if (cpu->cause != 0)
      crash(cpu, err, pc);
    if (err == UC_ERR_OK) {
      /* Stopped after a syscall changed the memory table. */
      sync_memory(cpu);
      continue;
    }
    if (err == UC_ERR_FETCH_UNMAPPED &&
        (pc == EMU_THREAD_EXIT || pc == EMU_IRQ_RETURN))
      return get(cpu, UC_RISCV_REG_A0);
    if ((err == UC_ERR_READ_UNMAPPED || err == UC_ERR_WRITE_UNMAPPED ||
         err == UC_ERR_FETCH_UNMAPPED) &&
        emu_map_generation() != cpu->gen) {
      /* Another thread mapped it meanwhile: retry with the new table. */
      sync_memory(cpu);
      continue;
    }
    crash(cpu, err, pc);
  }
}
