#!/usr/bin/env bash
# bench/serve_compare.sh - tusach's web server against kiwix-serve under wrk on
# 127.0.0.1: the same Debian-handbook pages (en-US + vi-VN), the same queries
# (bench/queries.txt), 1 and 8 connections (see bench/README.md).
#
# Usage: bench/serve_compare.sh [CORPUS] [--data-full DIR | --no-full]
#            [--full-set all|mixed] [--search-cache N] [--duration SECS]
#            [--warmup SECS] [--threads N] [--kiwix-pages LIST]
#            [--tusach BIN] [--build] [--work DIR] [--keep]
#   CORPUS         fetched corpus (default ~/.cache/tusach-corpus; fetched with
#                  ../shared/corpus/fetch.sh when missing)
#   --data-full    a tusach data folder with the full corpus already imported;
#                  default: import it afresh (see --full-set)
#   --full-set     what "the full corpus" is: all (default: every folder of the
#                  corpus - epub html metadata pdf text, i.e. the handbook in 26
#                  languages, LibreOffice help, PDFs, man pages, mails, MARC ...)
#                  or mixed (bench/make-docsets.sh's 1,127-file mixed set)
#   --no-full      skip the full-corpus runs
#   --search-cache tusach serve --search-cache for the cache-on server (default:
#                  tusach's own, 1000); the cache-off server always runs with 0
#   --duration     seconds per measured wrk run (default 20, at most 30)
#   --warmup       seconds of wrk before each measured run, discarded (default 3)
#   --threads      tusach serve --threads (default: tusach's own, = CPUs)
#   --kiwix-pages  comma list of kiwix pageLength values to run (default 10,25:
#                  10 = tusach's page size, like for like; 25 = kiwix's default)
#   --tusach       the binary (default build-bench/cli/tusach, Release, built
#                  with -j1 if missing; --build runs the incremental build anyway)
#   --work         work folder (default a new /tmp/tusach-serve.XXXXXX; kept)
#   --keep         keep the default work folder
#
# Runs (wrk -t1 -c1 and -t2 -c8, each after a discarded warm-up):
#   tusach /search?q=Q (HTML page) and /api/v1/search?q=Q (JSON), each on a
#   server with the search result cache on and on one with it off,
#   kiwix-serve /search?content=handbook&pattern=Q&pageLength=N,
#   and with the full corpus imported: tusach API and page at 8 connections,
#   cache on and off, and both servers' RSS.
# Every request takes the next query of bench/queries.txt (bench/wrk/queries.lua).
# Output: one table (req/s, p50/p95/p99/max ms from wrk's histogram, non-2xx +
# socket errors, cache hits among the answers, server CPU ms per request,
# server VmHWM and VmRSS after the run, 1-min load average before-after),
# tusach/kiwix ratios and the targets for cache on and off, and a per-query
# check (hits, zero-hit queries, slowest queries with their URL).
# Servers listen on 127.0.0.1 only and are stopped on exit (trap).
set -Eeuo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
CORPUS="${HOME}/.cache/tusach-corpus"
DATA_FULL=""
FULL=1
FULL_SET=all
SEARCH_CACHE=""
DURATION=20
WARMUP=3
THREADS=""
KIWIX_PAGES="10,25"
TUSACH="$REPO/build-bench/cli/tusach"
BUILD=0
WORK=""
KEEP=0
QUERIES="$HERE/queries.txt"
LUA="$HERE/wrk/queries.lua"

while [ $# -gt 0 ]; do
    case "$1" in
    --data-full) DATA_FULL="$2"; shift 2 ;;
    --no-full) FULL=0; shift ;;
    --full-set) FULL_SET="$2"; shift 2 ;;
    --search-cache) SEARCH_CACHE="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --kiwix-pages) KIWIX_PAGES="$2"; shift 2 ;;
    --tusach) TUSACH="$2"; shift 2 ;;
    --build) BUILD=1; shift ;;
    --work) WORK="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,46p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "serve_compare: unknown option $1" >&2; exit 2 ;;
    *) CORPUS="$1"; shift ;;
    esac
done

die() { echo "serve_compare: $*" >&2; exit 1; }
say() { echo "serve_compare: $*" >&2; }

