-- Claims a user name for one more session, cluster-wide, up to most sessions at once, and files the claim
-- under the claiming node's lease, so that it is freed if the node dies.
-- KEYS: 1 holders (hash: name -> how many claims), 2 order (zset: name by first claim), 3 the lease's claims
--       (set of tokens), 4 claims counter, 5 tokens (hash: token -> name)
-- ARGV: 1 name, 2 token ("<lease>/<n>"), 3 most
-- Returns 1 if claimed, 0 if most sessions hold the name already.
-- A claim sent again (Lettuce resends an unanswered command after a reconnect) is the same claim, once.
if redis.call('HGET', KEYS[5], ARGV[2]) == ARGV[1] then return 1 end
local held = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if held >= tonumber(ARGV[3]) then return 0 end
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
if held == 0 then redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[4]), ARGV[1]) end
redis.call('HSET', KEYS[5], ARGV[2], ARGV[1])
redis.call('SADD', KEYS[3], ARGV[2])
return 1
