# Build fragment for tests/: the Check suites (make check), the programs
# they start (helpers/) and what they share (support/).
#
# A suite: five lines as below, in the block of its subject. A suite that
# starts xousd and real processes links $(SUITE_LIBS): the harness
# (tests/support/harness.h), libxous and Check.

check_LTLIBRARIES += tests/support/libtest-support.la
tests_support_libtest_support_la_SOURCES = \
	tests/support/async.c \
	tests/support/async.h \
	tests/support/expect.c \
	tests/support/expect.h \
	tests/support/harness.c \
	tests/support/harness.h \
	tests/support/json.c \
	tests/support/json.h \
	tests/support/probe.c \
	tests/support/probe.h \
	tests/support/procfs.c \
	tests/support/procfs.h \
	tests/support/raw.c \
	tests/support/raw.h \
	tests/support/shm.c \
	tests/support/shm.h \
	tests/support/tool.c \
	tests/support/tool.h \
	runtime/testkit/files.c \
	runtime/testkit/files.h
tests_support_libtest_support_la_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) \
	$(JANSSON_CFLAGS)
tests_support_libtest_support_la_LIBADD = $(JANSSON_LIBS)
SUITE_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
SUITE_LIBS = tests/support/libtest-support.la libxous.la $(CHECK_LIBS)

# ---- the core, over a recording backend (no broker) --------------------------
TESTS += tests/check_core
check_PROGRAMS += tests/check_core
tests_check_core_SOURCES = tests/check_core.c \
	tests/support/recording_backend.c tests/support/recording_backend.h
tests_check_core_CFLAGS = $(SUITE_CFLAGS)
tests_check_core_LDADD = runtime/core/libxous-core.la $(CHECK_LIBS)

# ---- how long a wait of the direct path polls (a pure policy) ----------------
TESTS += tests/check_wait
check_PROGRAMS += tests/check_wait
tests_check_wait_SOURCES = tests/check_wait.c runtime/hosted/spin.c
tests_check_wait_CFLAGS = $(SUITE_CFLAGS)
tests_check_wait_LDADD = $(CHECK_LIBS)

# ---- the broker and the message paths ---------------------------------------
TESTS += tests/check_processes
check_PROGRAMS += tests/check_processes
tests_check_processes_SOURCES = tests/check_processes.c
tests_check_processes_CFLAGS = $(SUITE_CFLAGS)
tests_check_processes_LDADD = $(SUITE_LIBS)

TESTS += tests/check_servers
check_PROGRAMS += tests/check_servers
tests_check_servers_SOURCES = tests/check_servers.c
tests_check_servers_CFLAGS = $(SUITE_CFLAGS)
tests_check_servers_LDADD = $(SUITE_LIBS)

TESTS += tests/check_messages
check_PROGRAMS += tests/check_messages
tests_check_messages_SOURCES = tests/check_messages.c
tests_check_messages_CFLAGS = $(SUITE_CFLAGS)
tests_check_messages_LDADD = $(SUITE_LIBS)

TESTS += tests/check_lifecycle
check_PROGRAMS += tests/check_lifecycle
tests_check_lifecycle_SOURCES = tests/check_lifecycle.c
tests_check_lifecycle_CFLAGS = $(SUITE_CFLAGS)
tests_check_lifecycle_LDADD = $(SUITE_LIBS)

# The direct message path against peers that break its shared memory.
TESTS += tests/check_direct
check_PROGRAMS += tests/check_direct
tests_check_direct_SOURCES = tests/check_direct.c
tests_check_direct_CFLAGS = $(SUITE_CFLAGS)
tests_check_direct_LDADD = $(SUITE_LIBS)

TESTS += tests/check_memory
check_PROGRAMS += tests/check_memory
tests_check_memory_SOURCES = tests/check_memory.c \
	tests/support/mem_protocol.h
tests_check_memory_CFLAGS = $(SUITE_CFLAGS)
tests_check_memory_LDADD = $(SUITE_LIBS)

# Hostile clients, limits, access control.
TESTS += tests/check_hostile
check_PROGRAMS += tests/check_hostile
tests_check_hostile_SOURCES = tests/check_hostile.c
tests_check_hostile_CFLAGS = $(SUITE_CFLAGS)
tests_check_hostile_LDADD = $(SUITE_LIBS)

TESTS += tests/check_limits
check_PROGRAMS += tests/check_limits
tests_check_limits_SOURCES = tests/check_limits.c
tests_check_limits_CFLAGS = $(SUITE_CFLAGS)
tests_check_limits_LDADD = $(SUITE_LIBS)

