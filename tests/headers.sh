#!/bin/sh
# Compiles every public header alone, as C11 with -Wpedantic and as
# C++17, warnings as errors, and a C++ file that uses <xous.h>; checks that
# C99 is refused with a word saying why. Exit 77 (skip) when there is no
# C++ compiler.
set -u

srcdir=${XOUS_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
cc=${XOUS_CC:-cc}
cxx=${XOUS_CXX:-c++}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/xous-headers.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
warn="-Wall -Wextra -Wpedantic -Werror"
status=0

printf 'int main() { return 0; }\n' >"$tmp/probe.cpp"
if ! $cxx -std=c++17 -c -o "$tmp/probe.o" "$tmp/probe.cpp" 2>/dev/null; then
  echo "headers: no C++17 compiler ($cxx), skipping"
  exit 77
fi

for header in "$srcdir"/include/xous.h "$srcdir"/include/xous/*.h; do
  name=${header#"$srcdir"/include/}
  printf '#include <%s>\nint xous_headers_probe;\n' "$name" >"$tmp/one.c"
  cp "$tmp/one.c" "$tmp/one.cpp"
  if ! $cc -std=c11 $warn -I"$srcdir/include" -c -o "$tmp/one.o" \
      "$tmp/one.c"; then
    echo "FAIL: $name as C11"
    status=1
  fi
  if ! $cxx -std=c++17 $warn -I"$srcdir/include" -c -o "$tmp/one.o" \
      "$tmp/one.cpp"; then
    echo "FAIL: $name as C++17"
    status=1
  fi
done

cat >"$tmp/use.cpp" <<'CPP'
#include <xous.h>
#include <xous/log.h>
#include <xous/names.h>
#include <xous/pddb.h>
#include <xous/ticktimer.h>

int main() {
  xous_sid_t sid = xous_sid_from_name("hello-example-sv");
  xous_cid_t cid = 0;
  xous_ticktimer_mutex_t m = XOUS_TICKTIMER_MUTEX_INIT;
  static_assert(sizeof m == 2 * sizeof(xous_word_t), "the C layout");
  if (xous_connect(sid, &cid) != XOUS_OK)
    xous_terminate_process(1);
  return xous_names_try_connect("counter", &cid) == XOUS_OK ? 0 : 1;
}
CPP
if $cxx -std=c++17 $warn -I"$srcdir/include" -c -o "$tmp/use.o" \
    "$tmp/use.cpp"; then
  echo "ok: a C++17 program using <xous.h>"
else
  echo "FAIL: a C++17 program using <xous.h>"
  status=1
fi

# xous_sid_from_name() takes a 16-byte name: a literal of another length
# does not compile (a pointer is taken as it is).
cat >"$tmp/sid_ok.c" <<'C'
#include <xous.h>
unsigned f(const char *p);
unsigned f(const char *p) {
  char a[16] = { 0 };
  return xous_sid_from_name("hello-example-sv").w[0] +
         xous_sid_from_name(p).w[0] + xous_sid_from_name(a).w[0];
}
C
sed 's/"hello-example-sv"/"a-name-longer-than-16"/' "$tmp/sid_ok.c" >"$tmp/sid_long.c"
sed 's/"hello-example-sv"/"short"/' "$tmp/sid_ok.c" >"$tmp/sid_short.c"
if ! $cc -std=c11 $warn -I"$srcdir/include" -c -o "$tmp/one.o" "$tmp/sid_ok.c"; then
  echo "FAIL: xous_sid_from_name of a 16-byte literal, an array or a pointer"
  status=1
fi
for bad in sid_long sid_short; do
  if $cc -std=c11 -I"$srcdir/include" -c -o "$tmp/one.o" "$tmp/$bad.c" \
      >"$tmp/$bad.out" 2>&1 || ! grep -q "needs_16_bytes" "$tmp/$bad.out"; then
    echo "FAIL: $bad: xous_sid_from_name of a literal not 16 bytes long compiled"
    status=1
  else
    echo "ok: $bad is refused at compile time"
  fi
done

printf '#include <xous.h>\nint xous_headers_probe;\n' >"$tmp/c99.c"
if $cc -std=c99 -I"$srcdir/include" -c -o "$tmp/one.o" "$tmp/c99.c" \
    >"$tmp/c99.out" 2>&1 || ! grep -q "need C11" "$tmp/c99.out"; then
  echo "FAIL: C99 is not refused with a reason:"
  cat "$tmp/c99.out"
  status=1
else
  echo "ok: C99 is refused"
fi
[ $status -eq 0 ] && echo "ok: every header as C11 and as C++17"
exit $status
