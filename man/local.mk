# Build fragment for man, included from Makefile.am (inside if XOUS_HOSTED).

dist_man_MANS += man/xousd.8 man/xous.3 man/xous_buffer.3 man/xous_rkyv.3

# Every page in man/, whoever wrote it, must pass mandoc's lint.
TESTS += tests/lint-man.sh
EXTRA_DIST += tests/lint-man.sh