TESTS += tests/check_access
check_PROGRAMS += tests/check_access
tests_check_access_SOURCES = tests/check_access.c
tests_check_access_CFLAGS = $(SUITE_CFLAGS)
tests_check_access_LDADD = $(SUITE_LIBS)

# xousd taking a listening socket handed over as systemd hands one.
TESTS += tests/check_activation
check_PROGRAMS += tests/check_activation
tests_check_activation_SOURCES = tests/check_activation.c
tests_check_activation_CFLAGS = $(SUITE_CFLAGS)
tests_check_activation_LDADD = $(SUITE_LIBS)

# Rust programs of the Xous hosted mode (TCP), played by a peer of ours.
TESTS += tests/check_hosted
check_PROGRAMS += tests/check_hosted
tests_check_hosted_SOURCES = tests/check_hosted.c
tests_check_hosted_CFLAGS = $(SUITE_CFLAGS)
tests_check_hosted_LDADD = $(SUITE_LIBS)

# ---- the standard servers ------------------------------------------------------
TESTS += tests/check_names
check_PROGRAMS += tests/check_names
tests_check_names_SOURCES = tests/check_names.c
tests_check_names_CFLAGS = $(SUITE_CFLAGS)
tests_check_names_LDADD = $(SUITE_LIBS)

TESTS += tests/check_ticktimer
check_PROGRAMS += tests/check_ticktimer
tests_check_ticktimer_SOURCES = tests/check_ticktimer.c
tests_check_ticktimer_CFLAGS = $(SUITE_CFLAGS)
tests_check_ticktimer_LDADD = $(SUITE_LIBS)

TESTS += tests/check_log
check_PROGRAMS += tests/check_log
tests_check_log_SOURCES = tests/check_log.c
tests_check_log_CFLAGS = $(SUITE_CFLAGS)
tests_check_log_LDADD = $(SUITE_LIBS)

# The PDDB: the engine and the command on real images; the server under
# xousd; its wire. They link the engine, and share the start of a PDDB
# server (tests/support/pddb_system.h).
PDDB_SUITE_SOURCES = tests/support/pddb_system.c tests/support/pddb_system.h
PDDB_SUITE_CFLAGS = $(PDDB_HOST_CFLAGS) $(CHECK_CFLAGS)
PDDB_SUITE_LIBS = pddb/libpddb-engine.la $(SUITE_LIBS) $(PDDB_HOST_LIBS)

TESTS += tests/check_pddb
check_PROGRAMS += tests/check_pddb
tests_check_pddb_SOURCES = tests/check_pddb.c $(PDDB_SUITE_SOURCES)
tests_check_pddb_CFLAGS = $(PDDB_SUITE_CFLAGS)
tests_check_pddb_LDADD = $(PDDB_SUITE_LIBS)

TESTS += tests/check_pddb_server
check_PROGRAMS += tests/check_pddb_server
tests_check_pddb_server_SOURCES = tests/check_pddb_server.c $(PDDB_SUITE_SOURCES)
tests_check_pddb_server_CFLAGS = $(PDDB_SUITE_CFLAGS)
tests_check_pddb_server_LDADD = $(PDDB_SUITE_LIBS)

TESTS += tests/check_pddb_wire
check_PROGRAMS += tests/check_pddb_wire
tests_check_pddb_wire_SOURCES = tests/check_pddb_wire.c $(PDDB_SUITE_SOURCES)
tests_check_pddb_wire_CFLAGS = $(PDDB_SUITE_CFLAGS)
tests_check_pddb_wire_LDADD = $(PDDB_SUITE_LIBS)

TESTS += tests/check_pddb_wire_native
check_PROGRAMS += tests/check_pddb_wire_native
tests_check_pddb_wire_native_SOURCES = tests/check_pddb_wire_native.c \
	pddb/native_wire.c pddb/native_wire.h $(PDDB_SUITE_SOURCES)
tests_check_pddb_wire_native_CFLAGS = $(PDDB_SUITE_CFLAGS)
tests_check_pddb_wire_native_LDADD = $(PDDB_SUITE_LIBS)

# The C client's requests byte for byte, caught by a stand-in server.
TESTS += tests/check_pddb_client
check_PROGRAMS += tests/check_pddb_client
tests_check_pddb_client_SOURCES = tests/check_pddb_client.c
tests_check_pddb_client_CFLAGS = $(SUITE_CFLAGS)
tests_check_pddb_client_LDADD = $(SUITE_LIBS)

# ---- the tools, the test library, the examples, the emulator ------------------
TESTS += tests/check_tools
check_PROGRAMS += tests/check_tools
tests_check_tools_SOURCES = tests/check_tools.c
tests_check_tools_CFLAGS = $(SUITE_CFLAGS)
tests_check_tools_LDADD = runtime/tools/libjson.la $(SUITE_LIBS)

