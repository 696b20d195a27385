# tests/cli/lib.sh - helpers for the CLI tests: a temp folder, checks that
# count, and the closing "N passed, N failed" line.
set -u
: "${TUSACH:?set TUSACH to the tusach binary}"
T=$(mktemp -d "${TMPDIR:-/tmp}/tusach-cli-XXXXXX")
trap 'rm -rf "$T"' EXIT
export TUSACH_DATA="$T/data"
PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok - $1"; }
bad() { FAIL=$((FAIL + 1)); echo "not ok - $1"; }
check() { # check "name" command...
  local name=$1; shift
  if "$@"; then ok "$name"; else bad "$name"; fi
}
contains() { # contains "name" haystack needle
  if printf '%s' "$2" | grep -qF -- "$3"; then ok "$1"; else bad "$1 (no '$3' in: $(printf '%s' "$2" | head -c 600))"; fi
}
lacks() {
  if printf '%s' "$2" | grep -qF -- "$3"; then bad "$1 ('$3' present)"; else ok "$1"; fi
}
finish() {
  echo "$PASS passed, $FAIL failed"
  [ "$FAIL" -eq 0 ]
}
