-- Forgets a stream and its history if it is still of the epoch given: a node drops only what it heard,
-- never a stream started afresh since (by another node, should this drop come late).
-- KEYS: 1 meta, 2 log
-- ARGV: 1 epoch
-- Returns 1 if dropped.
if redis.call('HGET', KEYS[1], 'epoch') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1], KEYS[2])
return 1
