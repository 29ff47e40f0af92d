# Build fragment for runtime/core: the target-neutral core of libxous (the
# encoding of every call), built once and linked into libxous, into the
# broker (SIDs, error names) and into tests/check_core (over a recording
# backend instead of the hosted one).

noinst_LTLIBRARIES += runtime/core/libxous-core.la
runtime_core_libxous_core_la_SOURCES = \
	runtime/core/abi.h \
	runtime/core/buffer.c \
	runtime/core/decode.c \
	runtime/core/errors.c \
	runtime/core/helpers.c \
	runtime/core/internal.h \
	runtime/core/memory.c \
	runtime/core/messages.c \
	runtime/core/rkyv.c \
	runtime/core/servers.c \
	runtime/core/sid.c \
	runtime/core/system.c \
	runtime/core/threads.c \
	runtime/core/version.c
