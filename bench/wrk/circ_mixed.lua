-- bench/wrk/circ_mixed.lua - wrk script for bench/circ_mixed.sh (see bench/README.md):
-- a mix of catalogue reads and circulation writes against one tusach server.
--
-- Usage: wrk -tN -cN -d300s -s bench/wrk/circ_mixed.lua http://127.0.0.1:PORT \
--            -- SETUP_DIR OUT_DIR RUN_ID [W_SEARCH W_RECORD W_CHECKOUT W_RETURN W_RENEW
--               [READ_CONNS READ_RATE]]
--   SETUP_DIR  folder written by circ_mixed.sh: queries.txt (one query a line)
--              and conn-K.txt per connection K = 1..N: "library CODE",
--              "token TSK", "records N", then "copy BARCODE" and "reader CARD"
--              lines (the copies and readers this connection alone uses)
--   OUT_DIR    an empty folder: samples-K.tsv per connection, one line
--              "kind<TAB>status<TAB>ms" per response (line-buffered), and
--              "error<TAB>kind<TAB>status body" for the first non-2xx per kind
--   RUN_ID     goes into every Idempotency-Key (cm-RUN_ID-K-SEQ), unique per run
--   weights    relative weights of the request kinds (default 40 30 15 15 0):
--              searches (half /search page, half /api/v1/search; half from
--              queries.txt in turn, half one of those plus a random number, so
--              the server's search cache cannot answer them all), record pages
--              (half /records/{id}, half /api/v1/records/{id}), checkouts
--              (POST /api/v1/loans), returns (POST /api/v1/returns), renewals
--              (POST /api/v1/renewals)
--   READ_CONNS READ_RATE  (default 0 0: every connection sends the whole mix)
--              connections 1..READ_CONNS send only reads (the search and
--              record weights), paced to READ_RATE requests/s among them, the
--              others only writes (the checkout/return/renew weights) as fast
--              as the server answers: the desk's capacity while readers
--              search at a known rate (see bench/README.md)
--
-- wrk gives each thread one Lua state but tells response() nothing about the
-- connection it belongs to, so the script needs -t equal to -c: then a thread
-- owns exactly one connection, request() and response() strictly alternate,
-- and the state below is the state of that connection (circ_mixed.sh always
-- passes -t = -c; with fewer threads, request() would find the previous
-- request unanswered and count it in "lost").
--
-- Each connection works at one library's desk with its own copies and readers
-- (nobody else touches them), so every write is valid when sent: a checkout
-- lends a copy that is on the shelf to one of its readers below their item
-- limit; a return brings back the oldest loan this connection made; a renewal
-- renews one of its loans not renewed yet. Every write carries a new
-- Idempotency-Key and the librarian's bearer token; reads are anonymous.
-- A write answered with anything but 2xx takes its copy out of play (counted).
--
-- Latency per request kind: request() takes a CLOCK_MONOTONIC time stamp
-- (LuaJIT ffi) just before wrk writes the request, response() another once
-- wrk has parsed the whole response; the difference is one sample, written
-- to OUT_DIR/samples-K.tsv. (The samples go through files because wrk's
-- thread:get() cannot copy nested tables back to the main state.) done()
-- reads every sample file and prints, per kind, nearest-rank percentiles of
-- all its samples, then all kinds together next to wrk's own histogram as a
-- cross-check of the time stamps:
--   circ-type: kind=.. n=.. ok=.. non2xx=.. s5xx=.. rate=.. p50_ms=.. p95_ms=.. p99_ms=.. max_ms=.. statuses=..
--   circ-error: kind=.. first=STATUS BODY
--   circ-total: ... / circ-state: ... / circ-wrk: ...

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } circ_timespec;
int clock_gettime(int clk_id, circ_timespec *tp);
]]
local tsbuf = ffi.new("circ_timespec")
local function now()
    ffi.C.clock_gettime(1, tsbuf) -- CLOCK_MONOTONIC
    return tonumber(tsbuf.tv_sec) + tonumber(tsbuf.tv_nsec) * 1e-9
end

local KINDS = { "search_page", "search_api", "record_page", "record_api",
    "checkout", "return", "renew" }
local MAX_OPEN = 60 -- open loans per connection before returns are forced
local ITEM_LIMIT = 3 -- pupil's default item limit (catalog/circ.h)

-- ---------------------------------------------------------------- main state
local threads = {}
local counter = 1

