-- wrk script for tools/bench: cycles through the paths in WRK_PATHS (separated by spaces), or with
-- WRK_BODY posts that form to them (a number that grows is added to the text, so every save
-- changes the plan), and prints the run's figures as one JSON line when it is done.
local paths, body, n = {}, os.getenv("WRK_BODY"), 0
for p in string.gmatch(os.getenv("WRK_PATHS") or "/", "%S+") do paths[#paths + 1] = p end
-- each thread's saves carry its own number, so no two of them write the same text
local threads, stride = 0, tonumber(os.getenv("WRK_THREADS") or "1")
setup = function(thread)
    threads = threads + 1
    thread:set("tid", threads)
end

-- A save's paths: each thread has its own half of them (by index), and a path goes back to its
-- thread's queue only when its save is answered. So no two saves of one case are ever in flight at
-- once, however long a save waits: that would be a conflict, answered 409 as it should be, but not
-- the speed of a save. (Taking turns by count alone let a path come round again while its last save
-- was still waiting, once saves went in groups.)
local free, first, last = {}, 1, 0
init = function(args)
    for i, p in ipairs(paths) do
        if (i - 1) % stride == tid % stride then
            last = last + 1
            free[last] = p
        end
    end
end

request = function()
    n = n + 1
    local path = paths[((n * stride + tid) % #paths) + 1]
    if body then
        if first <= last then
            path = free[first]
            free[first] = nil
            first = first + 1
        end
        -- the headers given replace wrk's own (-H: the login cookie, the Origin): copied over first
        local headers = {["Content-Type"] = "application/x-www-form-urlencoded"}
        for k, v in pairs(wrk.headers) do headers[k] = v end
        return wrk.format("POST", path, headers, body .. tostring(tid) .. "-" .. n)
    end
    return wrk.format("GET", path)
end

-- a save that landed is answered with a redirect to its case: that case's path is free again (one
-- refused keeps its path out of the turn; errors are counted all the same)
response = function(status, headers, resp_body)
    if body and status == 303 then
        local to = headers["Location"] or headers["location"]
        if to then
            last = last + 1
            free[last] = to .. "/edit"
        end
    end
end

done = function(summary, latency, requests)
    local e = summary.errors
    io.write(string.format('{"requests": %d, "seconds": %.3f, "socket_errors": %d, "http_errors": %d, '
        .. '"p50_ms": %.3f, "p90_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f}\n',
        summary.requests, summary.duration / 1e6, e.connect + e.read + e.write + e.timeout, e.status,
        latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
        latency.max / 1000))
end
