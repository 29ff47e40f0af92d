# Build fragment for tests/soak, included from Makefile.am (inside if XOUS_HOSTED).
# The reliability part: hostile clients, limits, access control (make
# check), the crash soak (make soak) and the scale benchmark (make bench).

check_PROGRAMS += tests/check_hostile tests/check_limits tests/check_access \
	tests/helpers/hostile-peer tests/helpers/rel-dial
TESTS += tests/check_hostile tests/check_limits tests/check_access

tests_check_hostile_SOURCES = tests/check_hostile.c \
	tests/support/harness.c tests/support/harness.h
tests_check_hostile_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_hostile_LDADD = libxous.la $(CHECK_LIBS)

tests_check_limits_SOURCES = tests/check_limits.c \
	tests/support/harness.c tests/support/harness.h
tests_check_limits_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_limits_LDADD = libxous.la $(CHECK_LIBS)

tests_check_access_SOURCES = tests/check_access.c \
	tests/support/harness.c tests/support/harness.h
tests_check_access_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_access_LDADD = libxous.la $(CHECK_LIBS)

tests_helpers_hostile_peer_SOURCES = tests/helpers/hostile-peer.c
tests_helpers_hostile_peer_LDADD = libxous.la
# No libxous: a plain binary that another user can run from the build tree.
tests_helpers_rel_dial_SOURCES = tests/helpers/rel-dial.c runtime/hosted/wire.h

# The crash soak: `make soak` runs the short mode (CI, under a minute);
# `make soak SOAK_SECONDS=600` the long one.
noinst_PROGRAMS += tests/soak/soak
tests_soak_soak_SOURCES = tests/soak/soak.c
SOAK_SECONDS = 25
SOAK_FLAGS =

.PHONY: soak
soak: tests/soak/soak tests/helpers/hostile-peer tests/helpers/order-peer xousd
	XOUS_BUILDDIR='$(abs_top_builddir)' \
	  $(abs_top_builddir)/tests/soak/soak --seconds $(SOAK_SECONDS) \
	  $(SOAK_FLAGS)

# The scale benchmark: 250 processes, thousands of connections, a million
# messages. `make bench-scale BENCH_SCALE_FLAGS=--quick` for a short run.
noinst_PROGRAMS += bench/bench_scale
bench_bench_scale_SOURCES = bench/bench_scale.c
bench_bench_scale_LDADD = libxous.la
BENCH_SCALE_FLAGS =

.PHONY: bench-scale
bench-scale: bench/bench_scale xousd
	$(abs_top_builddir)/bench/bench_scale \
	  --xousd '$(abs_top_builddir)/xousd' $(BENCH_SCALE_FLAGS)
