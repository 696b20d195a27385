#!/usr/bin/env bash
# bench/import_compare.sh - time tusach's import against Xapian's omindex and
# recollindex on the same document sets (see bench/README.md).
#
# Usage: bench/import_compare.sh [CORPUS] [--sets mixed,mail] [--only TOOLS]
#            [--timeout SECS] [--workers N] [--tusach BIN] [--work DIR] [--keep]
#   CORPUS     fetched corpus (default ~/.cache/tusach-corpus)
#   --sets     comma list of mixed, mail, handbook (default mixed,mail)
#   --only     comma list of tusach, omindex, recoll (default all three)
#   --timeout  bound for each indexing run (default 1200 s)
#   --workers  passed to `tusach import --workers` (default: tusach's own, = CPUs)
#   --tusach   the binary (default build-bench/cli/tusach, built with -j1 if missing)
#   --work     work folder (default a new /tmp/tusach-bench.XXXXXX)
#   --keep     keep the work folder (tusach data dirs for bench/query_latency.sh);
#              implied by --work. A --work folder used before keeps its
#              results.tsv, so separate runs add up to one table.
#
# Every run starts from an empty index in WORK/<set>/<tool>/ and is measured
# with /usr/bin/time -v (wall seconds; "peak RSS" = the largest single
# process's max RSS, which for recollindex and omindex covers their waited-for
# filter children one at a time) plus a 0.5 s sampler of the summed RSS of the
# whole process tree ("tree RSS"). Before the first run of a set all its files
# are read once so every tool starts with a warm page cache.
# Output: one table row per run (with cpu seconds and the load average, since
# the machine may be shared) and ratio rows; also WORK/results.tsv.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
CORPUS="${HOME}/.cache/tusach-corpus"
SETS="mixed,mail"
ONLY="tusach,omindex,recoll"
TIMEOUT=1200
WORKERS=""
TUSACH="$REPO/build-bench/cli/tusach"
WORK=""
KEEP=0

while [ $# -gt 0 ]; do
    case "$1" in
    --sets) SETS="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    --timeout) TIMEOUT="$2"; shift 2 ;;
    --workers) WORKERS="$2"; shift 2 ;;
    --tusach) TUSACH="$2"; shift 2 ;;
    --work) WORK="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "import_compare: unknown option $1" >&2; exit 2 ;;
    *) CORPUS="$1"; shift ;;
    esac
done
ONLY=",${ONLY/recollindex/recoll},"
want() { [[ "$ONLY" == *",$1,"* ]]; }

die() { echo "import_compare: $*" >&2; exit 1; }
[ -x /usr/bin/time ] || die "/usr/bin/time missing (Debian package: time)"
command -v timeout >/dev/null || die "timeout missing (coreutils)"
if want omindex; then
    command -v omindex >/dev/null || die "omindex missing (Debian package: xapian-omega)"
    command -v unzip >/dev/null || die "unzip missing (omindex's EPUB filter; package unzip)"
    command -v pdftotext >/dev/null || die "pdftotext missing (package poppler-utils)"
fi
if want recoll; then
    command -v recollindex >/dev/null || die "recollindex missing (Debian package: recollcmd)"
    [ -x /usr/bin/python3 ] || die "/usr/bin/python3 missing (recoll's filters; package python3)"
    command -v pdftotext >/dev/null || die "pdftotext missing (package poppler-utils)"
fi
if want tusach && [ ! -x "$TUSACH" ]; then
    echo "import_compare: building $TUSACH" >&2
    cmake -S "$REPO" -B "$REPO/build-bench" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$REPO/build-bench" -j1 --target tusach >/dev/null ||
        die "tusach does not build yet"
fi

if [ -z "$WORK" ]; then
    WORK="$(mktemp -d /tmp/tusach-bench.XXXXXX)"
else
    mkdir -p "$WORK"
    KEEP=1
fi
WORK="$(cd "$WORK" && pwd)"
cleanup() {
    if [ "$KEEP" -eq 0 ]; then rm -rf "$WORK"; else echo "work folder kept: $WORK" >&2; fi
}
trap cleanup EXIT

echo "import_compare: building document sets in $WORK/docsets" >&2
bash "$HERE/make-docsets.sh" "$CORPUS" "$WORK/docsets" >&2

# omindex has no EPUB support of its own (1.4.22): unzip the XHTML members and
# drop the per-chapter <?xml>, <!DOCTYPE>, <html>/<head>/<body> and <title>
# tags, which otherwise make omega's HTML parser stop after the first chapter.
cat >"$WORK/epub2html.sed" <<'EOF'
s#<\?xml[^>]*>##g
s#<!DOCTYPE[^>]*>##g
s#<title[^>]*>[^<]*</title>##g
s#</?(html|head|body)([[:space:]][^>]*)?/?>##g
EOF
OMINDEX_EPUB_FILTER="application/epub+zip,html:unzip -p %f '*htm*' | sed -zE -f $WORK/epub2html.sed"

