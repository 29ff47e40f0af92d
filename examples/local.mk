# Build fragment for examples/: what all the examples share. Each example
# has a local.mk of its own; their sources are listed in portable.mk, as
# every example builds for the device too.
#
# The programs go to $(pkglibexecdir)/examples/NAME and their sources,
# READMEs and the demo image to $(pkgdatadir)/examples (nobase_: at their
# path in the tree), so that xous-run with no program runs the demo from
# an install as from the build tree.
nobase_dist_pkgdata_DATA += examples/demo.image
