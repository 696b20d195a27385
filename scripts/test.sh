#!/usr/bin/env bash
# scripts/test.sh - the whole test suite, as a new user and CI run it:
#   1. install dependencies (apt-get)          4. source checks (banned functions, layers,
#   2. fetch the test corpus (skipped tests       file headers, clang-format)
#      if it cannot be fetched)                5. an ASan+UBSan build running the
#   3. build and run every ctest test             unit, integration and cli tests
# Usage: scripts/test.sh [--quick]   (--quick: skip the corpus fetch and the sanitizer build)
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
[ "${1:-}" = "--quick" ] && quick=1
JOBS=${JOBS:-2}

bash scripts/install-deps.sh
bash scripts/install-npm.sh   # playwright-core (browser tests drive Debian's chromium)

export TUSACH_CORPUS=${TUSACH_CORPUS:-$HOME/.cache/tusach-corpus}
if [ $quick = 0 ]; then
  if [ -f ../shared/corpus/fetch.sh ]; then
    echo "== corpus: fetching into $TUSACH_CORPUS (cached; a re-run is quick)"
    bash ../shared/corpus/fetch.sh "$TUSACH_CORPUS" >"${TMPDIR:-/tmp}/tusach-corpus-fetch.log" 2>&1 ||
      echo "== corpus: fetch failed (see ${TMPDIR:-/tmp}/tusach-corpus-fetch.log); corpus tests will be skipped"
  else
    echo "== corpus: ../shared/corpus/fetch.sh not found; corpus tests will be skipped"
  fi
fi

echo "== build (RelWithDebInfo, -Werror)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTS_WERROR=ON >/dev/null
cmake --build build -j"$JOBS"

echo "== tests"
(cd build && ctest --output-on-failure -j"$JOBS")

echo "== source checks"
bash scripts/checksrc.sh
bash scripts/check-layers.sh
bash scripts/check-deploy.sh
bash scripts/check-api-docs.sh

if [ $quick = 0 ]; then
  echo "== ASan+UBSan build: unit, integration and cli tests"
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DTS_SANITIZE=ON -DTS_WERROR=ON >/dev/null
  cmake --build build-asan -j"$JOBS"
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
     UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
     ctest --output-on-failure -j"$JOBS" -L 'unit|integration|cli|http')
fi
echo "== all tests passed"
