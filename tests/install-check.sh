#!/bin/sh
# The installed test library, used as a user would: installs the build
# into a fresh prefix (make install DESTDIR=...), builds a server and its
# test from outside the tree with nothing but pkg-config xous / xous-test,
# runs the test (system up, server spawned, name, call, injected failure,
# an hour of virtual time, stop) and checks that nothing is left behind:
# no process of the prefix, no directory, no socket, no /dev/shm object.
# Exit 77 (skip) without pkg-config.
set -eu

builddir=${XOUS_BUILDDIR:-$(pwd)}
srcdir=$(cd "${XOUS_SRCDIR:-$(dirname "$0")/..}" && pwd)
builddir=$(cd "$builddir" && pwd)
command -v pkg-config >/dev/null 2>&1 || { echo "install-check: no pkg-config"; exit 77; }

work=$(mktemp -d "${TMPDIR:-/tmp}/xous-install.XXXXXX")
trap 'rm -rf "$work"' EXIT
dest=$work/root
make -C "$builddir" -s install DESTDIR="$dest" >"$work/install.log" 2>&1 ||
  { cat "$work/install.log"; echo "install-check: make install failed"; exit 1; }

pc=$(find "$dest" -name xous-test.pc | head -1)
[ -n "$pc" ] || { echo "install-check: xous-test.pc was not installed"; exit 1; }
export PKG_CONFIG_PATH="$(dirname "$pc")"
export PKG_CONFIG_SYSROOT_DIR="$dest"
lib=$(dirname "$(dirname "$pc")")
export LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
# Nothing of the build tree: the library must find the installed programs.
unset XOUS_BUILDDIR XOUS_TEST_PROGRAMS XOUS_SOCKET

# A sanitizer build's library needs the same flags in the programs it is
# linked into.
san=$(sed -n 's/^CFLAGS = //p' "$builddir/Makefile" | tr ' ' '\n' |
  grep -e '^-fsanitize' -e '^-fno-sanitize' | tr '\n' ' ' || true)
# A static library cannot see where it was installed: tell it.
if [ -z "$(find "$lib" -name 'libxous-test.so*' | head -1)" ]; then
  XOUS_TEST_PROGRAMS=$(find "$dest" -name xousd -type f -exec dirname {} \; | head -1)
  servers=$(find "$dest" -name xous-names -type f -exec dirname {} \; | head -1)
  export XOUS_TEST_PROGRAMS="$XOUS_TEST_PROGRAMS:$servers"
fi

cc="${CC:-cc} $san"
cd "$work"
# shellcheck disable=SC2046 # pkg-config prints several words on purpose
$cc -std=c11 -Wall -Wextra -Werror -o server "$srcdir/tests/install/server.c" \
  $(pkg-config --cflags --libs xous)
# shellcheck disable=SC2046
$cc -std=c11 -Wall -Wextra -Werror -o test "$srcdir/tests/install/test.c" \
  $(pkg-config --cflags --libs xous-test)

shm_before=$(ls /dev/shm 2>/dev/null | grep -c "^xous" || true)
./test ./server >"$work/out.txt" 2>&1 || { cat "$work/out.txt"; echo "install-check: the test failed"; exit 1; }
dir=$(tail -1 "$work/out.txt")
status=0
if [ -e "$dir" ]; then
  echo "install-check: the system's directory $dir is still there"
  status=1
fi
if ps -eo args= | grep -F "$dest" | grep -v grep >/dev/null; then
  echo "install-check: a process of the prefix is still running:"
  ps -eo pid=,args= | grep -F "$dest" | grep -v grep
  status=1
fi
shm_after=$(ls /dev/shm 2>/dev/null | grep -c "^xous" || true)
if [ "$shm_after" -gt "$shm_before" ]; then
  echo "install-check: /dev/shm has $((shm_after - shm_before)) more objects"
  status=1
fi
[ $status -eq 0 ] && echo "install-check: ok (system in $dir, nothing left)"
exit $status
