#!/usr/bin/env bash
# bench/circ_mixed.sh - issue 5's circulation benchmark: a mixed load of
# catalogue reads and circulation writes on one `tusach serve` (127.0.0.1),
# with synchronous=FULL, measured against the raw durable-transaction rate of
# the same disk, then the circulation invariant check (see bench/README.md).
#
# Why: a desk's checkouts and returns are durable one-row-ish transactions;
# the question is how close the server gets to what the disk can commit at
# all, while readers search and open records, without breaking an invariant
# or answering 5xx.
#
# Usage: bench/circ_mixed.sh            (all settings by environment)
#   DURATION=300      seconds of mixed load (wrk -d)
#   CONNS=8           connections; wrk runs one thread per connection (see
#                     bench/wrk/circ_mixed.lua: per-connection state needs it)
#   WEIGHTS="40 30 15 15 0"  searches, record pages, checkouts, returns, renewals
#   READ_CONNS=0      with READ_RATE: connections 1..READ_CONNS send only reads,
#   READ_RATE=0       paced to READ_RATE req/s among them; the other CONNS -
#                     READ_CONNS only writes, unpaced: the desk's capacity
#                     while readers search at a known rate (0: the whole mix
#                     on every connection, as fast as answered)
#   RECORDS=3000      generated records; each held by 1-3 of the libraries
#                     BA BB BC with 1-2 copies there (about 3 copies a record)
#   READERS=240       readers per library (CSV class lists, `tusach reader import`)
#   RAW_SECONDS=15    seconds of the bare sqlite loop, run before and after the load
#   WARMUP=5          seconds of read-only wrk before the run (discarded)
#   THREADS=          tusach serve --threads (default: the server's, 2 per CPU, 4..32)
#   PERF=0            seconds of `perf record -g` and `perf stat` (sleeps, syncs)
#                     on the server, a third into the run (0: off)
#   WORK=             work folder (kept; its template data folder is reused);
#                     default a new /tmp/tusach-circ.XXXXXX, removed at the end
#   TUSACH, DURABLE   binaries (default build-cbench/cli/tusach and
#                     build-cbench/bench/tusach-bench-durable, Release, built -j1
#                     if missing)
#   ALLOW_NO_WRITES=1 run reads only when the server has no circulation routes
#
# Steps: template data folder (init, 3 libraries, generated catalogue CSV,
# readers, one librarian per library with an API token; built once per WORK)
# copied to a fresh run folder; raw sqlite rate on that folder's file system;
# server on a free port; a preflight checkout/replay/return with curl; wrk
# warm-up (reads) and the measured run; server VmHWM and CPU; server stopped;
# catalog_circ_check on the catalogue (tusach-bench-durable --circ) and the
# server's checkout/return events against what the clients saw; raw rate again.
# Prints a table per request kind (n, 2xx, non-2xx, 5xx, ok/s, p50/p95/p99/max
# ms from per-request samples, see the Lua script), checkouts/s, returns/s,
# writes/s against the raw rate, server CPU per request, peak RSS, the
# invariant counts and each target met or missed. Exit status 0 only with no
# invariant violation and no 5xx. The server is always stopped on exit (trap).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
DURATION="${DURATION:-300}"
CONNS="${CONNS:-8}"
WEIGHTS="${WEIGHTS:-40 30 15 15 0}"
READ_CONNS="${READ_CONNS:-0}"
READ_RATE="${READ_RATE:-0}"
RECORDS="${RECORDS:-3000}"
READERS="${READERS:-240}"
RAW_SECONDS="${RAW_SECONDS:-15}"
WARMUP="${WARMUP:-5}"
THREADS="${THREADS:-}"
PERF="${PERF:-0}"
WORK="${WORK:-}"
TUSACH="${TUSACH:-$REPO/build-cbench/cli/tusach}"
DURABLE="${DURABLE:-$REPO/build-cbench/bench/tusach-bench-durable}"
ALLOW_NO_WRITES="${ALLOW_NO_WRITES:-0}"
LUA="$HERE/wrk/circ_mixed.lua"
LIBS=(BA BB BC)

die() { echo "circ_mixed: $*" >&2; exit 1; }
say() { echo "circ_mixed: $*" >&2; }

