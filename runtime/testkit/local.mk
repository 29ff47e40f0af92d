# Build fragment for runtime/testkit: libxous-test, to test your own
# servers (xous_test(3)).

lib_LTLIBRARIES += libxous-test.la
libxous_test_la_SOURCES = \
	runtime/testkit/ctl.c \
	runtime/testkit/files.c \
	runtime/testkit/files.h \
	runtime/testkit/find.c \
	runtime/testkit/internal.h \
	runtime/testkit/proc.c \
	runtime/testkit/system.c \
	runtime/testkit/trace.c
libxous_test_la_CPPFLAGS = $(AM_CPPFLAGS) \
	-DXOUS_TEST_LIBEXECDIR='"$(libexecdir)/xous-posix"' \
	-DXOUS_TEST_BINDIR='"$(bindir)"'
libxous_test_la_LIBADD = runtime/tools/libctl.la libxous.la
libxous_test_la_LDFLAGS = -version-info 0:0:0
