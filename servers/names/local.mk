# Build fragment for servers/names: the name server. Its portable sources,
# its device side and its client API (part of libxous) are in portable.mk.

pkglibexec_PROGRAMS += xous-names
xous_names_SOURCES = $(xous_names_portable) \
	servers/names/hosted/say.c
EXTRA_DIST += $(xous_names_device)
