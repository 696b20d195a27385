#!/usr/bin/env bash
# tests/cli/test_opds_client.sh - the OPDS catalogue read by a real OPDS
# client library: `tusach serve` on a free port over a catalogue with
# digital files (tests/cli/make_fixtures.py's books at THCS-A) and paper
# copies (a spreadsheet of 60 rows at TV-Q1), then tests/opds/check_feeds.js,
# which walks the feeds with NYPL's opds-feed-parser from npm (navigation,
# paging, acquisition links and a download, paper-only entries, OpenSearch).
# Skipped (77) when node or tests/opds/node_modules is missing: run
# scripts/install-npm.sh first.
. "$(dirname "$0")/lib.sh"

opds_dir=$(cd "$(dirname "$0")/../opds" && pwd)
if ! command -v node >/dev/null 2>&1; then
  echo "# SKIP node not installed (Debian package nodejs)"
  exit 77
fi
if [ ! -d "$opds_dir/node_modules/opds-feed-parser" ]; then
  echo "# SKIP tests/opds/node_modules is missing: run scripts/install-npm.sh"
  exit 77
fi

"$TUSACH" init >/dev/null
"$TUSACH" library add --code THCS-A --name "Trường THCS A" --kind school >/dev/null
"$TUSACH" library add --code TV-Q1 --name "Thư viện Quận 1" --kind public >/dev/null
python3 "$(dirname "$0")/make_fixtures.py" "$T/fx" >/dev/null
"$TUSACH" import "$T/fx/books" --library THCS-A >/dev/null 2>&1 # one broken EPUB: exit 3
{
  echo "Title,Author,Publisher,Year,Barcode,Language"
  echo "Dế Mèn phiêu lưu ký,Tô Hoài,Kim Đồng,2019,DM-001,vi"
  for i in $(seq 1 60); do echo "Sách bài tập số $i,Nhóm biên soạn,Giáo dục,2020,BT-$i,vi"; done
} >"$T/sach.csv"
out=$("$TUSACH" import "$T/sach.csv" --library TV-Q1 2>&1)
contains "spreadsheet imported" "$out" "created 61"

"$TUSACH" serve --port 0 >"$T/serve.out" 2>"$T/serve.err" &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$T"' EXIT
port=
for _ in $(seq 1 200); do
  port=$(sed -n 's|.*serving .* on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$T/serve.out")
  [ -n "$port" ] && break
  sleep 0.1
done
if [ -z "$port" ]; then
  bad "server started (no port printed)"; cat "$T/serve.err"; finish; exit 1
fi
ok "server listening on port $port"

(cd "$opds_dir" && node check_feeds.js "http://127.0.0.1:$port") >"$T/node.out" 2>&1; rc=$?
sed 's/^/  node: /' "$T/node.out"
check "opds-feed-parser reads every feed (rc $rc)" test $rc -eq 0

kill -TERM "$pid"
wait "$pid"; rc=$?
check "server stops cleanly on SIGTERM (rc $rc)" test $rc -eq 0
finish
