# The portable part of the tree: what builds for the desktop and for the
# device (rv32) alike, in one list that both builds read. Makefile.am
# includes this file for the desktop; runtime/riscv/cross.mk (which
# scripts/cross-build runs) includes it for the device. Plain make
# variables only (no automake conditionals, no rules), one file a line.
#
#   xous_core_portable  the target-neutral core of libxous
#   libxous_portable    the client APIs, part of libxous on both targets
#   portable_programs   the programs both targets build, by their desktop
#                       name; the device build makes NAME.elf at the same
#                       place (xous-names -> build-rv32/xous-names.elf)
#   NAME_portable       a program's sources on both targets (NAME in
#                       automake's canonical form: / - . become _)
#   NAME_device         what the device adds (the folder's device/); what
#                       the desktop adds (hosted/) is in its local.mk
#   portable_unlinked   portable code of programs the device cannot run
#                       yet, compiled for rv32 all the same
#                       (scripts/check-portable) so that it stays portable
#
# scripts/check-portable fails when a .c file of servers/, pddb/ or
# examples/ (outside hosted/) is in none of these lists.

# ---- runtime/core ----------------------------------------------------------------
xous_core_portable = \
	runtime/core/abi.h \
	runtime/core/buffer.c \
	runtime/core/decode.c \
	runtime/core/errors.c \
	runtime/core/helpers.c \
	runtime/core/internal.h \
	runtime/core/le.h \
	runtime/core/memory.c \
	runtime/core/messages.c \
	runtime/core/rkyv.c \
	runtime/core/servers.c \
	runtime/core/sid.c \
	runtime/core/system.c \
	runtime/core/threads.c \
	runtime/core/version.c

# ---- client APIs ---------------------------------------------------------------
libxous_portable = \
	pddb/client.c \
	pddb/senres.c \
	pddb/senres.h \
	servers/log/client.c \
	servers/log/format.c \
	servers/names/client.c \
	servers/names/wire.c \
	servers/names/wire.h \
	servers/ticktimer/client.c

portable_programs = \
	xous-names \
	xous-ticktimer \
	xous-log \
	examples/hello/hello-server \
	examples/hello/hello-client \
	examples/upper/upper-server \
	examples/upper/upper-client \
	examples/counter/counter-server \
	examples/counter/counter-client \
	examples/sleeper/sleeper \
	examples/notes/notes

# ---- servers/names -------------------------------------------------------------
xous_names_portable = \
	servers/names/main.c \
	servers/names/serve.c \
	servers/names/server.h \
	servers/names/table.c
xous_names_device = \
	servers/names/device/say.c

# ---- servers/ticktimer -----------------------------------------------------------
xous_ticktimer_portable = \
	servers/ticktimer/main.c \
	servers/ticktimer/platform.h \
	servers/ticktimer/serve.h \
	servers/ticktimer/server.c \
	servers/ticktimer/waiters.c \
	servers/ticktimer/waiters.h
xous_ticktimer_device = \
	servers/ticktimer/device/alarm.c \
	servers/ticktimer/device/clock.c \
	servers/ticktimer/device/say.c \
	servers/ticktimer/device/timer.h

# ---- servers/log -----------------------------------------------------------------
xous_log_portable = \
	servers/log/record.c \
	servers/log/record.h \
	servers/log/serve.c \
	servers/log/serve.h \
	servers/log/server.c \
	servers/log/terminal.h
xous_log_device = \
	servers/log/device/terminal.c

# ---- pddb: the server has no device storage yet ----------------------------------
pddb_engine_portable = \
	pddb/engine.c \
	pddb/engine.h \
	pddb/hmap.c \
	pddb/hmap.h \
	pddb/platform.h
xous_pddb_portable = \
	pddb/main.c \
	pddb/native_wire.c \
	pddb/native_wire.h \
	pddb/server.c \
	pddb/server.h \
	pddb/server_native.c \
	pddb/server_native.h \
	pddb/server_native_int.h \
	pddb/server_native_keys.c \
	pddb/server_native_lists.c \
	pddb/server_native_misc.c \
	pddb/server_std.c \
	pddb/server_std.h
portable_unlinked = $(pddb_engine_portable) $(xous_pddb_portable)

# ---- examples ------------------------------------------------------------------
examples_hello_hello_server_portable = \
	examples/hello/hello.h \
	examples/hello/server.c
examples_hello_hello_client_portable = \
	examples/hello/client.c \
	examples/hello/hello.h
examples_upper_upper_server_portable = \
	examples/upper/server.c \
	examples/upper/upper.h
examples_upper_upper_client_portable = \
	examples/upper/client.c \
	examples/upper/upper.h
examples_counter_counter_server_portable = \
	examples/counter/counter.h \
	examples/counter/server.c
examples_counter_counter_client_portable = \
	examples/counter/client.c \
	examples/counter/counter.h
examples_sleeper_sleeper_portable = \
	examples/sleeper/sleeper.c
examples_notes_notes_portable = \
	examples/notes/notes.c
