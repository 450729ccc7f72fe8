-- PEEK_LUA of queues/ordered-queue.ts: its KEYS and ARGV are documented there.
if ARGV[2] == 'acquire' then
  if not redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[4]) then return 'LOCKED' end
elseif redis.call('GET', KEYS[2]) ~= ARGV[1] then
  return 'LOST'
elseif ARGV[2] == 'pop' then
  redis.call('LPOP', KEYS[1])
  redis.call('DEL', KEYS[3], KEYS[5])
end
local head = redis.call('LINDEX', KEYS[1], 0)
if not head then
  redis.call('DEL', KEYS[2])
  if ARGV[2] ~= 'acquire' then redis.call('ZREM', KEYS[7], ARGV[3]) end
  redis.call('SREM', KEYS[4], ARGV[3])
  return nil
end
if ARGV[2] == 'acquire' then redis.call('ZADD', KEYS[7], now_ms() + tonumber(ARGV[4]), ARGV[3]) end
return {head, redis.call('INCR', KEYS[3]), redis.call('GET', KEYS[5]), redis.call('GET', KEYS[6])}
