/*
 * xous-emu's internal contract: the table of guest memory (map.c), one
 * emulated CPU per guest thread (cpu.c), the ELF loader (load.c) and the
 * syscall bridge to the hosted backend of libxous (bridge.c).
 *
 * Guest memory is host memory from the hosted backend (MapMemory, the
 * heap, lent and sent pages), shown to each CPU with uc_mem_map_ptr: a
 * guest address and a host pointer name the same bytes, so lends stay
 * remaps. The table translates between the two.
 */
#ifndef XOUS_EMU_H
#define XOUS_EMU_H

#include <stddef.h>
#include <stdint.h>

#include <unicorn/unicorn.h>

#include <xous.h>

/* The guest layout, as the Xous kernel's (ABI.md section 3). */
#define EMU_HEAP_BASE 0x20000000u
#define EMU_MESSAGE_BASE 0x40000000u
#define EMU_MAP_BASE 0x60000000u
#define EMU_STACK_TOP 0x80000000u
#define EMU_USER_END 0xff000000u
#define EMU_THREAD_EXIT 0xff803000u
#define EMU_STACK_SIZE (1024u * 1024u)

/* ---- map.c ----------------------------------------------------------------- */

struct emu_region {
  uint32_t guest;
  uint8_t *host;
  size_t len;
  uint32_t perms; /* UC_PROT_* */
};

/* Adds [guest, guest+len) -> host to the table (page aligned). 0 or -1. */
int emu_map_add(uint32_t guest, void *host, size_t len, uint32_t perms);
/* Forgets [guest, guest+len), splitting entries as needed. */
void emu_map_remove(uint32_t guest, size_t len);
/* The host address of [guest, guest+len) if one entry holds it all. */
void *emu_to_host(uint32_t guest, size_t len);
/* A free guest range of len bytes at or above base; 0 when there is none. */
uint32_t emu_map_find_free(uint32_t base, size_t len);
/* The table's generation: it changes with every add or remove. */
unsigned emu_map_generation(void);
/* A copy of the table (free it), and its generation; the count, or 0. */
size_t emu_map_snapshot(struct emu_region **out, unsigned *gen);

/* ---- cpu.c ----------------------------------------------------------------- */

struct emu_cpu;

/* A CPU with the table's memory mapped; NULL on failure. */
struct emu_cpu *emu_cpu_new(void);
/* Runs the guest from pc until the thread ends (it returns the value of a0
 * at the thread-exit address). A fault ends the whole process. */
uint32_t emu_cpu_run(struct emu_cpu *cpu, uint32_t pc);
void emu_cpu_set(struct emu_cpu *cpu, int reg, uint32_t value);
void emu_cpu_free(struct emu_cpu *cpu);

/* ---- load.c ---------------------------------------------------------------- */

/* Loads an rv32 ELF and builds the stack with its parameter block; sets
 * *entry, *sp and *params (the block's guest address). 0, or -1 with a
 * message on stderr. */
int emu_load(const char *path, int argc, char **argv, uint32_t *entry,
             uint32_t *sp, uint32_t *params);

/* ---- bridge.c -------------------------------------------------------------- */

/* One ecall: eight guest words in, eight out. */
void emu_syscall(const uint32_t in[8], uint32_t out[8]);

/* The program's name, for messages. */
extern const char *emu_program;

#endif /* XOUS_EMU_H */
