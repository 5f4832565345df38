/**
 * Lua run inside Redis, so each step is atomic however many functions call at once.
 * Registered with defineCommand: ioredis sends EVALSHA and falls back to EVAL when needed.
 */
import type Redis from 'ioredis';

/** Remove and return up to ARGV[2] members with score <= ARGV[1], soonest first. */
const TAKE_DUE = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, id in ipairs(ids) do redis.call('ZREM', KEYS[1], id) end
return ids`;

/**
 * Compare-and-set: write ARGV[3] only if the key still holds what we read
 * (ARGV[1] = '1' and value ARGV[2], or ARGV[1] = '0' and no value). ARGV[4] is a TTL in ms,
 * or '' to keep the current one. 1 = written, 0 = someone changed it first.
 */
const COMPARE_AND_SET = `
local cur = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
  if cur ~= ARGV[2] then return 0 end
elseif cur then
  return 0
end
if ARGV[4] ~= '' then
  redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
else
  redis.call('SET', KEYS[1], ARGV[3], 'KEEPTTL')
end
return 1`;

export type ScriptedRedis = Redis & {
  stackmendTakeDue(queueKey: string, now: number, limit: number): Promise<string[]>;
  stackmendCompareAndSet(key: string, had: '0' | '1', expected: string, next: string, ttlMs: string): Promise<number>;
};

export function withScripts(client: Redis): ScriptedRedis {
  client.defineCommand('stackmendTakeDue', { numberOfKeys: 1, lua: TAKE_DUE });
  client.defineCommand('stackmendCompareAndSet', { numberOfKeys: 1, lua: COMPARE_AND_SET });
  return client as ScriptedRedis;
}
