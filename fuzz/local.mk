# Build fragment for fuzz/: the libFuzzer targets.
#
# `make fuzz` builds the libFuzzer targets with clang into build-fuzz/ and
# runs each for a short time (scripts/fuzz; FUZZ_ARGS="--time 600" for a
# long run, or target names). The targets are compiled by that script, not
# here, so that the normal build never sees -fsanitize=fuzzer.
FUZZ_ARGS =

.PHONY: fuzz
fuzz:
	$(top_srcdir)/scripts/fuzz $(FUZZ_ARGS)

# What each target is built from, for scripts/fuzz (which reads these
# lists from the configured Makefile): fuzz_NAME_sources (NAME in
# automake's canonical form) and fuzz_NAME_flags, the compiler and linker
# flags it adds. A target takes a server's or program's own list, the one
# its build uses, so the two cannot drift apart; scripts/fuzz leaves out
# the headers and the file with main() (the target drives the server's
# one-message handler itself, and libFuzzer has the main()).
fuzz_targets = broker hosted ring tcp names rkyv ticktimer log pddb senres \
	pddb-client pddb-native
fuzz_support = fuzz/support/fuzz.c
# A server's target: the kernel around it played from the input.
fuzz_kernel = $(fuzz_support) \
	fuzz/support/kernel.c \
	runtime/hosted/wire.c \
	$(xous_core_portable)
# The library with a stand-in broker thread.
fuzz_library = $(fuzz_support) \
	fuzz/support/broker.c \
	$(xous_core_portable) \
	$(libxous_la_SOURCES) \
	$(runtime_hosted_libhosted_shared_la_SOURCES)

# The broker in-process; fuzz/broker.c has the globals main.c would.
fuzz_broker_sources = fuzz/broker.c $(fuzz_support) $(xousd_SOURCES) \
	$(runtime_hosted_libhosted_shared_la_SOURCES) \
	runtime/core/errors.c \
	runtime/core/sid.c
fuzz_broker_flags = $(UV_CFLAGS) $(SODIUM_CFLAGS) $(JANSSON_CFLAGS) \
	$(SYSTEMD_CFLAGS) $(UV_LIBS) $(SODIUM_LIBS) $(JANSSON_LIBS) \
	$(SYSTEMD_LIBS)
fuzz_hosted_sources = fuzz/hosted.c $(fuzz_library)
fuzz_hosted_flags = -lpthread
fuzz_ring_sources = fuzz/ring.c $(fuzz_library)
fuzz_ring_flags = -lpthread
fuzz_tcp_sources = fuzz/tcp.c $(runtime_xousd_libhosted_frame_la_SOURCES)
fuzz_names_sources = fuzz/names.c $(fuzz_kernel) $(xous_names_portable) \
	servers/names/wire.c
fuzz_rkyv_sources = fuzz/rkyv.c \
	runtime/core/rkyv.c \
	servers/names/wire.c
fuzz_ticktimer_sources = fuzz/ticktimer.c $(fuzz_kernel) \
	$(xous_ticktimer_portable)
fuzz_log_sources = fuzz/log.c $(fuzz_kernel) $(xous_log_portable) \
	servers/log/hosted/terminal.c
# The server on the real engine; not the stop on a signal (hosted/stop.c).
fuzz_pddb_sources = fuzz/pddb.c $(fuzz_kernel) $(xous_pddb_portable) \
	$(pddb_libpddb_engine_la_SOURCES) \
	pddb/hosted/say.c \
	pddb/senres.c \
	servers/names/client.c \
	servers/names/wire.c
fuzz_pddb_flags = $(SQLITE_CFLAGS) $(SODIUM_CFLAGS) $(PDDB_HOST_LIBS)
fuzz_senres_sources = fuzz/senres.c pddb/senres.c
fuzz_pddb_client_sources = fuzz/pddb_client.c $(fuzz_support) pddb/client.c \
	runtime/hosted/wire.c \
	pddb/senres.c
fuzz_pddb_native_sources = fuzz/pddb_native.c \
	pddb/native_wire.c \
	runtime/core/rkyv.c

EXTRA_DIST += scripts/fuzz fuzz/README.md fuzz/make-seeds.py \
	fuzz/broker.c fuzz/hosted.c fuzz/ring.c fuzz/names.c fuzz/rkyv.c \
	fuzz/ticktimer.c fuzz/log.c fuzz/pddb.c fuzz/tcp.c fuzz/senres.c fuzz/pddb_client.c \
	fuzz/pddb_native.c \
	fuzz/support/fuzz.c fuzz/support/fuzz.h \
	fuzz/support/broker.c fuzz/support/broker.h \
	fuzz/support/kernel.c fuzz/support/kernel.h \
	fuzz/corpus