[ "$DURATION" -ge 1 ] && [ "$DURATION" -le 30 ] || die "--duration must be 1..30 s"
[ "$WARMUP" -ge 0 ] && [ "$WARMUP" -le 30 ] || die "--warmup must be 0..30 s"
case "$FULL_SET" in all | mixed) ;; *) die "--full-set must be all or mixed" ;; esac

# 1. Install check (Debian packages, also in bench/deps.txt).
command -v wrk >/dev/null || die "wrk missing (Debian package: wrk)"
command -v kiwix-serve >/dev/null || die "kiwix-serve missing (Debian package: kiwix-tools)"
command -v zimwriterfs >/dev/null || die "zimwriterfs missing (Debian package: zim-tools)"
command -v curl >/dev/null || die "curl missing (Debian package: curl)"
command -v timeout >/dev/null || die "timeout missing (coreutils)"
[ -f "$QUERIES" ] || die "$QUERIES missing"
[ -f "$LUA" ] || die "$LUA missing"
if [ ! -x "$TUSACH" ] || [ "$BUILD" -eq 1 ]; then
    say "building $TUSACH (Release, -j1)"
    cmake -S "$REPO" -B "$REPO/build-bench" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$REPO/build-bench" -j1 --target tusach >/dev/null ||
        die "tusach does not build"
fi
"$TUSACH" serve --help >/dev/null 2>&1 || die "$TUSACH has no 'serve' command"
[ -z "$DATA_FULL" ] || [ -d "$DATA_FULL" ] || die "--data-full $DATA_FULL: no such folder"
"$TUSACH" serve --help 2>&1 | grep -q -- --search-cache || die "$TUSACH has no --search-cache"
# The corpus: fetched (cached in CORPUS) if it is not there yet.
if [ ! -d "$CORPUS/html/debian-handbook" ]; then
    FETCH="$REPO/../shared/corpus/fetch.sh"
    [ -x "$FETCH" ] || [ -f "$FETCH" ] || die "no corpus in $CORPUS and no $FETCH"
    say "fetching the corpus into $CORPUS (cached; takes a while the first time)"
    bash "$FETCH" "$CORPUS" >&2 || die "corpus fetch failed"
fi

if [ -z "$WORK" ]; then
    WORK="$(mktemp -d /tmp/tusach-serve.XXXXXX)"
else
    mkdir -p "$WORK"
    KEEP=1
fi
WORK="$(cd "$WORK" && pwd)"

SERVER_PIDS=()
cleanup() {
    local p
    for p in "${SERVER_PIDS[@]}"; do
        if kill -0 "$p" 2>/dev/null; then
            kill -TERM "$p" 2>/dev/null || true
            for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
            kill -KILL "$p" 2>/dev/null || true
        fi
        wait "$p" 2>/dev/null || true
    done
    if [ "$KEEP" -eq 0 ]; then rm -rf "$WORK"; else echo "work folder kept: $WORK" >&2; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap 'echo "serve_compare: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

# stop_server PID: SIGTERM, wait, then drop it from the cleanup list.
stop_server() {
    local p="$1" keep=() q
    kill -TERM "$p" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
    for q in "${SERVER_PIDS[@]}"; do [ "$q" = "$p" ] || keep+=("$q"); done
    SERVER_PIDS=("${keep[@]}")
}

# A port nobody listens on (127.0.0.1).
free_port() {
    local p
    for _ in $(seq 100); do
        p=$((20000 + RANDOM % 20000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
    done
    die "no free port found"
}

# wait_up PID URL: until URL answers 200 (at most 20 s).
wait_up() {
    for _ in $(seq 200); do
        kill -0 "$1" 2>/dev/null || return 1
        curl -sf -o /dev/null "$2" && return 0
        sleep 0.1
    done
    return 1
}

urlencode() {
    local LC_ALL=C s="$1" i c h out=""
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        case "$c" in
        [a-zA-Z0-9.~_-]) out+="$c" ;;
        *) printf -v h '%%%02X' "'$c"; out+="$h" ;;
        esac
    done
    printf '%s\n' "$out"
}

loadavg() { cut -d' ' -f1 /proc/loadavg; }
cpu_ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; } # utime+stime
CLK_TCK=$(getconf CLK_TCK)
status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

