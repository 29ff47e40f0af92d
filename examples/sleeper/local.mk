# Build fragment for examples/sleeper: sleeps on the ticktimer, logs
# through the log server.

nobase_pkglibexec_PROGRAMS += examples/sleeper/sleeper
examples_sleeper_sleeper_SOURCES = $(examples_sleeper_sleeper_portable)
nobase_dist_pkgdata_DATA += \
	examples/sleeper/README.md \
	examples/sleeper/sleeper.c
