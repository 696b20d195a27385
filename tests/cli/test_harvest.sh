#!/usr/bin/env bash
# tests/cli/test_harvest.sh - `tusach harvest` against a real OAI-PMH
# repository: another tusach's /oai. Everything arrives, a second harvest is
# incremental (nothing new), a dry run saves nothing, and the harvested
# Dublin Core records are searchable without diacritics.
. "$(dirname "$0")/lib.sh"
SRC="$T/src"
"$TUSACH" --data "$SRC" init >/dev/null
"$TUSACH" --data "$SRC" library add --code TV-HUYEN --name "Thư viện huyện" --kind public >/dev/null
python3 - "$T/src.csv" <<'PY'
import sys
titles = ["Dế Mèn phiêu lưu ký", "Tắt đèn", "Số đỏ", "Vợ nhặt", "Chí Phèo", "Lão Hạc"]
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("Nhan đề,Tác giả,Năm xuất bản,Số đăng ký cá biệt\n")
    for i in range(150):
        f.write(f"{titles[i % 6]} tập {i},Tác giả {i % 7},{1990 + i % 30},HV-{i:04d}\n")
PY
"$TUSACH" --data "$SRC" import "$T/src.csv" --library TV-HUYEN >/dev/null 2>&1
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$TUSACH" --data "$SRC" serve --port "$port" --threads 2 >"$T/serve.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 1 50); do
  curl -sf --max-time 2 "http://127.0.0.1:$port/api/v1/health" -o /dev/null && break
  sleep 0.1
done

"$TUSACH" init >/dev/null
"$TUSACH" library add --code TTHTCD --name "Trung tâm học tập cộng đồng" --kind learning_centre >/dev/null
out=$("$TUSACH" harvest "http://127.0.0.1:$port/oai" --library TTHTCD --dry-run 2>&1)
contains "dry run reports what would land" "$out" "dry run: created 150"
n=$(sqlite3 "$TUSACH_DATA/catalog.db" "select count(*) from record")
check "dry run saves nothing ($n)" test "$n" -eq 0
out=$("$TUSACH" harvest "http://127.0.0.1:$port/oai" --library TTHTCD 2>&1)
contains "harvest brings every record across resumption tokens" "$out" "created 150"
out=$("$TUSACH" harvest "http://127.0.0.1:$port/oai" --library TTHTCD 2>&1)
contains "second harvest is incremental" "$out" "created 0, merged 0, updated 0, unchanged 0"
out=$("$TUSACH" search "de men phieu luu ky tap 6" --format tsv)
contains "harvested records searchable without diacritics" "$out" "Dế Mèn phiêu lưu ký tập 6"
out=$("$TUSACH" check); contains "catalogue and index agree" "$out" "ok: catalogue and index agree"
finish
