-- Frees a claim if it still holds its name; the name is free once its last claim is.
-- KEYS: as claim's
-- ARGV: 1 name, 2 token
if redis.call('HGET', KEYS[5], ARGV[2]) ~= ARGV[1] then return 0 end
redis.call('SREM', KEYS[3], ARGV[2])
unclaim(KEYS[1], KEYS[2], KEYS[5], ARGV[2], ARGV[1])
return 1