[ "$DURATION" -ge 1 ] && [ "$DURATION" -le 3600 ] || die "DURATION must be 1..3600"
[ "$CONNS" -ge 1 ] && [ "$CONNS" -le 32 ] || die "CONNS must be 1..32"
[ "$READ_CONNS" -ge 0 ] && [ "$READ_CONNS" -lt "$CONNS" ] || die "READ_CONNS must be 0..CONNS-1"
[ "$READ_RATE" -ge 0 ] && [ "$READ_RATE" -le 100000 ] || die "READ_RATE must be 0..100000 (req/s)"
[ "$READ_CONNS" -eq 0 ] || [ "$READ_RATE" -gt 0 ] || die "READ_CONNS wants a READ_RATE"
[ "$RECORDS" -ge 100 ] && [ "$RECORDS" -le 100000 ] || die "RECORDS must be 100..100000"
[ "$READERS" -ge "$CONNS" ] || die "READERS (per library) must be at least CONNS"
read -r -a W <<<"$WEIGHTS"
[ "${#W[@]}" -eq 5 ] || die "WEIGHTS wants five numbers: search record checkout return renew"
command -v wrk >/dev/null || die "wrk missing (Debian package: wrk)"
command -v curl >/dev/null || die "curl missing (Debian package: curl)"
[ -f "$LUA" ] || die "$LUA missing"
if [ ! -x "$TUSACH" ] || [ ! -x "$DURABLE" ]; then
    say "building tusach and tusach-bench-durable in build-cbench (Release, -j1)"
    cmake -S "$REPO" -B "$REPO/build-cbench" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$REPO/build-cbench" -j1 --target tusach tusach-bench-durable >/dev/null ||
        die "build failed"
fi

KEEP=1
if [ -z "$WORK" ]; then
    WORK="$(mktemp -d /tmp/tusach-circ.XXXXXX)"
    KEEP=0
fi
mkdir -p "$WORK"
WORK="$(cd "$WORK" && pwd)"
TEMPLATE="$WORK/template"
SETUP="$WORK/setup" # slices, queries, tokens (tokens also live, hashed, in the template)
DATA="$WORK/data"

