# Build fragment for runtime/riscv: the device (rv32) backend. It is built
# by scripts/cross-build (cross.mk), not by this configure; the desktop
# build ships its sources.

EXTRA_DIST += \
	runtime/riscv/cross.mk \
	runtime/riscv/crt0.S \
	runtime/riscv/heap.c \
	runtime/riscv/internal.h \
	runtime/riscv/start.c \
	runtime/riscv/stdout.c \
	runtime/riscv/syscall.c \
	runtime/riscv/thread.c \
	runtime/riscv/xous.ld \
	scripts/check-portable \
	scripts/cross-build
