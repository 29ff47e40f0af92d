# Build fragment for servers/names, included from Makefile.am (inside if XOUS_HOSTED).

# The name server's client API is part of libxous.
libxous_la_SOURCES += servers/names/client.c servers/names/wire.c \
	servers/names/wire.h
xousinclude_HEADERS += include/xous/names.h

pkglibexec_PROGRAMS += xous-names
xous_names_SOURCES = \
	servers/names/server.h \
	servers/names/main.c \
	servers/names/serve.c \
	servers/names/table.c \
	servers/names/hosted/say.c
xous_names_LDADD = libxous.la

dist_man_MANS += man/xous-names.8 man/xous_names.3

TESTS += tests/check_names
check_PROGRAMS += tests/check_names tests/helpers/names-peer
tests_check_names_SOURCES = tests/check_names.c \
	tests/support/harness.c tests/support/harness.h
tests_check_names_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_names_LDADD = libxous.la $(CHECK_LIBS)
tests_helpers_names_peer_SOURCES = tests/helpers/names-peer.c
tests_helpers_names_peer_LDADD = libxous.la
