-- Frees every claim an evicted node's lease still holds.
-- KEYS: as claim's, 3 being the evicted lease's claims
-- Returns how many claims it freed.
local freed = 0
for _, token in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  local name = redis.call('HGET', KEYS[5], token)
  if name then
    unclaim(KEYS[1], KEYS[2], KEYS[5], token, name)
    freed = freed + 1
  end
end
redis.call('DEL', KEYS[3])
return freed
