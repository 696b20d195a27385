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
  if printf '%s\n' "$a" | head -3 | grep -qx "$f1"; then same_top=$((same_top + 1)); fi
  overlap_total=$((overlap_total + ov))
done
n=${#pairs[@]}
echo "# unaccented top-1 within accented top-3: $same_top/$n; mean top-5 overlap $((overlap_total * 20 / n))%"
check "unaccented top hit is among the accented top 3 for at least 10 of $n queries" test "$same_top" -ge 10
check "mean top-5 overlap at least 60%" test $((overlap_total * 20 / n)) -ge 60
# exact accents rank first: 'bản' (copy/version) vs the folded 'ban'
top=$("$TUSACH" search "phiên bản" --limit 3 --format tsv | cut -f7)
contains "exact 'phiên bản' snippet carries the accented word" "$top" "bản"
finish
