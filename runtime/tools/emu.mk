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
	runtime/tools/emu/bridge.c \
	runtime/tools/emu/devices.c \
	runtime/tools/emu/trace.c
xous_emu_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/runtime/tools
xous_emu_CFLAGS = $(AM_CFLAGS) $(UNICORN_CFLAGS)
xous_emu_LDADD = libxous.la $(UNICORN_LIBS)

EXTRA_DIST += runtime/riscv/cross.mk runtime/riscv/xous.ld \
	runtime/riscv/crt0.S runtime/riscv/internal.h runtime/riscv/syscall.c \
	runtime/riscv/start.c runtime/riscv/thread.c runtime/riscv/heap.c \
	runtime/riscv/stdout.c scripts/cross-build scripts/check-portable \
	tests/rv32/conformance.c tests/rv32/abi.c

# ---- tests: rv32 programs under xous-emu --------------------------------------
TESTS += tests/check_emu
check_PROGRAMS += tests/check_emu
tests_check_emu_SOURCES = tests/check_emu.c \
	tests/support/harness.c tests/support/harness.h
tests_check_emu_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_emu_LDADD = libxous.la $(CHECK_LIBS)

# ---- man page and benchmark ----------------------------------------------------
dist_man_MANS += man/xous-emu.1

EXTRA_DIST += tests/rv32/bench.c \
	servers/names/device/say.c \
	servers/log/device/terminal.c \
	servers/ticktimer/device/timer.h \
	servers/ticktimer/device/clock.c \
	servers/ticktimer/device/alarm.c \
	servers/ticktimer/device/say.c
noinst_PROGRAMS += bench/bench_emu
bench_bench_emu_SOURCES = bench/bench_emu.c bench/bench.h bench/broker.c \
	bench/server.c
bench_bench_emu_LDADD = libxous.la

# Instructions per second of xous-emu, and the round trip of an emulated
# client beside a native one (bench/bench_emu.c).
.PHONY: bench-emu
bench-emu: bench/bench_emu xousd xous-emu
	XOUS_BUILDDIR='$(abs_top_builddir)' XOUS_SRCDIR='$(abs_top_srcdir)' \
	  $(abs_top_builddir)/bench/bench_emu --xousd '$(abs_top_builddir)/xousd'

# The rv32 programs tests/check_emu builds for itself.
clean-local: clean-local-emu
clean-local-emu:
	-rm -rf rv32
.PHONY: clean-local-emu
