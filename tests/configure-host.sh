#!/bin/sh
# configure refuses what it cannot build, at once and saying where to go:
# an rv32 host (the device build is the rv32 kit and scripts/cross-build)
# and any system but Linux (the desktop runtime is Linux-only).
set -eu

srcdir=$(cd "${XOUS_SRCDIR:-$(dirname "$0")/..}" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/xous-configure.XXXXXX")
trap 'rm -rf "$work"' EXIT
status=0

# $1 = --host value, $2 = what the refusal must say.
refuses() {
  if (cd "$work" && "$srcdir/configure" --host="$1" >"$work/out" 2>&1); then
    echo "configure-host: configure --host=$1 succeeded; it must refuse"
    status=1
  elif ! grep -q -e "$2" "$work/out"; then
    cat "$work/out"
    echo "configure-host: configure --host=$1 refused without naming $2"
    status=1
  else
    echo "configure-host: ok: --host=$1 refused, naming $2"
  fi
}

refuses riscv32-unknown-elf scripts/cross-build
refuses riscv32-unknown-elf --with-rv32-kit
refuses x86_64-unknown-freebsd14.0 'Linux only'
exit $status
