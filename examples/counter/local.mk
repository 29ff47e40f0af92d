# Build fragment for examples/counter, included from Makefile.am (inside if XOUS_HOSTED).

# ---- examples/counter: a server found by name, through the name server -------
counterexecdir = $(pkglibexecdir)/examples/counter
counterexec_PROGRAMS = examples/counter/counter-server \
	examples/counter/counter-client
examples_counter_counter_server_SOURCES = examples/counter/server.c \
	examples/counter/counter.h
examples_counter_counter_server_LDADD = libxous.la
examples_counter_counter_client_SOURCES = examples/counter/client.c \
	examples/counter/counter.h
examples_counter_counter_client_LDADD = libxous.la
nobase_dist_pkgdata_DATA += examples/counter/README.md \
	examples/counter/server.c examples/counter/client.c \
	examples/counter/counter.h

# ---- tests of the examples, under the real servers and xous-run --------------
TESTS += tests/check_examples
check_PROGRAMS += tests/check_examples
tests_check_examples_SOURCES = tests/check_examples.c \
	tests/support/harness.c tests/support/harness.h \
	tests/support/json.c tests/support/json.h
tests_check_examples_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_examples_LDADD = libxous.la $(CHECK_LIBS)

# ---- its test, as a user would write one, with libxous-test --------------------
TESTS += examples/counter/test_counter
check_PROGRAMS += examples/counter/test_counter
examples_counter_test_counter_SOURCES = examples/counter/test_counter.c \
	examples/counter/counter.h
examples_counter_test_counter_LDADD = libxous-test.la libxous.la
