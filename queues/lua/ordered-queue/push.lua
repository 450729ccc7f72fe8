-- PUSH_LUA of queues/ordered-queue.ts: its KEYS and ARGV are documented there.
if ARGV[5] ~= '' and redis.call('GET', KEYS[5]) ~= ARGV[5] then return -1 end
if ARGV[3] == '1' and not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[2]) then return 0 end
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('SADD', KEYS[3], ARGV[4])
if redis.call('EXISTS', KEYS[4]) == 1 then return 2 end
return 1