function setup(thread)
    thread:set("id", counter)
    table.insert(threads, thread)
    counter = counter + 1
end

-- ---------------------------------------------------------------- thread state
-- scalars only: the main state reads them with thread:get() in done()
st_lost, st_quarantined, st_forced, st_open = 0, 0, 0, 0
out_dir = nil -- global: done() asks a thread for it
local library, token, n_records, samples
local queries = {}
local avail, ahead, atail = {}, 1, 0 -- queue of copies on the shelf
local loans, lhead, ltail = {}, 1, 0 -- queue of open loans {barcode, card, renewed}
local readers, rpos, rloans = {}, 1, {}
local weights, wtotal = {}, 0
local run_id
local seq = 0
local pending -- the request on the wire: {kind, t0, barcode, card, loan}
local pos_q = 1
local seq_req = 0
local err_seen = {}
local pace_s, next_due -- seconds between this connection's requests; when the next is due

local function urlencode(s)
    return (s:gsub("[^%w%-%._~]", function(c)
        return string.format("%%%02X", string.byte(c))
    end))
end

function init(args)
    local dir = args[1]
    out_dir = args[2]
    run_id = args[3]
    if not dir or not out_dir or not run_id then
        error("usage: wrk ... -s circ_mixed.lua URL -- SETUP_DIR OUT_DIR RUN_ID [weights]")
    end
    local w = { tonumber(args[4] or 40), tonumber(args[5] or 30), tonumber(args[6] or 15),
        tonumber(args[7] or 15), tonumber(args[8] or 0) }
    local read_conns, read_rate = tonumber(args[9] or 0), tonumber(args[10] or 0)
    if read_conns > 0 then
        if id <= read_conns then
            w[3], w[4], w[5] = 0, 0, 0
            if read_rate > 0 then pace_s = read_conns / read_rate end
        else
            w[1], w[2] = 0, 0
        end
    end
    -- search and record weights are split evenly between page and API
    weights = { w[1] / 2, w[1] / 2, w[2] / 2, w[2] / 2, w[3], w[4], w[5] }
    for _, x in ipairs(weights) do wtotal = wtotal + x end
    if wtotal <= 0 then error("all weights are 0") end

    local f = assert(io.open(dir .. "/queries.txt", "r"))
    for line in f:lines() do
        if #line > 0 then table.insert(queries, urlencode(line)) end
    end
    f:close()
    f = io.open(dir .. "/conn-" .. id .. ".txt", "r")
    if not f then
        error("no " .. dir .. "/conn-" .. id .. ".txt: run with -t equal to -c " ..
            "(one connection per thread) and at most as many connections as slices")
    end
    for line in f:lines() do
        local k, v = line:match("^(%S+) (.+)$")
        if k == "library" then library = v
        elseif k == "token" then token = v
        elseif k == "records" then n_records = tonumber(v)
        elseif k == "copy" then atail = atail + 1; avail[atail] = v
        elseif k == "reader" then table.insert(readers, v); rloans[v] = 0
        end
    end
    f:close()
    assert(library and token and n_records and #queries > 0 and #readers > 0,
        "incomplete slice file for connection " .. id)
    math.randomseed(id * 7919 + #run_id)
    pos_q = ((id - 1) * 17) % #queries + 1
end

-- A paced connection sends its requests at a fixed rate (due times one
-- interval apart, so a slow answer is caught up rather than lowering the
-- rate; after a stall of over a second it starts afresh); wrk waits delay()
-- ms before calling request(), and the latency sample starts there.
function delay()
    if not pace_s then return 0 end
    local t = now()
    if not next_due or next_due < t - 1 then next_due = t end
    local d = next_due - t
    next_due = next_due + pace_s
    return math.floor(d * 1e3)
end

-- A reader of this connection below the item limit, round robin; nil if none.
local function next_reader()
    for _ = 1, #readers do
        local c = readers[rpos]
        rpos = rpos % #readers + 1
        if rloans[c] < ITEM_LIMIT then return c end
    end
    return nil
end

local function pick_kind()
    local r = math.random() * wtotal
    for i, x in ipairs(weights) do
        if r < x then return KINDS[i] end
        r = r - x
    end
    return KINDS[#KINDS]
end

local function write_req(path, body)
    seq = seq + 1
    return wrk.format("POST", path, {
        ["Content-Type"] = "application/json",
        ["Authorization"] = "Bearer " .. token,
        ["Idempotency-Key"] = string.format("cm-%s-%d-%d", run_id, id, seq),
    }, body)
end

function request()
    if pending then
        -- no response to the previous request: wrk's probe (below), or wrk
        -- reconnected after a socket error (outcome unknown: copy out of play)
        if not pending.probe then
            st_lost = st_lost + 1
            if pending.barcode then st_quarantined = st_quarantined + 1 end
        end
        pending = nil
    end
    if seq_req == 0 then
        -- wrk calls the first thread's request() once to check what it
        -- returns and never sends it: make every thread's first request a
        -- read, so that probe costs no copy
        seq_req = 1
        pending = { kind = "search_api", probe = true }
        pending.t0 = now()
        return wrk.format("GET", "/api/v1/search?q=" .. queries[1])
    end
    seq_req = seq_req + 1
    local kind = pick_kind()
    local open = ltail - lhead + 1
    if kind == "checkout" and (ahead > atail or open >= MAX_OPEN) then
        kind = open > 0 and "return" or "search_api"
        st_forced = st_forced + 1
    elseif (kind == "return" or kind == "renew") and open == 0 then
        kind = ahead <= atail and "checkout" or "search_api"
        st_forced = st_forced + 1
    end
    local p = { kind = kind }
    local req
    if kind == "checkout" then
        local card = next_reader()
        if not card then
            kind = open > 0 and "return" or "search_api"
            p.kind = kind
            st_forced = st_forced + 1
        else
            p.barcode = avail[ahead]; avail[ahead] = nil; ahead = ahead + 1
            p.card = card
            req = write_req("/api/v1/loans", string.format(
                '{"barcode":"%s","card":"%s","library":"%s"}', p.barcode, card, library))
        end
    end
    if kind == "renew" then
        -- the oldest loan not renewed yet (pupils may renew once)
        local found
        for i = lhead, ltail do
            if not loans[i].renewed then found = i; break end
        end
        if found then
            p.loan = loans[found]
            p.loan.renewed = true
            p.barcode = p.loan.barcode
            req = write_req("/api/v1/renewals", string.format(
                '{"barcode":"%s","library":"%s"}', p.barcode, library))
        else
            kind = "return"
            p.kind = kind
        end
    end
    if kind == "return" then
        p.loan = loans[lhead]; loans[lhead] = nil; lhead = lhead + 1
        p.barcode = p.loan.barcode
        req = write_req("/api/v1/returns", string.format(
            '{"barcode":"%s","library":"%s"}', p.barcode, library))
    elseif kind == "search_page" or kind == "search_api" then
        -- half the searches cycle through the popular list (the server's
        -- search cache may answer them), half are long-tail: a popular query
        -- plus a random volume number ("tap 1234"), nearly always a miss
        local q = queries[pos_q]
        pos_q = pos_q % #queries + 1
        if math.random() < 0.5 then q = q .. "%20" .. math.random(1, n_records) end
        req = wrk.format("GET", (kind == "search_page" and "/search?q=" or "/api/v1/search?q=") .. q)
    elseif kind == "record_page" or kind == "record_api" then
        local rid = math.random(1, n_records)
        req = wrk.format("GET", (kind == "record_page" and "/records/" or "/api/v1/records/") .. rid)
    end
    pending = p
    p.t0 = now()
    return req
end

function response(status, headers, body)
    local t1 = now()
    local p = pending
    if not p then return end
    pending = nil
    if not samples then
        -- opened only now, once the socket has its descriptor: wrk's event loop
        -- takes descriptors below 10 + 3 x connections only, and files opened
        -- earlier would push a socket past that (a "connect" error)
        samples = assert(io.open(out_dir .. "/samples-" .. id .. ".tsv", "w"))
        samples:setvbuf("line") -- on disk when done() reads it
    end
    samples:write(p.kind, "\t", status, "\t", string.format("%.4f", (t1 - p.t0) * 1e3), "\n")
    local ok = status >= 200 and status <= 299
    if not ok and not err_seen[p.kind] then
        err_seen[p.kind] = true
        samples:write("error\t", p.kind, "\t", status, " ",
            ((body or ""):sub(1, 300):gsub("%s+", " ")), "\n")
    end
    if p.kind == "checkout" then
        if ok then
            ltail = ltail + 1
            loans[ltail] = { barcode = p.barcode, card = p.card, renewed = false }
            rloans[p.card] = rloans[p.card] + 1
        else
            st_quarantined = st_quarantined + 1
        end
    elseif p.kind == "return" then
        rloans[p.loan.card] = rloans[p.loan.card] - 1
        if ok then
            atail = atail + 1; avail[atail] = p.barcode
        else
            st_quarantined = st_quarantined + 1
        end
    end
    st_open = ltail - lhead + 1
end

-- ---------------------------------------------------------------- report
local function pct(v, q)
    if #v == 0 then return 0 end
    local r = math.ceil(q * #v)
    if r < 1 then r = 1 end
    if r > #v then r = #v end
    return v[r]
end

function done(summary, latency, requests)
    local secs = summary.duration / 1e6
    local out_dir_main = threads[1]:get("out_dir")
    local lat, agg, all, errs = {}, {}, {}, {}
    local st = { lost = 0, quarantined = 0, forced = 0, open = 0 }
    for _, kind in ipairs(KINDS) do
        lat[kind] = {}
        agg[kind] = { n = 0, ok = 0, non2xx = 0, s5xx = 0, codes = {} }
    end
    for i, t in ipairs(threads) do
        st.lost = st.lost + (t:get("st_lost") or 0)
        st.quarantined = st.quarantined + (t:get("st_quarantined") or 0)
        st.forced = st.forced + (t:get("st_forced") or 0)
        st.open = st.open + (t:get("st_open") or 0)
        local f = io.open(out_dir_main .. "/samples-" .. i .. ".tsv", "r")
        if f then
            for line in f:lines() do
                local kind, status, ms = line:match("^(%S+)\t(%d+)\t(%S+)$")
                local a = kind and agg[kind]
                local ekind, rest = line:match("^error\t(%S+)\t(.*)$")
                if ekind then
                    errs[#errs + 1] = string.format("circ-error: kind=%s conn=%d first=%s", ekind, i, rest)
                elseif a then
                    status = tonumber(status)
                    ms = tonumber(ms)
                    a.n = a.n + 1
                    lat[kind][a.n] = ms
                    all[#all + 1] = ms
                    a.codes[status] = (a.codes[status] or 0) + 1
                    if status >= 200 and status <= 299 then
                        a.ok = a.ok + 1
                    else
                        a.non2xx = a.non2xx + 1
                        if status >= 500 then a.s5xx = a.s5xx + 1 end
                    end
                end
            end
            f:close()
        end
    end
    local tot = { ok = 0, non2xx = 0, s5xx = 0 }
    for _, kind in ipairs(KINDS) do
        local a, v = agg[kind], lat[kind]
        for _, f in ipairs({ "ok", "non2xx", "s5xx" }) do tot[f] = tot[f] + a[f] end
        table.sort(v)
        local codes = {}
        for c, n in pairs(a.codes) do table.insert(codes, c .. ":" .. n) end
        table.sort(codes)
        print(string.format("circ-type: kind=%s n=%d ok=%d non2xx=%d s5xx=%d rate=%.2f " ..
            "p50_ms=%.3f p95_ms=%.3f p99_ms=%.3f max_ms=%.3f statuses=%s",
            kind, a.n, a.ok, a.non2xx, a.s5xx, a.ok / secs, pct(v, 0.50), pct(v, 0.95),
            pct(v, 0.99), pct(v, 1.0), #codes > 0 and table.concat(codes, ",") or "-"))
    end
    for _, line in ipairs(errs) do print(line) end
    table.sort(all)
    local e = summary.errors
    print(string.format("circ-total: requests=%d measured=%d duration_s=%.2f rps=%.1f ok=%d " ..
        "non2xx=%d s5xx=%d p50_ms=%.3f p99_ms=%.3f sock_connect=%d sock_read=%d " ..
        "sock_write=%d sock_timeout=%d",
        summary.requests, #all, secs, summary.requests / secs, tot.ok, tot.non2xx, tot.s5xx,
        pct(all, 0.50), pct(all, 0.99), e.connect, e.read, e.write, e.timeout))
    print(string.format("circ-state: checkouts_ok=%d returns_ok=%d renewals_ok=%d open=%d " ..
        "lost=%d quarantined=%d forced=%d",
        agg.checkout.ok, agg["return"].ok, agg.renew.ok, st.open, st.lost, st.quarantined,
        st.forced))
    print(string.format("circ-wrk: p50_ms=%.3f p99_ms=%.3f max_ms=%.3f (wrk's own histogram)",
        latency:percentile(50) / 1e3, latency:percentile(99) / 1e3, latency.max / 1e3))
end
