-- stackmend lab: zaqar/storage/redis/scripts/claim_messages.lua (missing from Debian's python3-zaqar
-- 15.0.0, see index_messages.lua).
--
-- Contract (zaqar.storage.redis.claims.ClaimController._claim_messages):
--   KEYS[1] = <project>.<queue>.messages (sorted set of message ids in post order)
--   ARGV    = now, limit, claim_id, claim_expires, msg_ttl, msg_expires
-- Returns the ids of up to `limit` messages it claimed, oldest first. A message can be claimed when
-- its hash still exists, it has no claim or its claim has expired, and its delay is over. A claimed
-- message gets claim id 'c' and claim expiry 'c.e'; if it would expire before the claim (+ grace),
-- its ttl 't' and expiry 'e' (and the key's TTL) are extended to msg_ttl/msg_expires. Ids whose hash
-- has expired are removed from the set on the way.
local set = KEYS[1]
local now = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local claim_id = ARGV[3]
local claim_expires = tonumber(ARGV[4])
local msg_ttl = tonumber(ARGV[5])
local msg_expires = tonumber(ARGV[6])

local claimed, expired = {}, {}
local offset, batch = 0, 100
while #claimed < limit do
  local ids = redis.call('ZRANGE', set, offset, offset + batch - 1)
  if #ids == 0 then break end
  offset = offset + batch
  for _, id in ipairs(ids) do
    -- c = claim id, c.e = claim expiry, e = message expiry, d = delay expiry
    local f = redis.call('HMGET', id, 'c', 'c.e', 'e', 'd')
    if not f[3] then
      expired[#expired + 1] = id
    else
      local unclaimed = (not f[1]) or f[1] == '' or (tonumber(f[2]) or 0) <= now
      local ready = (tonumber(f[4]) or 0) <= now
      if unclaimed and ready then
        redis.call('HSET', id, 'c', claim_id, 'c.e', claim_expires)
        if tonumber(f[3]) < claim_expires then
          redis.call('HSET', id, 't', msg_ttl, 'e', msg_expires)
          redis.call('EXPIRE', id, msg_ttl)
        end
        claimed[#claimed + 1] = id
        if #claimed == limit then break end
      end
    end
  end
end
if #expired > 0 then
  redis.call('ZREM', set, unpack(expired))
end
return claimed
