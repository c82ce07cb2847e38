-- A ~600-byte lead. LEADS (environment) picks whose it is:
--   cycle  (default) the phone cycles through 100,000 numbers, so creates and matches mix;
--   new    every lead is a new contact: a number and an email never sent before;
--   repeat 95% come from 1,000 known contacts, 5% are new.
local mode = os.getenv("LEADS") or "cycle"
local threads = 0
local counter = 0
local thread_offset = 0
local thread_index = 0

function setup(thread)
  thread:set("thread_offset", math.random(0, 99999))
  thread:set("thread_index", threads)
  threads = threads + 1
end

function init(args)
  counter = 0
end

-- Distinct across threads and runs of one server: each thread counts in its own million.
local function unique()
  return (thread_index or 0) * 1000000 + counter
end

request = function()
  counter = counter + 1
  local phone, n
  if mode == "new" then
    n = unique()
    phone = string.format("+1650%07d", 2000000 + n)
  elseif mode == "repeat" then
    if math.random() < 0.95 then
      n = math.random(0, 999)
      phone = string.format("+1510%07d", 2000000 + n)
    else
      n = 1000 + unique()
      phone = string.format("+1510%07d", 3000000 + n)
    end
  else
    n = (counter * 7919 + (thread_offset or 0)) % 100000
    phone = string.format("+1415%07d", 2000000 + n)
  end
  local body = string.format(
    '{"event":"lead.created","source":"website","form_id":"booking-2026","submitted_at":"2026-11-23T10:15:00Z",' ..
    '"contact":{"phone":"%s","first_name":"Ada","last_name":"Lovelace","email":"%s-lead%d@example.com","language":"en-US"},' ..
    '"booking":{"date":"2026-12-24","party_size":%d,"time":"19:30","table_preference":"window","occasion":"birthday"},' ..
    '"marketing":{"utm_source":"newsletter","utm_medium":"email","utm_campaign":"winter-menu","consent":true},' ..
    '"notes":"Please prepare a small cake for the birthday, and one guest is vegetarian. Thanks a lot!",' ..
    '"meta":{"ip":"203.0.113.7","user_agent":"Mozilla/5.0 (X11; Linux x86_64)","page":"/book"}}',
    phone, mode, n, (n % 8) + 1)
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end
