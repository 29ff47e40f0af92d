# Build fragment for pddb, included from Makefile.am (inside if XOUS_HOSTED).
