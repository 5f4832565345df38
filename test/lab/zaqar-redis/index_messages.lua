-- stackmend lab: zaqar/storage/redis/scripts/index_messages.lua
-- Debian's python3-zaqar 15.0.0 (bookworm) ships the Redis driver without its Lua scripts, so every
-- message POST fails with 503. lab.sh installs this file into the package's scripts/ folder.
--
-- Contract (zaqar.storage.redis.messages.MessageController._index_messages):
--   KEYS[1] = <project>.<queue>.messages      sorted set of message ids, score = rank (post order)
--   KEYS[2] = <project>.<queue>.rank_counter  next rank to hand out
--   ARGV[1] = number of ids; ARGV[2..n+1] = the new message ids, in the order they were posted
-- Ranks are taken atomically (the script runs alone), so concurrent posts never interleave a batch.
local count = tonumber(ARGV[1])
local first = redis.call('INCRBY', KEYS[2], count) - count
for i = 1, count do
  redis.call('ZADD', KEYS[1], first + i - 1, ARGV[i + 1])
end
return first + count
