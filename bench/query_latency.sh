#!/usr/bin/env bash
# bench/query_latency.sh - build tusach-bench-query (build-bench, -j1) and run it
# on an imported data folder.
#
# Usage: bench/query_latency.sh DATA_DIR [QUERIES] [--rounds N] [--limit N] [--per-query]
#   DATA_DIR  a tusach data folder (e.g. the mixed set imported by
#             `bench/import_compare.sh --sets mixed --only tusach --keep`:
#             WORK/mixed/tusach/data)
#   QUERIES   default bench/queries.txt
# Prints p50/p95/p99/max/mean latency in ms per query type and overall
# (target: p99 under 5 ms), queries without hits and the slowest queries.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
BUILD="${TUSACH_BENCH_BUILD:-$REPO/build-bench}"
if [ $# -lt 1 ] || [ "${1#-}" != "$1" ]; then
    sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
fi
[ -d "$1/index" ] || { echo "query_latency: $1/index not found (import first)" >&2; exit 1; }
cmake -S "$REPO" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" -j1 --target tusach-bench-query >/dev/null
exec "$BUILD/bench/tusach-bench-query" "$@"
