# Build fragment for runtime/tools: the commands that look at and run a
# Xous system.

# The JSON helpers the commands share, over jansson.
noinst_LTLIBRARIES += runtime/tools/libjson.la
runtime_tools_libjson_la_SOURCES = \
	runtime/tools/json.c \
	runtime/tools/json.h
runtime_tools_libjson_la_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
runtime_tools_libjson_la_LIBADD = $(JANSSON_LIBS)

# The reading of options, --help, --version and usage errors, alike in
# every command (xousd, xousctl, xous-run, xous-emu, pddb, the benchmarks).
noinst_LTLIBRARIES += runtime/tools/libcli.la
runtime_tools_libcli_la_SOURCES = \
	runtime/tools/cli.c \
	runtime/tools/cli.h

# The client of the broker's control socket (xousctl, xous-run and
# libxous-test).
noinst_LTLIBRARIES += runtime/tools/libctl.la
runtime_tools_libctl_la_SOURCES = \
	runtime/tools/ctl_client.c \
	runtime/tools/ctl_client.h \
	runtime/tools/monotonic.h

# ---- xousctl: looks at and steers a running broker ----------------------------
bin_PROGRAMS += xousctl
xousctl_SOURCES = \
	runtime/tools/chrome.c \
	runtime/tools/chrome.h \
	runtime/tools/xousctl.c
# libxous for the wire and for `xousctl time`, a call to the ticktimer.
xousctl_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
xousctl_LDADD = runtime/tools/libcli.la runtime/tools/libctl.la runtime/tools/libjson.la libxous.la

# ---- xous-run: a private Xous system for some programs ------------------------
bin_PROGRAMS += xous-run
xous_run_SOURCES = \
	runtime/tools/manifest.c \
	runtime/tools/manifest.h \
	runtime/tools/run_system.c \
	runtime/tools/run_system.h \
	runtime/tools/xous-run.c
xous_run_CPPFLAGS = $(AM_CPPFLAGS) \
	-DXOUS_PKGLIBEXECDIR='"$(pkglibexecdir)"' \
	-DXOUS_PKGDATADIR='"$(pkgdatadir)"'
xous_run_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
xous_run_LDADD = runtime/tools/libcli.la runtime/tools/libctl.la runtime/tools/libjson.la libxous.la
