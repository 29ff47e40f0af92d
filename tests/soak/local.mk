# Build fragment for tests/soak: the crash soak. `make soak` runs the short
# mode (CI, under a minute); `make soak SOAK_SECONDS=600` the long one.

noinst_PROGRAMS += tests/soak/soak
tests_soak_soak_SOURCES = tests/soak/soak.c runtime/tools/procfs.h \
	tests/support/shm.c tests/support/shm.h
# No libxous: it watches the broker and the peers from outside.
tests_soak_soak_LDADD =
SOAK_SECONDS = 25
SOAK_FLAGS =

.PHONY: soak
soak: tests/soak/soak tests/helpers/hostile-peer tests/helpers/order-peer \
	tests/helpers/reliability-peer xous-ticktimer xousd
	XOUS_BUILDDIR='$(abs_top_builddir)' \
	  $(abs_top_builddir)/tests/soak/soak --seconds $(SOAK_SECONDS) \
	  $(SOAK_FLAGS)