SERVER_PID=""
PERF_PID=""
stop_server() {
    [ -n "$SERVER_PID" ] || return 0
    if kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
}
cleanup() {
    if [ -n "$PERF_PID" ]; then
        kill -INT "$PERF_PID" 2>/dev/null || true
        wait "$PERF_PID" 2>/dev/null || true
    fi
    stop_server
    if [ "$KEEP" -eq 0 ]; then rm -rf "$WORK"; else say "work folder kept: $WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    local p
    for _ in $(seq 100); do
        p=$((20000 + RANDOM % 20000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
    done
    die "no free port found"
}
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
cpu_ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; } # utime+stime
status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
CLK_TCK=$(getconf CLK_TCK)

say "work folder $WORK; load average $(loadavg)"

# ---------------------------------------------------------------- 1. template
# The catalogue: RECORDS records with Vietnamese school-library titles, each
# at 1-3 libraries with 1-2 copies there; barcodes LIB-NNNNNN. Fixed seed, so
# every run (and every WORK) has the same catalogue.
gen_catalogue() {
    awk -v n="$RECORDS" 'BEGIN {
        srand(20261124)
        nf = split("Sách giáo khoa|Sách bài tập|Truyện|Tuyển tập|Hướng dẫn học|Bài tập nâng cao|Sổ tay|Từ điển|Em yêu|Khám phá|Câu chuyện|Tìm hiểu", form, "|")
        nt = split("Toán|Tiếng Việt|Ngữ văn|Lịch sử Việt Nam|Địa lí|Khoa học tự nhiên|Tin học|Âm nhạc|Mĩ thuật|Công nghệ|Giáo dục công dân|Tiếng Anh|Sinh học|Vật lí|Hoá học|cổ tích Việt Nam|thiên nhiên|quê hương|biển đảo|động vật|vũ trụ|lập trình|máy tính|văn hoá dân gian|danh nhân|thiếu nhi|khoa học vui|sức khoẻ", topic, "|")
        nfam = split("Nguyễn|Trần|Lê|Phạm|Hoàng|Huỳnh|Phan|Vũ|Võ|Đặng|Bùi|Đỗ|Hồ|Ngô|Dương|Lý", fam, "|")
        nmid = split("Văn|Thị|Minh|Hữu|Đức|Thanh|Ngọc|Quang|Thu|Xuân", mid, "|")
        ngiv = split("An|Bình|Châu|Dũng|Hà|Hải|Hạnh|Hoa|Hùng|Lan|Linh|Long|Mai|Nam|Nga|Phúc|Quân|Sơn|Tâm|Thảo|Trang|Tuấn|Việt|Yến", giv, "|")
        npub = split("NXB Giáo dục Việt Nam|NXB Kim Đồng|NXB Trẻ|NXB Đại học Sư phạm|NXB Văn học", pub, "|")
        split("BA BB BC", lib, " ")
        print "id,title,authors,publisher,year,language,isbn,subjects,library,barcode,call_number"
        for (i = 1; i <= n; i++) {
            f = form[1 + int(rand() * nf)]; t = topic[1 + int(rand() * nt)]
            title = f " " t " tập " i
            if (rand() < 0.5) title = title " lớp " (1 + int(rand() * 12))
            au = fam[1 + int(rand() * nfam)] " " mid[1 + int(rand() * nmid)] " " giv[1 + int(rand() * ngiv)]
            p = pub[1 + int(rand() * npub)]
            y = 1995 + int(rand() * 30)
            # ISBN-13 978-604-..., check digit computed
            core = sprintf("978604%06d", i)
            s = 0
            for (k = 1; k <= 12; k++) s += substr(core, k, 1) * (k % 2 ? 1 : 3)
            isbn = core ((10 - s % 10) % 10)
            # 1-3 libraries (a random start, consecutive), 1-2 copies each
            nl = 1 + int(rand() * 3); l0 = int(rand() * 3)
            for (k = 0; k < nl; k++) {
                code = lib[1 + (l0 + k) % 3]
                nc = 1 + int(rand() * 2); bc = ""
                for (c = 0; c < nc; c++) {
                    seq[code]++
                    bc = bc (c ? ";" : "") sprintf("%s-%06d", code, seq[code])
                }
                printf "BENCH-%06d,\"%s\",\"%s\",\"%s\",%d,vie,%s,\"%s\",%s,\"%s\",%s\n",
                    i, title, au, p, y, isbn, t, code, bc, sprintf("%03d.%d", i % 1000, i)
            }
        }
    }'
}

# Class lists: READERS pupils per library, card LIB-RNNNN.
gen_readers() { # LIB
    awk -v lib="$1" -v n="$READERS" 'BEGIN {
        srand(7 + length(lib) * 131 + (lib == "BB") * 17 + (lib == "BC") * 29)
        nfam = split("Nguyễn|Trần|Lê|Phạm|Hoàng|Phan|Vũ|Đặng|Bùi|Đỗ", fam, "|")
        ngiv = split("Anh|Bảo|Chi|Dung|Giang|Hiếu|Khang|Khánh|Minh|My|Ngân|Nhi|Phương|Quỳnh|Tú|Vy", giv, "|")
        print "STT,Họ và tên,Lớp,Số thẻ"
        for (i = 1; i <= n; i++)
            printf "%d,%s %s %s,%d%s,%s-R%04d\n", i, fam[1 + int(rand() * nfam)],
                (rand() < 0.5 ? "Thị" : "Văn"), giv[1 + int(rand() * ngiv)],
                6 + i % 4, substr("ABCD", 1 + i % 4, 1), lib, i
    }'
}

