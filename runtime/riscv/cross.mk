# The rv32 (bare-metal Xous) build: libxous.a and every portable program as
# rv32imac/ilp32 ELF files, with Debian's gcc-riscv64-unknown-elf and
# picolibc-riscv64-unknown-elf. Used from the top of the tree as
#   make -f runtime/riscv/cross.mk O=build-rv32
# or through scripts/cross-build. Not part of the automake build.
#
# What gets built is what portable.mk lists, the list the desktop build
# reads too:
#  - libxous.a: $(xous_core_portable) and $(libxous_portable), over the
#    device backend of this folder (runtime/riscv/*.c and crt0.S);
#  - for each NAME of $(portable_programs), $(O)/NAME.elf from
#    $(NAME_portable) and $(NAME_device): the desktop's program name, at the
#    same place in the build directory (xous-names -> $(O)/xous-names.elf,
#    examples/hello/hello-server -> $(O)/examples/hello/hello-server.elf).

O ?= build-rv32
.DEFAULT_GOAL := all
top := $(patsubst %/runtime/riscv/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
include $(top)/portable.mk

CROSS ?= riscv64-unknown-elf-
CC := $(CROSS)gcc
AR := $(CROSS)ar
ARCH_FLAGS := -march=rv32imac -mabi=ilp32 --specs=picolibc.specs
OPT_CFLAGS ?= -Os -g
WERROR ?= -Werror
WARN_CFLAGS := -Wall -Wextra -Wshadow -Wstrict-prototypes \
  -Wmissing-prototypes -Wno-unused-parameter $(WERROR)
XCFLAGS := $(ARCH_FLAGS) -std=c11 -ffunction-sections -fdata-sections \
  $(OPT_CFLAGS) $(WARN_CFLAGS) -I$(top)/include $(CFLAGS)
# XOUS_INLINE_ECALL: the core's message helpers make their ecall inline
# (runtime/core/internal.h, runtime/riscv/ecall.h).
LIB_CPPFLAGS := -I$(top)/runtime -DXOUS_INLINE_ECALL
XLDFLAGS := $(ARCH_FLAGS) -nostartfiles -T $(top)/runtime/riscv/xous.ld \
  -Wl,--gc-sections $(LDFLAGS)

# The device backend: the word-moving layer under the core.
riscv_sources := \
  runtime/riscv/crt0.S \
  runtime/riscv/heap.c \
  runtime/riscv/start.c \
  runtime/riscv/stdout.c \
  runtime/riscv/string.c \
  runtime/riscv/syscall.c \
  runtime/riscv/thread.c

# Paths are relative to $(top); objects go to $(O)/obj/PATH.o.
compiled = $(filter %.c %.S,$(1))
objects = $(patsubst %,$(O)/obj/%.o,$(call compiled,$(1)))
# automake's canonical form of a program name.
canon = $(subst .,_,$(subst -,_,$(subst /,_,$(1))))
sources_of = $($(call canon,$(1))_portable) $($(call canon,$(1))_device)

lib_srcs := $(call compiled,$(xous_core_portable) $(libxous_portable) \
  $(riscv_sources))
LIB := $(O)/lib/libxous.a
PROGRAMS := $(patsubst %,$(O)/%.elf,$(portable_programs))

# $(1) = a program of $(portable_programs).
define program_rule
$(O)/$(1).elf: $(call objects,$(call sources_of,$(1))) $(LIB) \
    $(top)/runtime/riscv/xous.ld
	@mkdir -p $$(@D)
	@echo "  LD      $$@"
	@$(CC) $(XLDFLAGS) -o $$@ $$(filter %.o,$$^) $(LIB) -Wl,-Map,$$@.map
endef
$(foreach p,$(portable_programs),$(eval $(call program_rule,$(p))))

all: $(LIB) $(PROGRAMS)

# The library alone (the rv32 kit that make install puts in place).
lib: $(LIB)

$(LIB): $(call objects,$(lib_srcs))
	@mkdir -p $(@D)
	@echo "  AR      $@"
	@rm -f $@ && $(AR) rcs $@ $^

$(O)/obj/runtime/%.o: $(top)/runtime/%
	@mkdir -p $(@D)
	@echo "  CC      $(patsubst $(top)/%,%,$<)"
	@$(CC) $(XCFLAGS) $(LIB_CPPFLAGS) -MMD -MP -c -o $@ $<

$(O)/obj/%.o: $(top)/%
	@mkdir -p $(@D)
	@echo "  CC      $(patsubst $(top)/%,%,$<)"
	@$(CC) $(XCFLAGS) -MMD -MP -c -o $@ $<

# The rv32 programs of tests/check_emu (make ... tests).
TEST_PROGRAMS := $(O)/tests/rv32/conformance.elf $(O)/tests/rv32/abi.elf \
  $(O)/tests/rv32/bench.elf
tests: $(TEST_PROGRAMS) $(PROGRAMS)

$(O)/tests/rv32/%.elf: $(O)/obj/tests/rv32/%.c.o $(LIB) $(top)/runtime/riscv/xous.ld
	@mkdir -p $(@D)
	@echo "  LD      $@"
	@$(CC) $(XLDFLAGS) -o $@ $< $(LIB)

# For scripts/check-portable: every portable source compiled, the device
# programs' and those the device cannot run yet, and the lists.
portable_srcs := $(sort $(call compiled,$(libxous_portable) \
  $(foreach p,$(portable_programs),$(call sources_of,$(p))) \
  $(portable_unlinked)))
portable_objs := $(call objects,$(portable_srcs))

portable-objects: $(portable_objs)

list-portable-objects:
	@for o in $(portable_objs); do echo $$o; done

list-portable-sources:
	@for s in $(portable_srcs); do echo $$s; done

list-programs:
	@for p in $(PROGRAMS); do echo $$p; done

clean:
	rm -rf $(O)/obj $(O)/lib $(TEST_PROGRAMS) $(PROGRAMS) $(addsuffix .map,$(PROGRAMS))

.PHONY: all lib clean tests portable-objects list-portable-objects \
  list-portable-sources list-programs
.DELETE_ON_ERROR:
.SECONDARY:

-include $(shell find '$(O)/obj' -name '*.d' 2>/dev/null)
