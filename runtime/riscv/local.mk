# Build fragment for runtime/riscv: the device (rv32) backend. The device
# build is scripts/cross-build (cross.mk over portable.mk); this configure
# builds and installs from it the kit for programs of one's own (configure
# --with-rv32-kit, the default when riscv64-unknown-elf-gcc and picolibc
# are there): $(libdir)/xous-rv32/ with libxous.a, xous.ld and the public
# headers, and xous-rv32.pc.

EXTRA_DIST += \
	runtime/riscv/cross.mk \
	runtime/riscv/crt0.S \
	runtime/riscv/ecall.h \
	runtime/riscv/heap.c \
	runtime/riscv/internal.h \
	runtime/riscv/start.c \
	runtime/riscv/stdout.c \
	runtime/riscv/string.c \
	runtime/riscv/syscall.c \
	runtime/riscv/thread.c \
	runtime/riscv/xous.ld \
	scripts/check-portable \
	scripts/cross-build \
	xous-rv32.pc.in

if XOUS_RV32_KIT
rv32kitdir = $(libdir)/xous-rv32
rv32kit_DATA = rv32/lib/libxous.a runtime/riscv/xous.ld
nobase_rv32kit_HEADERS = $(rv32_kit_headers)
pkgconfig_DATA += xous-rv32.pc

# cross.mk knows what the library is made of; it is asked every time, and
# does nothing when the library is up to date. The same rv32/ tree serves
# tests/check_emu.
rv32/lib/libxous.a: rv32-kit
rv32-kit:
	+$(AM_V_GEN)CROSS='$(RV32_CROSS)' $(top_srcdir)/scripts/cross-build \
	  '$(abs_builddir)/rv32' -s lib
endif
.PHONY: rv32-kit