TESTS += tests/check_testkit
check_PROGRAMS += tests/check_testkit
tests_check_testkit_SOURCES = tests/check_testkit.c
tests_check_testkit_CFLAGS = $(SUITE_CFLAGS)
tests_check_testkit_LDADD = libxous-test.la libxous.la $(CHECK_LIBS)
# Static, like examples/counter/test_counter: tests/install-check.sh's make
# install relinks libxous-test.so in the build tree while the suites run.
tests_check_testkit_LDFLAGS = -static

# The examples under the real servers and xous-run.
TESTS += tests/check_examples
check_PROGRAMS += tests/check_examples
tests_check_examples_SOURCES = tests/check_examples.c
tests_check_examples_CFLAGS = $(SUITE_CFLAGS)
tests_check_examples_LDADD = $(SUITE_LIBS)

# rv32 programs (scripts/cross-build, tests/rv32/) under xous-emu.
TESTS += tests/check_emu
check_PROGRAMS += tests/check_emu
tests_check_emu_SOURCES = tests/check_emu.c
tests_check_emu_CFLAGS = $(SUITE_CFLAGS)
tests_check_emu_LDADD = $(SUITE_LIBS)
EXTRA_DIST += tests/README.md
EXTRA_DIST += \
	tests/rv32/abi.c \
	tests/rv32/bench.c \
	tests/rv32/conformance.c
# The rv32 programs tests/check_emu builds for itself.
clean-local: clean-local-rv32
clean-local-rv32:
	-rm -rf rv32
.PHONY: clean-local-rv32

# What dead, silent or greedy processes leave behind.
TESTS += tests/check_reliability
check_PROGRAMS += tests/check_reliability
tests_check_reliability_SOURCES = tests/check_reliability.c
tests_check_reliability_CFLAGS = $(SUITE_CFLAGS)
tests_check_reliability_LDADD = $(SUITE_LIBS)

# ---- checks that are scripts -------------------------------------------------
# The public headers alone, as C11 -Wpedantic and as C++17.
TESTS += tests/headers.sh
# Every page in man/, whoever wrote it, must pass mandoc's lint.
TESTS += tests/lint-man.sh
# The installed test library, used from outside the tree (make install DESTDIR).
TESTS += tests/install-check.sh
# configure refuses an rv32 host and any system but Linux, saying why.
TESTS += tests/configure-host.sh
EXTRA_DIST += \
	tests/configure-host.sh \
	tests/headers.sh \
	tests/install-check.sh \
	tests/install/server.c \
	tests/install/test.c \
	tests/lint-man.sh

# ---- helpers: the peers the suites start ---------------------------------------
# What the peers share: failing, arguments, roles (support/peer.h).
PEER_SUPPORT = tests/support/peer.c tests/support/peer.h

# Peers of one file each: automake builds NAME from NAME.c.
check_PROGRAMS += \
	tests/helpers/ring-vandal \
	tests/helpers/xtest-sleeper

check_PROGRAMS += tests/helpers/hostile-peer
tests_helpers_hostile_peer_SOURCES = tests/helpers/hostile-peer.c \
	$(PEER_SUPPORT)

check_PROGRAMS += tests/helpers/names-peer
tests_helpers_names_peer_SOURCES = tests/helpers/names-peer.c $(PEER_SUPPORT)

check_PROGRAMS += tests/helpers/hosted-peer
tests_helpers_hosted_peer_SOURCES = tests/helpers/hosted-peer.c $(PEER_SUPPORT)
tests_helpers_hosted_peer_LDADD = runtime/xousd/libhosted-frame.la libxous.la

check_PROGRAMS += tests/helpers/mem-peer
tests_helpers_mem_peer_SOURCES = tests/helpers/mem-peer.c $(PEER_SUPPORT) \
	tests/support/mem_protocol.h tests/support/probe.c tests/support/probe.h

check_PROGRAMS += tests/helpers/order-peer
tests_helpers_order_peer_SOURCES = tests/helpers/order-peer.c $(PEER_SUPPORT)

check_PROGRAMS += tests/helpers/reliability-peer
tests_helpers_reliability_peer_SOURCES = tests/helpers/reliability-peer.c \
	$(PEER_SUPPORT)

# No libxous: a plain binary that another user can run from the build tree.
check_PROGRAMS += tests/helpers/rel-dial
tests_helpers_rel_dial_LDADD =

check_PROGRAMS += tests/helpers/xtest-peer
tests_helpers_xtest_peer_SOURCES = tests/helpers/xtest-peer.c $(PEER_SUPPORT)
