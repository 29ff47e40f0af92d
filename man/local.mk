# Build fragment for man/: every manual page, whoever wrote it
# (tests/lint-man.sh lints them all).

dist_man_MANS += \
	man/pddb.1 \
	man/pddb.7 \
	man/xous-emu.1 \
	man/xous-log.8 \
	man/xous-names.8 \
	man/xous-pddb.8 \
	man/xous-run.1 \
	man/xous-ticktimer.8 \
	man/xous.3 \
	man/xous_buffer.3 \
	man/xous_log.3 \
	man/xous_names.3 \
	man/xous_pddb.3 \
	man/xous_rkyv.3 \
	man/xous_test.3 \
	man/xous_ticktimer.3 \
	man/xousctl.1 \
	man/xousd.8
