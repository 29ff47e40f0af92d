# Build fragment for tests, included from Makefile.am (inside if XOUS_HOSTED).

# The direct message path against peers that break its shared memory.
check_PROGRAMS += tests/check_direct tests/helpers/ring-vandal \
	tests/helpers/order-peer
TESTS += tests/check_direct

tests_check_direct_SOURCES = tests/check_direct.c \
	tests/support/harness.c tests/support/harness.h
tests_check_direct_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_direct_LDADD = libxous.la $(CHECK_LIBS)

tests_helpers_ring_vandal_SOURCES = tests/helpers/ring-vandal.c
tests_helpers_ring_vandal_LDADD = libxous.la
tests_helpers_order_peer_SOURCES = tests/helpers/order-peer.c
tests_helpers_order_peer_LDADD = libxous.la

# The public headers alone, as C11 -Wpedantic and as C++17.
TESTS += tests/headers.sh
EXTRA_DIST += tests/headers.sh

# Rust programs of the Xous hosted mode (TCP), played by a peer of ours.
check_PROGRAMS += tests/check_hosted tests/helpers/hosted-peer
TESTS += tests/check_hosted

tests_check_hosted_SOURCES = tests/check_hosted.c \
	tests/support/harness.c tests/support/harness.h \
	tests/support/json.c tests/support/json.h
tests_check_hosted_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_hosted_LDADD = libxous.la $(CHECK_LIBS)

tests_helpers_hosted_peer_SOURCES = tests/helpers/hosted-peer.c \
	runtime/xousd/hosted_frame.c runtime/xousd/hosted_frame.h
tests_helpers_hosted_peer_LDADD = libxous.la
