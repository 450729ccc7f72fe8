-- KEYS: code, wrong codes for the number, lock.
-- ARGV: now, typed code's hash, wrong per code, wrong per number, window, lock time, unique member.
-- Returns {kind, value}: right, wrong (value: tries left), spent, expired, or locked (value: until).
local now = tonumber(ARGV[1])
local locked = tonumber(redis.call('GET', KEYS[3]) or '0')
if locked > now then return {'locked', locked} end
local code = redis.call('HMGET', KEYS[1], 'hash', 'expiresAt')
if not code[1] or tonumber(code[2]) <= now then
  redis.call('DEL', KEYS[1])
  return {'expired', 0}
end
if code[1] == ARGV[2] then
  redis.call('DEL', KEYS[1])
  return {'right', 0}
end
local window = tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
redis.call('ZADD', KEYS[2], now, ARGV[7])
redis.call('PEXPIRE', KEYS[2], window)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then
  local lockEnd = now + tonumber(ARGV[6])
  redis.call('SET', KEYS[3], lockEnd, 'PX', ARGV[6])
  redis.call('DEL', KEYS[1])
  return {'locked', lockEnd}
end
local wrong = redis.call('HINCRBY', KEYS[1], 'wrong', 1)
if wrong >= tonumber(ARGV[3]) then
  redis.call('DEL', KEYS[1])
  return {'spent', 0}
end
return {'wrong', tonumber(ARGV[3]) - wrong}
