-- A member joins or leaves a room, in order with the room's messages: the room's member list (a zset
-- ordered by a cluster-wide join counter) changes and the change is published, in one atomic step, so
-- that each join and leave is told exactly once whichever node asks.
-- KEYS: 1 meta, 2 members
-- ARGV: 1 'j' or 'l', 2 user, 3 content, 4 channel, 5 ttl ms
-- Returns 1 if the list changed (a leave of a non-member changes nothing and tells nothing).
local meta, members = KEYS[1], KEYS[2]
local kind, user = ARGV[1], ARGV[2]
if kind == 'j' then
  local order = redis.call('HINCRBY', meta, 'joins', 1)
  redis.call('ZADD', members, order, user) -- one who comes back goes to the end
  redis.call('PERSIST', meta)
else
  if redis.call('ZREM', members, user) == 0 then return 0 end
  if redis.call('EXISTS', members) == 0 then redis.call('PEXPIRE', meta, ARGV[5]) end
end
redis.call('SPUBLISH', ARGV[4], cjson.encode({k = kind, u = user, c = ARGV[3]}))
return 1
