# Build fragment for bench/: the benchmarks (make bench).
# `make bench` builds the benchmarks and runs them against a private xousd;
# figures go to stdout and bench/results.json. A missed target is a figure,
# not a failure.
# The results files, written and read through jansson.
bench_results = bench/results.c bench/results.h

noinst_PROGRAMS += bench/bench_ipc
bench_programs += bench/bench_ipc
bench_bench_ipc_SOURCES = bench/bench_ipc.c bench/bench.h bench/broker.c \
	bench/server.c bench/limits.c bench/report.c bench/options.c \
	$(bench_results)
bench_bench_ipc_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
bench_bench_ipc_LDADD = runtime/tools/libcli.la libxous.la $(JANSSON_LIBS)

# The standard servers: sleep accuracy, connect by name, boot, log rate.
noinst_PROGRAMS += bench/bench_servers
bench_programs += bench/bench_servers
bench_bench_servers_SOURCES = bench/bench_servers.c bench/bench.h \
	bench/broker.c bench/report.c bench/options.c $(bench_results)
bench_bench_servers_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
bench_bench_servers_LDADD = runtime/tools/libcli.la libxous.la $(JANSSON_LIBS)
# Programs of the Xous hosted mode (TCP) beside native clients.
noinst_PROGRAMS += bench/bench_hosted
bench_programs += bench/bench_hosted
bench_bench_hosted_SOURCES = bench/bench_hosted.c bench/bench.h \
	bench/broker.c bench/server.c bench/report.c
bench_bench_hosted_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
bench_bench_hosted_LDADD = runtime/tools/libjson.la libxous.la
EXTRA_DIST += bench/RESULTS.md
CLEANFILES += bench/results.json

# The table of every figure beside its floor and target, from the files
# the benchmarks above wrote; run last by `make bench`.
noinst_PROGRAMS += bench/bench_table
bench_programs += bench/bench_table
bench_bench_table_SOURCES = bench/bench_table.c bench/bench.h bench/report.c \
	$(bench_results)
bench_bench_table_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
bench_bench_table_LDADD = $(JANSSON_LIBS)
CLEANFILES += bench/results-contended.json bench/results-emu.json \
	bench/results-pddb.txt

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
	  $(abs_top_builddir)/bench/bench_ipc $(BENCH_FLAGS) --contended \
	  --xousd '$(abs_top_builddir)/xousd' --limits '$(BENCH_LIMITS)' \
	  --json bench/results-contended.json
	XOUS_BUILDDIR='$(abs_top_builddir)' \
	  $(abs_top_builddir)/bench/bench_servers $(BENCH_FLAGS) \
	  --xousd '$(abs_top_builddir)/xousd' --json bench/results.json
	$(abs_top_builddir)/bench/bench_table bench
bench: bench-hosted
bench-hosted: bench/bench_hosted xousd xous-hosted tests/helpers/hosted-peer
	XOUS_BUILDDIR='$(abs_top_builddir)' \
	  $(abs_top_builddir)/bench/bench_hosted $(BENCH_FLAGS) \
	  --xousd '$(abs_top_builddir)/xousd'
.PHONY: bench-hosted
bench: bench-scale
bench: bench-emu
bench: bench-pddb

# The scale benchmark: 250 processes, thousands of connections, a million
# messages. `make bench-scale BENCH_SCALE_FLAGS=--quick` for a short run.
noinst_PROGRAMS += bench/bench_scale
bench_bench_scale_SOURCES = bench/bench_scale.c bench/bench.h \
	bench/broker.c runtime/tools/procfs.h
BENCH_SCALE_FLAGS =

.PHONY: bench-scale
bench-scale: bench/bench_scale xousd
	$(abs_top_builddir)/bench/bench_scale \
	  --xousd '$(abs_top_builddir)/xousd' $(BENCH_SCALE_FLAGS)

# Instructions per second of xous-emu, and the round trip of an emulated
# client beside a native one.
noinst_PROGRAMS += bench/bench_emu
bench_bench_emu_SOURCES = bench/bench_emu.c bench/bench.h bench/broker.c \
	bench/server.c bench/report.c $(bench_results)
bench_bench_emu_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
bench_bench_emu_LDADD = libxous.la $(JANSSON_LIBS)

.PHONY: bench-emu
bench-emu: bench/bench_emu xousd xous-emu
	XOUS_BUILDDIR='$(abs_top_builddir)' XOUS_SRCDIR='$(abs_top_srcdir)' \
	  $(abs_top_builddir)/bench/bench_emu --xousd '$(abs_top_builddir)/xousd' \
	  --json bench/results-emu.json

# The PDDB engine on real images.
noinst_PROGRAMS += bench/bench_pddb
bench_bench_pddb_SOURCES = bench/bench_pddb.c
bench_bench_pddb_CFLAGS = $(PDDB_HOST_CFLAGS)
bench_bench_pddb_LDADD = $(PDDB_ENGINE_LIBS)

.PHONY: bench-pddb
bench-pddb: bench/bench_pddb
	$(AM_V_at)$(MKDIR_P) bench
	XOUS_BUILDDIR='$(abs_top_builddir)' $(abs_top_builddir)/bench/bench_pddb \
	  > bench/results-pddb.txt; st=$$?; cat bench/results-pddb.txt; exit $$st
