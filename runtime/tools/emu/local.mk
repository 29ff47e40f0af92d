# Build fragment for runtime/tools/emu: xous-emu, which runs an rv32 Xous
# program (unicorn) as a process of the desktop system.

bin_PROGRAMS += xous-emu
xous_emu_SOURCES = \
	runtime/tools/emu/bridge.c \
	runtime/tools/emu/cpu.c \
	runtime/tools/emu/devices.c \
	runtime/tools/emu/emu.h \
	runtime/tools/emu/load.c \
	runtime/tools/emu/main.c \
	runtime/tools/emu/map.c \
	runtime/tools/emu/trace.c
xous_emu_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/runtime/tools
xous_emu_CFLAGS = $(AM_CFLAGS) $(UNICORN_CFLAGS)
xous_emu_LDADD = runtime/tools/libcli.la libxous.la $(UNICORN_LIBS)
