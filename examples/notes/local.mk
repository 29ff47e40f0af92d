# Build fragment for examples/notes: notes kept in the PDDB.

noinst_PROGRAMS += examples/notes/notes
examples_notes_notes_SOURCES = $(examples_notes_notes_portable)
EXTRA_DIST += examples/notes/README.md
