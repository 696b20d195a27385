#!/usr/bin/env bash
# scripts/check-layers.sh - modules depend only downward (DESIGN.md):
# cli, server -> import -> indexer -> catalog -> common. SQL only in catalog/,
# Xapian only in indexer/, libmicrohttpd only in server/httpd.c.
set -uo pipefail
cd "$(dirname "$0")/.."
fail=0
bad() { echo "check-layers: $*"; fail=1; }
for f in $(git ls-files '*.c' '*.h' '*.cc' | grep -v '^catalog/'); do
  # tests/ and bench/ may open sqlite directly: a test checks the file itself, and
  # bench/sqlite_durable.c measures the bare disk limit the catalogue is compared with
  grep -q 'sqlite3' "$f" && [[ "$f" != tests/* && "$f" != bench/* ]] && bad "$f uses sqlite3 outside catalog/"
done
for f in $(git ls-files '*.c' '*.h' | grep -v '^indexer/'); do
  grep -qE '#include "xapian_shim.h"|\bxs_[a-z_]+\(' "$f" && bad "$f uses the Xapian shim outside indexer/"
done
for f in $(git ls-files '*.c' '*.h' '*.cc' | grep -v '^server/httpd.c$' | grep -v '^tests/harness/'); do
  grep -qE '#[[:space:]]*include[[:space:]]*[<"]microhttpd\.h' "$f" && bad "$f includes microhttpd.h"
done
for f in $(git ls-files 'common/*.[ch]'); do
  grep -qE '#include "(catalog|indexer|import|extract|store)' "$f" && bad "$f: common/ includes a higher module"
done
for f in $(git ls-files 'catalog/*.[ch]'); do
  grep -qE '#include "(indexer|import|extract)' "$f" && bad "$f: catalog/ includes a higher module"
done
for f in $(git ls-files 'indexer/*.[ch]' 'indexer/*.cc'); do
  grep -qE '#include "(import|cli|server)' "$f" && bad "$f: indexer/ includes a higher module"
done
for f in $(git ls-files 'import/*.[ch]'); do
  grep -qE '#include "(cli|server)' "$f" && bad "$f: import/ includes a higher module"
done
[ $(git ls-files '*.cc' '*.cpp' | wc -l) -le 1 ] || bad "only indexer/xapian_shim.cc may be C++"
[ $fail = 0 ] && echo "check-layers: ok"
exit $fail
