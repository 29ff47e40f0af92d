# Build fragment for servers/ticktimer: the ticktimer and its client API.

# The client API, part of libxous.
libxous_la_SOURCES += servers/ticktimer/client.c

# The server: portable logic, plus the desktop clock and alarm (hosted/).
pkglibexec_PROGRAMS += xous-ticktimer
xous_ticktimer_SOURCES = \
	servers/ticktimer/hosted/alarm.c \
	servers/ticktimer/hosted/clock.c \
	servers/ticktimer/hosted/say.c \
	servers/ticktimer/platform.h \
	servers/ticktimer/server.c \
	servers/ticktimer/waiters.c \
	servers/ticktimer/waiters.h
xous_ticktimer_CPPFLAGS = $(AM_CPPFLAGS) -DTT_VERSION='"$(PACKAGE_VERSION)"'
xous_ticktimer_LDADD = libxous.la

# The device side, built by scripts/cross-build.
EXTRA_DIST += \
	servers/ticktimer/device/alarm.c \
	servers/ticktimer/device/clock.c \
	servers/ticktimer/device/say.c \
	servers/ticktimer/device/timer.h
