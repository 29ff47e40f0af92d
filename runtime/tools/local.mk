# Build fragment for runtime/tools, included from Makefile.am (inside if XOUS_HOSTED).
