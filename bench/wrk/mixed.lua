-- Nine searches for every booking attempt; bookings aim at random quarter hours in the next
-- eight weeks, so many find the slot taken (slot_taken with alternatives), as real callers do.
-- BENCH_BUSINESSES=n: each request is for a random one of n businesses. BENCH_BOOK_EVERY=k:
-- one booking every k requests (1: bookings only, to measure what one costs).
-- Each wrk thread has its own Lua state with the same random seed: without a seed of its own,
-- both threads would send the same calls, and half the bookings would be replays.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end
function init(args)
  math.randomseed(os.time() * 100 + thread_number)
end
local businesses = tonumber(os.getenv("BENCH_BUSINESSES") or "0")
local every = tonumber(os.getenv("BENCH_BOOK_EVERY") or "10")
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  n = n + 1
  local call = string.format("load_%d_%d", math.random(1, 1000000000), n)
  local agent = ""
  if businesses > 0 then
    agent = string.format(',"agent_id":"agent_bench-%03d"', math.random(0, businesses - 1))
  end
  local body
  if n % every == 0 then
    local day = math.random(1, 56)
    local t = os.time() + day * 86400
    local hour = math.random(9, 15)
    local minute = ({0, 15, 30, 45})[math.random(1, 4)]
    local start = os.date("!%Y-%m-%d", t) .. string.format("T%02d:%02d", hour, minute)
    body = string.format(
      '{"name":"book_appointment","call":{"call_id":"%s","from_number":"+1415555%04d"%s},"args":{"start":"%s","service":"checkup","name":"Load Test"}}',
      call, n % 10000, agent, start)
  else
    body = string.format(
      '{"name":"find_slots","call":{"call_id":"%s","from_number":"+14155550100"%s},"args":{"service":"checkup","when":"next week"}}',
      call, agent)
  end
  return wrk.format(nil, "/retell/functions", nil, body)
end
