# Build fragment for servers/log: the log server. Its portable sources,
# its device side and its client API (part of libxous) are in portable.mk;
# here the desktop terminal (hosted/).

pkglibexec_PROGRAMS += xous-log
xous_log_SOURCES = $(xous_log_portable) \
	servers/log/hosted/terminal.c
EXTRA_DIST += $(xous_log_device)
