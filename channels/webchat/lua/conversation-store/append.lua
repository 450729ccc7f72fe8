-- APPEND_LUA of channels/webchat/conversation-store.ts: its KEYS and ARGV are documented there.
local user = redis.call('HGET', KEYS[2], 'user')
if not user then return {-1} end
if redis.call('LLEN', KEYS[4]) > 0 then return {-2} end
if ARGV[3] ~= '0' and not redis.call('SET', KEYS[3], '1', 'NX', 'EX', ARGV[3]) then return {0} end
local claim = string.sub(ARGV[7], 1, 6) == 'claim '
if claim then
  local earlier = redis.call('GET', KEYS[5])
  if earlier then return {2, earlier} end
end
local n = #ARGV - 7
local jsons = {}
local first = ''
if ARGV[5] == '1' then
  local last = redis.call('HINCRBY', KEYS[2], 'seq', n)
  local recipient = ''
  if ARGV[6] == '1' then recipient = '"recipient":{"id":' .. cjson.encode(user) .. ',"role":"user","name":""},' end
  for i = 1, n do
    local seq = tostring(last - n + i)
    local id = ARGV[4] .. '|' .. string.rep('0', 7 - #seq) .. seq
    if i == 1 then first = id end
    jsons[i] = '{"id":' .. cjson.encode(id) .. ',' .. recipient .. string.sub(ARGV[7 + i], 2)
  end
else
  for i = 1, n do jsons[i] = ARGV[7 + i] end
end
local previous = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)[1]
local entry = ''
for i = 1, n do entry = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'a', jsons[i]) end
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[2])
if claim then redis.call('SET', KEYS[5], first .. ' echoed', 'EX', string.sub(ARGV[7], 7)) end
redis.call('PUBLISH', KEYS[1], (previous and previous[1] or '') .. '\n' .. entry .. '\n' .. table.concat(jsons, '\n'))
return {1, entry, first}
