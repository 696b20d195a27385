#!/usr/bin/env bash
# tests/cli/test_import.sh - the librarian's and the reader's path through the
# real binary: init, library add, import (good, broken and hostile files),
# search with and without diacritics in three formats, suggest, re-import,
# reindex, check.
. "$(dirname "$0")/lib.sh"

python3 "$(dirname "$0")/make_fixtures.py" "$T/fx" >/dev/null

out=$("$TUSACH" init 2>&1); check "init succeeds" test $? -eq 0
contains "init reports schema" "$out" "schema version"
check "init is idempotent" "$TUSACH" init

out=$("$TUSACH" library add --code THCS-A --name "Trường THCS A" --kind school 2>&1)
contains "library add" "$out" "library THCS-A added"
"$TUSACH" library add --code TV-Q1 --name "Thư viện Quận 1" --kind public >/dev/null
out=$("$TUSACH" library add --code X --name Y --kind castle 2>&1); rc=$?
check "bad kind refused" test $rc -ne 0
contains "bad kind message" "$out" "is not one of"
out=$("$TUSACH" library add --code THCS-A --name again --kind school 2>&1); rc=$?
check "duplicate code refused" test $rc -ne 0
contains "duplicate message" "$out" "already exists"
out=$("$TUSACH" library list); contains "library list" "$out" "TV-Q1"

out=$("$TUSACH" import "$T/fx/books" --library THCS-A 2>&1); rc=$?
check "import with a broken file exits 3" test $rc -eq 3
contains "summary line" "$out" "imported 4, unchanged 0, failed 1, skipped 1"
contains "broken file reported" "$out" "broken.epub"
batch=$(printf '%s' "$out" | sed -n 's/^batch \([0-9]*\):.*/\1/p')
out=$("$TUSACH" batch "$batch" 2>&1)
contains "batch report names the file" "$out" "broken.epub"

out=$("$TUSACH" import "$T/fx/books" --library THCS-A 2>&1)
contains "re-import adds nothing" "$out" "imported 0, unchanged 4, failed 1"

out=$("$TUSACH" import "$T/fx/hostile" --library TV-Q1 --max-file-mb 8 2>&1); rc=$?
check "hostile import finishes" test $rc -eq 3
contains "traversal refused" "$out" "'..' path in archive"
contains "absolute path refused" "$out" "absolute path in archive"
contains "symlink refused" "$out" "link in archive refused"
contains "bomb refused by its declared size" "$out" "zeros.txt: member declares 41943040 bytes, over the 8 MiB limit"
contains "lying bomb refused while reading" "$out" "lying-bomb.zip!/zeros.txt: member larger than 8 MiB when decompressed"
contains "good member imported" "$out" "imported 1,"
check "nothing written outside the data folder" test ! -e /tmp/tusach-absolute-evil.html
check "no ../ escape" test ! -e "$T/fx/evil.html" -a ! -e "$T/evil.html"
n=$(sqlite3 "$TUSACH_DATA/catalog.db" "select count(*) from event where kind='record.create'")
check "every record created by an import is in the event log ($n)" test "$n" -eq 5

# reader: accented and unaccented queries, in each format
out=$("$TUSACH" search "cai dat goi" 2>&1)
contains "unaccented query finds accented text" "$out" "Hướng dẫn quản trị hệ thống"
contains "matching section named" "$out" "Chương 2. Quản lý gói"
contains "section path shown" "$out" "OEBPS/ch2.xhtml"
contains "source file shown" "$out" "quan-tri.epub"
contains "snippet highlights" "$out" "**cài** **đặt**"
contains "author shown" "$out" "Nguyễn Văn An"
out=$("$TUSACH" search "cài đặt gói" --format json)
check "json parses" python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["hits"][0]["section"]["title"].startswith("Chương 2"), d; assert d["facets"]["language"]["vi"]>=1' <<<"$out"
out=$("$TUSACH" search "ban do" --format tsv)
contains "tsv hit" "$out" "Bản đồ Việt Nam"
lacks "script text not indexed" "$("$TUSACH" search khongduoctimthay)" "Bản đồ"
out=$("$TUSACH" search "thuỷ điện")
contains "tone placement: thuỷ finds thủy" "$out" "Bài học về thủy điện"
out=$("$TUSACH" search "$(printf 'thu\xcc\x89y \xc4\x91ie\xcc\xa3\xcc\x82n')")
contains "NFD query" "$out" "Bài học về thủy điện"
out=$("$TUSACH" search "sources.list")
contains "file names match" "$out" "quan-tri.epub"
out=$("$TUSACH" search "ssh-keygen")
contains "commands match" "$out" "quan-tri.epub"
out=$("$TUSACH" search "long biet on")
contains "Windows-1258 text decoded and found" "$out" "Truyện cổ tích Việt Nam"
enc=$(sqlite3 "$TUSACH_DATA/catalog.db" "select encoding from file where name='truyen-co.txt'")
check "detected encoding recorded (got $enc)" test "$enc" = "windows-1258"
out=$("$TUSACH" search "an toan" --library TV-Q1)
contains "library filter keeps TV-Q1's" "$out" "Tệp an toàn"
out=$("$TUSACH" search "an toan" --library THCS-A)
lacks "library filter drops others" "$out" "Tệp an toàn"
out=$("$TUSACH" search "ban do" --lang en)
lacks "language filter" "$out" "Bản đồ"
out=$("$TUSACH" search "ban do" --type web_page)
contains "type filter" "$out" "Bản đồ Việt Nam"
out=$("$TUSACH" search "quan tri he thongg")
contains "did you mean" "$out" "did you mean"
out=$("$TUSACH" suggest "huong d")
contains "suggest completes a title" "$out" "Hướng dẫn quản trị hệ thống"
out=$("$TUSACH" search "" 2>&1); rc=$?
check "empty query is a usage error" test $rc -ne 0

out=$("$TUSACH" reindex 2>&1); contains "reindex" "$out" "reindexed 5 records"
out=$("$TUSACH" check 2>&1); contains "check after reindex" "$out" "ok: catalogue and index agree"
out=$("$TUSACH" search "cai dat goi")
contains "search after reindex" "$out" "Chương 2. Quản lý gói"
finish
