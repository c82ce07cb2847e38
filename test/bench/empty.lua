-- The same lead body for rejection runs (unknown token, rate-limited, inactive).
local body = '{"contact":{"phone":"+14152000001","first_name":"Ada"},"booking":{"date":"2026-12-24","party_size":2},"notes":"' .. string.rep("x", 400) .. '"}'
request = function()
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end
