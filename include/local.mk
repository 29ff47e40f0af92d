# Build fragment for include/: the public headers.

include_HEADERS += include/xous.h
xousincludedir = $(includedir)/xous
# The API of both targets (the rv32 kit installs it too); test.h is
# libxous-test's, a desktop library.
xous_api_headers = \
	include/xous/buffer.h \
	include/xous/error_list.h \
	include/xous/log.h \
	include/xous/names.h \
	include/xous/pddb.h \
	include/xous/rkyv.h \
	include/xous/syscall.h \
	include/xous/syscall_list.h \
	include/xous/ticktimer.h \
	include/xous/types.h \
	include/xous/version.h
xousinclude_HEADERS += $(xous_api_headers) include/xous/test.h
rv32_kit_headers = include/xous.h $(xous_api_headers)
