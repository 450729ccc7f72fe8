-- WRITE_LUA of turns/redis-storage.ts: its KEYS and ARGV are documented there.
if ARGV[5] ~= '' and redis.call('GET', KEYS[#KEYS]) ~= ARGV[5] then return -1 end
local n = tonumber(ARGV[2])
for i = 1, n do
  local expected = ARGV[3 * i + 3]
  if expected ~= '' then
    local cur = redis.call('GET', KEYS[i])
    if cur and string.match(cur, '^[^\n]*') ~= expected then return i end
  end
end
for i = 1, n do
  redis.call('SET', KEYS[i], ARGV[3 * i + 4] .. '\n' .. ARGV[3 * i + 5], 'PX', ARGV[1])
end
local at = 3 * n + 6
local k = n + 1
if ARGV[3] == '1' then
  redis.call('SET', KEYS[k], ARGV[at], 'PX', ARGV[at + 1])
  at = at + 2
  k = k + 1
end
local count = tonumber(ARGV[4])
if count > 0 then redis.call('RPUSH', KEYS[k], unpack(ARGV, at, at + count - 1)) end
return 0
