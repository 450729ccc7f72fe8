-- RENEW_LUA of handoff/holds.ts: its KEYS and ARGV are documented there.
if redis.call('PEXPIRE', KEYS[1], ARGV[2]) == 1 then return 1 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX')
return 0
