# Build fragment for examples/sleeper: sleeps on the ticktimer, logs
# through the log server.

sleeperexecdir = $(pkglibexecdir)/examples/sleeper
sleeperexec_PROGRAMS = examples/sleeper/sleeper
examples_sleeper_sleeper_SOURCES = $(examples_sleeper_sleeper_portable)
nobase_dist_pkgdata_DATA += \
	examples/sleeper/README.md \
	examples/sleeper/sleeper.c
