-- KEYS: this second's counter, the chat's next-allowed key. ARGV: nowMs, cost, perSecond, chatGapMs.
-- Returns 0 when the delivery may go now (and counts it), else how many ms to wait.
-- A cost above perSecond still passes in an empty second, so a long batch is never stuck.
local now = tonumber(ARGV[1])
local nextChat = tonumber(redis.call('GET', KEYS[2]) or '0')
if nextChat > now then return nextChat - now end
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used > 0 and used + tonumber(ARGV[2]) > tonumber(ARGV[3]) then return 1000 - now % 1000 end
redis.call('INCRBY', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], 2000)
if tonumber(ARGV[4]) > 0 then redis.call('SET', KEYS[2], now + tonumber(ARGV[4]), 'PX', ARGV[4]) end
return 0
