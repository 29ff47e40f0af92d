# Build fragment for include/: the public headers.

include_HEADERS += include/xous.h
xousincludedir = $(includedir)/xous
xousinclude_HEADERS += \
	include/xous/buffer.h \
	include/xous/error_list.h \
	include/xous/log.h \
	include/xous/names.h \
	include/xous/pddb.h \
	include/xous/rkyv.h \
	include/xous/syscall.h \
	include/xous/syscall_list.h \
	include/xous/test.h \
	include/xous/ticktimer.h \
	include/xous/types.h \
	include/xous/version.h
