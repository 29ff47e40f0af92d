# Build fragment for pddb: the PDDB server and its command. The portable
# sources and the client API (part of libxous) are in portable.mk.

# The engine: portable logic, plus the SQLite store and libsodium crypto;
# built once for the server, the command, their tests and the benchmark.
PDDB_HOST_CFLAGS = $(AM_CFLAGS) $(SQLITE_CFLAGS) $(SODIUM_CFLAGS)
PDDB_HOST_LIBS = $(SQLITE_LIBS) $(SODIUM_LIBS)
noinst_LTLIBRARIES += pddb/libpddb-engine.la
pddb_libpddb_engine_la_SOURCES = $(pddb_engine_portable) \
	pddb/hosted/crypto.c \
	pddb/hosted/secure.c \
	pddb/hosted/secure.h \
	pddb/hosted/store.c
pddb_libpddb_engine_la_CFLAGS = $(PDDB_HOST_CFLAGS)
PDDB_ENGINE_LIBS = pddb/libpddb-engine.la libxous.la $(PDDB_HOST_LIBS)

# The server.
bin_PROGRAMS += xous-pddb
xous_pddb_SOURCES = $(xous_pddb_portable) \
	pddb/hosted/say.c \
	pddb/hosted/stop.c
xous_pddb_CFLAGS = $(PDDB_HOST_CFLAGS)
xous_pddb_LDADD = $(PDDB_ENGINE_LIBS)

# The command.
bin_PROGRAMS += pddb/pddb
pddb_pddb_SOURCES = \
	pddb/tool/pddb.c \
	pddb/tool/term.c \
	pddb/tool/term.h
pddb_pddb_CFLAGS = $(PDDB_HOST_CFLAGS) $(BSD_CFLAGS)
pddb_pddb_LDADD = runtime/tools/libcli.la $(PDDB_ENGINE_LIBS) $(BSD_LIBS)

# The server tests alone, crash soak included (kill -9 of xous-pddb during
# writes; also part of make check): `make soak-pddb`, to run them again.
soak-pddb: tests/check_pddb_server
	XOUS_BUILDDIR='$(abs_top_builddir)' XOUS_SRCDIR='$(abs_top_srcdir)' \
	CK_RUN_CASE=server ./tests/check_pddb_server
.PHONY: soak-pddb
