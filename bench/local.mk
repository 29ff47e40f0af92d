# Build fragment for bench, included from Makefile.am (inside if XOUS_HOSTED).
