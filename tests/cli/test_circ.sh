#!/usr/bin/env bash
# tests/cli/test_circ.sh - people and the desk through the real binary: staff
# logins with --password-stdin (never argv), a class list with Vietnamese
# headers written here (a title row, STT, split family/given names, a
# semicolon file with categories, bad rows), reader show/deactivate, desk
# checkout/return/renew with every refusal printed clearly, idempotent
# retries, holds (queue, hold shelf, expiry), overdue, and privacy.
# The clock is pinned with TUSACH_NOW so due dates are known.
. "$(dirname "$0")/lib.sh"

export TZ=UTC
export TUSACH_NOW=1700000000 # 2023-11-14 22:13 UTC
DAY=86400
db="$TUSACH_DATA/catalog.db"
sql() { sqlite3 "$db" "$1"; }

"$TUSACH" init >/dev/null
"$TUSACH" library add --code THCS-A --name "Trường THCS A" --kind school >/dev/null
"$TUSACH" library add --code TV-B --name "Thư viện B" --kind public >/dev/null
cat >"$T/books.csv" <<'CSV'
Nhan đề,Tác giả,Số đăng ký cá biệt,Thư viện
Dế Mèn phiêu lưu ký,Tô Hoài,DM-1;DM-2,THCS-A
Tắt đèn,Ngô Tất Tố,TD-1,THCS-A
Số đỏ,Vũ Trọng Phụng,SD-1;SD-2;SD-3;SD-4,THCS-A
Truyện Kiều,Nguyễn Du,TK-B,TV-B
CSV
"$TUSACH" import "$T/books.csv" --library THCS-A >/dev/null 2>&1
check "copies imported" test "$(sql "select count(*) from item")" -eq 8
rec_dm=$(sql "select record_id from item where barcode='DM-1'")
rec_td=$(sql "select record_id from item where barcode='TD-1'")

# ---- staff logins
out=$(printf 'correct horse\n' | "$TUSACH" user add thuthu --role librarian --library THCS-A \
  --name "Cô Thư" --password-stdin 2>&1); rc=$?
check "user add (rc $rc)" test $rc -eq 0
contains "user add says where" "$out" "user thuthu added (librarian at THCS-A)"
out=$(printf 'correct horse\n' | "$TUSACH" user add nolib --role librarian --password-stdin 2>&1); rc=$?
check "librarian without a library refused" test $rc -ne 0
contains "librarian needs a library" "$out" "at least one library"
out=$(printf 'short\n' | "$TUSACH" user add admin2 --role admin --password-stdin 2>&1); rc=$?
check "short password refused" test $rc -ne 0
contains "password length message" "$out" "at least 8 characters"
out=$("$TUSACH" user add admin3 --role admin </dev/null 2>&1); rc=$?
check "no terminal, no --password-stdin: refused" test $rc -ne 0
contains "hint to use --password-stdin" "$out" "--password-stdin"
out=$("$TUSACH" user add admin4 --role admin --password "x" </dev/null 2>&1); rc=$?
check "a password on the command line is not an option" test $rc -eq 2
out=$(printf 'battery staple\n' | "$TUSACH" user passwd thuthu --password-stdin 2>&1)
contains "passwd" "$out" "password of thuthu changed"
out=$("$TUSACH" user role thuthu district 2>&1)
contains "role change" "$out" "user thuthu is now district"
out=$("$TUSACH" user role thuthu wizard 2>&1); rc=$?
check "bad role refused" test $rc -ne 0
check "hash stored, not the password" test "$(sql "select count(*) from account where pwhash like '\$argon2id\$%' and pwhash not like '%battery%'")" -eq 1
check "no password in the event log" test "$(sql "select count(*) from event where detail like '%battery%' or detail like '%horse%'")" -eq 0

