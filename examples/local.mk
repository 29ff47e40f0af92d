# Build fragment for examples, included from Makefile.am (inside if XOUS_HOSTED).
