-- STRANDED_LUA of queues/ordered-queue.ts: its KEYS and ARGV are documented there.
local out = {}
for _, key in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('LLEN', ARGV[1] .. 'mbox:' .. key) > 0 and redis.call('EXISTS', ARGV[1] .. 'lock:' .. key) == 0 then
    table.insert(out, key)
  end
end
return out