# ---- readers: a class list as a school exports it
printf '\xef\xbb\xbf' >"$T/lop6a.csv"
cat >>"$T/lop6a.csv" <<'CSV'
DANH SÁCH HỌC SINH LỚP 6A,,,,
,,,,
STT,Họ và tên,Lớp,Mã học sinh,Ngày sinh
1,Nguyễn Văn An,6A,HS001,01/02/2013
2,Trần Thị  Bình,6A,HS002,03/04/2013
3,Lê Minh Châu,6A,,05/06/2013
4,"Phạm Đức Dũng",6A,'HS004,07/08/2013
5,Võ Thị Em,6A,HS001,09/10/2013
6,,,,
CSV
out=$("$TUSACH" reader import "$T/lop6a.csv" --library THCS-A --dry-run 2>&1)
contains "dry run counts" "$out" "readers (dry run, nothing saved): created 3"
check "dry run saved nothing" test "$(sql "select count(*) from reader")" -eq 0
out=$("$TUSACH" reader import "$T/lop6a.csv" --library THCS-A 2>&1); rc=$?
check "class list imported, rows skipped: exit 3 (rc $rc)" test $rc -eq 3
contains "import summary" "$out" "created 3, updated 0, unchanged 0, rows skipped 2"
contains "row without a card reported with its line" "$out" "lop6a.csv line 6: Lê Minh Châu has no card number"
contains "repeated card reported" "$out" "lop6a.csv line 8: card HS001 appears twice in the file, first on line 4"
check "names cleaned" test "$(sql "select name from reader where card='HS002'")" = "Trần Thị Bình"
check "Excel's text mark dropped" test "$(sql "select count(*) from reader where card='HS004'")" -eq 1
check "pupils by default, class kept" test "$(sql "select count(*) from reader where category='pupil' and class='6A'")" -eq 3
out=$("$TUSACH" reader import "$T/lop6a.csv" --library THCS-A 2>&1)
contains "re-import changes nothing" "$out" "created 0, updated 0, unchanged 3"
printf 'Họ đệm;Tên;Lớp;Số thẻ;Đối tượng\nĐỗ Thị;Hoa;;GV01;Giáo viên\nBùi Văn;Khánh;7B;HS010;Học sinh\nNgô;Lan;;NL01;Phụ huynh\nHà;Minh;;X1;Người ngoài hành tinh\n' >"$T/gv.csv"
out=$("$TUSACH" reader import "$T/gv.csv" --library THCS-A 2>&1)
contains "split names, categories" "$out" "created 3"
contains "unknown category reported" "$out" "gv.csv line 5: category 'Người ngoài hành tinh'"
check "family + given joined" test "$(sql "select name||'|'||category from reader where card='GV01'")" = "Đỗ Thị Hoa|teacher"
check "adult category" test "$(sql "select category from reader where card='NL01'")" = "adult"
printf 'Tên sách,Tác giả\nx,y\n' >"$T/notreaders.csv"
out=$("$TUSACH" reader import "$T/notreaders.csv" --library THCS-A 2>&1); rc=$?
check "a file without name/card columns is refused" test $rc -ne 0
contains "says which columns it needs" "$out" "no header row with a name column"
out=$("$TUSACH" reader add --card NL02 --name "Chu Văn Nam" --category adult --library TV-B 2>&1)
contains "reader add" "$out" "reader NL02 added: Chu Văn Nam (adult)"
out=$("$TUSACH" reader add --card NL02 --name "X" --library TV-B 2>&1); rc=$?
check "duplicate card refused" test $rc -ne 0
contains "duplicate card message" "$out" "card NL02 is already in use"
out=$(printf '2468\n' | "$TUSACH" user add HS001 --role reader --password-stdin 2>&1)
contains "reader login (card + PIN)" "$out" "login added for reader HS001"

# ---- the desk
export TUSACH_LIBRARY=THCS-A
out=$("$TUSACH" desk checkout --reader HS001 DM-1 TD-1 2>&1); rc=$?
check "checkout (rc $rc)" test $rc -eq 0
contains "due date for a pupil: 14 days" "$out" "DM-1  checked out: \"Dế Mèn phiêu lưu ký\", due 2023-11-28"
contains "receipt" "$out" "Receipt  THCS-A  2023-11-14"
contains "receipt names the reader" "$out" "Reader   HS001 Nguyễn Văn An"
out=$("$TUSACH" desk checkout --reader HS002 DM-1 2>&1); rc=$?
check "on loan to someone else: refused (rc $rc)" test $rc -eq 1
contains "clear refusal: on loan" "$out" "REFUSED DM-1: copy DM-1 is on loan to another reader (due 2023-11-28)"
lacks "the other reader is not named" "$out" "HS001"
out=$("$TUSACH" desk checkout --reader HS001 SD-1 SD-2 2>&1); rc=$?
contains "over the limit" "$out" "REFUSED SD-2: reader HS001 has 3 items on loan: the limit for pupils at THCS-A is 3"
contains "the rest still lent" "$out" "SD-1  checked out"
out=$("$TUSACH" desk checkout --reader HS002 TK-B 2>&1)
contains "another library's desk" "$out" "REFUSED TK-B: copy TK-B belongs to the desk of TV-B, not THCS-A"
"$TUSACH" reader block HS002 --reason "chưa trả sách năm trước" >/dev/null
out=$("$TUSACH" desk checkout --reader HS002 DM-2 2>&1)
contains "blocked reader" "$out" "REFUSED DM-2: reader HS002 is blocked: chưa trả sách năm trước"
"$TUSACH" reader unblock HS002 >/dev/null
"$TUSACH" item withdraw SD-4 >/dev/null
out=$("$TUSACH" desk checkout --reader HS002 SD-4 2>&1)
contains "withdrawn copy" "$out" "REFUSED SD-4: copy SD-4 has been withdrawn from the collection"
out=$("$TUSACH" desk checkout --reader NOPE DM-2 2>&1); rc=$?
contains "unknown reader" "$out" "no reader with card NOPE"
out=$("$TUSACH" desk checkout --reader HS002 DM-2 --key till-7 2>&1)
contains "checkout with a key" "$out" "DM-2  checked out"
out=$("$TUSACH" desk checkout --reader HS002 DM-2 --key till-7 2>&1); rc=$?
check "retry with the same key succeeds (rc $rc)" test $rc -eq 0
contains "retry is recognised" "$out" "already done: same key"
check "one loan for the retried checkout" test "$(sql "select count(*) from loan l join item i on i.id=l.item_id where i.barcode='DM-2'")" -eq 1
check "one event for the retried checkout" test "$(sql "select count(*) from event where kind='loan.checkout' and subject='DM-2'")" -eq 1

