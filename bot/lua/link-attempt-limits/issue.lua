-- KEYS: code, sends to the number, sends from the conversation, lock.
-- ARGV: now, code hash, code TTL, per number, per conversation, window, unique member.
-- Returns {kind, until}: locked, live, numberBusy, conversationBusy (refused until `until`) or sent (valid until).
local now = tonumber(ARGV[1])
local locked = tonumber(redis.call('GET', KEYS[4]) or '0')
if locked > now then return {'locked', locked} end
local live = tonumber(redis.call('HGET', KEYS[1], 'expiresAt') or '0')
if live > now then return {'live', live} end
local window = tonumber(ARGV[6])
local function full(key, limit)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  if redis.call('ZCARD', key) < limit then return false end
  return tonumber(redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2]) + window
end
local numberFree = full(KEYS[2], tonumber(ARGV[4]))
if numberFree then return {'numberBusy', numberFree} end
local conversationFree = full(KEYS[3], tonumber(ARGV[5]))
if conversationFree then return {'conversationBusy', conversationFree} end
for i = 2, 3 do
  redis.call('ZADD', KEYS[i], now, ARGV[7])
  redis.call('PEXPIRE', KEYS[i], window)
end
local ttl = tonumber(ARGV[3])
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'hash', ARGV[2], 'expiresAt', now + ttl, 'wrong', 0)
redis.call('PEXPIRE', KEYS[1], ttl)
return {'sent', now + ttl}
