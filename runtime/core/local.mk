# Build fragment for runtime/core: the target-neutral core of libxous (the
# encoding of every call), built once and linked into libxous, into the
# broker (SIDs, error names) and into tests/check_core (over a recording
# backend instead of the hosted one). Its sources are listed in
# portable.mk: the device build takes the same.

noinst_LTLIBRARIES += runtime/core/libxous-core.la
runtime_core_libxous_core_la_SOURCES = $(xous_core_portable)
