-- What a client that last saw (since epoch, since seq) is owed, read in one step with the stream's
-- position: exactly the messages after it when all are still held, else the latest few. Never partial.
-- KEYS: 1 meta, 2 log, 3 members
-- ARGV: 1 epoch if new, 2 since epoch or "", 3 since seq, 4 latest, 5 ttl ms
-- Returns {epoch, seq, recovered (0|1), entries}.
local meta, log, members = KEYS[1], KEYS[2], KEYS[3]
local ttl = tonumber(ARGV[5])
local epoch = epoch_of(meta, log, members, ARGV[1], ttl)
local last = seq_of(meta)
trim(log, now_millis() - ttl)
local since = tonumber(ARGV[3])
if ARGV[2] == epoch and since <= last then
  local oldest = redis.call('XRANGE', log, '-', '+', 'COUNT', 1)
  local first_held = last + 1
  if #oldest > 0 then first_held = tonumber(string.match(oldest[1][1], '^(%d+)-')) end
  if first_held <= since + 1 then
    return {epoch, last, 1, redis.call('XRANGE', log, string.format('%d', since + 1) .. '-1', '+')}
  end
end
local latest = tonumber(ARGV[4])
local entries = {}
if latest > 0 then
  entries = redis.call('XREVRANGE', log, '+', '-', 'COUNT', latest)
end
return {epoch, last, 0, entries} -- newest first: the caller turns them round
