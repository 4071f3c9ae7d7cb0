-- GET PREFIX..id, cycling through the ids listed one per line in the file ORIGINE_IDS.
-- PREFIX comes from ORIGINE_PREFIX (e.g. "/api/v1/verify/" or "/c/").
local prefix = os.getenv("ORIGINE_PREFIX") or "/api/v1/verify/"
local ids = {}
for line in io.lines(os.getenv("ORIGINE_IDS")) do
  if #line > 0 then table.insert(ids, line) end
end
local i = 0
thread_id = 0
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads)
  table.insert(threads, thread)
end

function init(args)
  i = thread_id * 7919
end

function request()
  i = i + 1
  return wrk.format("GET", prefix .. ids[(i % #ids) + 1])
end
