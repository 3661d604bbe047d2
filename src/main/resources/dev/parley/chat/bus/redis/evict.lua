-- Removes from a room every session that an evicted node (its lease) held, telling the leave of each user
-- that had no other session in, once: a second reaper of the same node finds nothing left to remove.
-- KEYS: as membership's
-- ARGV: 1 lease, 2 channel, 3 ttl ms, 4 epoch if new
-- Returns how many members it removed.
local meta, log, members, sessions, held = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local prefix = ARGV[1] .. '/'
local ttl = tonumber(ARGV[3])
local all = redis.call('HGETALL', sessions)
local gone = {}
for i = 1, #all, 2 do
  local token = all[i]
  local rest = string.sub(token, #prefix + 1)
  if string.sub(token, 1, #prefix) == prefix and (string.match(rest, '^%d+#%d+$') or string.match(rest, '^%d+$')) then
    table.insert(gone, {token, all[i + 1]})
  end
end
if #gone == 0 then return 0 end
local epoch = epoch_of(meta, log, members, ARGV[4], ttl)
local removed = 0
for _, session in ipairs(gone) do
  local user = session[2]
  redis.call('HDEL', sessions, session[1])
  if redis.call('HINCRBY', held, user, -1) <= 0 then
    redis.call('HDEL', held, user)
    redis.call('ZREM', members, user)
    local version = redis.call('HINCRBY', meta, 'mv', 1)
    redis.call('SPUBLISH', ARGV[2], cjson.encode({k = 'l', u = user, c = '', e = epoch, v = version}))
    removed = removed + 1
  end
end
if redis.call('EXISTS', members) == 0 then redis.call('PEXPIRE', meta, ttl) end
return removed
