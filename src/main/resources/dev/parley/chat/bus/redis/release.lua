-- Frees a name if the claim (its token) still holds it.
-- KEYS: 1 holders, 2 order, 3 the lease's names
-- ARGV: 1 name, 2 token
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('SREM', KEYS[3], ARGV[1])
return 1
