# Build fragment for examples/counter: a server found by name, through the
# name server, and its test as a user would write one (libxous-test).

nobase_pkglibexec_PROGRAMS += examples/counter/counter-server \
	examples/counter/counter-client
examples_counter_counter_server_SOURCES = $(examples_counter_counter_server_portable)
examples_counter_counter_client_SOURCES = $(examples_counter_counter_client_portable)
nobase_dist_pkgdata_DATA += \
	examples/counter/README.md \
	examples/counter/client.c \
	examples/counter/counter.h \
	examples/counter/server.c

TESTS += examples/counter/test_counter
check_PROGRAMS += examples/counter/test_counter
examples_counter_test_counter_SOURCES = examples/counter/test_counter.c \
	examples/counter/counter.h
examples_counter_test_counter_LDADD = libxous-test.la libxous.la
# Static: tests/install-check.sh's make install relinks libxous-test.so in
# the build tree while the suites run.
examples_counter_test_counter_LDFLAGS = -static
