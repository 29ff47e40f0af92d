# Build fragment for servers/names, included from Makefile.am (inside if XOUS_HOSTED).
