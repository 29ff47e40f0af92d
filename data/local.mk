# Build fragment for data/:
# what a packager installs besides the programs: bash completion, the
# CMake package config, the systemd user unit; and no libtool .la file.

bashcompletiondir = $(datadir)/bash-completion/completions
dist_bashcompletion_DATA = data/xous.bash
cmakedir = $(libdir)/cmake/xous
cmake_DATA = data/xousConfig.cmake data/xousConfigVersion.cmake
systemduserunitdir = $(prefix)/lib/systemd/user
systemduserunit_DATA = data/xousd.service
# With libsystemd, xousd takes its socket from xousd.socket (socket
# activation); without it, xousd.service runs a plain daemon.
if XOUS_SYSTEMD
systemduserunit_DATA += data/xousd.socket
xousd_service_in = data/xousd-activated.service.in
else
xousd_service_in = data/xousd.service.in
endif
EXTRA_DIST += data/xousConfig.cmake.in data/xousConfigVersion.cmake.in \
	data/xousd.service.in data/xousd-activated.service.in \
	data/xousd.socket.in
CLEANFILES += $(cmake_DATA) $(systemduserunit_DATA)

# Made here, not by configure, so that the paths are make's: a
# `make install prefix=...` gets files that name where they went.
data_edit = sed -e 's|@PACKAGE_VERSION[@]|$(PACKAGE_VERSION)|g' \
	-e 's|@includedir[@]|$(includedir)|g' -e 's|@libdir[@]|$(libdir)|g' \
	-e 's|@bindir[@]|$(bindir)|g' \
	-e 's|@XOUS_VERSION_MAJOR[@]|'`echo $(PACKAGE_VERSION) | cut -d. -f1`'|g' \
	-e 's|@XOUS_VERSION_MINOR[@]|'`echo $(PACKAGE_VERSION) | cut -d. -f2`'|g'
data/xousConfig.cmake: $(srcdir)/data/xousConfig.cmake.in Makefile
	$(AM_V_GEN)$(MKDIR_P) data && $(data_edit) $(srcdir)/data/xousConfig.cmake.in >$@
data/xousConfigVersion.cmake: $(srcdir)/data/xousConfigVersion.cmake.in Makefile
	$(AM_V_GEN)$(MKDIR_P) data && $(data_edit) $(srcdir)/data/xousConfigVersion.cmake.in >$@
data/xousd.service: $(srcdir)/$(xousd_service_in) Makefile
	$(AM_V_GEN)$(MKDIR_P) data && $(data_edit) $(srcdir)/$(xousd_service_in) >$@
data/xousd.socket: $(srcdir)/data/xousd.socket.in Makefile
	$(AM_V_GEN)$(MKDIR_P) data && $(data_edit) $(srcdir)/data/xousd.socket.in >$@

# One completion file, found by bash-completion under each command's name.
install-data-hook: install-completion-links
install-completion-links:
	cd $(DESTDIR)$(bashcompletiondir) && \
	  for c in xous-run xousctl xousd; do rm -f $$c && $(LN_S) xous.bash $$c; done
uninstall-hook: uninstall-completion-links
uninstall-completion-links:
	if test -d $(DESTDIR)$(bashcompletiondir); then \
	  cd $(DESTDIR)$(bashcompletiondir) && rm -f xous-run xousctl xousd; \
	fi

# libxous.pc and the CMake config say how to link; the .la says nothing a
# packager wants.
install-exec-hook: remove-la-files
remove-la-files:
	rm -f $(DESTDIR)$(libdir)/libxous.la $(DESTDIR)$(libdir)/libxous-test.la
# Without the .la, libtool's uninstall no longer knows the library's files.
uninstall-hook: uninstall-libxous
uninstall-libxous:
	rm -f $(DESTDIR)$(libdir)/libxous.a $(DESTDIR)$(libdir)/libxous.so \
	  $(DESTDIR)$(libdir)/libxous.so.* $(DESTDIR)$(libdir)/libxous-test.a \
	  $(DESTDIR)$(libdir)/libxous-test.so $(DESTDIR)$(libdir)/libxous-test.so.*
.PHONY: install-completion-links uninstall-completion-links remove-la-files \
	uninstall-libxous