# Sum of RSS (KiB) of pid $1 and all its descendants.
tree_rss() {
    ps -e -o pid=,ppid=,rss= | awk -v root="$1" '
        { par[$1] = $2; rss[$1] = $3 }
        END {
            inside[root] = 1
            do { changed = 0
                 for (p in par) if (!(p in inside) && (par[p] in inside)) { inside[p] = 1; changed = 1 }
            } while (changed)
            s = 0; for (p in inside) s += rss[p]; print s + 0 }'
}

# measure NAME OUTDIR CMD... : runs CMD under time -v and timeout; sets M_SECS,
# M_CPU (user+sys s), M_RSS_KB, M_TREE_KB, M_STATUS, M_LOAD0/1 (1-min load
# average at start/end). stdout/stderr go to OUTDIR/NAME.{out,err}.
measure() {
    local name="$1" out="$2"
    shift 2
    local tv="$out/$name.time"
    /usr/bin/time -v -o "$tv" timeout --kill-after=10 "$TIMEOUT" "$@" \
        >"$out/$name.out" 2>"$out/$name.err" &
    local pid=$! peak=0 cur
    M_LOAD0=$(cut -d' ' -f1 /proc/loadavg)
    while kill -0 "$pid" 2>/dev/null; do
        cur=$(tree_rss "$pid")
        [ "$cur" -gt "$peak" ] && peak=$cur
        sleep 0.5
    done
    set +e
    wait "$pid"
    M_STATUS=$?
    set -e
    M_TREE_KB=$peak
    M_RSS_KB=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tv")
    M_SECS=$(awk -F': ' '/Elapsed \(wall clock\)/ {
        n = split($2, t, ":"); s = 0
        for (i = 1; i <= n; i++) s = s * 60 + t[i]
        printf "%.2f", s }' "$tv")
    M_CPU=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$tv")
    M_LOAD1=$(cut -d' ' -f1 /proc/loadavg)
    [ -n "$M_RSS_KB" ] || M_RSS_KB=0
    [ -n "$M_SECS" ] || M_SECS=0
}

bytes_of() { du -sb "$@" 2>/dev/null | awk '{s += $1} END {printf "%d", s}'; }

RESULTS="$WORK/results.tsv"
# Appended to when --work names a folder used before, so runs made separately
# (say the peers first, tusach later) end up in one table: the last row of
# each set and tool wins.
if [ ! -s "$RESULTS" ]; then
    printf 'set\ttool\tfiles\tMB\tseconds\tcpu_s\tload\tfiles_per_s\tMB_per_s\tpeak_rss_MB\ttree_rss_MB\tindex_MB\tstatus\tnote\n' >"$RESULTS"
fi

# record SET TOOL FILES BYTES INDEX_BYTES NOTE
record() {
    awk -v set="$1" -v tool="$2" -v files="$3" -v bytes="$4" -v secs="$M_SECS" \
        -v rss="$M_RSS_KB" -v tree="$M_TREE_KB" -v ix="$5" -v st="$M_STATUS" -v note="$6" \
        -v cpu="$M_CPU" -v load="$M_LOAD0-$M_LOAD1" '
        BEGIN {
            fps = secs > 0 ? files / secs : 0; mbs = secs > 0 ? bytes / 1e6 / secs : 0
            printf "%s\t%s\t%d\t%.1f\t%.2f\t%.2f\t%s\t%.1f\t%.2f\t%.0f\t%.0f\t%.1f\t%d\t%s\n",
                set, tool, files, bytes / 1e6, secs, cpu, load, fps, mbs, rss / 1024, tree / 1024,
                ix / 1e6, st, note }' >>"$RESULTS"
}

run_tusach() { # set dir files bytes
    local set="$1" src="$2" out="$WORK/$1/tusach"
    rm -rf "$out" # a fresh, empty index every run
    mkdir -p "$out"
    local data="$out/data" args=()
    "$TUSACH" --data "$data" init >"$out/init.log" 2>&1
    "$TUSACH" --data "$data" library add --code BENCH --name "Bench" --kind school \
        >>"$out/init.log" 2>&1
    [ -n "$WORKERS" ] && args=(--workers "$WORKERS")
    echo "import_compare: $set: tusach import ..." >&2
    measure import "$out" "$TUSACH" --data "$data" import "$src" --library BENCH "${args[@]}"
    local ixb catb storeb summary nfail
    ixb=$(bytes_of "$data/index")
    catb=$(bytes_of "$data"/catalog.db*)
    storeb=$(bytes_of "$data/files")
    summary=$(grep -h -o 'batch [0-9]*: imported.*' "$out/import.out" "$out/import.err" | tail -1)
    nfail=$(grep -c '^failed: ' "$out/import.err" || true)
    # exit status 3 = finished with failed files
    record "$set" tusach "$3" "$4" "$((ixb + catb))" \
        "index $(awk -v b="$ixb" 'BEGIN{printf "%.1f", b/1e6}') MB + catalogue $(awk -v b="$catb" 'BEGIN{printf "%.1f", b/1e6}') MB (store copy $(awk -v b="$storeb" 'BEGIN{printf "%.1f", b/1e6}') MB not counted); ${summary:-no summary line}; ${nfail} failed lines in $out/import.err"
}

