-- POST /api/v1/lots with a unique lot code per request.
-- Needs the producer token in the environment: ORIGINE_TOKEN.
local token = os.getenv("ORIGINE_TOKEN")
local counter = 0
thread_id = 0
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() + thread_id)
  prefix = string.format("W%d-%d-", thread_id, math.random(1, 1000000000))
end

function request()
  counter = counter + 1
  local body = '{"institute":"cr-milano-opera",'
    .. '"product":{"name":"Biscotti al farro","category":"food","gtin":"8012345678907"},'
    .. '"lot_code":"' .. prefix .. counter .. '","quantity":500,"unit":"pcs",'
    .. '"produced_from":"2026-10-01","produced_to":"2026-10-31","serialised":true,'
    .. '"claims":{"detained_workers":6,"total_workers":8,"work_hours":960,'
    .. '"training_hours":120,"employment":"employee"}}'
  return wrk.format("POST", "/api/v1/lots", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, body)
end
