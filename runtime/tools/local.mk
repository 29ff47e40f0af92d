# Build fragment for runtime/tools, included from Makefile.am (inside if XOUS_HOSTED).

# ---- xousctl: looks at and steers a running broker ----------------------------
bin_PROGRAMS += xousctl
xousctl_SOURCES = \
	runtime/tools/xousctl.c \
	runtime/tools/chrome.c \
	runtime/tools/chrome.h \
	runtime/tools/json.c \
	runtime/tools/json.h \
	runtime/hosted/wire.h \
	runtime/xousd/ctl.h
xousctl_CFLAGS = $(AM_CFLAGS)
# libxous for the wire and for `xousctl time`, a call to the ticktimer.
xousctl_LDADD = libxous.la

# ---- xous-run: a private Xous system for some programs ------------------------
bin_PROGRAMS += xous-run
xous_run_SOURCES = \
	runtime/tools/xous-run.c \
	runtime/tools/manifest.c \
	runtime/tools/manifest.h \
	runtime/tools/run_system.c \
	runtime/tools/run_system.h \
	runtime/tools/json.c \
	runtime/tools/json.h
xous_run_CPPFLAGS = $(AM_CPPFLAGS) \
	-DXOUS_PKGLIBEXECDIR='"$(pkglibexecdir)"' \
	-DXOUS_PKGDATADIR='"$(pkgdatadir)"'
xous_run_CFLAGS = $(AM_CFLAGS)
xous_run_LDADD = libxous.la

dist_man_MANS += man/xous-run.1 man/xousctl.1

# ---- tests ------------------------------------------------------------------------
TESTS += tests/check_tools
check_PROGRAMS += tests/check_tools
tests_check_tools_SOURCES = tests/check_tools.c \
	tests/support/harness.c tests/support/harness.h \
	tests/support/json.c tests/support/json.h \
	runtime/tools/json.c runtime/tools/json.h
tests_check_tools_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_tools_LDADD = libxous.la $(CHECK_LIBS)
