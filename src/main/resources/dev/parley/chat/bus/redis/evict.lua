-- Removes from a room every member that an evicted node (its lease) held, telling each leave once: a
-- second reaper of the same node finds nothing left to remove.
-- KEYS: 1 meta, 2 log, 3 members, 4 owners
-- ARGV: 1 lease, 2 channel, 3 ttl ms, 4 epoch if new
-- Returns how many members it removed.
local meta, log, members, owners = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local lease = ARGV[1]
local ttl = tonumber(ARGV[3])
local held = redis.call('HGETALL', owners)
local gone = {}
for i = 1, #held, 2 do
  if held[i + 1] == lease then table.insert(gone, held[i]) end
end
if #gone == 0 then return 0 end
local epoch = epoch_of(meta, log, members, ARGV[4], ttl)
for _, user in ipairs(gone) do
  redis.call('ZREM', members, user)
  redis.call('HDEL', owners, user)
  local version = redis.call('HINCRBY', meta, 'mv', 1)
  redis.call('SPUBLISH', ARGV[2], cjson.encode({k = 'l', u = user, c = '', e = epoch, v = version}))
end
if redis.call('EXISTS', members) == 0 then redis.call('PEXPIRE', meta, ttl) end
return #gone
