# Build fragment for examples/notes: notes kept in the PDDB.

noinst_PROGRAMS += examples/notes/notes
examples_notes_notes_SOURCES = $(examples_notes_notes_portable)
examples_notes_notes_LDADD = libxous.la
EXTRA_DIST += examples/notes/README.md
