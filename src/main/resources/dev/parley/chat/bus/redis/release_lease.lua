-- Frees every name an evicted node's lease still holds.
-- KEYS: 1 holders, 2 order, 3 the lease's names
-- ARGV: 1 lease
local prefix = ARGV[1] .. '/'
local freed = 0
for _, name in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  local token = redis.call('HGET', KEYS[1], name)
  if token and string.sub(token, 1, #prefix) == prefix then
    redis.call('HDEL', KEYS[1], name)
    redis.call('ZREM', KEYS[2], name)
    freed = freed + 1
  end
end
redis.call('DEL', KEYS[3])
return freed
