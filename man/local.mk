# Build fragment for man, included from Makefile.am (inside if XOUS_HOSTED).