run_omindex() {
    local set="$1" src="$2" out="$WORK/$1/omindex"
    rm -rf "$out" # a fresh, empty index every run
    mkdir -p "$out"
    echo "import_compare: $set: omindex ..." >&2
    measure omindex "$out" omindex -v --overwrite --db "$out/db" --url / \
        -Mepub:application/epub+zip -F"$OMINDEX_EPUB_FILTER" "$src"
    local added skipped
    added=$(grep -c -E '\.\.\. added$|indexing metadata anyway$' "$out/omindex.out" || true)
    skipped=$(cat "$out/omindex.out" "$out/omindex.err" |
        grep -c -E 'Skipping|failed|no text extracted' || true)
    record "$set" omindex "$3" "$4" "$(bytes_of "$out/db")" \
        "$added files indexed, $skipped skipped/failed/no-text lines (see $out/omindex.out)"
}

run_recoll() {
    local set="$1" src="$2" out="$WORK/$1/recoll"
    rm -rf "$out" # a fresh, empty index every run
    mkdir -p "$out/conf"
    cat >"$out/conf/recoll.conf" <<EOF
topdirs = $src
dbdir = $out/xapiandb
# no spelling dictionary (omindex builds none either; aspell is not installed)
noaspell = 1
loglevel = 3
logfilename = $out/recoll.log
EOF
    echo "import_compare: $set: recollindex ..." >&2
    # Debian's python3 first: recoll's filters are "#!/usr/bin/env python3".
    measure recollindex "$out" env PATH="/usr/bin:/bin:$PATH" recollindex -c "$out/conf" -z
    local files errs
    files=$({ grep -o 'Db::add: docid [0-9]* added \[[^|]*' "$out/recoll.log" || true; } |
        sed 's/.*\[//' | sort -u |
        while IFS= read -r f; do if [ -f "$f" ]; then echo "$f"; fi; done | wc -l)
    errs=$(grep -c -E 'internfile.*error|extractone: failed' "$out/recoll.log" || true)
    record "$set" recollindex "$3" "$4" "$(bytes_of "$out/xapiandb")" \
        "$files files with documents, $errs filter error lines (see $out/recoll.log)"
}

IFS=',' read -r -a set_list <<<"$SETS"
for set in "${set_list[@]}"; do
    src="$WORK/docsets/$set"
    [ -d "$src" ] || die "unknown set $set"
    files=$(find "$src" -type f | wc -l)
    bytes=$(find "$src" -type f -printf '%s\n' | awk '{s += $1} END {printf "%d", s}')
    find "$src" -type f -print0 | xargs -0 cat >/dev/null # warm the page cache
    if want tusach; then run_tusach "$set" "$src" "$files" "$bytes"; fi
    if want omindex; then run_omindex "$set" "$src" "$files" "$bytes"; fi
    if want recoll; then run_recoll "$set" "$src" "$files" "$bytes"; fi
done

# Table and ratios.
awk -F'\t' '
    NR == 1 { next }
    { key = $1 SUBSEP $2; secs[key] = $5; cpu[key] = $6; rss[key] = $10; tree[key] = $11
      ix[key] = $12; sets[$1] = 1
      if (!(key in slot)) slot[key] = ++n
      rows[slot[key]] = $0 }
    END {
        printf "%-8s %-11s %6s %7s %8s %8s %9s %8s %7s %8s %8s %9s %4s\n", "set", "tool",
            "files", "MB", "seconds", "cpu_s", "load", "files/s", "MB/s", "peakRSS", "treeRSS",
            "index_MB", "exit"
        for (i = 1; i <= n; i++) {
            split(rows[i], f, "\t")
            printf "%-8s %-11s %6d %7.1f %8.2f %8.2f %9s %8.1f %7.2f %8d %8d %9.1f %4d\n",
                f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[11], f[12], f[13]
        }
        print ""
        for (i = 1; i <= n; i++) { split(rows[i], f, "\t"); printf "%s/%s: %s\n", f[1], f[2], f[14] }
        print ""
        for (s in sets) {
            t = s SUBSEP "tusach"
            if (!(t in secs)) continue
            split("omindex recollindex", peers, " ")
            for (j = 1; j <= 2; j++) {
                p = s SUBSEP peers[j]
                if (!(p in secs) || secs[p] == 0) continue
                printf "%s: tusach/%s  time %.2f  cpu %.2f  peakRSS %.2f  treeRSS %.2f  index %.2f\n",
                    s, peers[j], secs[t] / secs[p], cpu[p] ? cpu[t] / cpu[p] : 0,
                    rss[p] ? rss[t] / rss[p] : 0,
                    tree[p] ? tree[t] / tree[p] : 0, ix[p] ? ix[t] / ix[p] : 0
            }
        }
    }' "$RESULTS"
echo "(MB = 10^6 bytes; RSS in MB of 2^20 bytes; cpu_s = user+sys of the tree; load = 1-min"
echo " load average at start-end (other work on the machine inflates seconds, not cpu_s much);"
echo " peakRSS = largest single process (time -v);"
echo " treeRSS = sampled sum over the process tree; tusach index_MB = index + catalogue)"
echo "results: $RESULTS"
