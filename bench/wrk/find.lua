-- find_slots with phrases callers use, in Retell's payload shape. BENCH_BUSINESSES=n: each
-- request is for a random one of n businesses (agent_bench-000 ...), as Retell routes them.
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
local phrases = {"", "tomorrow morning", "next Tuesday after lunch", "this week",
                 "next week in the afternoon", "friday around 2", "as soon as possible"}
local businesses = tonumber(os.getenv("BENCH_BUSINESSES") or "0")
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  n = n + 1
  local when = phrases[(n % #phrases) + 1]
  local agent = ""
  if businesses > 0 then
    agent = string.format(',"agent_id":"agent_bench-%03d"', math.random(0, businesses - 1))
  end
  local body = string.format(
    '{"name":"find_slots","call":{"call_id":"load_%d_%d","from_number":"+14155550100"%s},"args":{"service":"checkup","when":"%s"}}',
    math.random(1, 1000000000), n, agent, when)
  return wrk.format(nil, "/retell/functions", nil, body)
end
