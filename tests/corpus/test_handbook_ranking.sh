#!/usr/bin/env bash
# tests/corpus/test_handbook_ranking.sh - on the real Vietnamese Debian
# handbook (127 HTML pages from ../shared/corpus), unaccented queries find the
# same top pages as the accented ones a reader would type; and an exact
# accented query ranks pages with that spelling first.
. "$(dirname "$0")/../cli/lib.sh"
C=${TUSACH_CORPUS:-$HOME/.cache/tusach-corpus}
if [ ! -d "$C/html/debian-handbook/vi-VN" ]; then
  echo "# SKIP corpus not found at $C: run ../shared/corpus/fetch.sh $C"
  exit 77
fi
"$TUSACH" init >/dev/null
"$TUSACH" library add --code TV --name "Thư viện" --kind public >/dev/null
"$TUSACH" import "$C/html/debian-handbook/vi-VN" --library TV --quiet >/dev/null
pairs=(
  "cài đặt gói|cai dat goi"
  "quản trị hệ thống|quan tri he thong"
  "tường lửa|tuong lua"
  "khởi động|khoi dong"
  "cấu hình mạng|cau hinh mang"
  "người dùng|nguoi dung"
  "bảo mật|bao mat"
  "máy chủ|may chu"
  "hệ thống tập tin|he thong tap tin"
  "phần mềm tự do|phan mem tu do"
  "gỡ bỏ gói|go bo goi"
  "nâng cấp|nang cap"
)
same_top=0
overlap_total=0
for p in "${pairs[@]}"; do
  acc=${p%%|*}; fold=${p##*|}
  a=$("$TUSACH" search "$acc" --limit 5 --format tsv | cut -f1)
  f=$("$TUSACH" search "$fold" --limit 5 --format tsv | cut -f1)
  a1=$(printf '%s\n' "$a" | head -1); f1=$(printf '%s\n' "$f" | head -1)
  ov=$(comm -12 <(printf '%s\n' "$a" | sort) <(printf '%s\n' "$f" | sort) | grep -c . || true)
  echo "# '$acc' vs '$fold': top1 $a1/$f1, top-5 overlap $ov"
  check "'$fold' finds results" test -n "$f1"
  if printf '%s\n' "$a" | grep -qx "$f1"; then same_top=$((same_top + 1)); fi
  overlap_total=$((overlap_total + ov))
done
n=${#pairs[@]}
echo "# unaccented top-1 within accented top-5: $same_top/$n; mean top-5 overlap $((overlap_total * 20 / n))%"
check "unaccented top hit is among the accented top 5 for at least 11 of $n queries" test "$same_top" -ge 11
check "mean top-5 overlap at least 75%" test $((overlap_total * 20 / n)) -ge 75
# exact accents rank first: when the reader typed 'bạn' (you), each of the top
# pages contains 'bạn' itself, not only bản/bán/bàn/ban; 'ban' matches them all
exact_rows() { # exact_rows WORD N: how many of the top N snippets highlight WORD itself
  "$TUSACH" search "$1" --limit "$2" --format tsv | python3 -c '
import re, sys
w = sys.argv[1]
rows = [l.split("\t")[6] for l in sys.stdin.read().splitlines() if l]
print(sum(1 for r in rows if w in [m.lower() for m in re.findall(r"\*\*([^*]+)\*\*", r)]))' "$1"
}
for w in bạn bản bàn; do
  n=$(exact_rows "$w" 3)
  check "'$w': the top 3 pages contain '$w' exactly ($n/3)" test "$n" -eq 3
done
n=$("$TUSACH" search "ban" --limit 20 --format tsv | cut -f7 | python3 -c '
import re, sys
print(len({m.lower() for m in re.findall(r"\*\*([^*]+)\*\*", sys.stdin.read())}))')
check "'ban' typed without accents matches several spellings in its top 20 ($n)" test "$n" -ge 2
finish
