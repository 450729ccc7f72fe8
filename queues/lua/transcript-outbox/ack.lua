-- ACK_LUA of queues/transcript-outbox.ts: its KEYS and ARGV are documented there.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('LTRIM', KEYS[2], tonumber(ARGV[2]), -1)
redis.call('DEL', KEYS[1])
return 1
