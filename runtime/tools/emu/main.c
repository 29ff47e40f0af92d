/*
 * xous-emu PROGRAM.elf [ARG...]: runs an rv32 Xous program on the desktop
 * as an ordinary hosted Xous process (see xous-emu(1)).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "config.h"

#include "emu/emu.h"
#include "tools/cli.h"

const char *emu_program = "xous-emu";

static void
usage(FILE *f)
{
  fprintf(f, "usage: xous-emu PROGRAM.elf [ARG...]\n"
             "       xous-emu --help | --version\n"
             "\n"
             "Runs an rv32 Xous program on this machine as an ordinary Xous\n"
             "process of the running xousd (see xous-emu(1)).\n"
             "\n"
             "  -h, --help     this text\n"
             "  -V, --version  the version\n");
}

/* xous-emu has --help and --version only: any option ends the reading. */
static int
own_option(int c, char **argv, void *ctx)
{
  (void)ctx;
  return xous__cli_other_option(c, "xous-emu", usage, argv);
}

/* Returns -1 to go on with argv[optind], else the exit status. */
static int
parse_options(int argc, char **argv)
{
  static const struct xous_cli_option options[] = {
    XOUS_CLI_HELP_VERSION,
  };
  int status;

  opterr = 0;
  /* "+": the options after the program are the guest's. */
  status = xous__cli_read(argc, argv, "+hV", options, own_option, NULL);
  if (status >= 0)
    return status;
  if (optind >= argc) {
    fprintf(stderr, "xous-emu: no program given\n");
    usage(stderr);
    return 2;
  }
  return -1;
}

int
main(int argc, char **argv)
{
  struct emu_cpu *cpu;
  uint32_t entry, sp, params, eh_frame;

  int status = parse_options(argc, argv);

  if (status >= 0)
    return status;
  emu_program = argv[optind];
  if (emu_trace_open() != 0)
    return 1;
  /* The guest's argv starts at its own name, as a native one would. */
  if (emu_load(argv[optind], argc - optind, argv + optind, &entry, &sp,
               &params, &eh_frame) != 0)
    return 1;
  cpu = emu_cpu_new();
  if (cpu == NULL) {
    fprintf(stderr, "xous-emu: cannot start the rv32 CPU\n");
    return 1;
  }
  emu_cpu_set(cpu, UC_RISCV_REG_SP, sp);
  /* As the kernel starts a process: a0 = .eh_frame, a1 = the parameter
   * block, ra = 0 (returning faults). */
  emu_cpu_set(cpu, UC_RISCV_REG_A0, eh_frame);
  emu_cpu_set(cpu, UC_RISCV_REG_A1, params);
  /* The first thread ends the process only through TerminateProcess. */
  return (int)emu_cpu_run(cpu, entry);
}
