-- A member joins or leaves a room, in order with the room's messages: the room's member list (a zset
-- ordered by a cluster-wide join counter) and who holds each member (the node's lease) change, and the
-- change is published with the room's next membership version, in one atomic step, so that each join
-- and leave is told exactly once whichever node asks. Only the node that holds a member removes it: a
-- node evicted meanwhile cannot remove the member that another node holds now.
-- KEYS: 1 meta, 2 log, 3 members, 4 owners (hash: user -> lease)
-- ARGV: 1 'j' or 'l', 2 user, 3 content, 4 channel, 5 ttl ms, 6 epoch if new, 7 lease
-- Returns 1 if the list changed.
local meta, log, members, owners = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local kind, user, lease = ARGV[1], ARGV[2], ARGV[7]
local ttl = tonumber(ARGV[5])
local epoch = epoch_of(meta, log, members, ARGV[6], ttl)
if kind == 'j' then
  local order = redis.call('HINCRBY', meta, 'joins', 1)
  redis.call('ZADD', members, order, user) -- one who comes back goes to the end
  redis.call('HSET', owners, user, lease)
  redis.call('PERSIST', meta)
else
  if redis.call('HGET', owners, user) ~= lease then return 0 end
  redis.call('ZREM', members, user)
  redis.call('HDEL', owners, user)
  if redis.call('EXISTS', members) == 0 then redis.call('PEXPIRE', meta, ttl) end
end
local version = redis.call('HINCRBY', meta, 'mv', 1)
redis.call('SPUBLISH', ARGV[4], cjson.encode({k = kind, u = user, c = ARGV[3], e = epoch, v = version}))
return 1
