# Build fragment for servers/ticktimer, included from Makefile.am (inside if XOUS_HOSTED).
