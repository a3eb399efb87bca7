-- The same request shape as find.lua, to an endpoint that only answers JSON.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"name":"find_slots","call":{"call_id":"load"},"args":{}}'
request = function()
  return wrk.format(nil, "/retell/functions")
end
