-- CLAIM_LUA of queues/transcript-outbox.ts: its KEYS and ARGV are documented there.
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return false end
local head = redis.call('LRANGE', KEYS[2], 0, tonumber(ARGV[3]) - 1)
if #head == 0 then redis.call('DEL', KEYS[1]) end
return head
