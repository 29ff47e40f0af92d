# Build fragment for servers/ticktimer: the ticktimer. Its portable
# sources, its device side and its client API (part of libxous) are in
# portable.mk; here the desktop clock and alarm (hosted/).

pkglibexec_PROGRAMS += xous-ticktimer
xous_ticktimer_SOURCES = $(xous_ticktimer_portable) \
	servers/ticktimer/hosted/alarm.c \
	servers/ticktimer/hosted/clock.c \
	servers/ticktimer/hosted/say.c
EXTRA_DIST += $(xous_ticktimer_device)
