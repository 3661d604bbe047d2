-- A node's lease, renewed: it lives until now + ttl on Redis's clock. A lease that has expired, or was
-- evicted, is never renewed: its node must close its clients and start again under a new lease.
-- KEYS: 1 nodes (zset: lease -> expiry millis)
-- ARGV: 1 lease, 2 ttl ms, 3 '1' for a new lease
-- Returns 1 if the lease lives on, 0 if it is gone.
local now = now_millis()
if ARGV[3] ~= '1' then
  local expiry = redis.call('ZSCORE', KEYS[1], ARGV[1])
  if not expiry or tonumber(expiry) < now then return 0 end
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
return 1