say "work folder $WORK; load average $(cut -d' ' -f1-3 /proc/loadavg)"

# 2. Document sets, tusach data folder, ZIM.
say "building document sets"
bash "$HERE/make-docsets.sh" "$CORPUS" "$WORK/docsets" >"$WORK/docsets.log"
CORPUS="$(cd "$CORPUS" && pwd)"
HB="$CORPUS/html/debian-handbook"
find "$WORK/docsets/handbook" -type f -print0 | xargs -0 cat >/dev/null # warm cache

new_data() { # DIR: a fresh, empty data folder
    rm -rf "$1"
    "$TUSACH" --data "$1" init >"$1.init.log" 2>&1
    "$TUSACH" --data "$1" library add --code BENCH --name "Bench" --kind school \
        >>"$1.init.log" 2>&1
}

say "tusach: importing the handbook set"
new_data "$WORK/tusach-hb"
s0=$(date +%s.%N)
set +e
"$TUSACH" --data "$WORK/tusach-hb" import "$WORK/docsets/handbook" --library BENCH \
    >"$WORK/tusach-hb.import.log" 2>&1
st=$?
set -e
[ "$st" -eq 0 ] || [ "$st" -eq 3 ] || die "tusach import failed ($st): $WORK/tusach-hb.import.log"
HB_IMPORT="$(grep -o 'batch [0-9]*: imported.*' "$WORK/tusach-hb.import.log" | tail -1)"
say "  $HB_IMPORT ($(awk -v a="$s0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s wall)"

# The ZIM: the same 254 pages plus what they reference (images/, Common_Content/
# css and images), a welcome page linking both languages and a 48x48 PNG.
say "kiwix: building the ZIM with zimwriterfs"
ZSRC="$WORK/zimsrc"
rm -rf "$ZSRC" "$WORK/handbook.zim"
mkdir -p "$ZSRC"
for lang in en-US vi-VN; do
    mkdir -p "$ZSRC/$lang"
    find "$HB/$lang" -maxdepth 1 -type f -name '*.html' -exec cp -l -t "$ZSRC/$lang" {} + 2>/dev/null ||
        find "$HB/$lang" -maxdepth 1 -type f -name '*.html' -exec cp -t "$ZSRC/$lang" {} +
    for sub in images Common_Content; do
        [ -d "$HB/$lang/$sub" ] || continue
        cp -al "$HB/$lang/$sub" "$ZSRC/$lang/$sub" 2>/dev/null || cp -a "$HB/$lang/$sub" "$ZSRC/$lang/$sub"
    done
done
# only web files (the image folders also hold a Makefile and .xpm sources)
find "$ZSRC" -type f ! \( -name '*.html' -o -name '*.css' -o -name '*.png' -o -name '*.gif' \
    -o -name '*.svg' -o -name '*.jpg' \) -delete
cat >"$ZSRC/index.html" <<'EOF'
<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Debian Administrator's Handbook (en-US, vi-VN)</title></head>
<body><h1>Debian Administrator's Handbook</h1>
<ul><li><a href="en-US/index.html">English (en-US)</a></li>
<li><a href="vi-VN/index.html">Tiếng Việt (vi-VN)</a></li></ul></body></html>
EOF
# a plain 48x48 RGB PNG
base64 -d >"$ZSRC/illustration.png" <<'EOF'
iVBORw0KGgoAAAANSUhEUgAAADAAAAAwCAIAAADYYG7QAAAAOklEQVR42u3OQQ0AAAgEoAtiBnMb0xbOBxsByFS/
EiEhISEhISEhISEhISEhISEhISEhISEhISGhOwtcnoJ5A2zhdAAAAABJRU5ErkJggg==
EOF
ZIM="$WORK/handbook.zim"
KIWIX_BOOK=handbook # kiwix-serve names a book after its file
zimwriterfs -J 2 --welcome=index.html --illustration=illustration.png --language=eng,vie \
    --title="Debian handbook en-US vi-VN" \
    --description="Debian Administrator's Handbook, en-US and vi-VN HTML" \
    --creator="Raphaël Hertzog, Roland Mas" --publisher=tusach-bench \
    --name=debian-handbook_mul "$ZSRC" "$ZIM" >"$WORK/zimwriterfs.log" 2>&1 ||
    die "zimwriterfs failed: $WORK/zimwriterfs.log"
