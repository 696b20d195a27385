#!/usr/bin/env bash
# tests/cli/test_sru_yaz.sh - the SRU server (/sru) through YAZ, a real
# Z39.50/SRU client: `tusach serve` on a free port over a catalogue imported
# from a spreadsheet, yaz-client driven by a command file (SRU GET 1.2; a
# word search, CQL with dc.title / dc.creator / or, show in MARCXML and DC,
# an unsupported index, explain), the MARCXML it shows and records fetched
# with yaz-url validated by yaz-marcdump (MARCXML -> ISO 2709 -> read back).
# Skipped (77) when the YAZ tools are not installed.
. "$(dirname "$0")/lib.sh"

for tool in yaz-client yaz-marcdump yaz-url python3; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "# SKIP $tool not installed (Debian package yaz / python3)"
    exit 77
  fi
done

"$TUSACH" init >/dev/null
"$TUSACH" library add --code TV-Q1 --name "Thư viện Quận 1" --kind public >/dev/null
cat >"$T/sach.csv" <<'CSV'
Title,Author,Publisher,Year,ISBN,Barcode,Language,Subject
Dế Mèn phiêu lưu ký,Tô Hoài,Kim Đồng,2019,9786042081238,DM-001,vi,Văn học thiếu nhi
Tắt đèn,Ngô Tất Tố,Văn học,2015,,TD-001,vi,
Số đỏ,Vũ Trọng Phụng,Văn học,2016,,SD-001,vi,
CSV
out=$("$TUSACH" import "$T/sach.csv" --library TV-Q1 2>&1)
contains "spreadsheet imported" "$out" "created 3"

# the server on a port the kernel picks; it prints it
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

cat >"$T/cmds" <<EOF
sru get 1.2
open http://127.0.0.1:$port/sru
find dế mèn
show 1
querytype cql
find dc.title="dế mèn"
show 1
find dc.creator=hoai or dc.creator=phung
schema dc
show 1+2
find dc.nope=x
find (dế
explain
quit
EOF
timeout 60 yaz-client -f "$T/cmds" >"$T/yaz.out" 2>&1
echo "--- yaz-client transcript (records cut) ---"
grep -vE '^\s+<|^<(record|/record|srw_dc|/srw_dc|explain|/explain)' "$T/yaz.out"
echo "---"
yaz=$(cat "$T/yaz.out")
contains "yaz-client connects" "$yaz" "Connecting...OK"
contains "find dế mèn: one hit" "$yaz" "Number of hits: 1"
contains "show 1: MARCXML" "$yaz" "schema=info:srw/schema/1/marcxml-v1.1"
contains "show 1: the title in 245" "$yaz" "<subfield code=\"a\">Dế Mèn phiêu lưu ký.</subfield>"
contains "show 1: the copy in 952" "$yaz" "<subfield code=\"p\">DM-001</subfield>"
contains "dc.creator=hoai or dc.creator=phung: two hits" "$yaz" "Number of hits: 2"
contains "schema dc: Dublin Core" "$yaz" "schema=info:srw/schema/1/dc-v1.1"
contains "show 1+2: the second creator" "$yaz" "<dc:creator>Vũ Trọng Phụng</dc:creator>"
contains "unsupported index: diagnostic 16" "$yaz" "SRW diagnostic info:srw/diagnostic/1/16"
contains "syntax error: diagnostic 10" "$yaz" "SRW diagnostic info:srw/diagnostic/1/10"
contains "explain record" "$yaz" "<explain xmlns=\"http://explain.z3950.org/dtd/2.0/\">"
lacks "no HTTP errors" "$yaz" "HTTP Error"

# the MARCXML record yaz-client showed, through yaz-marcdump
sed -n '/<record xmlns="http:\/\/www.loc.gov\/MARC21\/slim">/,/<\/record>/p' "$T/yaz.out" |
  sed -n '1,/<\/record>/p' >"$T/shown.xml"
dump=$(yaz-marcdump -i marcxml -o line "$T/shown.xml" 2>&1); rc=$?
check "yaz-marcdump reads the shown record (rc $rc)" test $rc -eq 0
contains "yaz-marcdump: 245" "$dump" "245 10 \$a Dế Mèn phiêu lưu ký."
contains "yaz-marcdump: 100" "$dump" "100 0  \$a Tô Hoài"

# records fetched with yaz-url, collected and converted MARCXML -> ISO 2709 -> lines
yaz-url -O "$T/sr.xml" \
  "http://127.0.0.1:$port/sru?version=1.2&operation=searchRetrieve&query=cql.allRecords%3D1&maximumRecords=10" \
  >/dev/null 2>&1
check "yaz-url fetched a searchRetrieve answer" test -s "$T/sr.xml"
n_coll=$(python3 - "$T/sr.xml" "$T/collection.xml" <<'PY'
import sys
import xml.etree.ElementTree as ET
ns = {"zs": "http://www.loc.gov/zing/srw/", "m": "http://www.loc.gov/MARC21/slim"}
root = ET.parse(sys.argv[1]).getroot()
coll = ET.Element("{http://www.loc.gov/MARC21/slim}collection")
for rec in root.findall(".//zs:recordData/m:record", ns):
    coll.append(rec)
ET.register_namespace("", ns["m"])
ET.ElementTree(coll).write(sys.argv[2], encoding="utf-8", xml_declaration=True)
print(len(coll))
PY
)
check "three MARCXML records in the answer (${n_coll:-none})" test "${n_coll:-0}" -eq 3
yaz-marcdump -i marcxml -o marc "$T/collection.xml" >"$T/out.mrc" 2>"$T/marcdump.err"; rc=$?
check "yaz-marcdump converts the records to ISO 2709 (rc $rc)" test $rc -eq 0
lines=$(yaz-marcdump -i marc -o line "$T/out.mrc" 2>&1)
n=$(printf '%s\n' "$lines" | grep -c '^245 ')
check "three records read back from ISO 2709 ($n)" test "$n" -eq 3
contains "ISO 2709: Số đỏ" "$lines" "Số đỏ"

kill -TERM "$pid"
wait "$pid"; rc=$?
check "server stops cleanly on SIGTERM (rc $rc)" test $rc -eq 0
finish
