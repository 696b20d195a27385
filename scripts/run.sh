#!/usr/bin/env bash
# scripts/run.sh - from a fresh Debian 12 machine to a working tusach:
# install dependencies, build, create a data folder with a demo collection of
# real material from Debian packages (fetched by ../shared/corpus/fetch.sh),
# and show searches working. Safe to run again: nothing is imported twice.
# Environment: TUSACH_DATA (default ./data), TUSACH_CORPUS (default
# ~/.cache/tusach-corpus), JOBS (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-2}
DATA=${TUSACH_DATA:-$PWD/data}
CORPUS=${TUSACH_CORPUS:-$HOME/.cache/tusach-corpus}

bash scripts/install-deps.sh
echo "== build"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$JOBS" --target tusach
T=$PWD/build/cli/tusach

echo "== demo collection: fetching real material from Debian packages into $CORPUS"
bash ../shared/corpus/fetch.sh "$CORPUS" >"${TMPDIR:-/tmp}/tusach-corpus-fetch.log" 2>&1 || {
  echo "corpus fetch failed: see ${TMPDIR:-/tmp}/tusach-corpus-fetch.log"; exit 1; }

echo "== data folder $DATA"
"$T" --data "$DATA" init
add_lib() { "$T" --data "$DATA" library add --code "$1" --name "$2" --kind "$3" 2>/dev/null || true; }
add_lib THCS-NGUYENDU "Trường THCS Nguyễn Du" school
add_lib TV-QUAN1 "Thư viện Quận 1" public
add_lib TTHTCD-BINHAN "Trung tâm học tập cộng đồng Bình An" learning_centre

imp() { # imp LIBRARY PATH...: failures are listed, not fatal (exit 3)
  local lib=$1; shift
  for p in "$@"; do
    [ -e "$p" ] || { echo "missing $p (skipped)"; continue; }
    "$T" --data "$DATA" import "$p" --library "$lib" || [ $? -eq 3 ]
  done
}
imp THCS-NGUYENDU "$CORPUS/epub/pandoc-debian-handbook" "$CORPUS/epub/calibre-quick-start"
imp TV-QUAN1 "$CORPUS/html/debian-handbook/vi-VN" "$CORPUS/pdf/maint-guide-vi" \
    "$CORPUS/pdf/debian-faq" "$CORPUS/pdf/developers-reference"
imp TTHTCD-BINHAN "$CORPUS/text/manpages-vi/txt"

echo
echo "== search: cai dat goi (typed without diacritics)"
"$T" --data "$DATA" search "cai dat goi" --limit 3
echo "== search: quản trị (with diacritics), only at THCS-NGUYENDU"
"$T" --data "$DATA" search "quản trị" --library THCS-NGUYENDU --limit 3
echo
echo "tusach is ready. Try:"
echo "  build/cli/tusach --data $DATA search \"mang may tinh\""
echo "  build/cli/tusach --data $DATA suggest \"so tay\""
