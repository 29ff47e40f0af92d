# Build fragment for examples/upper: a mutable lend, upper-cased in place.

nobase_pkglibexec_PROGRAMS += examples/upper/upper-server \
	examples/upper/upper-client
examples_upper_upper_server_SOURCES = $(examples_upper_upper_server_portable)
examples_upper_upper_client_SOURCES = $(examples_upper_upper_client_portable)
nobase_dist_pkgdata_DATA += \
	examples/upper/README.md \
	examples/upper/client.c \
	examples/upper/server.c \
	examples/upper/upper.h
