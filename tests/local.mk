# Build fragment for tests, included from Makefile.am (inside if XOUS_HOSTED).
