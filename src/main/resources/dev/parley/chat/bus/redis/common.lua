-- Shared by the scripts, which are loaded with this prepended.

-- The time on the Redis server, in epoch milliseconds: one clock for every node.
local function now_millis()
  local now = redis.call('TIME')
  return tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
end

local function entry_time(entry)
  local f = entry[2]
  for i = 1, #f, 2 do if f[i] == 't' then return tonumber(f[i + 1]) end end
  return 0
end

-- Drops the log's entries older than cutoff; entries are in time order, so from the oldest on. Runs at every
-- append: the oldest entry alone tells that nothing is due, which is nearly always (a batch read there cost
-- Redis most of its time per message in the cluster benchmark).
local function trim(log, cutoff)
  local first = redis.call('XRANGE', log, '-', '+', 'COUNT', 1)
  if #first == 0 or entry_time(first[1]) >= cutoff then return end
  while true do
    local oldest = redis.call('XRANGE', log, '-', '+', 'COUNT', 64)
    if #oldest == 0 then return end
    local keep = nil
    for _, entry in ipairs(oldest) do
      if entry_time(entry) >= cutoff then keep = entry[1]; break end
    end
    if keep then
      if keep ~= oldest[1][1] then redis.call('XTRIM', log, 'MINID', keep) end
      return
    end
    local last = oldest[#oldest][1]
    local seq = tonumber(string.match(last, '^(%d+)-'))
    redis.call('XTRIM', log, 'MINID', string.format('%d', seq + 1) .. '-1')
  end
end

-- The stream's epoch, made now if it has none; a stream nobody is in is forgotten once idle for ttl. A
-- new epoch numbers from 1 again, so a log left of an earlier one (its meta evicted, say) goes with it.
local function epoch_of(meta, log, members, new_epoch, ttl)
  if redis.call('HSETNX', meta, 'epoch', new_epoch) == 1 then
    redis.call('HDEL', meta, 'seq', 'base')
    redis.call('DEL', log)
    if redis.call('EXISTS', members) == 0 then redis.call('PEXPIRE', meta, ttl) end
  end
  return redis.call('HGET', meta, 'epoch')
end

local function seq_of(meta)
  return tonumber(redis.call('HGET', meta, 'seq') or '0')
end

-- Drops one claim of a name (see claim.lua); the name goes from the list with its last claim.
local function unclaim(holders, order, tokens, token, name)
  redis.call('HDEL', tokens, token)
  if redis.call('HINCRBY', holders, name, -1) <= 0 then
    redis.call('HDEL', holders, name)
    redis.call('ZREM', order, name)
  end
end
