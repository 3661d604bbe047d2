-- A page of history just before a seq, with the epoch it is numbered under.
-- KEYS: 1 meta, 2 log, 3 members
-- ARGV: 1 epoch if new, 2 before seq, 3 count, 4 ttl ms
-- Returns {epoch, entries newest first}.
local meta, log, members = KEYS[1], KEYS[2], KEYS[3]
local ttl = tonumber(ARGV[4])
local epoch = epoch_of(meta, log, members, ARGV[1], ttl)
trim(log, now_millis() - ttl)
local before = math.min(tonumber(ARGV[2]), seq_of(meta) + 1)
if before <= 1 then return {epoch, {}} end
return {epoch, redis.call('XREVRANGE', log, string.format('%d', before - 1) .. '-1', '-', 'COUNT', ARGV[3])}
