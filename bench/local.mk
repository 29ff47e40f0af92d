# Build fragment for bench, included from Makefile.am (inside if XOUS_HOSTED).
# `make bench` builds the benchmarks and runs them against a private xousd;
# figures go to stdout and bench/results.json. A missed target is a figure,
# not a failure.
noinst_PROGRAMS += bench/bench_ipc
bench_programs += bench/bench_ipc
bench_bench_ipc_SOURCES = bench/bench_ipc.c bench/bench.h bench/broker.c \
	bench/server.c bench/limits.c bench/report.c
bench_bench_ipc_LDADD = libxous.la

# The standard servers: sleep accuracy, connect by name, boot, log rate.
noinst_PROGRAMS += bench/bench_servers
bench_programs += bench/bench_servers
bench_bench_servers_SOURCES = bench/bench_servers.c bench/bench.h \
	bench/broker.c bench/report.c
bench_bench_servers_LDADD = libxous.la
# Programs of the Xous hosted mode (TCP) beside native clients.
noinst_PROGRAMS += bench/bench_hosted
bench_programs += bench/bench_hosted
bench_bench_hosted_SOURCES = bench/bench_hosted.c bench/bench.h \
	bench/broker.c bench/server.c bench/report.c \
	runtime/tools/json.c runtime/tools/json.h
bench_bench_hosted_LDADD = libxous.la
EXTRA_DIST += bench/RESULTS.md
CLEANFILES += bench/results.json

# run-limits lives beside the source tree; $XOUS_LIMITS overrides it.
BENCH_LIMITS = $(abs_top_srcdir)/../shared/limits/run-limits
BENCH_FLAGS =

.PHONY: bench
bench: $(bench_programs) xousd xous-names xous-ticktimer xous-log
	$(AM_V_at)$(MKDIR_P) bench
	XOUS_BUILDDIR='$(abs_top_builddir)' \
	  $(abs_top_builddir)/bench/bench_ipc $(BENCH_FLAGS) \
	  --xousd '$(abs_top_builddir)/xousd' --limits '$(BENCH_LIMITS)' \
	  --json bench/results.json
	XOUS_BUILDDIR='$(abs_top_builddir)' \
	  $(abs_top_builddir)/bench/bench_servers $(BENCH_FLAGS) \
	  --xousd '$(abs_top_builddir)/xousd' --json bench/results.json
bench: bench-hosted
bench-hosted: bench/bench_hosted xousd xous-hosted tests/helpers/hosted-peer
	XOUS_BUILDDIR='$(abs_top_builddir)' \
	  $(abs_top_builddir)/bench/bench_hosted $(BENCH_FLAGS) \
	  --xousd '$(abs_top_builddir)/xousd'
.PHONY: bench-hosted
bench: bench-scale
bench: bench-emu
bench: bench-pddb
