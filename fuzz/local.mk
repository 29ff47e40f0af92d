# Build fragment for fuzz, included from Makefile.am (inside if XOUS_HOSTED).