# renew
TUSACH_NOW=$((TUSACH_NOW + 3 * DAY)) "$TUSACH" desk renew TD-1 >"$T/out" 2>&1; out=$(cat "$T/out")
contains "renewed from today" "$out" "TD-1  renewed: \"Tắt đèn\", due 2023-12-01 (0 renewals left)"
out=$("$TUSACH" desk renew TD-1 2>&1); rc=$?
check "second renewal refused (rc $rc)" test $rc -eq 1
contains "renewal limit" "$out" "REFUSED TD-1: copy TD-1 has been renewed 1 time: the limit for pupils at THCS-A is 1"
out=$("$TUSACH" desk renew SD-3 2>&1)
contains "renew a copy on the shelf" "$out" "REFUSED SD-3: copy SD-3 is not on loan"

# holds: both copies of Dế Mèn are out
out=$("$TUSACH" hold place --reader HS004 --record "$rec_dm" 2>&1); rc=$?
check "hold placed (rc $rc)" test $rc -eq 0
contains "hold queue position" "$out" "at THCS-A (number 1 in the queue)"
out=$("$TUSACH" hold place --reader GV01 --record "$rec_dm" 2>&1)
contains "second in the queue" "$out" "(number 2 in the queue)"
out=$("$TUSACH" hold place --reader HS004 --record "$rec_dm" 2>&1); rc=$?
contains "duplicate hold refused" "$out" "already has a hold on this title"
out=$("$TUSACH" hold place --reader HS001 --record "$rec_dm" 2>&1)
contains "reader has a copy: refused" "$out" "already has a copy of this title on loan"
out=$("$TUSACH" hold place --reader HS010 --record "$rec_td" --pickup THCS-A 2>&1)
contains "hold for Tắt đèn" "$out" "hold #"
out=$("$TUSACH" hold place --reader HS010 --record "$(sql "select record_id from item where barcode='SD-3'")" 2>&1)
contains "copy on the shelf: borrow it" "$out" "a copy is on the shelf at THCS-A now: borrow it at the desk"
out=$("$TUSACH" hold list --record "$rec_dm" 2>/dev/null)
check "queue order" test "$(printf '%s\n' "$out" | awk -F'\t' '{print $5}' | cut -d' ' -f1 | tr '\n' ' ')" = "HS004 GV01 "
out=$("$TUSACH" desk renew DM-1 2>&1)
contains "no renewal while others wait" "$out" "another reader is waiting for this title"

