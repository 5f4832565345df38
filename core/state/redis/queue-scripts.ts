/**
 * The due queue in Redis: a sorted set <prefix>queue:<q> scored by when each item is next
 * available (its due time, or the end of its lease), and a hash <prefix>lease:<q> holding
 * "attempts|dueAt|token" for items leased since they were last scheduled. The rules are those
 * of core/state/leases.ts. KEYS[1] = the sorted set, KEYS[2] = the hash, always.
 */
const META = `
local function meta(id)
  local m = redis.call('HGET', KEYS[2], id)
  if not m then return nil end
  local attempts, due, token = string.match(m, '^(%d+)|([^|]*)|(.*)$')
  return { attempts = tonumber(attempts), due = due, token = token }
end`;

/** ARGV: id, dueAt. Upsert; ends any lease and resets attempts. */
const SCHEDULE = `
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return 1`;

/** ARGV: now, limit, leaseMs, token prefix. Returns flat [id, dueAt, attempts, token, until, ...]. */
const LEASE = `${META}
local ends = tonumber(ARGV[1]) + tonumber(ARGV[3])
local got = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for i = 1, #got, 2 do
  local id = got[i]
  local m = meta(id)
  local attempts = (m and m.attempts or 0) + 1
  local due = m and m.due or got[i + 1]
  local token = ARGV[4] .. '.' .. ((i + 1) / 2)
  redis.call('ZADD', KEYS[1], ends, id)
  redis.call('HSET', KEYS[2], id, attempts .. '|' .. due .. '|' .. token)
  for _, v in ipairs({ id, due, tostring(attempts), token, tostring(ends) }) do table.insert(out, v) end
end
return out`;

/** ARGV: id, token. 1 = removed; 0 = that lease is gone, nothing changed. */
const ACK = `${META}
local m = meta(ARGV[1])
if not m or m.token == '' or m.token ~= ARGV[2] then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return 1`;

/** ARGV: id, token, dueAt. 1 = back in the queue, attempts kept; 0 = that lease is gone. */
const RETRY = `${META}
local m = meta(ARGV[1])
if not m or m.token == '' or m.token ~= ARGV[2] then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], m.attempts .. '|' .. ARGV[3] .. '|')
return 1`;

/** ARGV: now, limit. Remove and return up to limit available ids, soonest first. */
const TAKE_DUE = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[1], id)
  redis.call('HDEL', KEYS[2], id)
end
return ids`;

export const QUEUE_SCRIPTS = {
  stackmendSchedule: SCHEDULE,
  stackmendLease: LEASE,
  stackmendAck: ACK,
  stackmendRetry: RETRY,
  stackmendTakeDue: TAKE_DUE,
} as const;

export type QueueCommands = {
  stackmendSchedule(queue: string, leases: string, id: string, dueAt: number): Promise<number>;
  stackmendLease(
    queue: string,
    leases: string,
    now: number,
    limit: number,
    ms: number,
    token: string,
  ): Promise<string[]>;
  stackmendAck(queue: string, leases: string, id: string, token: string): Promise<number>;
  stackmendRetry(queue: string, leases: string, id: string, token: string, dueAt: number): Promise<number>;
  stackmendTakeDue(queue: string, leases: string, now: number, limit: number): Promise<string[]>;
};
