# Build fragment for xous-emu, included from Makefile.am (inside if
# XOUS_HOSTED, after runtime/tools/local.mk):
#   include runtime/tools/emu.mk
# Needs UNICORN_CFLAGS/UNICORN_LIBS from configure.ac (pkg-config unicorn).

bin_PROGRAMS += xous-emu
xous_emu_SOURCES = \
	runtime/tools/emu/emu.h \
	runtime/tools/emu/main.c \
	runtime/tools/emu/load.c \
	runtime/tools/emu/map.c \
	runtime/tools/emu/cpu.c \
	runtime/tools/emu/bridge.c
xous_emu_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/runtime/tools
xous_emu_CFLAGS = $(AM_CFLAGS) $(UNICORN_CFLAGS)
xous_emu_LDADD = libxous.la $(UNICORN_LIBS)

EXTRA_DIST += runtime/riscv/cross.mk runtime/riscv/xous.ld \
	runtime/riscv/crt0.S runtime/riscv/internal.h runtime/riscv/syscall.c \
	runtime/riscv/start.c runtime/riscv/thread.c runtime/riscv/heap.c \
	runtime/riscv/stdout.c scripts/cross-build scripts/check-portable \
	tests/rv32/conformance.c

# ---- tests: rv32 programs under xous-emu --------------------------------------
TESTS += tests/check_emu
check_PROGRAMS += tests/check_emu
tests_check_emu_SOURCES = tests/check_emu.c \
	tests/support/harness.c tests/support/harness.h
tests_check_emu_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_emu_LDADD = libxous.la $(CHECK_LIBS)
