-- LAPSED_LUA of queues/ordered-queue.ts: its KEYS and ARGV are documented there.
local out = {}
for _, key in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now_ms(), 'LIMIT', 0, tonumber(ARGV[2]))) do
  -- A lock still there a moment past its deadline (expiry and TIME differ by a tick) is looked at next time.
  if redis.call('EXISTS', ARGV[1] .. 'lock:' .. key) == 0 then
    redis.call('ZREM', KEYS[1], key)
    if redis.call('LLEN', ARGV[1] .. 'mbox:' .. key) > 0 then table.insert(out, key) end
  end
end
return out
