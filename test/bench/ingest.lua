-- A ~600-byte lead whose phone cycles through 100,000 numbers, so creates and matches mix.
local counter = 0
local thread_offset = 0

function setup(thread)
  thread:set("thread_offset", math.random(0, 99999))
end

function init(args)
  counter = 0
end

request = function()
  counter = counter + 1
  local n = (counter * 7919 + (thread_offset or 0)) % 100000
  local phone = string.format("+1415%07d", 2000000 + n)
  local body = string.format(
    '{"event":"lead.created","source":"website","form_id":"booking-2026","submitted_at":"2026-11-23T10:15:00Z",' ..
    '"contact":{"phone":"%s","first_name":"Ada","last_name":"Lovelace","email":"lead%d@example.com","language":"en-US"},' ..
    '"booking":{"date":"2026-12-24","party_size":%d,"time":"19:30","table_preference":"window","occasion":"birthday"},' ..
    '"marketing":{"utm_source":"newsletter","utm_medium":"email","utm_campaign":"winter-menu","consent":true},' ..
    '"notes":"Please prepare a small cake for the birthday, and one guest is vegetarian. Thanks a lot!",' ..
    '"meta":{"ip":"203.0.113.7","user_agent":"Mozilla/5.0 (X11; Linux x86_64)","page":"/book"}}',
    phone, n, (n % 8) + 1)
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end