say "  $(du -h "$ZIM" | cut -f1) ZIM, $(find "$ZSRC" -name '*.html' | wc -l) HTML pages"

# 3. Servers: tusach with the search result cache on and off (two processes on
# the same data folder; an idle one costs nothing), kiwix-serve.
targs=()
[ -n "$THREADS" ] && targs=(--threads "$THREADS")
cargs=()
[ -n "$SEARCH_CACHE" ] && cargs=(--search-cache "$SEARCH_CACHE")
start_tusach() { # DATA LOG CACHE-ARGS... -> sets SPID SPORT
    local data="$1" log="$2"
    shift 2
    SPORT=$(free_port)
    "$TUSACH" --data "$data" serve --listen 127.0.0.1 --port "$SPORT" "${targs[@]}" "$@" \
        >"$log" 2>&1 &
    SPID=$!
    SERVER_PIDS+=("$SPID")
    wait_up "$SPID" "http://127.0.0.1:$SPORT/api/v1/health" ||
        die "tusach serve did not come up: $log"
}
start_tusach "$WORK/tusach-hb" "$WORK/tusach-hb.serve.log" "${cargs[@]}"
TPID=$SPID TPORT=$SPORT
start_tusach "$WORK/tusach-hb" "$WORK/tusach-hb-nc.serve.log" --search-cache 0
NPID=$SPID NPORT=$SPORT
KPORT=$(free_port)
while [ "$KPORT" = "$TPORT" ] || [ "$KPORT" = "$NPORT" ]; do KPORT=$(free_port); done
kiwix-serve --address 127.0.0.1 --port "$KPORT" "$ZIM" >"$WORK/kiwix.log" 2>&1 &
KPID=$!
SERVER_PIDS+=("$KPID")
wait_up "$KPID" "http://127.0.0.1:$KPORT/" || die "kiwix-serve did not come up: $WORK/kiwix.log"
KVER=$({ kiwix-serve --version 2>&1 || true; } | awk '/^kiwix-tools/ { print $1, $2; exit }')
KVER=${KVER:-kiwix-tools}
say "tusach serve pid $TPID port $TPORT (cache on), pid $NPID port $NPORT (cache off);"
say "kiwix-serve ($KVER) pid $KPID port $KPORT"

# kiwix's search URL (kiwix-tools 3.x: /search?content=BOOK&pattern=Q) and its
# full-text index: a search must find results.
kiwix_total() { # HTML on stdin -> total hits ("Results <b>1-10</b> of <b>24</b>"), 0 if none
    tr -d '\n' | sed -n 's#.*Results[[:space:]]*<b>[^<]*</b>[[:space:]]*of[[:space:]]*<b>[[:space:]]*\([0-9,]*\).*#\1#p' |
        tr -d ',' | grep . || echo 0
}
kcheck=$(curl -s "http://127.0.0.1:$KPORT/search?content=$KIWIX_BOOK&pattern=firewall" | kiwix_total)
[ "$kcheck" -gt 0 ] ||
    die "kiwix search /search?content=$KIWIX_BOOK&pattern=firewall found nothing (no full-text index?)"
say "kiwix full-text index ok: 'firewall' -> $kcheck hits"

# endpoint table: NAME SERVER PID PORT TEMPLATE ("-nc": the cache-off server)
EP_NAMES=(page api page-nc api-nc)
declare -A EP_SERVER EP_PID EP_PORT EP_TMPL
EP_SERVER[page]=tusach; EP_PID[page]=$TPID; EP_PORT[page]=$TPORT
EP_TMPL[page]='/search?q={q}'
EP_SERVER[api]=tusach; EP_PID[api]=$TPID; EP_PORT[api]=$TPORT
EP_TMPL[api]='/api/v1/search?q={q}'
EP_SERVER[page-nc]=tusach; EP_PID[page-nc]=$NPID; EP_PORT[page-nc]=$NPORT
EP_TMPL[page-nc]='/search?q={q}'
EP_SERVER[api-nc]=tusach; EP_PID[api-nc]=$NPID; EP_PORT[api-nc]=$NPORT
EP_TMPL[api-nc]='/api/v1/search?q={q}'
IFS=',' read -r -a kpages <<<"$KIWIX_PAGES"
for n in "${kpages[@]}"; do
    EP_NAMES+=("kiwix$n")
    EP_SERVER[kiwix$n]=kiwix-serve; EP_PID[kiwix$n]=$KPID; EP_PORT[kiwix$n]=$KPORT
    EP_TMPL[kiwix$n]="/search?content=$KIWIX_BOOK&pattern={q}&pageLength=$n"
