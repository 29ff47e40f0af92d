# Build fragment for servers/log, included from Makefile.am (inside if XOUS_HOSTED).
