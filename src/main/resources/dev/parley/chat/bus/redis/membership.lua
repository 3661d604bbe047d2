-- A session joins or leaves a room, in order with the room's messages. A user is a member while any of its
-- sessions (its devices, on any node) is in: its first session's join adds it to the room's member list (a
-- zset ordered by a cluster-wide join counter), its last one's leave removes it, and only those changes are
-- published, with the room's next membership version, in one atomic step, so that each is told exactly
-- once whichever node asks. A session's membership is named by its name's claim token and a number,
-- "<lease>/<n>#<m>": an evicted node's are found by their lease, and a node evicted meanwhile cannot remove
-- a membership it no longer holds.
-- KEYS: 1 meta, 2 log, 3 members, 4 sessions (hash: token -> user), 5 held (hash: user -> sessions in)
-- ARGV: 1 'j' or 'l', 2 user, 3 content, 4 channel, 5 ttl ms, 6 epoch if new, 7 the session's token
-- Returns 1 if the member list changed.
local meta, log, members, sessions, held = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local kind, user, token = ARGV[1], ARGV[2], ARGV[7]
local ttl = tonumber(ARGV[5])
local epoch = epoch_of(meta, log, members, ARGV[6], ttl)
if kind == 'j' then
  if redis.call('HSETNX', sessions, token, user) == 0 then return 0 end
  redis.call('PERSIST', meta)
  if redis.call('HINCRBY', held, user, 1) > 1 then return 0 end
  local order = redis.call('HINCRBY', meta, 'joins', 1)
  redis.call('ZADD', members, order, user) -- one who comes back goes to the end
else
  if redis.call('HGET', sessions, token) ~= user then return 0 end
  redis.call('HDEL', sessions, token)
  if redis.call('HINCRBY', held, user, -1) > 0 then return 0 end
  redis.call('HDEL', held, user)
  redis.call('ZREM', members, user)
  if redis.call('EXISTS', members) == 0 then redis.call('PEXPIRE', meta, ttl) end
end
local version = redis.call('HINCRBY', meta, 'mv', 1)
redis.call('SPUBLISH', ARGV[4], cjson.encode({k = kind, u = user, c = ARGV[3], e = epoch, v = version}))
return 1