done
ep_label() {
    case "$1" in
    *page) echo "/search (page), cache on" ;;
    *api) echo "/api/v1/search, cache on" ;;
    *page-nc) echo "/search (page), cache off" ;;
    *api-nc) echo "/api/v1/search, cache off" ;;
    kiwix*) echo "/search ${1#kiwix}/page" ;;
    esac
}

# Per-query check, one pass before the load runs: status, hits, time (median
# of 5) of every query on every endpoint -> WORK/perquery.tsv.
mapfile -t QLIST < <(grep -v '^#' "$QUERIES" | grep $'\t' | cut -f2-)
mapfile -t QTAGS < <(grep -v '^#' "$QUERIES" | grep $'\t' | cut -f1)
PERQ="$WORK/perquery.tsv"
printf 'endpoint\ttag\tquery\tstatus\thits\tms_median\turl\n' >"$PERQ"
per_query() { # NAME
    local name="$1" i q url st hits t ts out="$WORK/pq.out"
    for i in "${!QLIST[@]}"; do
        q="${QLIST[$i]}"
        url="http://127.0.0.1:${EP_PORT[$name]}${EP_TMPL[$name]//\{q\}/$(urlencode "$q")}"
        ts=()
        for _ in 1 2 3 4 5; do
            read -r st t < <(curl -s -o "$out" -w '%{http_code} %{time_total}\n' "$url")
            ts+=("$t")
        done
        case "$name" in
        api*) hits=$({ grep -o '"total":[0-9]*' "$out" || true; } | head -1 | cut -d: -f2) ;;
        page*) hits=$({ grep -o 'class="count"[^<]*' "$out" || true; } |
                  { grep -o '[0-9][0-9.,]*$' || true; } | tr -d '.,')
              hits=${hits:-0} ;;
        kiwix*) hits=$(kiwix_total <"$out") ;;
        esac
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "${QTAGS[$i]}" "$q" "$st" "${hits:-?}" \
            "$(printf '%s\n' "${ts[@]}" | sort -g | awk 'NR == 3 {printf "%.2f", $1 * 1000}')" \
            "$url" >>"$PERQ"
    done
}
say "per-query check (${#QLIST[@]} queries x 5 on each endpoint)"
for name in "${EP_NAMES[@]}"; do per_query "$name"; done

