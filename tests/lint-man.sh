#!/bin/sh
# Lints every manual page in man/ with mandoc: a warning or worse fails
# the check, so a page that renders badly never ships; and every page has
# a written-out .Dd and .Os xous-posix. Exit 77 (skip) when mandoc is not
# installed.
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
  # Every page alike: its date written out (a keyword such as $Mdocdate$
  # is never expanded from git), and the package as its system.
  months='January|February|March|April|May|June|July|August|September|October|November|December'
  if ! grep -Eq "^\.Dd ($months) [1-9][0-9]?, [0-9]{4}\$" "$page" ||
     ! grep -q '^\.Os xous-posix$' "$page"; then
    echo "FAIL: $name: wants '.Dd Month D, YYYY' and '.Os xous-posix'"
    status=1
  fi
done

# xous(3)'s ERRORS must list the error table (include/xous/error_list.h)
# as it is: each code with its number, its Xous name and the text of
# xous_strerror() (capitalised, with a full stop), in order, and no other.
table=$(sed -n 's/.*X(\([A-Z_]*\), *\([0-9]*\), *"\([A-Za-z]*\)",.*/\1 \2 \3/p' \
  "$srcdir/include/xous/error_list.h")
texts=$(tr -d '\\\n' <"$srcdir/include/xous/error_list.h" |
  grep -o 'X([A-Z_]*, *[0-9]*, *"[A-Za-z]*", *"[^"]*")' |
  sed 's/.*"\([^"]*\)")$/\1/')
listed=$(sed -n '/^\.Sh ERRORS/,/^\.Sh /p' "$srcdir/man/xous.3" |
  sed -n 's/^\.It Er XOUS_\([A-Z_]*\) No = \([0-9]*\) , Sy \([A-Za-z]*\)$/\1 \2 \3/p')
said=$(sed -n '/^\.Sh ERRORS/,/^\.Sh /p' "$srcdir/man/xous.3" |
  sed -n '/^\.It Er XOUS_/{n;p;}')
want=$(printf '%s\n' "$texts" |
  awk '{ print toupper(substr($0, 1, 1)) substr($0, 2) "." }')
# Says what: and how the lines want and got differ, and fails the check.
differs() {
  echo "FAIL: $1"
  printf '%s\n' "$2" >"${TMPDIR:-/tmp}/lint-man.$$.want"
  printf '%s\n' "$3" | diff "${TMPDIR:-/tmp}/lint-man.$$.want" - |
    sed -n 's/^[<>]/  &/p'
  rm -f "${TMPDIR:-/tmp}/lint-man.$$.want"
  status=1
}
if [ -z "$table" ] || [ "$table" != "$listed" ]; then
  differs "man/xous.3 ERRORS does not list include/xous/error_list.h:" \
    "$table" "$listed"
elif [ "$want" != "$said" ]; then
  differs "man/xous.3 ERRORS: a code's first line is not its xous_strerror() text:" \
    "$want" "$said"
else
  echo "ok: man/xous.3 ERRORS matches the error table ($(printf '%s\n' "$table" | wc -l) codes)"
fi

if [ "$found" -eq 0 ]; then
  echo "lint-man: no pages in $srcdir/man"
  exit 1
fi
exit $status
