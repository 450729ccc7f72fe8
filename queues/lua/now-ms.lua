-- Milliseconds since the epoch by Redis's clock (one clock for every process).
local function now_ms() local t = redis.call('TIME') return t[1] * 1000 + math.floor(t[2] / 1000) end
