#!/usr/bin/env bash
# tests/cli/test_kill9.sh - import is resumable: kill -9 the import at random
# moments, run the same command again, and the catalogue and the index agree
# (every record has exactly one head document, no orphans, nothing queued),
# with each file imported exactly once.
. "$(dirname "$0")/lib.sh"
KILLS=${KILLS:-15}

python3 - "$T/col" <<'PY'
import os, random, sys
root = sys.argv[1]
random.seed(7)
syl = ("cài đặt gói phần mềm hệ thống mạng máy tính thư viện sách bàn học bạn bè bản đồ "
       "ban nhạc người dùng quản trị tệp tin dữ liệu an toàn bảo mật học sinh giáo viên").split()
for d in range(6):
    os.makedirs(f"{root}/d{d}", exist_ok=True)
for i in range(360):
    words = " ".join(random.choice(syl) for _ in range(400))
    if i % 2:
        with open(f"{root}/d{i % 6}/trang-{i}.html", "w", encoding="utf-8") as f:
            f.write(f"<html><head><title>Trang {i} {random.choice(syl)}</title></head>"
                    f"<body><p>{words} ma{i}so</p></body></html>")
    else:
        with open(f"{root}/d{i % 6}/bai-{i}.txt", "w", encoding="utf-8") as f:
            f.write(f"Bài {i}\n\n{words} ma{i}so\n")
PY

"$TUSACH" init >/dev/null
"$TUSACH" library add --code LIB --name "Thư viện" --kind school >/dev/null
killed=0
for k in $(seq 1 "$KILLS"); do
  "$TUSACH" import "$T/col" --library LIB --batch 7 --workers 2 >/dev/null 2>&1 &
  pid=$!
  # a random moment within the first second or so
  sleep "0.$(( (RANDOM % 9) + 1 ))$(( RANDOM % 10 ))"
  if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); fi
  wait "$pid" 2>/dev/null
done
echo "# killed $killed of $KILLS runs mid-way"
check "at least one import was killed mid-way" test "$killed" -ge 1
out=$("$TUSACH" import "$T/col" --library LIB 2>&1); rc=$?
check "final import succeeds (rc $rc)" test "$rc" -eq 0
out=$("$TUSACH" check 2>&1); rc=$?
contains "catalogue and index agree" "$out" "ok: catalogue and index agree"
n=$(sqlite3 "$TUSACH_DATA/catalog.db" "select count(*) from record")
check "each file imported exactly once ($n records)" test "$n" -eq 360
n=$(sqlite3 "$TUSACH_DATA/catalog.db" "pragma integrity_check")
check "sqlite integrity ok" test "$n" = "ok"
for i in 0 123 359; do
  out=$("$TUSACH" search "ma${i}so" --format tsv)
  lines=$(printf '%s\n' "$out" | grep -c . || true)
  check "document $i found exactly once" test "$lines" -eq 1
done
out=$("$TUSACH" import "$T/col" --library LIB 2>&1)
contains "re-run adds nothing" "$out" "imported 0, unchanged 360"
finish