# return: fills the first hold; at another library: in transit
out=$("$TUSACH" desk return DM-1 2>&1)
contains "return fills the hold" "$out" "DM-1  returned: \"Dế Mèn phiêu lưu ký\" -> HOLD SHELF for HS004 Phạm Đức Dũng"
out=$("$TUSACH" reader show HS004 2>&1)
contains "reader sees the notice" "$out" "your hold on \"Dế Mèn phiêu lưu ký\" is ready at THCS-A until 2023-11-19"
out=$("$TUSACH" desk checkout --reader GV01 DM-1 2>&1)
contains "hold shelf copy is not for others" "$out" "REFUSED DM-1: copy DM-1 is on the hold shelf for another reader"
out=$("$TUSACH" desk return DM-1 2>&1); rc=$?
contains "returning a copy not on loan" "$out" "REFUSED DM-1: copy DM-1 is not on loan (it is on the hold shelf)"
out=$("$TUSACH" desk return SD-1 --library TV-B 2>&1)
contains "returned elsewhere: in transit home" "$out" "SD-1  returned: \"Số đỏ\" -> IN TRANSIT to THCS-A"
out=$("$TUSACH" desk return SD-1 2>&1)
contains "checked in at home" "$out" "SD-1  checked in: \"Số đỏ\" -> back to the shelf"
out=$("$TUSACH" desk return DM-2 --key ret-1 2>&1)
contains "second copy back: next in the queue" "$out" "HOLD SHELF for GV01 Đỗ Thị Hoa"
out=$("$TUSACH" desk return DM-2 --key ret-1 2>&1); rc=$?
check "return retry with the same key (rc $rc)" test $rc -eq 0
contains "return retry recognised" "$out" "already done: same key"
check "one return event for the retried return" test "$(sql "select count(*) from event where kind='loan.return' and subject='DM-2'")" -eq 1

# hold expiry: five days on the shelf, then it moves on or goes back
out=$(TUSACH_NOW=$((TUSACH_NOW + 6 * DAY)) "$TUSACH" hold expire 2>&1)
contains "expired holds" "$out" "2 holds expired"
check "copies back on the shelf" test "$(sql "select count(*) from item where barcode in ('DM-1','DM-2') and status='available'")" -eq 2
out=$("$TUSACH" hold cancel 1 2>&1); rc=$?
contains "cancel a closed hold" "$out" "hold #1: hold 1 is already expired"

# overdue, twenty days on
out=$(TUSACH_NOW=$((TUSACH_NOW + 20 * DAY)) "$TUSACH" desk overdue 2>&1)
contains "overdue list" "$out" "TD-1	Tắt đèn	due 2023-12-01"
contains "overdue count" "$out" "1 overdue"
out=$(TUSACH_NOW=$((TUSACH_NOW + 20 * DAY)) "$TUSACH" desk return TD-1 2>&1)
contains "late return" "$out" "TD-1  returned (3 days late)"
contains "returned book fills the Tắt đèn hold" "$out" "HOLD SHELF for HS010"

# reader show and deactivate
out=$("$TUSACH" reader show HS002 2>&1)
contains "reader show" "$out" "status          active"
lacks "returned loans are not shown without history" "$out" "borrowed"
"$TUSACH" desk checkout --reader HS002 SD-3 >/dev/null 2>&1
out=$("$TUSACH" reader deactivate HS002 2>&1); rc=$?
check "deactivate with a loan refused (rc $rc)" test $rc -ne 0
contains "deactivate refusal" "$out" "still has 1 item on loan"
"$TUSACH" desk return SD-3 >/dev/null 2>&1
out=$("$TUSACH" reader deactivate HS002 2>&1)
contains "deactivated" "$out" "reader HS002 deactivated"
out=$("$TUSACH" desk checkout --reader HS002 SD-3 2>&1)
contains "inactive reader refused" "$out" "reader HS002 is no longer active"

# policy
out=$("$TUSACH" desk policy --category pupil --loan-days 7 --max-items 2 2>&1)
contains "policy set" "$out" "THCS-A	pupil	7 days	2 items	1 renewals	hold shelf 5 days"
contains "other categories default" "$out" "THCS-A	teacher	28 days	10 items	2 renewals	hold shelf 5 days	(default)"

# privacy: closed loans no longer name readers; events never do
check "closed loans anonymous" test "$(sql "select count(*) from loan where returned_at is not null and reader_id is not null")" -eq 0
check "loan rows kept for counts" test "$(sql "select count(*) from loan where returned_at is not null")" -eq 5
check "no card in circulation events" test "$(sql "select count(*) from event where (kind like 'loan.%' or kind like 'hold.%') and (detail like '%HS00%' or detail like '%GV01%' or subject like '%HS00%')")" -eq 0
"$TUSACH" reader history HS010 on >/dev/null
"$TUSACH" desk checkout --reader HS010 SD-2 >/dev/null 2>&1
"$TUSACH" desk return SD-2 >/dev/null 2>&1
out=$("$TUSACH" reader show HS010 2>&1)
contains "history when opted in" "$out" "borrowed        SD-2  Số đỏ"
check "opted-in event names the card" test "$(sql "select count(*) from event where kind='loan.return' and detail like '%\"reader\":\"HS010\"%'")" -eq 1

finish
