# Build fragment for servers/names: the name server and its client API.

# The client API, part of libxous.
libxous_la_SOURCES += \
	servers/names/client.c \
	servers/names/wire.c \
	servers/names/wire.h

pkglibexec_PROGRAMS += xous-names
xous_names_SOURCES = \
	servers/names/hosted/say.c \
	servers/names/main.c \
	servers/names/serve.c \
	servers/names/server.h \
	servers/names/table.c
xous_names_LDADD = libxous.la

# The device side, built by scripts/cross-build.
EXTRA_DIST += servers/names/device/say.c
