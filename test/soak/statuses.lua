-- The ingest lead, counting answers by status so the soak can check every one.
local counter = 0
statuses = {}
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
end

request = function()
  counter = counter + 1
  local phone = string.format("+1415%07d", 2000000 + (counter * 7919) % 100000)
  local body = '{"contact":{"phone":"' .. phone .. '","first_name":"Ada"},"booking":{"date":"2026-12-24","party_size":2},"notes":"' .. string.rep("x", 400) .. '"}'
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end

response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for code, n in pairs(s) do total[code] = (total[code] or 0) + n end
  end
  for code, n in pairs(total) do io.write(string.format("status %d %d\n", code, n)) end
  io.write(string.format("socket_errors %d %d %d %d\n", summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
end
