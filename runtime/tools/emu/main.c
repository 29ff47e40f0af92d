/*
 * xous-emu PROGRAM.elf [ARG...]: runs an rv32 Xous program on the desktop
 * as an ordinary hosted Xous process (see xous-emu(1)).
 */
#include <stdio.h>
#include <string.h>

#include "emu/emu.h"

const char *emu_program = "xous-emu";

static void
usage(FILE *f)
{
  fprintf(f, "usage: xous-emu PROGRAM.elf [ARG...]\n");
}

int
main(int argc, char **argv)
{
  struct emu_cpu *cpu;
  uint32_t entry, sp, params;

  if (argc < 2 || argv[1][0] == '-') {
    int help = argc >= 2 && (strcmp(argv[1], "-h") == 0 ||
                             strcmp(argv[1], "--help") == 0);

    usage(help ? stdout : stderr);
    return help ? 0 : 2;
  }
  emu_program = argv[1];
  if (emu_trace_open() != 0)
    return 1;
  /* The guest's argv starts at its own name, as a native one would. */
  if (emu_load(argv[1], argc - 1, argv + 1, &entry, &sp, &params) != 0)
    return 1;
  cpu = emu_cpu_new();
  if (cpu == NULL) {
    fprintf(stderr, "xous-emu: cannot start the rv32 CPU\n");
    return 1;
  }
  emu_cpu_set(cpu, UC_RISCV_REG_SP, sp);
  /* As the kernel starts a process: a0 = .eh_frame (none given here),
   * a1 = the parameter block, ra = 0 (returning faults). */
  emu_cpu_set(cpu, UC_RISCV_REG_A0, 0);
  emu_cpu_set(cpu, UC_RISCV_REG_A1, params);
  /* The first thread ends the process only through TerminateProcess. */
  return (int)emu_cpu_run(cpu, entry);
}
