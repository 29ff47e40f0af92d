#!/bin/sh
# Lints every manual page in man/ with mandoc: a warning or worse fails
# the check, so a page that renders badly never ships. Exit 77 (skip)
# when mandoc is not installed.
set -u

srcdir=${XOUS_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}

if ! command -v mandoc >/dev/null 2>&1; then
  echo "lint-man: mandoc not found, skipping"
  exit 77
fi

status=0
found=0
for page in "$srcdir"/man/*.[0-9]; do
  [ -f "$page" ] || continue
  found=$((found + 1))
  name=${page#"$srcdir"/}
  # With -Wwarning, mandoc prints and counts only warnings and worse, and
  # exits nonzero when there is one.
  if out=$(mandoc -Tlint -Wwarning "$page" 2>&1); then
    echo "ok: $name"
  else
    printf '%s\n' "$out"
    echo "FAIL: $name"
    status=1
  fi
done

if [ "$found" -eq 0 ]; then
  echo "lint-man: no pages in $srcdir/man"
  exit 1
fi
exit $status