# Queries: subjects, forms and names from the catalogue, with and without diacritics.
gen_queries() {
    cat <<'EOF'
toán
tiếng việt
tieng viet
cổ tích
co tich viet nam
lịch sử việt nam
lich su
khoa học tự nhiên
khoa hoc
sổ tay
so tay
từ điển
tu dien tieng anh
bài tập nâng cao
bai tap nang cao toan
truyện thiếu nhi
truyen
hướng dẫn học tin học
lập trình
lap trinh may tinh
văn hoá dân gian
van hoa
biển đảo
bien dao que huong
động vật
vũ trụ
vu tru khoa hoc vui
sức khoẻ
suc khoe
danh nhân
Nguyễn Văn
Trần Thị Lan
pham minh
hoang duc
em yêu quê hương
khám phá thiên nhiên
kham pha
địa lí
mĩ thuật
âm nhạc lớp 6
vật lí
hoá học
sinh hoc lop 9
giáo dục công dân
tuyển tập truyện
EOF
}

if [ ! -f "$TEMPLATE/.complete" ]; then
    say "building the template data folder ($RECORDS records, ${#LIBS[@]} libraries, $READERS readers each)"
    rm -rf "$TEMPLATE" "$SETUP"
    mkdir -p "$SETUP"
    "$TUSACH" --data "$TEMPLATE" init >"$SETUP/init.log" 2>&1
    "$TUSACH" --data "$TEMPLATE" library add --code BA --name "Trường THCS Bình An" --kind school \
        >>"$SETUP/init.log" 2>&1
    "$TUSACH" --data "$TEMPLATE" library add --code BB --name "Thư viện quận Bến Bạc" --kind public \
        >>"$SETUP/init.log" 2>&1
    "$TUSACH" --data "$TEMPLATE" library add --code BC --name "Trung tâm học tập Bãi Cát" \
        --kind learning_centre >>"$SETUP/init.log" 2>&1
    gen_catalogue >"$SETUP/catalogue.csv"
    set +e
    "$TUSACH" --data "$TEMPLATE" import "$SETUP/catalogue.csv" --library BA >"$SETUP/import.log" 2>&1
    st=$?
    set -e
    [ "$st" -eq 0 ] || die "catalogue import failed ($st): $SETUP/import.log"
    grep -q "created $RECORDS, merged 0" "$SETUP/import.log" ||
        die "expected $RECORDS records created: $(tail -1 "$SETUP/import.log")"
    for lib in "${LIBS[@]}"; do
        gen_readers "$lib" >"$SETUP/readers-$lib.csv"
        "$TUSACH" --data "$TEMPLATE" reader import "$SETUP/readers-$lib.csv" --library "$lib" \
            >>"$SETUP/readers.log" 2>&1 || die "reader import failed: $SETUP/readers.log"
        # a librarian per library; the password is random and thrown away (the token is what counts)
        head -c 24 /dev/urandom | base64 | tr -d '\n/+=' |
            "$TUSACH" --data "$TEMPLATE" user add "thuthu-$lib" --role librarian --library "$lib" \
                --password-stdin >>"$SETUP/users.log" 2>&1 || die "user add failed: $SETUP/users.log"
        "$TUSACH" --data "$TEMPLATE" user token "thuthu-$lib" --name circ-bench \
            >"$SETUP/token-$lib" 2>>"$SETUP/users.log" || die "user token failed: $SETUP/users.log"
    done
    gen_queries >"$SETUP/queries.txt"
    touch "$TEMPLATE/.complete"
fi
N_COPIES=$(tail -n +2 "$SETUP/catalogue.csv" | awk -F, '{ n += split($10, a, ";") } END { print n }')

