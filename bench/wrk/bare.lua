-- The same request shape as find.lua, to a bare endpoint (BENCH_PATH: which rung of bench/bare.py).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"name":"find_slots","call":{"call_id":"load"},"args":{"service":"checkup"}}'
local path = os.getenv("BENCH_PATH") or "/retell/functions"
request = function()
  return wrk.format(nil, path)
end
