# Build fragment for runtime/hosted: libxous, the desktop backend under the
# core, with the client APIs of the servers and the PDDB (portable.mk).

lib_LTLIBRARIES += libxous.la
libxous_la_SOURCES = $(libxous_portable) \
	runtime/hosted/broker.c \
	runtime/hosted/calls.h \
	runtime/hosted/client.c \
	runtime/hosted/clock.c \
	runtime/hosted/errno.c \
	runtime/hosted/fork.c \
	runtime/hosted/internal.h \
	runtime/hosted/lend.c \
	runtime/hosted/memory.c \
	runtime/hosted/server.h \
	runtime/hosted/server_recv.c \
	runtime/hosted/server_reply.c \
	runtime/hosted/server_kept.c \
	runtime/hosted/pages.c \
	runtime/hosted/server_rings.c \
	runtime/hosted/sigterm.c \
	runtime/hosted/spin.c \
	runtime/hosted/stdio.c \
	runtime/hosted/syscall.c \
	runtime/hosted/threads.c
libxous_la_LIBADD = runtime/core/libxous-core.la \
	runtime/hosted/libhosted-shared.la
libxous_la_LDFLAGS = -version-info 0:0:0

# What the broker shares with the library: the frames on the broker
# socket, waiting on a word of shared memory, the memory objects.
noinst_LTLIBRARIES += runtime/hosted/libhosted-shared.la
runtime_hosted_libhosted_shared_la_SOURCES = \
	runtime/hosted/futex.c \
	runtime/hosted/objects.c \
	runtime/hosted/ring.h \
	runtime/hosted/wire.c \
	runtime/hosted/wire.h
