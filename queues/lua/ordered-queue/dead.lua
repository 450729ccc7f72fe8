-- DEAD_LUA of queues/ordered-queue.ts: its KEYS and ARGV are documented there.
if redis.call('GET', KEYS[5]) ~= ARGV[2] then return 0 end
local head = redis.call('LPOP', KEYS[1])
if head then redis.call('RPUSH', KEYS[2], cjson.encode({key = ARGV[1], item = head})) end
redis.call('DEL', KEYS[3], KEYS[4])
return 1
