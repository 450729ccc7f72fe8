-- DROP_LUA of handoff/holds.ts: its KEYS and ARGV are documented there.
local v = redis.call('GET', KEYS[1])
if v and cjson.decode(v).id == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
