#!/usr/bin/env bash
# tests/cli/test_oai_harvest.sh - `tusach serve` harvested by a real OAI-PMH
# harvester: Debian's libhttp-oai-perl (its oai_pmh command and the
# HTTP::OAI::Harvester library). A data folder gets 300 records from a CSV
# written here; the harvests (ListRecords as oai_dc and MARCXML,
# ListIdentifiers, a set, ListSets, Identify) are counted against the
# catalogue (sqlite3), then a record is edited and two are merged, and an
# incremental harvest with from= must bring exactly those changes, the
# merged-away record as deleted. Skipped (77) without the harvester.
. "$(dirname "$0")/lib.sh"

if ! command -v oai_pmh >/dev/null || ! perl -MHTTP::OAI -e 1 2>/dev/null; then
  echo "skipped: the OAI-PMH harvester is not installed (apt-get install libhttp-oai-perl)"
  exit 77
fi
for c in sqlite3 python3 curl; do
  command -v $c >/dev/null || { echo "skipped: $c is not installed"; exit 77; }
done

N=300
"$TUSACH" init >/dev/null
"$TUSACH" library add --code THCS-A --name "Trường THCS A" --kind school >/dev/null
"$TUSACH" library add --code TV-HUYEN --name "Thư viện huyện" --kind public >/dev/null
python3 - "$T/sach.csv" "$N" <<'PY'
import sys
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("id,title,authors,date,type,barcode,library\n")
    for i in range(int(sys.argv[2])):
        f.write(f"r{i},Sách thử số {i},Tác giả {i % 13},{1980 + i % 40},"
                f"{'ebook' if i % 4 == 0 else 'book'},HV{i:05d},"
                f"{'TV-HUYEN' if i % 7 == 0 else 'THCS-A'}\n")
PY
"$TUSACH" import "$T/sach.csv" --library THCS-A >"$T/import.log" 2>&1
db="$TUSACH_DATA/catalog.db"
q() { sqlite3 "$db" "$1"; }
n_db=$(q "select count(*) from record")
check "catalogue has $N records ($n_db)" test "$n_db" -eq $N

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf 'oai-repository-id = thuvien.example.vn\noai-repository-name = Thư viện số huyện\n' >"$T/serve.conf"
"$TUSACH" serve --port "$port" --threads 2 --config "$T/serve.conf" >"$T/serve.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$T"' EXIT
base="http://127.0.0.1:$port/oai"
for _ in $(seq 100); do
  curl -sf --max-time 2 "$base?verb=Identify" >/dev/null && break
  sleep 0.1
done
check "server answers on port $port" curl -sf --max-time 5 "$base?verb=Identify" -o /dev/null

# oai_pmh prints one "datestamp: " line per record or header (and a form feed)
harvest() { # harvest OUT ARGS... -> the record count on stdout
  local out=$1; shift
  timeout 300 oai_pmh "$@" "$base" >"$out" 2>"$out.err" || echo "oai_pmh $*: exit $?" >>"$out.err"
  grep -c '^datestamp: ' "$out"
}

n=$(harvest "$T/dc.txt" -X ListRecords --metadataPrefix oai_dc)
check "ListRecords oai_dc harvested $n of $n_db" test "$n" -eq "$n_db"
errs=$(grep -v 'Wide character' "$T/dc.txt.err")
check "no harvester errors (oai_dc): $errs" test -z "$errs"
contains "oai_dc metadata" "$(cat "$T/dc.txt")" "<dc:title>Sách thử số 299</dc:title>"
contains "configured repository identifier" "$(cat "$T/dc.txt")" "identifier: oai:thuvien.example.vn:record/1"
n_dc=$(grep -c '<oai_dc:dc ' "$T/dc.txt")
check "every record has oai_dc metadata ($n_dc)" test "$n_dc" -eq "$n_db"

n=$(harvest "$T/marc.txt" -X ListRecords --metadataPrefix marcxml)
check "ListRecords marcxml harvested $n of $n_db" test "$n" -eq "$n_db"
n_marc=$(grep -o 'xmlns="http://www.loc.gov/MARC21/slim"' "$T/marc.txt" | wc -l)
check "every record has a MARCXML record ($n_marc)" test "$n_marc" -eq "$n_db"
contains "MARC 245" "$(cat "$T/marc.txt")" 'tag="245"'

