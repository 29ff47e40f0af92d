# Build fragment for servers/log, included from Makefile.am (inside if XOUS_HOSTED).

# The server: portable logic, plus the desktop terminal (hosted/).
pkglibexec_PROGRAMS += xous-log
xous_log_SOURCES = \
	servers/log/server.c \
	servers/log/serve.c \
	servers/log/serve.h \
	servers/log/record.c \
	servers/log/record.h \
	servers/log/terminal.h \
	servers/log/hosted/terminal.c
xous_log_LDADD = libxous.la

# The client API and its formatter, part of libxous.
libxous_la_SOURCES += servers/log/client.c servers/log/format.c
xousinclude_HEADERS += include/xous/log.h

dist_man_MANS += man/xous-log.8 man/xous_log.3

TESTS += tests/check_log
check_PROGRAMS += tests/check_log
tests_check_log_SOURCES = tests/check_log.c \
	tests/support/harness.c tests/support/harness.h
tests_check_log_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_log_LDADD = libxous.la $(CHECK_LIBS)
