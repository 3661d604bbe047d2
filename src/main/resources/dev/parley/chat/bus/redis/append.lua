-- Stores one message in a stream, in one atomic step: the cid check, the stream's next seq (and its epoch,
-- if it has none), the append bounded by count and age, the publication, and the cid's result.
-- KEYS: 1 meta (hash: epoch, seq), 2 log (stream; entry id "<seq>-1"), 3 members (zset), 4 cid (string; any key of the stream when no cid)
-- ARGV: 1 epoch if new, 2 size, 3 ttl ms, 4 dedupe ms, 5 channel, 6 from, 7 text, 8 to or "", 9 cid or ""
-- Returns {epoch, seq, dup (0|1)}.
local meta, log, members, cidkey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
if ARGV[9] ~= '' then
  local first = redis.call('GET', cidkey)
  if first then
    local epoch, seq = string.match(first, '^(.*) (%d+)$')
    return {epoch, tonumber(seq), 1}
  end
end
local ttl = tonumber(ARGV[3])
local epoch = epoch_of(meta, log, members, ARGV[1], ttl)
local seq = redis.call('HINCRBY', meta, 'seq', 1)
local millis = now_millis()
local fields = {'t', string.format('%d', millis), 'f', ARGV[6], 'x', ARGV[7]}
if ARGV[8] ~= '' then table.insert(fields, 'o'); table.insert(fields, ARGV[8]) end
if ARGV[9] ~= '' then table.insert(fields, 'c'); table.insert(fields, ARGV[9]) end
redis.call('XADD', log, 'MAXLEN', ARGV[2], string.format('%d', seq) .. '-1', unpack(fields))
trim(log, millis - ttl)
redis.call('PEXPIRE', log, ttl) -- the whole log goes once idle that long
if redis.call('EXISTS', members) == 0 then redis.call('PEXPIRE', meta, ttl) end
local event = {k = 'm', e = epoch, s = seq, t = millis, f = ARGV[6], x = ARGV[7]}
if ARGV[8] ~= '' then event.o = ARGV[8] end
if ARGV[9] ~= '' then event.c = ARGV[9] end
redis.call('SPUBLISH', ARGV[5], cjson.encode(event))
if ARGV[9] ~= '' and tonumber(ARGV[4]) > 0 then
  redis.call('SET', cidkey, epoch .. ' ' .. string.format('%d', seq), 'PX', ARGV[4])
end
return {epoch, seq, 0}
