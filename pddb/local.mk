# Build fragment for pddb, included from Makefile.am (inside if XOUS_HOSTED).

# The engine: portable logic, plus the SQLite store and libsodium crypto.
pddb_engine_sources = \
	pddb/engine.c \
	pddb/engine.h \
	pddb/hmap.c \
	pddb/hmap.h \
	pddb/platform.h \
	pddb/hosted/store.c \
	pddb/hosted/crypto.c \
	pddb/hosted/secure.c \
	pddb/hosted/secure.h
PDDB_HOST_CFLAGS = $(AM_CFLAGS) $(SQLITE_CFLAGS) $(SODIUM_CFLAGS)
PDDB_HOST_LIBS = $(SQLITE_LIBS) $(SODIUM_LIBS)

# The server.
bin_PROGRAMS += xous-pddb
xous_pddb_SOURCES = pddb/server.c pddb/server_std.c pddb/server_std.h \
	pddb/main.c pddb/server.h \
	pddb/hosted/stop.c pddb/hosted/say.c \
	$(pddb_engine_sources)
xous_pddb_CFLAGS = $(PDDB_HOST_CFLAGS)
xous_pddb_LDADD = libxous.la $(PDDB_HOST_LIBS)

# The command.
bin_PROGRAMS += pddb/pddb
pddb_pddb_SOURCES = pddb/tool/pddb.c pddb/tool/term.c pddb/tool/term.h \
	$(pddb_engine_sources)
pddb_pddb_CFLAGS = $(PDDB_HOST_CFLAGS) $(BSD_CFLAGS)
pddb_pddb_LDADD = libxous.la $(PDDB_HOST_LIBS) $(BSD_LIBS)

# The client API, part of libxous.
libxous_la_SOURCES += pddb/client.c pddb/senres.c pddb/senres.h
xousinclude_HEADERS += include/xous/pddb.h

dist_man_MANS += man/pddb.1 man/pddb.7 man/xous_pddb.3 man/xous-pddb.8

# The example.
noinst_PROGRAMS += examples/notes/notes
examples_notes_notes_SOURCES = examples/notes/notes.c
examples_notes_notes_LDADD = libxous.la

# Tests: the engine and the command on real images; the server under xousd.
TESTS += tests/check_pddb tests/check_pddb_server tests/check_pddb_wire
check_PROGRAMS += tests/check_pddb tests/check_pddb_server tests/check_pddb_wire
tests_check_pddb_SOURCES = tests/check_pddb.c \
	tests/support/harness.c tests/support/harness.h $(pddb_engine_sources)
tests_check_pddb_CFLAGS = $(PDDB_HOST_CFLAGS) $(CHECK_CFLAGS)
tests_check_pddb_LDADD = libxous.la $(CHECK_LIBS) $(PDDB_HOST_LIBS)
tests_check_pddb_server_SOURCES = tests/check_pddb_server.c \
	tests/support/harness.c tests/support/harness.h $(pddb_engine_sources)
tests_check_pddb_server_CFLAGS = $(PDDB_HOST_CFLAGS) $(CHECK_CFLAGS)
tests_check_pddb_server_LDADD = libxous.la $(CHECK_LIBS) $(PDDB_HOST_LIBS)

tests_check_pddb_wire_SOURCES = tests/check_pddb_wire.c \
	tests/support/harness.c tests/support/harness.h $(pddb_engine_sources)
tests_check_pddb_wire_CFLAGS = $(PDDB_HOST_CFLAGS) $(CHECK_CFLAGS)
tests_check_pddb_wire_LDADD = libxous.la $(CHECK_LIBS) $(PDDB_HOST_LIBS)

# The benchmark: `make bench-pddb`, also run by `make bench`.
noinst_PROGRAMS += bench/bench_pddb
bench_bench_pddb_SOURCES = bench/bench_pddb.c $(pddb_engine_sources)
bench_bench_pddb_CFLAGS = $(PDDB_HOST_CFLAGS)
bench_bench_pddb_LDADD = libxous.la $(PDDB_HOST_LIBS)

.PHONY: bench-pddb
bench-pddb: bench/bench_pddb
	XOUS_BUILDDIR='$(abs_top_builddir)' $(abs_top_builddir)/bench/bench_pddb

# The server tests alone, crash soak included (kill -9 of xous-pddb during
# writes; also part of make check): `make soak-pddb`, to run them again.
soak-pddb: tests/check_pddb_server
	XOUS_BUILDDIR='$(abs_top_builddir)' XOUS_SRCDIR='$(abs_top_srcdir)' \
	CK_RUN_CASE=server ./tests/check_pddb_server
.PHONY: soak-pddb