# Slices: connection K works at library LIBS[(K-1) % 3] and owns every m-th
# copy and reader of that library (m = connections at that library).
# The last copy of BA is kept out of every slice for the preflight.
make_slices() {
    local k lib m j
    rm -f "$SETUP"/conn-*.txt
    for ((k = 1; k <= CONNS; k++)); do
        lib=${LIBS[$(((k - 1) % 3))]}
        m=0
        for ((j = 1; j <= CONNS; j++)); do [ "${LIBS[$(((j - 1) % 3))]}" = "$lib" ] && m=$((m + 1)); done
        j=$(((k - 1) / 3)) # this connection's position among those at lib
        {
            echo "library $lib"
            echo "token $(cat "$SETUP/token-$lib")"
            echo "records $RECORDS"
            tail -n +2 "$SETUP/catalogue.csv" | awk -F, -v lib="$lib" '$9 == lib {
                gsub(/"/, "", $10); n = split($10, a, ";"); for (i = 1; i <= n; i++) print a[i] }' |
                awk -v x="$PREFLIGHT_COPY" '$0 != x' | awk -v m="$m" -v j="$j" '(NR - 1) % m == j { print "copy " $0 }'
            awk -F, -v m="$m" -v j="$j" 'NR > 1 && (NR - 2) % m == j { print "reader " $4 }' \
                "$SETUP/readers-$lib.csv"
        } >"$SETUP/conn-$k.txt"
    done
}
PREFLIGHT_COPY=$(tail -n +2 "$SETUP/catalogue.csv" | awk -F, '$9 == "BA" { gsub(/"/, "", $10);
    n = split($10, a, ";"); last = a[n] } END { print last }')
make_slices

# ---------------------------------------------------------------- 2. run folder
rm -rf "$DATA"
cp -a "$TEMPLATE" "$DATA"
RUN_ID="$(date +%s)-$$"
DATE="$(date '+%Y-%m-%d %H:%M')"
LOAD_START="$(loadavg)"

say "raw durable sqlite loop (${RAW_SECONDS} s) on $(df --output=source "$DATA" | tail -1)"
"$DURABLE" "$DATA" --seconds "$RAW_SECONDS" >"$WORK/raw-before.txt"
RAW1=$(grep '^durable-result:' "$WORK/raw-before.txt")
say "  $RAW1"

# ---------------------------------------------------------------- 3. server
PORT=$(free_port)
targs=()
[ -n "$THREADS" ] && targs=(--threads "$THREADS")
"$TUSACH" --data "$DATA" serve --listen 127.0.0.1 --port "$PORT" "${targs[@]}" \
    >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
echo "$SERVER_PID" >"$WORK/server.pid" # for a profiler attached by hand
URL="http://127.0.0.1:$PORT"
for _ in $(seq 200); do
    kill -0 "$SERVER_PID" 2>/dev/null || die "server exited: $WORK/serve.log"
    curl -sf -o /dev/null "$URL/api/v1/health" && break
    sleep 0.1
done
curl -sf -o /dev/null "$URL/api/v1/health" || die "server did not come up: $WORK/serve.log"
say "tusach serve pid $SERVER_PID on $URL"

for path in /api/v1/records/1 "/api/v1/records/$RECORDS" /records/1 "/api/v1/search?q=to%C3%A1n" \
    "/search?q=toan"; do
    st=$(curl -s -o /dev/null -w '%{http_code}' "$URL$path")
    [ "$st" = 200 ] || die "GET $path answered $st"
done

# Preflight: checkout, the same request again (replay), return: the routes
# exist and answer as the Lua script expects.
post() { # PATH BODY KEY -> "STATUS BODY"
    curl -s -w '\n%{http_code}' -X POST -H 'Content-Type: application/json' \
        -H "Authorization: Bearer $(cat "$SETUP/token-BA")" -H "Idempotency-Key: $3" \
        --data "$2" "$URL$1"
}
WRITES=1
pf=$(post /api/v1/loans "{\"barcode\":\"$PREFLIGHT_COPY\",\"card\":\"BA-R0001\",\"library\":\"BA\"}" \
    "cm-$RUN_ID-pre-1")
pf_st=$(tail -1 <<<"$pf")
if [ "$pf_st" = 404 ] || [ "$pf_st" = 405 ]; then
    [ "$ALLOW_NO_WRITES" = 1 ] || die "POST /api/v1/loans answered $pf_st: no circulation routes in this server (ALLOW_NO_WRITES=1 runs reads only)"
    say "no circulation routes ($pf_st): reads only"
    WRITES=0
    W[2]=0; W[3]=0; W[4]=0
else
    [ "$pf_st" = 201 ] || die "preflight checkout answered $pf_st: $(head -c 400 <<<"$pf")"
    pf2=$(post /api/v1/loans "{\"barcode\":\"$PREFLIGHT_COPY\",\"card\":\"BA-R0001\",\"library\":\"BA\"}" \
        "cm-$RUN_ID-pre-1")
    say "preflight: checkout 201; same key again $(tail -1 <<<"$pf2") $(grep -o '"replayed":[a-z]*' <<<"$pf2" || true)"
    pf3=$(post /api/v1/returns "{\"barcode\":\"$PREFLIGHT_COPY\",\"library\":\"BA\"}" "cm-$RUN_ID-pre-2")
    [ "$(tail -1 <<<"$pf3")" -lt 300 ] || die "preflight return answered $(tail -1 <<<"$pf3"): $pf3"
    say "preflight: return $(tail -1 <<<"$pf3") $(grep -o '"outcome":"[a-z_]*"' <<<"$pf3" || true)"
fi

# ---------------------------------------------------------------- 4. load
if [ "$WARMUP" -gt 0 ] && { [ "${W[0]}" != 0 ] || [ "${W[1]}" != 0 ]; }; then
    say "warm-up: ${WARMUP} s of reads"
    rm -rf "$WORK/samples-warmup"
    mkdir -p "$WORK/samples-warmup"
    timeout $((WARMUP + 30)) wrk -t"$CONNS" -c"$CONNS" -d"${WARMUP}s" --timeout 5s -s "$LUA" \
        "$URL" -- "$SETUP" "$WORK/samples-warmup" "$RUN_ID-warm" "${W[0]}" "${W[1]}" 0 0 0 \
        >"$WORK/wrk-warmup.txt" 2>&1 ||
        die "warm-up failed: $WORK/wrk-warmup.txt"
fi
MODE="weights ${W[*]} on every connection"
[ "$READ_CONNS" -gt 0 ] && MODE="$READ_CONNS connections reading at $READ_RATE req/s in all, $((CONNS - READ_CONNS)) writing unpaced; weights ${W[*]}"
say "mixed load: ${DURATION} s, $CONNS connections (wrk -t$CONNS -c$CONNS), $MODE"
L0="$(loadavg)"
C0=$(cpu_ticks "$SERVER_PID")
if [ "$PERF" -gt 0 ] && command -v perf >/dev/null; then
    # a profile, and the server's sleeps (sqlite's busy handler waiting for the
    # write lock sleeps in clock_nanosleep) and syncs over the same window
    (sleep $((DURATION / 3)) &&
        perf stat -e syscalls:sys_enter_clock_nanosleep,syscalls:sys_enter_fdatasync \
            -e syscalls:sys_enter_fsync -p "$SERVER_PID" -o "$WORK/perf-stat.txt" \
            -- sleep "$PERF" &
        perf record -F 499 -g -p "$SERVER_PID" -o "$WORK/perf.data" -- sleep "$PERF"
        wait) >"$WORK/perf-record.log" 2>&1 &
    PERF_PID=$!
fi
rm -rf "$WORK/samples"
mkdir -p "$WORK/samples"
T0=$(date +%s.%N)
timeout $((DURATION + 60)) wrk -t"$CONNS" -c"$CONNS" -d"${DURATION}s" --timeout 5s --latency \
    -s "$LUA" "$URL" -- "$SETUP" "$WORK/samples" "$RUN_ID" "${W[@]}" "$READ_CONNS" "$READ_RATE" >"$WORK/wrk.txt" 2>&1 ||
    die "wrk failed: $WORK/wrk.txt"
T1=$(date +%s.%N)
C1=$(cpu_ticks "$SERVER_PID")
L1="$(loadavg)"
if [ -n "$PERF_PID" ]; then wait "$PERF_PID" 2>/dev/null || true; PERF_PID=""; fi
kill -0 "$SERVER_PID" 2>/dev/null || die "the server died during the run: $WORK/serve.log"
HWM_KB=$(status_kb "$SERVER_PID" VmHWM)
RSS_KB=$(status_kb "$SERVER_PID" VmRSS)
stop_server
LOG_WARN=$(grep -c -E ' (WARN|ERROR) ' "$WORK/serve.log" || true)
LOG_SLOW=$(grep -c 'slow request' "$WORK/serve.log" || true) # over slow-ms (1 s by default)

# ---------------------------------------------------------------- 5. checks
set +e
"$DURABLE" --circ "$DATA" >"$WORK/circ-check.txt" 2>&1
CHECK_ST=$?
set -e
CHECK=$(grep '^circ-check:' "$WORK/circ-check.txt" || cat "$WORK/circ-check.txt")
say "raw durable sqlite loop again (${RAW_SECONDS} s)"
"$DURABLE" "$DATA" --seconds "$RAW_SECONDS" >"$WORK/raw-after.txt"
RAW2=$(grep '^durable-result:' "$WORK/raw-after.txt")
# the same checkouts and returns through the catalogue in one thread, no HTTP
# and no load generator: what the circulation rules keep of the disk's rate
say "catalogue desk loop (${RAW_SECONDS} s, one thread, no HTTP)"
"$DURABLE" --desk "$DATA" --seconds "$RAW_SECONDS" >"$WORK/desk.txt"
DESK=$(grep '^desk-result:' "$WORK/desk.txt")
LOAD_END="$(loadavg)"

# ---------------------------------------------------------------- 6. report
kv() { # LINE KEY -> value
    tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1 == k { print $2; exit }'
}
TOTAL=$(grep '^circ-total:' "$WORK/wrk.txt") || die "no circ-total line: $WORK/wrk.txt"
STATE=$(grep '^circ-state:' "$WORK/wrk.txt")
WRKL=$(grep '^circ-wrk:' "$WORK/wrk.txt")
SECS=$(kv "$TOTAL" duration_s)
RAW_TPS1=$(kv "$RAW1" tps)
RAW_TPS2=$(kv "$RAW2" tps)
CO=$(kv "$STATE" checkouts_ok)
RE=$(kv "$STATE" returns_ok)
RN=$(kv "$STATE" renewals_ok)
S5=$(kv "$TOTAL" s5xx)
echo
echo "circulation mixed load, $DATE, tusach serve on 127.0.0.1 ($(nproc) CPUs, threads ${THREADS:-default})"
echo "catalogue: $RECORDS records, $N_COPIES copies at ${LIBS[*]}, $((READERS * 3)) readers; synchronous=FULL (WAL)"
echo "wrk -t$CONNS -c$CONNS -d${DURATION}s, weights search/record/checkout/return/renew = ${W[*]}"
[ "$READ_CONNS" -gt 0 ] && echo "connections 1-$READ_CONNS read only, paced to $READ_RATE req/s in all; $((READ_CONNS + 1))-$CONNS write only, unpaced"
echo "load average: start $LOAD_START, run $L0 -> $L1, end $LOAD_END"
echo
echo "| request | n | ok | non-2xx | 5xx | ok/s | p50 ms | p95 ms | p99 ms | max ms | statuses |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
grep '^circ-type:' "$WORK/wrk.txt" | while read -r line; do
    [ "$(kv "$line" n)" -gt 0 ] || continue
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$(kv "$line" kind)" \
        "$(kv "$line" n)" "$(kv "$line" ok)" "$(kv "$line" non2xx)" "$(kv "$line" s5xx)" \
        "$(kv "$line" rate)" "$(kv "$line" p50_ms)" "$(kv "$line" p95_ms)" "$(kv "$line" p99_ms)" \
        "$(kv "$line" max_ms)" "$(kv "$line" statuses)"
done
grep '^circ-error:' "$WORK/wrk.txt" | sed 's/^/  /' || true
echo
awk -v secs="$SECS" -v co="$CO" -v re="$RE" -v rn="$RN" -v r1="$RAW_TPS1" -v r2="$RAW_TPS2" \
    -v cpu="$((C1 - C0))" -v tck="$CLK_TCK" -v req="$(kv "$TOTAL" requests)" \
    -v t0="$T0" -v t1="$T1" -v desk="$(kv "$DESK" ops_per_s)" 'BEGIN {
    w = (co + re + rn) / secs; raw = (r1 + r2) / 2
    printf "checkouts/s %.1f, returns/s %.1f, renewals/s %.1f: writes/s %.1f\n", co / secs, re / secs, rn / secs, w
    printf "raw durable sqlite (one-row BEGIN IMMEDIATE..COMMIT, synchronous=FULL): %.1f tx/s before, %.1f after, mean %.1f\n", r1, r2, raw
    printf "writes/s as a share of the raw rate: %.1f%% (target >= 70%%)\n", (raw > 0 ? 100 * w / raw : 0)
    printf "catalogue desk loop (checkout/return in one thread, no HTTP): %.1f ops/s = %.1f%% of the raw rate\n", desk, (raw > 0 ? 100 * desk / raw : 0)
    printf "all requests: %.1f req/s; server CPU %.2f ms per request (%.1f CPU-s over %.1f s wall)\n",
        req / secs, req ? cpu / tck * 1000 / req : 0, cpu / tck, t1 - t0
}'
echo "raw before: $RAW1"
echo "raw after:  $RAW2"
echo "desk loop:  $DESK"
echo "client: $TOTAL"
echo "client: $STATE"
echo "client: $WRKL"
echo "5xx answers: $S5; server log WARN/ERROR lines: $LOG_WARN, of them 'slow request' (> 1 s): $LOG_SLOW"
GROUP=$(grep -o 'group commit: .*' "$WORK/serve.log" | tail -1 || true)
[ -n "$GROUP" ] && echo "server desk: $GROUP"
echo "server peak RSS (VmHWM) $((HWM_KB / 1024)) MB, VmRSS at the end $((RSS_KB / 1024)) MB"
echo "invariants: $CHECK"
EV_CO=$(kv "$CHECK" events_checkout)
EV_RE=$(kv "$CHECK" events_return)
if [ "$WRITES" -eq 1 ] && [ -n "$EV_CO" ]; then
    # the preflight made one checkout and one return; requests still on the
    # wire when wrk stopped may have been done without their answer being seen
    echo "events vs clients: loan.checkout $EV_CO vs $((CO + 1)) acknowledged, loan.return $EV_RE vs $((RE + 1)) (difference at most $CONNS: requests cut off at the end)"
