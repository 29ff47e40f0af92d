# Build fragment for servers/ticktimer, included from Makefile.am (inside if XOUS_HOSTED).

# The server: portable logic, plus the desktop clock and alarm (hosted/).
pkglibexec_PROGRAMS += xous-ticktimer
xous_ticktimer_SOURCES = \
	servers/ticktimer/server.c \
	servers/ticktimer/waiters.c \
	servers/ticktimer/waiters.h \
	servers/ticktimer/platform.h \
	servers/ticktimer/hosted/clock.c \
	servers/ticktimer/hosted/alarm.c \
	servers/ticktimer/hosted/say.c
xous_ticktimer_CPPFLAGS = $(AM_CPPFLAGS) -DTT_VERSION='"$(PACKAGE_VERSION)"'
xous_ticktimer_LDADD = libxous.la

# The client API, part of libxous.
libxous_la_SOURCES += servers/ticktimer/client.c
xousinclude_HEADERS += include/xous/ticktimer.h

dist_man_MANS += man/xous-ticktimer.8 man/xous_ticktimer.3

TESTS += tests/check_ticktimer
check_PROGRAMS += tests/check_ticktimer
tests_check_ticktimer_SOURCES = tests/check_ticktimer.c \
	tests/support/harness.c tests/support/harness.h
tests_check_ticktimer_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_ticktimer_LDADD = libxous.la $(CHECK_LIBS)
