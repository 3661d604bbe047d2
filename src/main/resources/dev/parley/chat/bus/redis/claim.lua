-- Claims a user name for one session, cluster-wide, and files it under the claiming node's lease, so
-- that the name is freed if the node dies.
-- KEYS: 1 holders (hash: name -> token), 2 order (zset: name by claim), 3 the lease's names (set), 4 claims counter
-- ARGV: 1 name, 2 token ("<lease>/<n>")
-- Returns 1 if claimed, 0 if someone holds the name.
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[4]), ARGV[1])
redis.call('SADD', KEYS[3], ARGV[1])
return 1