n=$(harvest "$T/ids.txt" -X ListIdentifiers --metadataPrefix oai_dc)
check "ListIdentifiers harvested $n of $n_db" test "$n" -eq "$n_db"
n_uniq=$(grep -o 'identifier: oai:[^[:space:]]*' "$T/ids.txt" | sort -u | wc -l)
check "identifiers are unique ($n_uniq)" test "$n_uniq" -eq "$n_db"

n_set_db=$(q "select count(distinct i.record_id) from item i join library l on l.id = i.custodian_id
              where l.code = 'TV-HUYEN' and i.status <> 'withdrawn'")
n=$(harvest "$T/set.txt" -X ListRecords --metadataPrefix marcxml --set library:TV-HUYEN)
check "set library:TV-HUYEN harvested $n of $n_set_db" test "$n" -eq "$n_set_db" -a "$n" -gt 0
n_type_db=$(q "select count(*) from record where resource_type = 'ebook'")
n=$(harvest "$T/type.txt" -X ListIdentifiers --metadataPrefix oai_dc --set type:ebook)
check "set type:ebook harvested $n of $n_type_db" test "$n" -eq "$n_type_db" -a "$n" -gt 0

out=$(timeout 60 perl -CS -MHTTP::OAI -e '
  my $h = HTTP::OAI::Harvester->new(baseURL => $ARGV[0]);
  my $id = $h->Identify();
  die "Identify: " . $id->message . "\n" unless $id->is_success;
  print "name=", $id->repositoryName, " deleted=", $id->deletedRecord,
        " granularity=", $id->granularity, "\n";
  my $r = $h->ListSets();
  die "ListSets: " . $r->message . "\n" unless $r->is_success;
  while (my $s = $r->next) { print "set=", $s->setSpec, "\n" }
  $r = $h->GetRecord(identifier => "oai:thuvien.example.vn:record/999999", metadataPrefix => "oai_dc");
  my @e = $r->errors;
  print "missing=", (@e ? $e[0]->code : "found"), "\n";
' "$base" 2>&1)
contains "Identify: deleted records persistent" "$out" "deleted=persistent"
contains "Identify: configured name" "$out" "name=Thư viện số huyện"
contains "Identify: seconds granularity" "$out" "granularity=YYYY-MM-DDThh:mm:ssZ"
contains "ListSets: library set" "$out" "set=library:TV-HUYEN"
contains "ListSets: type set" "$out" "set=type:ebook"
contains "GetRecord of an unknown id" "$out" "missing=idDoesNotExist"

# incremental: changes after `since` and nothing else
sleep 1.1
since=$(date -u +%Y-%m-%dT%H:%M:%SZ)
"$TUSACH" record edit 5 --set notes="sửa sau lần thu hoạch đầu" >/dev/null
"$TUSACH" record merge 10 11 >/dev/null
n_db=$(q "select count(*) from record")
n_tomb=$(q "select count(*) from record_tombstone")
check "merge leaves a tombstone ($n_tomb)" test "$n_tomb" -eq 1
n=$(harvest "$T/inc.txt" -X ListIdentifiers --metadataPrefix oai_dc --from "$since")
n_changed=$(q "select count(*) from record where updated >= strftime('%s', '$since')")
check "incremental harvest from $since: $n = $n_changed changed + 1 deleted" \
  test "$n" -eq $((n_changed + 1))
contains "edited record harvested" "$(cat "$T/inc.txt")" "identifier: oai:thuvien.example.vn:record/5"
n_del=$(grep -c '^status: deleted' "$T/inc.txt")
check "merged-away record harvested as deleted ($n_del)" test "$n_del" -eq 1
contains "deleted record named" "$(grep -B2 '^status: deleted' "$T/inc.txt")" \
  "identifier: oai:thuvien.example.vn:record/11"
n=$(harvest "$T/dc2.txt" -X ListRecords --metadataPrefix oai_dc)
check "full harvest after the merge: $n = $n_db records + 1 deleted" test "$n" -eq $((n_db + 1))
n=$(harvest "$T/none.txt" -X ListIdentifiers --metadataPrefix oai_dc --from 2099-01-01)
check "nothing after 2099" test "$n" -eq 0

kill "$pid"
wait "$pid"
rc=$?
check "server stops cleanly on SIGTERM (exit $rc)" test $rc -eq 0
grep -q ' 500 ' "$T/serve.log" && bad "server logged a 500" || ok "no 500 in the server log"
finish
