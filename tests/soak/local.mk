# Build fragment for tests/soak, included from Makefile.am (inside if XOUS_HOSTED).
