-- find_slots with phrases callers use, in Retell's payload shape.
local phrases = {"", "tomorrow morning", "next Tuesday after lunch", "this week",
                 "next week in the afternoon", "friday around 2", "as soon as possible"}
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  n = n + 1
  local when = phrases[(n % #phrases) + 1]
  local body = string.format(
    '{"name":"find_slots","call":{"call_id":"load_%d_%d","from_number":"+14155550100"},"args":{"service":"checkup","when":"%s"}}',
    math.random(1, 1000000000), n, when)
  return wrk.format(nil, "/retell/functions", nil, body)
end
