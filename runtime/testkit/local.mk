# Build fragment for runtime/testkit, included from Makefile.am (inside if XOUS_HOSTED).

# ---- libxous-test: test your own servers (xous_test(3)) ----------------------
lib_LTLIBRARIES += libxous-test.la
libxous_test_la_SOURCES = \
	runtime/testkit/internal.h \
	runtime/testkit/find.c \
	runtime/testkit/proc.c \
	runtime/testkit/ctl.c \
	runtime/testkit/system.c \
	runtime/testkit/trace.c \
	runtime/xousd/ctl.h
libxous_test_la_CPPFLAGS = $(AM_CPPFLAGS) \
	-DXOUS_TEST_LIBEXECDIR='"$(libexecdir)/xous-posix"' \
	-DXOUS_TEST_BINDIR='"$(bindir)"'
libxous_test_la_LIBADD = libxous.la
libxous_test_la_LDFLAGS = -version-info 0:0:0
xousinclude_HEADERS += include/xous/test.h
pkgconfig_DATA += xous-test.pc
dist_man_MANS += man/xous_test.3

# ---- tests ------------------------------------------------------------------------
TESTS += tests/check_testkit
check_PROGRAMS += tests/check_testkit tests/helpers/xtest-sleeper
tests_check_testkit_SOURCES = tests/check_testkit.c
tests_check_testkit_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_testkit_LDADD = libxous-test.la libxous.la $(CHECK_LIBS)
tests_helpers_xtest_sleeper_SOURCES = tests/helpers/xtest-sleeper.c
tests_helpers_xtest_sleeper_LDADD = libxous.la

# The installed library, used from outside the tree (make install DESTDIR).
TESTS += tests/install-check.sh
EXTRA_DIST += tests/install-check.sh tests/install/server.c tests/install/test.c
