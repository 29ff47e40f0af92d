# Build fragment for examples, included from Makefile.am (inside if XOUS_HOSTED).

# ---- <xous/buffer.h>: page buffers for memory messages, part of libxous ----
libxous_la_SOURCES += runtime/core/buffer.c
xousinclude_HEADERS += include/xous/buffer.h

# ---- installing the examples ----------------------------------------------------
# The programs go to $(pkglibexecdir)/examples/NAME and their sources, READMEs
# and the demo image to $(pkgdatadir)/examples, so that xous-run with no
# program runs the demo from an install as from the build tree.
nobase_dist_pkgdata_DATA = examples/demo.image \
	examples/hello/README.md examples/hello/server.c \
	examples/hello/client.c examples/hello/hello.h

# ---- examples/upper: a mutable lend, upper-cased in place -------------------
upperexecdir = $(pkglibexecdir)/examples/upper
upperexec_PROGRAMS = examples/upper/upper-server examples/upper/upper-client
examples_upper_upper_server_SOURCES = examples/upper/server.c \
	examples/upper/upper.h
examples_upper_upper_server_LDADD = libxous.la
examples_upper_upper_client_SOURCES = examples/upper/client.c \
	examples/upper/upper.h
examples_upper_upper_client_LDADD = libxous.la
nobase_dist_pkgdata_DATA += examples/upper/README.md \
	examples/upper/server.c examples/upper/client.c examples/upper/upper.h

# ---- tests of memory messages --------------------------------------------------
TESTS += tests/check_memory
check_PROGRAMS += tests/check_memory tests/helpers/mem-peer

tests_check_memory_SOURCES = tests/check_memory.c \
	tests/support/harness.c tests/support/harness.h
tests_check_memory_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_memory_LDADD = libxous.la $(CHECK_LIBS)

tests_helpers_mem_peer_SOURCES = tests/helpers/mem-peer.c
tests_helpers_mem_peer_LDADD = libxous.la
EXTRA_DIST += examples/notes/README.md
