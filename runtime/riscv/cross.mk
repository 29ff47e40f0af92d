# The rv32 (bare-metal Xous) build: libxous.a and every portable program as
# rv32imac/ilp32 ELF files, with Debian's gcc-riscv64-unknown-elf and
# picolibc-riscv64-unknown-elf. Used from the top of the tree as
#   make -f runtime/riscv/cross.mk O=build-rv32
# or through scripts/cross-build. Not part of the automake build.
#
# What gets built, found anew on every run:
#  - libxous.a: runtime/core/*.c, runtime/riscv/*.c and crt0.S, and the
#    portable client APIs that a servers/*/local.mk, pddb/local.mk or
#    examples/local.mk adds to libxous_la_SOURCES (not from hosted/).
#  - one program per .c file that defines main() in servers/*/, pddb/ and
#    examples/*/; the other .c files of that folder (and of its device/
#    subfolder) are linked into each of them. hosted/ subfolders are never
#    built: a folder with hosted/ but no device/ is skipped, and said so.
#    Names: D/main.c and D/D.c give D.elf, D/x.c gives D-x.elf, in
#    $(O)/<folder>/ (examples/hello/server.c -> examples/hello/hello-server.elf).

O ?= build-rv32
.DEFAULT_GOAL := all
top := $(patsubst %/runtime/riscv/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))

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
LIB_CPPFLAGS := -I$(top)/runtime
XLDFLAGS := $(ARCH_FLAGS) -nostartfiles -T $(top)/runtime/riscv/xous.ld \
  -Wl,--gc-sections $(LDFLAGS)

# Paths below are relative to $(top).
rel = $(patsubst $(top)/%,%,$(1))

# Client APIs listed in the fragments (continuation lines joined).
client_srcs := $(filter-out %/hosted/%,$(filter %.c,$(shell cd '$(top)' && \
  cat servers/*/local.mk pddb/local.mk examples/local.mk 2>/dev/null | \
  sed -e ':a' -e '/\\$$/N' -e 's/\\\n/ /' -e 'ta' | \
  sed -n 's/^[[:space:]]*libxous_la_SOURCES[[:space:]]*+=//p')))
client_srcs := $(filter servers/% pddb/% examples/%,$(client_srcs))

lib_srcs := $(call rel,$(wildcard $(top)/runtime/core/*.c) \
  $(wildcard $(top)/runtime/riscv/*.c)) runtime/riscv/crt0.S $(client_srcs)
lib_objs := $(patsubst %,$(O)/obj/%.o,$(lib_srcs))
LIB := $(O)/lib/libxous.a

# Files of folder $(1) that define main() (kept in a variable: its
# parentheses are not balanced).
main_re := ^(int[[:space:]]+)?main[[:space:]]*\(
# A folder's C files; test_*.c are desktop tests of an example (built with
# libxous-test, xous_test(3)), never device programs.
sources_in = $(filter-out $(top)/$(1)/test_%.c,$(wildcard $(top)/$(1)/*.c))
mains_in = $(call rel,$(shell grep -l -E '$(main_re)' \
  $(call sources_in,$(1)) /dev/null 2>/dev/null))

program_name = $(if $(filter main $(notdir $(1)),$(2)),$(notdir $(1)),$(notdir $(1))-$(2))

PROGRAMS :=
SKIPPED :=

# $(1) = folder (servers/log), $(2) = its main file.
define program_rule
$(O)/$(1)/$(call program_name,$(1),$(basename $(notdir $(2)))).elf: \
    $(O)/obj/$(2).o $(patsubst %,$(O)/obj/%.o,$(shared_$(1))) $(LIB) \
    $(top)/runtime/riscv/xous.ld
	@mkdir -p $$(@D)
	@echo "  LD      $$@"
	@$(CC) $(XLDFLAGS) -o $$@ $$(filter %.o,$$^) $(LIB) \
	  -Wl,-Map,$$@.map
PROGRAMS += $(O)/$(1)/$(call program_name,$(1),$(basename $(notdir $(2)))).elf
endef

# A folder that needs a hosted/ piece and has no device/ counterpart.
needs_host = $(and $(wildcard $(top)/$(1)/hosted/),$(if $(wildcard $(top)/$(1)/device/),,yes))

# $(1) = folder: its programs, or a note saying why it is skipped.
define folder_rules
ifneq ($(call needs_host,$(1)),)
SKIPPED += $(1)
else
shared_$(1) := $(filter-out $(call mains_in,$(1)) $(client_srcs), \
  $(call rel,$(call sources_in,$(1)) $(wildcard $(top)/$(1)/device/*.c)))
$$(foreach m,$(call mains_in,$(1)),$$(eval $$(call program_rule,$(1),$$(m))))
endif
endef

folders := $(call rel,$(patsubst %/,%,$(sort $(dir \
  $(wildcard $(top)/servers/*/*.c) $(wildcard $(top)/pddb/*.c) \
  $(wildcard $(top)/examples/*/*.c)))))
$(foreach f,$(folders),$(eval $(call folder_rules,$(f))))

all: $(LIB) $(PROGRAMS)
	@for d in $(SKIPPED); do \
	  echo "cross.mk: skipped $$d: it needs $$d/hosted/ and has no $$d/device/ counterpart"; \
	done

$(LIB): $(lib_objs)
	@mkdir -p $(@D)
	@echo "  AR      $@"
	@rm -f $@ && $(AR) rcs $@ $^

$(O)/obj/runtime/%.o: $(top)/runtime/%
	@mkdir -p $(@D)
	@echo "  CC      $(call rel,$<)"
	@$(CC) $(XCFLAGS) $(LIB_CPPFLAGS) -MMD -MP -c -o $@ $<

$(O)/obj/%.o: $(top)/%
	@mkdir -p $(@D)
	@echo "  CC      $(call rel,$<)"
	@$(CC) $(XCFLAGS) -MMD -MP -c -o $@ $<

# The rv32 programs of tests/check_emu (make ... tests).
TEST_PROGRAMS := $(O)/tests/rv32/conformance.elf $(O)/tests/rv32/abi.elf \
  $(O)/tests/rv32/bench.elf
tests: $(TEST_PROGRAMS) $(PROGRAMS)

$(O)/tests/rv32/%.elf: $(O)/obj/tests/rv32/%.c.o $(LIB) $(top)/runtime/riscv/xous.ld
	@mkdir -p $(@D)
	@echo "  LD      $@"
	@$(CC) $(XLDFLAGS) -o $@ $< $(LIB)

# For scripts/check-portable: every portable source compiled (skipped
# folders too: their portable part must still build), and the list.
portable_srcs := $(client_srcs) $(sort $(foreach f,$(folders), \
  $(call rel,$(wildcard $(top)/$(f)/*.c) $(wildcard $(top)/$(f)/device/*.c))))
portable_objs := $(patsubst %,$(O)/obj/%.o,$(portable_srcs))

portable-objects: $(portable_objs)

list-portable-objects:
	@for o in $(portable_objs); do echo $$o; done

list-programs:
	@for p in $(PROGRAMS); do echo $$p; done

list-skipped:
	@for d in $(SKIPPED); do echo $$d; done

clean:
	rm -rf $(O)/obj $(O)/lib $(TEST_PROGRAMS) $(PROGRAMS) $(addsuffix .map,$(PROGRAMS))

.PHONY: all clean tests portable-objects list-portable-objects list-programs list-skipped
.DELETE_ON_ERROR:
.SECONDARY:

-include $(shell find '$(O)/obj' -name '*.d' 2>/dev/null)
