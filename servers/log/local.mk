# Build fragment for servers/log: the log server and its client API.

# The client API and its formatter, part of libxous.
libxous_la_SOURCES += \
	servers/log/client.c \
	servers/log/format.c

# The server: portable logic, plus the desktop terminal (hosted/).
pkglibexec_PROGRAMS += xous-log
xous_log_SOURCES = \
	servers/log/hosted/terminal.c \
	servers/log/record.c \
	servers/log/record.h \
	servers/log/serve.c \
	servers/log/serve.h \
	servers/log/server.c \
	servers/log/terminal.h
xous_log_LDADD = libxous.la

# The device side, built by scripts/cross-build.
EXTRA_DIST += servers/log/device/terminal.c
