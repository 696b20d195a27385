#!/usr/bin/env bash
# tests/cli/test_union.sh - the union catalogue through the real binary: a
# spreadsheet with Vietnamese headers (written here), de-duplication across
# libraries (ISBN-10 vs ISBN-13), --dry-run, bad rows reported, copies,
# record show/edit/merge, item move/withdraw, availability filters, exports
# (MARC checked by yaz-marcdump, CSV formula injection), a MARC round trip
# into an empty catalogue, and Dublin Core.
. "$(dirname "$0")/lib.sh"

"$TUSACH" init >/dev/null
"$TUSACH" library add --code THCS-A --name "Trường THCS A" --kind school >/dev/null
"$TUSACH" library add --code TV-Q1 --name "Thư viện Quận 1" --kind public >/dev/null

printf '\xef\xbb\xbf' >"$T/a.csv"
cat >>"$T/a.csv" <<'CSV'
Nhan đề,Tác giả,Nhà xuất bản,Năm xuất bản,ISBN,Số đăng ký cá biệt,Số lượng,Ký hiệu phân loại
Dế Mèn phiêu lưu ký,Tô Hoài,Kim Đồng,2019,604-2-08-1234-?,DM-001;DM-002,2,895.922
Tắt đèn,Ngô Tất Tố,Văn học,2015,,TD-001,1,895.922
"Số đỏ,Vũ Trọng Phụng,Văn học,2016,,SD-001,1,895.922
"=HYPERLINK(""http://evil.example"",""bấm vào"")",Ai đó,NXB X,2020,,HL-001,1,000
CSV
# a valid ISBN-10 for the first row (check digit computed here)
isbn10=$(python3 -c '
d="604208123"; s=sum((10-i)*int(c) for i,c in enumerate(d)) % 11
c=(11-s)%11; print(d[:3]+"-"+d[3]+"-"+d[4:6]+"-"+d[6:9]+"-"+("X" if c==10 else str(c)))')
sed -i "s/604-2-08-1234-?/$isbn10/" "$T/a.csv"
isbn13=$(python3 -c '
d="978"+"604208123"; s=sum(int(c)*(3 if i%2 else 1) for i,c in enumerate(d)); print(d+str((10-s%10)%10))')

out=$("$TUSACH" import "$T/a.csv" --library THCS-A 2>&1); rc=$?
check "CSV import with a bad row exits 3 (rc $rc)" test $rc -eq 3
contains "rows created" "$out" "created 3"
contains "bad row reported with its line" "$out" "a.csv line 4"
contains "copies added" "$out" "copies added 4"
out=$("$TUSACH" search "de men phieu luu ky" --format tsv)
contains "CSV record searchable without diacritics" "$out" "Dế Mèn phiêu lưu ký"
out=$("$TUSACH" search "$isbn13" --format tsv)
contains "ISBN-13 of an ISBN-10 record" "$out" "Dế Mèn"
out=$("$TUSACH" search "$(echo "$isbn10" | tr -d -)" --format tsv)
contains "ISBN-10 without hyphens" "$out" "Dế Mèn"
out=$("$TUSACH" search "$isbn10" --format tsv)
contains "ISBN-10 with hyphens" "$out" "Dế Mèn"
out=$("$TUSACH" search "${isbn13:0:3}-${isbn13:3:3}-${isbn13:6:6}-${isbn13:12:1}" --format tsv)
contains "ISBN-13 with hyphens" "$out" "Dế Mèn"

# the same book at another library, as ISBN-13 with hyphens
printf 'Title;Author;Publisher;Year;ISBN;Barcode\nDe men phieu luu ky;To Hoai;NXB Kim Đồng;2019;%s;Q1-777\nCon mèo dạy hổ;Khuyết danh;Giáo dục;2010;;Q1-778\n' \
  "${isbn13:0:3}-${isbn13:3:3}-${isbn13:6:6}-${isbn13:12:1}" >"$T/b.csv"
before=$(sqlite3 "$TUSACH_DATA/catalog.db" "select count(*) from record")
out=$("$TUSACH" import "$T/b.csv" --library TV-Q1 --dry-run 2>&1)
contains "dry run: merge by ISBN" "$out" "-> record 1 (isbn)"
contains "dry run: create" "$out" "Con mèo dạy hổ"
contains "dry run summary" "$out" "dry run (nothing saved)"
after=$(sqlite3 "$TUSACH_DATA/catalog.db" "select count(*) from record")
check "dry run saves nothing ($before = $after)" test "$before" = "$after"
out=$("$TUSACH" import "$T/b.csv" --library TV-Q1 2>&1)
contains "merged, one created" "$out" "created 1, merged 1"
out=$("$TUSACH" record show 1)
contains "copies at both libraries" "$out" "Q1-777  available at TV-Q1"
contains "conflicting publisher kept in history" "$out" "history         publisher = NXB Kim Đồng"
out=$("$TUSACH" import "$T/b.csv" --library TV-Q1 2>&1)
contains "re-import changes nothing" "$out" "created 0, merged 0, updated 0, unchanged 2"

out=$("$TUSACH" search "de men" --library TV-Q1 --format tsv); contains "has a copy at TV-Q1" "$out" "Dế Mèn"
out=$("$TUSACH" search "tat den" --library TV-Q1 --format tsv); lacks "no copy at TV-Q1" "$out" "Tắt đèn"
out=$("$TUSACH" search "tat den" --available-at THCS-A --format tsv); contains "available at THCS-A" "$out" "Tắt đèn"
out=$("$TUSACH" item withdraw TD-001); contains "withdraw" "$out" "withdrawn"
out=$("$TUSACH" search "tat den" --available-at THCS-A --format tsv); lacks "withdrawn copy not available" "$out" "Tắt đèn"
out=$("$TUSACH" item move DM-002 --to TV-Q1); contains "move" "$out" "moved to TV-Q1"
out=$("$TUSACH" item show DM-002); contains "custodian after move" "$out" "custodian       TV-Q1"
out=$("$TUSACH" item add --record 2 --barcode DM-001 --library TV-Q1 2>&1); rc=$?
check "barcode unique network-wide" test $rc -ne 0
contains "barcode conflict message" "$out" "already belongs to record 1"
out=$("$TUSACH" search "de men" --year 2019 --format json)
check "year facet" python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["facets"]["year"]["2019"]==1, d["facets"]' <<<"$out"
out=$("$TUSACH" record edit 2 --set title="Tắt đèn (tái bản)"); contains "edit" "$out" "title set"
out=$("$TUSACH" search "tai ban" --format tsv); contains "edited title indexed" "$out" "Tắt đèn (tái bản)"
n=$(sqlite3 "$TUSACH_DATA/catalog.db" "select count(*) from event where kind='record.edit' and detail like '%Tắt đèn%'")
check "edit logged with before/after" test "$n" -eq 1

# exports
"$TUSACH" export --format marcxml --output "$T/out.xml" 2>/dev/null
check "marcxml passes yaz-marcdump" yaz-marcdump -i marcxml -o line "$T/out.xml" >/dev/null
"$TUSACH" export --format marc --output "$T/out.mrc" 2>/dev/null
out=$(yaz-marcdump -n "$T/out.mrc" 2>&1); rc=$?
check "iso2709 passes yaz-marcdump (rc $rc)" test $rc -eq 0
lacks "no yaz-marcdump warnings" "$out" "rror"
"$TUSACH" export --format csv --output "$T/out.csv" 2>/dev/null
check "CSV export neutralises formulas" grep -q "'=HYPERLINK" "$T/out.csv"
"$TUSACH" export --format dc --output "$T/out-dc.xml" 2>/dev/null
contains "DC export" "$(cat "$T/out-dc.xml")" "Dế Mèn phiêu lưu ký"
"$TUSACH" export --format csv --library TV-Q1 --output "$T/q1.csv" 2>/dev/null
lacks "export --library filters" "$(cat "$T/q1.csv")" "Tắt đèn"

# round trip: MARC export into an empty catalogue gives the same records and copies
D2="$T/data2"
"$TUSACH" --data "$D2" init >/dev/null
"$TUSACH" --data "$D2" library add --code THCS-A --name A --kind school >/dev/null
"$TUSACH" --data "$D2" library add --code TV-Q1 --name Q --kind public >/dev/null
"$TUSACH" --data "$D2" import "$T/out.mrc" --library THCS-A >/dev/null 2>&1
q="select r.title, coalesce(r.publisher,''), coalesce(r.date,''), (select group_concat(value) from record_identifier i where i.record_id=r.id and scheme='isbn'), (select group_concat(barcode||'@'||l.code||':'||status, ' ') from (select * from item order by barcode) it join library l on l.id=it.home_library_id where it.record_id=r.id) from record r order by r.title"
a=$(sqlite3 "$TUSACH_DATA/catalog.db" "$q"); b=$(sqlite3 "$D2/catalog.db" "$q")
check "MARC round trip: same records and copies" test "$a" = "$b"
[ "$a" = "$b" ] || diff <(echo "$a") <(echo "$b")

# possible duplicates and merge
printf 'Title,Author,Year,Barcode\nDế Mèn phiêu lưu ký,Tô Hoài,1941,OLD-1\n' >"$T/c.csv"
out=$("$TUSACH" import "$T/c.csv" --library THCS-A 2>&1)
contains "possible duplicate noted" "$out" "possible duplicates 1"
out=$("$TUSACH" record duplicates 2>&1); contains "duplicates listed" "$out" "same title"
id=$(sqlite3 "$TUSACH_DATA/catalog.db" "select id from record where date='1941'")
out=$("$TUSACH" record merge 1 "$id"); contains "merge" "$out" "merged into 1"
out=$("$TUSACH" item show OLD-1); contains "copies follow the merge" "$out" "record          1"
out=$("$TUSACH" check); contains "index agrees after merge" "$out" "ok: catalogue and index agree"
finish
