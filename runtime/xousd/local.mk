# Build fragment for runtime/xousd: the broker, and the bridge that runs a
# Rust hosted-mode program as a Xous process.

bin_PROGRAMS += xousd
xousd_SOURCES = \
	runtime/xousd/broker.h \
	runtime/xousd/connection.c \
	runtime/xousd/ctl.c \
	runtime/xousd/ctl.h \
	runtime/xousd/direct.c \
	runtime/xousd/dispatch.c \
	runtime/xousd/fault.c \
	runtime/xousd/hosted_listen.c \
	runtime/xousd/hosted_listen.h \
	runtime/xousd/listen.c \
	runtime/xousd/log.c \
	runtime/xousd/main.c \
	runtime/xousd/process.c \
	runtime/xousd/seed.c \
	runtime/xousd/server.c \
	runtime/xousd/activation.c \
	runtime/xousd/waits.c
xousd_CPPFLAGS = $(AM_CPPFLAGS) -DXOUS_PKGLIBEXECDIR='"$(pkglibexecdir)"'
xousd_CFLAGS = $(AM_CFLAGS) $(UV_CFLAGS) $(SODIUM_CFLAGS) $(SYSTEMD_CFLAGS) \
	$(JANSSON_CFLAGS)
xousd_LDADD = runtime/tools/libcli.la runtime/hosted/libhosted-shared.la \
	runtime/core/libxous-core.la $(UV_LIBS) $(SODIUM_LIBS) $(SYSTEMD_LIBS) \
	$(JANSSON_LIBS)

# The frames of Xous's hosted mode (TCP), for the bridge and the test peer
# that plays a Rust program.
noinst_LTLIBRARIES += runtime/xousd/libhosted-frame.la
runtime_xousd_libhosted_frame_la_SOURCES = \
	runtime/xousd/hosted_frame.c \
	runtime/xousd/hosted_frame.h

# Started by xousd; linked with libxous statically, so that no libtool
# wrapper stands between the broker and a program joining.
pkglibexec_PROGRAMS += xous-hosted
xous_hosted_SOURCES = runtime/xousd/hosted_bridge.c
xous_hosted_LDADD = runtime/xousd/libhosted-frame.la libxous.la
xous_hosted_LDFLAGS = -static
