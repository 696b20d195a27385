#!/usr/bin/env bash
# bench/marc_import.sh - union-catalogue import speed: N MARCXML records made by
# repeating the real corpus samples with new identifiers (001, ISBN-13) and
# titles, imported with `tusach import` including indexing. Prints records/s
# and peak RSS for N/10 and N records, so memory that grows with the file
# shows up. Usage: bench/marc_import.sh [N=100000] [CORPUS] [TUSACH]
set -euo pipefail
N=${1:-100000}
C=${2:-$HOME/.cache/tusach-corpus}
HERE="$(cd "$(dirname "$0")" && pwd)"
T=${3:-$HERE/../build-bench/cli/tusach}
[ -x "$T" ] || { cmake -S "$HERE/.." -B "$HERE/../build-bench" -DCMAKE_BUILD_TYPE=Release >/dev/null &&
                 cmake --build "$HERE/../build-bench" -j2 --target tusach >/dev/null; }
W=$(mktemp -d /tmp/tusach-marcbench.XXXXXX)
trap 'rm -rf "$W"' EXIT

"$T" --data "$W/seed" init >/dev/null
"$T" --data "$W/seed" library add --code SEED --name Seed --kind public >/dev/null
for f in "$C"/metadata/marc21/*.mrc "$C"/metadata/marcxml/*.xml; do
  "$T" --data "$W/seed" import "$f" --library SEED --quiet >/dev/null 2>&1 || true
done
"$T" --data "$W/seed" export --format marcxml --output "$W/seed.xml" 2>/dev/null

python3 - "$W/seed.xml" "$N" "$W" <<'PY'
import re, sys
src, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
recs = re.findall(r"<record\b.*?</record>", open(src, encoding="utf-8").read(), re.S)
def isbn(i):
    d = "978" + "%09d" % (i % 10**9)
    s = sum(int(c) * (3 if k % 2 else 1) for k, c in enumerate(d))
    return d + str((10 - s % 10) % 10)
def write(path, count):
    with open(path, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<collection xmlns="http://www.loc.gov/MARC21/slim">\n')
        for i in range(count):
            r = recs[i % len(recs)]
            r = re.sub(r'(<controlfield tag="001">)[^<]*', r"\g<1>bench-%d" % i, r)
            r = re.sub(r'<datafield tag="0(10|20|22|24|35)".*?</datafield>', "", r, flags=re.S)
            r = re.sub(r'<datafield tag="952".*?</datafield>', "", r, flags=re.S)
            r = r.replace('<datafield tag="245"', '<datafield tag="020" ind1=" " ind2=" "><subfield code="a">%s</subfield></datafield><datafield tag="245"' % isbn(i), 1)
            r = re.sub(r'(<datafield tag="245"[^>]*>\s*<subfield code="a">)', r"\g<1>[%d] " % i, r, count=1)
            f.write(r + "\n")
        f.write("</collection>\n")
write(out + "/small.xml", max(1, n // 10))
write(out + "/big.xml", n)
print("seed records:", len(recs))
PY

run() { # run NAME FILE
  "$T" --data "$W/$1" init >/dev/null
  "$T" --data "$W/$1" library add --code TV --name TV --kind public >/dev/null
  /usr/bin/time -v "$T" --data "$W/$1" import "$2" --library TV --quiet >"$W/$1.out" 2>"$W/$1.time" || true
  local secs rss recs
  secs=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$W/$1.time" |
         awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$W/$1.time")
  recs=$(sqlite3 "$W/$1/catalog.db" "select count(*) from record")
  awk -v n="$1" -v r="$recs" -v s="$secs" -v k="$rss" -v f="$(stat -c %s "$2")" 'BEGIN {
    printf "%-6s %8d records %8.1f s %9.0f records/s  peak RSS %6.1f MB  file %6.1f MB\n",
           n, r, s, r / s, k / 1024, f / 1048576 }'
  sed -n 's/^batch/  batch/p' "$W/$1.out"
}
echo "tusach MARCXML import, including indexing (load: $(cut -d' ' -f1-3 /proc/loadavg))"
run small "$W/small.xml"
run big "$W/big.xml"
