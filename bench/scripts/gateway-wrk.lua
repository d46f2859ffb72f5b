-- wrk script for the gateway benchmark: POSTs $BODY with the headers in $HEADERS ("Name: value|Name: value")
-- and prints one JSON line with microsecond latency percentiles when done.
wrk.method = "POST"
wrk.body = os.getenv("BODY")
wrk.headers["Content-Type"] = "application/json"
for header in string.gmatch(os.getenv("HEADERS") or "", "[^|]+") do
  local name, value = string.match(header, "^%s*([^:]+):%s*(.*)$")
  if name then wrk.headers[name] = value end
end

-- DELAY_MS: each connection waits after a response before its next request, so the load is a fixed rate
-- (connections / delay) instead of as fast as the gateway answers: latency without saturation. PACING=exponential
-- (the default) draws each wait from an exponential distribution with that mean, so connections stay independent
-- and arrivals are close to Poisson; PACING=fixed (run 6) waits exactly DELAY_MS, which keeps connections in step
-- and sends requests in bursts.
local pause = tonumber(os.getenv("DELAY_MS") or "")
if pause and pause > 0 then
  if (os.getenv("PACING") or "exponential") == "fixed" then
    delay = function() return pause end
  else
    math.randomseed(os.time())
    delay = function() return math.floor(-math.log(1 - math.random()) * pause + 0.5) end
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"socket_errors":%d,"non2xx":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean))
end
