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
#define EMU_IRQ_RETURN 0xff802000u

/* ---- devices.c: the two peripherals the standard servers map ------------ */

/* Emulated pages of the Precursor SoC (xous-core's utralib), so that the
 * device builds of the log and ticktimer servers run here too. */
#define EMU_DEV_CONSOLE 1   /* UART at 0xf000_7000: bytes to stdout */
#define EMU_DEV_TICKTIMER 2 /* ms counter and alarm at 0xf001_2000, IRQ 8 */

/* The EMU_DEV_* at physical address phys (one page), or 0. */
int emu_device_at(uint32_t phys);
uint64_t emu_device_read(int device, uint64_t offset, unsigned size);
void emu_device_write(int device, uint64_t offset, unsigned size,
                      uint64_t value);
/* ClaimInterrupt: the ticktimer's IRQ is the only one there is. Returns
 * XOUS_OK or the error for the guest. */
xous_error_t emu_irq_claim(uint32_t irq, uint32_t pc, uint32_t arg);
xous_error_t emu_irq_free(uint32_t irq);

/* ---- map.c ----------------------------------------------------------------- */

struct emu_region {
  uint32_t guest;
  uint8_t *host;
  size_t len;
  uint32_t perms; /* UC_PROT_* */
  int device;     /* an emulated peripheral (devices.c), host is NULL */
};

/* Adds [guest, guest+len) -> host to the table (page aligned). 0 or -1. */
int emu_map_add(uint32_t guest, void *host, size_t len, uint32_t perms);
/* Adds an emulated peripheral's page (EMU_DEV_*) at guest. 0 or -1. */
int emu_map_add_device(uint32_t guest, size_t len, int device);
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
 * at the thread-exit address) or an interrupt handler returns (to
 * EMU_IRQ_RETURN). A fault ends the whole process. */
uint32_t emu_cpu_run(struct emu_cpu *cpu, uint32_t pc);
void emu_cpu_set(struct emu_cpu *cpu, int reg, uint32_t value);
void emu_cpu_free(struct emu_cpu *cpu);

/* ---- load.c ---------------------------------------------------------------- */

/* Loads an rv32 ELF by its sections and builds the stack with its
 * parameter block; sets *entry, *sp, *params (the block's guest address)
 * and *eh_frame (.eh_frame's address, 0 when none). 0, or -1 with a
 * message on stderr. */
int emu_load(const char *path, int argc, char **argv, uint32_t *entry,
             uint32_t *sp, uint32_t *params, uint32_t *eh_frame);

/* ---- bridge.c -------------------------------------------------------------- */

/* One ecall: eight guest words in, eight out. */
void emu_syscall(const uint32_t in[8], uint32_t out[8]);

/* ---- trace.c: the checking mode (XOUS_EMU_TRACE) ---------------------- */

/* Opens $XOUS_EMU_TRACE for appending when set: 0, or -1 after a message. */
int emu_trace_open(void);
/* One ecall's words; result NULL for a call that does not return. */
void emu_trace(const uint32_t in[8], const uint32_t *result);

/* The program's name, for messages. */
extern const char *emu_program;

#endif /* XOUS_EMU_H */
