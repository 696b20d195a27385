-- bench/wrk/queries.lua - wrk script for bench/serve_compare.sh (see bench/README.md).
--
-- Usage: wrk -t2 -c8 -d20s -s bench/wrk/queries.lua http://127.0.0.1:PORT \
--            -- QUERIES TEMPLATE
--   QUERIES   bench/queries.txt ("tag<TAB>query" lines, '#' comments)
--   TEMPLATE  the request path with {q} where the URL-encoded query goes, e.g.
--             "/api/v1/search?q={q}" or "/search?content=handbook&pattern={q}"
--
-- Every request takes the next query of the list (each thread starts at its own
-- offset and cycles), so both servers get the same queries in the same mix.
-- wrk records every request's latency itself; done() prints one line
--   wrk-result: requests=N duration_s=S rps=R p50_ms=.. p95_ms=.. p99_ms=..
--               max_ms=.. mean_ms=.. non2xx=N sock_errors=N bytes=N statuses=..
--               cache_hits=N cache_misses=N
-- from wrk's latency histogram (latency:percentile) and the per-thread count of
-- answers whose status is not 2xx (counted in response(); must be 0), and of
-- tusach's X-Search-Cache answer header (hit / miss; neither when the search
-- cache is off or the server is not tusach).

local threads = {}
local counter = 1

function setup(thread)
    thread:set("id", counter)
    table.insert(threads, thread)
    counter = counter + 1
end

local function urlencode(s)
    return (s:gsub("[^%w%-%._~]", function(c)
        return string.format("%%%02X", string.byte(c))
    end))
end

local paths = {}
local pos = 1
non2xx = 0
cache_hits = 0
cache_misses = 0
statuses = ""
local status_count = {}

function init(args)
    local file, template = args[1], args[2]
    if not file or not template then
        error("usage: wrk ... -s queries.lua URL -- QUERIES TEMPLATE")
    end
    local f = assert(io.open(file, "r"))
    for line in f:lines() do
        if line:sub(1, 1) ~= "#" and line:find("\t") then
            local q = line:sub(line:find("\t") + 1)
            if #q > 0 then
                local path = template:gsub("{q}", function() return urlencode(q) end)
                table.insert(paths, path)
            end
        end
    end
    f:close()
    if #paths == 0 then error("no queries in " .. file) end
    -- spread the threads over the list
    pos = ((id - 1) * 17) % #paths + 1
end

function request()
    local path = paths[pos]
    pos = pos % #paths + 1
    return wrk.format("GET", path)
end

function response(status, headers, body)
    local c = headers["X-Search-Cache"] or headers["x-search-cache"]
    if c == "hit" then
        cache_hits = cache_hits + 1
    elseif c == "miss" then
        cache_misses = cache_misses + 1
    end
    if status < 200 or status > 299 then
        non2xx = non2xx + 1
        status_count[status] = (status_count[status] or 0) + 1
        local parts = {}
        for k, v in pairs(status_count) do table.insert(parts, k .. ":" .. v) end
        statuses = table.concat(parts, ",")
    end
end

function done(summary, latency, requests)
    local bad, codes, hits, misses = 0, {}, 0, 0
    for _, t in ipairs(threads) do
        bad = bad + (t:get("non2xx") or 0)
        hits = hits + (t:get("cache_hits") or 0)
        misses = misses + (t:get("cache_misses") or 0)
        local s = t:get("statuses")
        if s and #s > 0 then table.insert(codes, s) end
    end
    local e = summary.errors
    local sock = e.connect + e.read + e.write + e.timeout
    local secs = summary.duration / 1e6
    io.write(string.format(
        "wrk-result: requests=%d duration_s=%.2f rps=%.1f p50_ms=%.3f p95_ms=%.3f " ..
        "p99_ms=%.3f max_ms=%.3f mean_ms=%.3f non2xx=%d sock_errors=%d bytes=%d statuses=%s " ..
        "cache_hits=%d cache_misses=%d\n",
        summary.requests, secs, summary.requests / secs,
        latency:percentile(50) / 1000, latency:percentile(95) / 1000,
        latency:percentile(99) / 1000, latency.max / 1000, latency.mean / 1000,
        bad, sock, summary.bytes, #codes > 0 and table.concat(codes, ";") or "-", hits, misses))
end