fi
if [ "$PERF" -gt 0 ] && [ -f "$WORK/perf.data" ]; then
    perf report -i "$WORK/perf.data" --stdio --no-children -g none --sort comm,dso,sym \
        --percent-limit 0.5 2>/dev/null | grep -aE '^ +[0-9.]+%' | head -30 >"$WORK/perf-top.txt" || true
    echo "perf (server, ${PERF} s mid-run), top symbols:"
    head -25 "$WORK/perf-top.txt"
    echo "server syscalls in the same window (perf stat):"
    grep -aE 'syscalls:' "$WORK/perf-stat.txt" || true
fi
VIOL=0
[ "$CHECK_ST" -eq 0 ] || VIOL=1
echo
grep '^circ-type:' "$WORK/wrk.txt" | tr ' ' '\n' | awk -F= -v secs="$SECS" -v co="$CO" -v re="$RE" \
    -v rn="$RN" -v r1="$RAW_TPS1" -v r2="$RAW_TPS2" -v viol="$VIOL" -v s5="$S5" '
    $1 == "kind" { k = $2 } $1 == "n" { n[k] = $2 } $1 == "p99_ms" { p99[k] = $2 }
    END {
        for (k in n) {
            if (n[k] == 0) continue
            if (k == "checkout" || k == "return" || k == "renew") {
                if (p99[k] > pw) { pw = p99[k]; kw = k }
            } else if (p99[k] > pr) { pr = p99[k]; kr = k }
        }
        raw = (r1 + r2) / 2; share = raw > 0 ? 100 * (co + re + rn) / secs / raw : 0
        printf "target writes/s >= 70%% of the raw durable rate: %.1f%% -> %s\n", share,
            (share >= 70 ? "met" : "MISSED")
        if (kw != "") printf "target write p99 < 50 ms: worst %s %.1f ms -> %s\n", kw, pw, (pw < 50 ? "met" : "MISSED")
        printf "target read p99 < 15 ms: worst %s %.1f ms -> %s\n", kr, pr, (pr < 15 ? "met" : "MISSED")
        printf "target zero invariant violations: %s\n", (viol == 0 ? "met" : "VIOLATED")
        printf "target zero 5xx: %d -> %s\n", s5, (s5 == 0 ? "met" : "MISSED")
    }'
echo "files: $WORK/wrk.txt $WORK/serve.log $WORK/circ-check.txt"
[ "$VIOL" -eq 0 ] && [ "$S5" -eq 0 ]
