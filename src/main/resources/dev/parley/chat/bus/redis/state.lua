-- Where a stream is, for a node that starts to deliver it or lost its place: its epoch, last seq,
-- membership version and members in order of joining, and the messages after the node's position (all
-- that the log holds, if the position was of another epoch).
-- KEYS: 1 meta, 2 log, 3 members
-- ARGV: 1 epoch if new, 2 position's epoch or "" (no messages wanted), 3 position's seq, 4 ttl ms
-- Returns {epoch, seq, version, members, entries}.
local meta, log, members = KEYS[1], KEYS[2], KEYS[3]
local ttl = tonumber(ARGV[4])
local epoch = epoch_of(meta, log, members, ARGV[1], ttl)
trim(log, now_millis() - ttl)
local entries = {}
if ARGV[2] == epoch then
  entries = redis.call('XRANGE', log, string.format('%d', tonumber(ARGV[3]) + 1) .. '-1', '+')
elseif ARGV[2] ~= '' then
  entries = redis.call('XRANGE', log, '-', '+')
end
local version = tonumber(redis.call('HGET', meta, 'mv') or '0')
return {epoch, seq_of(meta), version, redis.call('ZRANGE', members, 0, -1), entries}
