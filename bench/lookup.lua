-- wrk script: repeat-caller lookups of random known numbers, written as callers say them.
local phones = {}
for line in io.lines(os.getenv("ANXIN_BENCH_PHONES")) do phones[#phones + 1] = line end
local headers = {
  ["Authorization"] = "Bearer " .. os.getenv("ANXIN_BENCH_TOKEN"),
  ["User-Agent"] = "anxin-bench",  -- the session is bound to the client that logged in
}

request = function()
  local p = phones[math.random(#phones)]
  local forms = { p, string.sub(p, 1, 3) .. "-" .. string.sub(p, 4, 7) .. "-" .. string.sub(p, 8) }
  return wrk.format("GET", "/api/v1/customers/lookup?phone=" .. forms[math.random(2)], headers)
end
