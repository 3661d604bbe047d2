-- The leases to evict, on Redis's clock: expired longer ago than a command may take, so that whatever
-- their node sent before it lapsed has landed. A lease is evicted again in each round (late commands of
-- its node may have filed more) until it has been expired for a while, then forgotten.
-- KEYS: 1 leases
-- ARGV: 1 grace ms, 2 forget after ms, 3 how many at most
local now = now_millis()
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. string.format('%d', now - tonumber(ARGV[2])))
return redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. string.format('%d', now - tonumber(ARGV[1])), 'LIMIT', 0, ARGV[3])