# 4. Load runs.
RESULTS="$WORK/results.tsv"
printf 'server\tendpoint\tconns\trps\tp50\tp95\tp99\tmax\terrors\tcpu_ms_req\thwm_mb\tload\tstatuses\tcache_hit_pct\trss_mb\n' >"$RESULTS"
wrk_run() { # NAME CONNS PID PORT TEMPLATE SERVER
    local name="$1" c="$2" pid="$3" port="$4" tmpl="$5" server="$6" t=1 out line
    [ "$c" -gt 1 ] && t=2
    out="$WORK/wrk.$name.c$c"
    if [ "$WARMUP" -gt 0 ]; then
        timeout 60 wrk -t"$t" -c"$c" -d"${WARMUP}s" --timeout 5s -s "$LUA" \
            "http://127.0.0.1:$port" -- "$QUERIES" "$tmpl" >"$out.warmup" 2>&1 || true
    fi
    local l0 c0 c1
    l0=$(loadavg)
    c0=$(cpu_ticks "$pid")
    timeout 60 wrk -t"$t" -c"$c" -d"${DURATION}s" --timeout 5s --latency -s "$LUA" \
        "http://127.0.0.1:$port" -- "$QUERIES" "$tmpl" >"$out" 2>&1 ||
        die "wrk failed: $out"
    c1=$(cpu_ticks "$pid")
    line=$(grep '^wrk-result:' "$out") || die "no wrk-result line in $out"
    kill -0 "$pid" 2>/dev/null || die "$server died during the run"
    awk -v line="$line" -v server="$server" -v ep="$name" -v c="$c" -v dc="$((c1 - c0))" \
        -v tck="$CLK_TCK" -v hwm="$(status_kb "$pid" VmHWM)" -v rss="$(status_kb "$pid" VmRSS)" \
        -v load="$l0-$(loadavg)" '
        BEGIN {
            n = split(line, kv, " ")
            for (i = 2; i <= n; i++) { split(kv[i], p, "="); v[p[1]] = p[2] }
            cpu = v["requests"] > 0 ? dc / tck * 1000 / v["requests"] : 0
            seen = v["cache_hits"] + v["cache_misses"]
            hitpct = seen > 0 ? sprintf("%.1f", 100 * v["cache_hits"] / seen) : "-"
            printf "%s\t%s\t%d\t%.1f\t%.2f\t%.2f\t%.2f\t%.2f\t%d\t%.2f\t%.1f\t%s\t%s\t%s\t%.1f\n",
                server, ep, c, v["rps"], v["p50_ms"], v["p95_ms"], v["p99_ms"], v["max_ms"],
                v["non2xx"] + v["sock_errors"], cpu, hwm / 1024, load, v["statuses"], hitpct,
                rss / 1024 }' >>"$RESULTS"
    say "  $(tail -1 "$RESULTS" | cut -f1-9 | tr '\t' ' ')"
}
for name in "${EP_NAMES[@]}"; do
    for c in 1 8; do
        say "wrk: ${EP_SERVER[$name]} $(ep_label "$name"), $c connection(s), ${WARMUP}+${DURATION} s"
        wrk_run "$name" "$c" "${EP_PID[$name]}" "${EP_PORT[$name]}" "${EP_TMPL[$name]}" "${EP_SERVER[$name]}"
    done
done
T_LOG_WARN=$(cat "$WORK/tusach-hb.serve.log" "$WORK/tusach-hb-nc.serve.log" |
    grep -c -E ' (WARN|ERROR) ' || true)
HB_RSS_ON=$(status_kb "$TPID" VmRSS) HB_RSS_OFF=$(status_kb "$NPID" VmRSS)
stop_server "$TPID"
stop_server "$NPID"
stop_server "$KPID"

# 5. Full corpus: the same runs at 8 connections (cache on and off) with the
# whole corpus imported, and the RSS of both servers.
FULL_NOTE=""
if [ "$FULL" -eq 1 ]; then
    if [ -n "$DATA_FULL" ]; then
        FDATA="$(cd "$DATA_FULL" && pwd)"
        FULL_NOTE="data folder $FDATA (given)"
    else
        FDATA="$WORK/tusach-full"
        new_data "$FDATA"
        if [ "$FULL_SET" = mixed ]; then
            FSRC=("$WORK/docsets/mixed")
        else
            FSRC=()
            for d in epub html metadata pdf text; do
                [ -d "$CORPUS/$d" ] && FSRC+=("$CORPUS/$d")
            done
        fi
        say "tusach: importing the full corpus ($FULL_SET: ${FSRC[*]}; takes minutes)"
        s0=$(date +%s)
        FULL_NOTE=""
        for src in "${FSRC[@]}"; do
            set +e
            timeout 3600 "$TUSACH" --data "$FDATA" import "$src" --library BENCH \
                >>"$FDATA.import.log" 2>&1
            st=$?
            set -e
            [ "$st" -eq 0 ] || [ "$st" -eq 3 ] || die "import of $src failed ($st): $FDATA.import.log"
        done
        FULL_NOTE="$FULL_SET: $(grep -o 'batch [0-9]*: imported [0-9]*, unchanged [0-9]*, failed [0-9]*' \
            "$FDATA.import.log" | awk '{ i += $4; f += $8 } END { printf "%d files imported, %d failed", i, f }'), $(($(date +%s) - s0)) s"
    fi
    FULL_DU=$(du -sm "$FDATA" | cut -f1)
    start_tusach "$FDATA" "$WORK/tusach-full.serve.log" "${cargs[@]}"
    FPID=$SPID FPORT=$SPORT
    start_tusach "$FDATA" "$WORK/tusach-full-nc.serve.log" --search-cache 0
    FNPID=$SPID FNPORT=$SPORT
    FULL_DOCS=$(curl -s "http://127.0.0.1:$FPORT/api/v1/health" | tr -d '\n')
    FULL_RSS_IDLE=$(status_kb "$FPID" VmRSS)
    for ep in api page; do
        tmpl='/api/v1/search?q={q}'
        [ "$ep" = page ] && tmpl='/search?q={q}'
        say "wrk: tusach (full) $(ep_label "$ep"), 8 connections"
        wrk_run "full-$ep" 8 "$FPID" "$FPORT" "$tmpl" tusach
        say "wrk: tusach (full) $(ep_label "$ep-nc"), 8 connections"
        wrk_run "full-$ep-nc" 8 "$FNPID" "$FNPORT" "$tmpl" tusach
    done
    FULL_RSS_ON=$(status_kb "$FPID" VmRSS) FULL_HWM_ON=$(status_kb "$FPID" VmHWM)
    FULL_RSS_OFF=$(status_kb "$FNPID" VmRSS) FULL_HWM_OFF=$(status_kb "$FNPID" VmHWM)
    stop_server "$FPID"
    stop_server "$FNPID"
