#!/usr/bin/env bash
# tests/corpus/test_metadata_import.sh - real MARC21, MARCXML and OAI-PMH Dublin
# Core files from Debian and npm packages through `tusach import`: records
# land, deliberately broken files are reported without stopping the run, a
# second import changes nothing, and catalogue and index agree.
. "$(dirname "$0")/../cli/lib.sh"
C=${TUSACH_CORPUS:-$HOME/.cache/tusach-corpus}
if [ ! -d "$C/metadata/marc21" ]; then
  echo "# SKIP corpus not found at $C: run ../shared/corpus/fetch.sh $C"
  exit 77
fi
"$TUSACH" init >/dev/null
"$TUSACH" library add --code TV --name "Thư viện" --kind public >/dev/null
created=0; rejected=0
for f in "$C"/metadata/marc21/*.mrc "$C"/metadata/marcxml/*.xml "$C"/metadata/oai-pmh/*.xml; do
  out=$("$TUSACH" import "$f" --library TV --quiet 2>&1); rc=$?
  if [ $rc -ne 0 ] && [ $rc -ne 3 ]; then bad "import $(basename "$f") exited $rc: $out"; fi
  c=$(printf '%s' "$out" | sed -n 's/.*created \([0-9]*\).*/\1/p'); created=$((created + ${c:-0}))
  r=$(printf '%s' "$out" | sed -n 's/.*rejected \([0-9]*\).*/\1/p'); rejected=$((rejected + ${r:-0}))
done
echo "# created $created, rejected $rejected"
n=$(sqlite3 "$TUSACH_DATA/catalog.db" "select count(*) from record")
check "records landed ($n)" test "$n" -ge 150
check "broken records reported ($rejected)" test "$rejected" -ge 1
out=$("$TUSACH" import "$C/metadata/oai-pmh/idzebra-oai-caltech.xml" --library TV 2>&1)
contains "re-import of the Caltech harvest changes nothing" "$out" "created 0, merged 0, updated 0, unchanged 100"
out=$("$TUSACH" check 2>&1); contains "catalogue and index agree" "$out" "ok: catalogue and index agree"
out=$("$TUSACH" search "computer science" --format tsv | head -3)
check "Dublin Core records searchable" test -n "$out"
finish
