#!/usr/bin/env bash
# scripts/run.sh - from a fresh Debian 12 machine to a running tusach:
# install dependencies, build, create a data folder with a demo collection of
# real material from Debian packages (fetched by ../shared/corpus/fetch.sh),
# show searches working, then start the web server on http://127.0.0.1:8080
# (Ctrl-C stops it). Safe to run again: nothing is imported twice.
# Environment: TUSACH_DATA (default ./data), TUSACH_CORPUS (default
# ~/.cache/tusach-corpus), JOBS (default 2), PORT (default 8080),
# TUSACH_NO_SERVE=1 to stop after the demo searches.
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
echo "== demo union catalogue: a school's spreadsheet with paper copies"
cat >"$DATA/demo-sach.csv" <<'CSV'
Nhan đề,Tác giả,Nhà xuất bản,Năm xuất bản,Số đăng ký cá biệt,Ký hiệu phân loại
Dế Mèn phiêu lưu ký,Tô Hoài,Kim Đồng,2019,THCSND-0001;THCSND-0002,895.9223
Tắt đèn,Ngô Tất Tố,Văn học,2015,THCSND-0003,895.9223
Số đỏ,Vũ Trọng Phụng,Văn học,2016,THCSND-0004,895.9223
Sổ tay quản trị Debian (bản in),Raphaël Hertzog; Roland Mas,Freexian,2022,THCSND-0005,005.432
CSV
"$T" --data "$DATA" import "$DATA/demo-sach.csv" --library THCS-NGUYENDU || [ $? -eq 3 ]
echo
echo "tusach is ready. Try:"
echo "  build/cli/tusach --data $DATA search \"mang may tinh\""
echo "  build/cli/tusach --data $DATA suggest \"so tay\""
if [ "${TUSACH_NO_SERVE:-0}" = 1 ]; then
  exit 0
fi
echo
echo "== starting the web server: open http://127.0.0.1:${PORT:-8080}/ (Ctrl-C stops it)"
exec "$T" --data "$DATA" serve --port "${PORT:-8080}"