fi

# 6. Report.
echo
echo "tusach serve vs kiwix-serve ($KVER) on 127.0.0.1, wrk -t1 -c1 / -t2 -c8, ${DURATION} s after ${WARMUP} s warm-up,"
echo "${#QLIST[@]} queries from bench/queries.txt cycled; handbook set: $HB_IMPORT;"
echo "$(nproc) CPUs; tusach threads ${THREADS:-default}, search cache ${SEARCH_CACHE:-default (1000)} / 0;"
echo "kiwix-serve threads default (4)"
echo
awk -F'\t' '
    function lab(e) {
        sub(/^full-/, "", e)
        if (e == "page") return "/search (page) | on"
        if (e == "api") return "/api/v1/search | on"
        if (e == "page-nc") return "/search (page) | off"
        if (e == "api-nc") return "/api/v1/search | off"
        if (e ~ /^kiwix/) { sub(/^kiwix/, "", e); return "/search " e "/page | (own)" }
        return e " | ?"
    }
    NR == 1 { next }
    {
        srv = $1; if ($2 ~ /^full-/) srv = "tusach full"
        printf "| %s | %s | %d | %.0f | %.2f | %.2f | %.2f | %.1f | %d | %s | %.2f | %.0f | %.0f | %s |\n",
            srv, lab($2), $3, $4, $5, $6, $7, $8, $9, $14, $10, $11, $15, $12
    }
    BEGIN {
        print "| server | endpoint | cache | conns | req/s | p50 ms | p95 ms | p99 ms | max ms | errors | cache hits % | server CPU ms/req | VmHWM MB | VmRSS MB | load 1-min |"
        print "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    }' "$RESULTS"
echo
echo "errors = non-2xx answers + socket errors/timeouts (must be 0); cache hits % = answers"
echo "with X-Search-Cache: hit among those with the header; VmHWM = peak RSS of the server"
echo "process so far, VmRSS = RSS after the run (one process serves all rows of a server"
echo "and cache setting); server CPU ms/req = (utime+stime during the run) / requests."
awk -F'\t' -v pages="$KIWIX_PAGES" '
    NR == 1 { next }
    { rps[$2, $3] = $4; p99[$2, $3] = $7; hwm[$2] = $11; err += $9 }
    END {
        n = split(pages, kp, ",")
        print ""
        for (c = 1; c <= 8; c += 7)
            for (i = 1; i <= n; i++) {
                k = "kiwix" kp[i]
                if (!((k, c) in rps) || rps[k, c] == 0) continue
                printf "tusach/kiwix (%s results/page), %d conn, req/s: cache on page %.1fx api %.1fx, cache off page %.1fx api %.1fx; p99: on %.2fx/%.2fx, off %.2fx/%.2fx\n",
                    kp[i], c, rps["page", c] / rps[k, c], rps["api", c] / rps[k, c],
                    rps["page-nc", c] / rps[k, c], rps["api-nc", c] / rps[k, c],
                    p99["page", c] / p99[k, c], p99["api", c] / p99[k, c],
                    p99["page-nc", c] / p99[k, c], p99["api-nc", c] / p99[k, c]
            }
        print ""
        for (j = 1; j <= 4; j++) {
            e = j == 1 ? "page" : j == 2 ? "api" : j == 3 ? "page-nc" : "api-nc"
            line = sprintf("target %s (cache %s), 8 conn: p99 < 15 ms: %.2f ms -> %s; req/s >= 10x kiwix: %.0f req/s",
                e, e ~ /-nc$/ ? "off" : "on", p99[e, 8], p99[e, 8] < 15 ? "met" : "MISSED", rps[e, 8])
            for (i = 1; i <= n; i++) {
                k = "kiwix" kp[i]
                if (!((k, 8) in rps)) continue
                line = line sprintf(" vs %.0f (%s/page) -> %s;", 10 * rps[k, 8], kp[i],
                    rps[e, 8] >= 10 * rps[k, 8] ? "met" : "MISSED")
            }
            print line
        }
        if ("full-api" in hwm) {
            h = 0
            for (e in hwm) if (e ~ /^full-/ && hwm[e] > h) h = hwm[e]
            printf "target full-corpus server RSS < 150 MB: VmHWM %.0f MB (highest of both servers) -> %s\n", h,
                h < 150 ? "met" : "MISSED"
            printf "full corpus, 8 conn: cache on: api %.0f req/s p99 %.2f ms, page %.0f req/s p99 %.2f ms; cache off: api %.0f req/s p99 %.2f ms, page %.0f req/s p99 %.2f ms\n",
                rps["full-api", 8], p99["full-api", 8], rps["full-page", 8], p99["full-page", 8],
                rps["full-api-nc", 8], p99["full-api-nc", 8], rps["full-page-nc", 8], p99["full-page-nc", 8]
        }
        printf "errors in all runs: %d\n", err
    }' "$RESULTS"
mb() { echo $((${1:-0} / 1024)); }
echo "handbook servers' VmRSS at the end: cache on $(mb "$HB_RSS_ON") MB, cache off $(mb "$HB_RSS_OFF") MB"
if [ "$FULL" -eq 1 ]; then
    echo "full corpus: $FULL_NOTE; data folder $FULL_DU MB; health: $FULL_DOCS"
    echo "full corpus servers: VmRSS idle (cache on, before any search) $(mb "$FULL_RSS_IDLE") MB;"
    echo "  after the runs: cache on VmRSS $(mb "$FULL_RSS_ON") MB VmHWM $(mb "$FULL_HWM_ON") MB, cache off VmRSS $(mb "$FULL_RSS_OFF") MB VmHWM $(mb "$FULL_HWM_OFF") MB"
fi
echo "tusach serve logs (handbook, both servers): $T_LOG_WARN WARN/ERROR lines"

echo
echo "per-query check (one pass, median of 5 curl requests each, before the load runs):"
awk -F'\t' '
    NR == 1 { next }
    {
        n[$1]++; if ($4 !~ /^2/) bad[$1] = bad[$1] " " $4 ":" $3
        if ($5 == 0) { zero[$1]++; ztag[$1, $2]++ }
        tags[$2] = 1; cnt[$1, $2]++; sum[$1] += $6
    }
    END {
        for (e in n) {
            line = sprintf("  %-9s queries %d, mean %.2f ms, zero hits %d (", e, n[e], sum[e] / n[e], zero[e] + 0)
            sep = ""
            for (t in tags) { line = line sprintf("%s%s %d/%d", sep, t, ztag[e, t] + 0, cnt[e, t]); sep = ", " }
            print line ")" (e in bad ? "; non-2xx:" bad[e] : "")
        }
    }' "$PERQ" | sort
for name in "${EP_NAMES[@]}"; do
    echo "  slowest on $name:"
    tail -n +2 "$PERQ" | awk -F'\t' -v e="$name" '$1 == e' | sort -t$'\t' -k6,6gr |
        awk -F'\t' 'NR <= 3 { printf "    %7.2f ms  %s hits  %s\n", $6, $5, $7 }'
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "results: $RESULTS, per query: $PERQ"
