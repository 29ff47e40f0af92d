# Build fragment for fuzz/: the libFuzzer targets.
#
# `make fuzz` builds the libFuzzer targets with clang into build-fuzz/ and
# runs each for a short time (scripts/fuzz; FUZZ_ARGS="--time 600" for a
# long run, or target names). The targets are compiled by that script, not
# here, so that the normal build never sees -fsanitize=fuzzer.
FUZZ_ARGS =

.PHONY: fuzz
fuzz:
	$(top_srcdir)/scripts/fuzz $(FUZZ_ARGS)

EXTRA_DIST += scripts/fuzz fuzz/README.md fuzz/make-seeds.py \
	fuzz/broker.c fuzz/hosted.c fuzz/ring.c fuzz/names.c fuzz/rkyv.c \
	fuzz/ticktimer.c fuzz/log.c fuzz/pddb.c fuzz/tcp.c fuzz/senres.c fuzz/pddb_client.c \
	fuzz/pddb_native.c \
	fuzz/support/fuzz.c fuzz/support/fuzz.h \
	fuzz/support/broker.c fuzz/support/broker.h \
	fuzz/support/kernel.c fuzz/support/kernel.h \
	fuzz/corpus
