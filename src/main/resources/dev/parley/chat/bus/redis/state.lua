-- Where a stream is, for a node that starts to deliver it or lost its place: its epoch, last seq,
-- membership version and members in order of joining, and the messages after the node's position (those
-- of its epoch, if the position was of another one).
--
-- A log can go back: a replica promoted by Sentinel may lack the last writes of its master. Its seqs would
-- then be numbered again, and a node that delivered the lost ones would take the new ones for duplicates.
-- So a node says where it is and which message it delivered last; if the log lacks that position, or holds
-- another message at that seq, the stream is renumbered under a new epoch, keeping the log: its messages
-- from its base on are delivered under it, and every client that sees the new epoch is told it was not
-- recovered.
-- KEYS: 1 meta, 2 log, 3 members
-- ARGV: 1 epoch if new, 2 position's epoch or "" (no messages wanted), 3 position's seq, 4 ttl ms,
--       5 seq of the last message delivered at that position (0: none), 6 its time ms
-- Returns {epoch, seq, version, members, entries, base, newest entry's seq (0: none), its time ms}: the
-- newest entry is what a node that delivered no message yet compares next time.
local meta, log, members = KEYS[1], KEYS[2], KEYS[3]
local ttl = tonumber(ARGV[4])
local epoch = epoch_of(meta, log, members, ARGV[1], ttl)
local position, delivered = tonumber(ARGV[3]), tonumber(ARGV[5])

local function went_back()
  if seq_of(meta) < position then return true end
  if delivered == 0 then return false end
  local at = redis.call('XRANGE', log, string.format('%d', delivered) .. '-1', string.format('%d', delivered) .. '-1')
  return #at > 0 and entry_time(at[1]) ~= tonumber(ARGV[6]) -- gone with age: nothing to compare
end

-- Where the renumbered stream starts: after the newest entry no later than the node's last message, so that
-- what the promoted replica took after the failover is delivered under the new epoch. (Its clock and the old
-- master's must agree to within the failover's time.)
local function agreed()
  if delivered == 0 then return seq_of(meta) end
  local before, oldest = '+', nil
  while true do
    local batch = redis.call('XREVRANGE', log, before, '-', 'COUNT', 64)
    if #batch == 0 then
      if oldest then return oldest - 1 end
      return seq_of(meta)
    end
    for _, entry in ipairs(batch) do
      local seq = tonumber(string.match(entry[1], '^(%d+)-'))
      if entry_time(entry) <= tonumber(ARGV[6]) then return seq end
      oldest = seq
    end
    before = '(' .. batch[#batch][1]
  end
end

if ARGV[2] == epoch and went_back() then
  redis.call('HSET', meta, 'epoch', ARGV[1], 'base', agreed())
  epoch = ARGV[1]
end
trim(log, now_millis() - ttl)
local base = tonumber(redis.call('HGET', meta, 'base') or '0')
local entries = {}
if ARGV[2] == epoch then
  entries = redis.call('XRANGE', log, string.format('%d', position + 1) .. '-1', '+')
elseif ARGV[2] ~= '' then
  entries = redis.call('XRANGE', log, string.format('%d', base + 1) .. '-1', '+')
end
local version = tonumber(redis.call('HGET', meta, 'mv') or '0')
local newest = redis.call('XREVRANGE', log, '+', '-', 'COUNT', 1)
local newest_seq, newest_time = 0, 0
if #newest > 0 then
  newest_seq = tonumber(string.match(newest[1][1], '^(%d+)-'))
  newest_time = entry_time(newest[1])
end
return {epoch, seq_of(meta), version, redis.call('ZRANGE', members, 0, -1), entries, base, newest_seq, newest_time}
