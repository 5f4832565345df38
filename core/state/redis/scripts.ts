/**
 * Lua run inside Redis, so each step is atomic however many functions call at once.
 * Registered with defineCommand: ioredis sends EVALSHA and falls back to EVAL when needed.
 * A key's owner (see StateStore.putIfAbsent) lives next to it under <prefix>owner:<key>.
 */
import type Redis from 'ioredis';
import { COMMIT } from './commit';
import { QUEUE_SCRIPTS, type QueueCommands } from './queue-scripts';

/** Create KEYS[1] (owner KEYS[2] = ARGV[2]) unless it exists; 1 also when it exists with that owner. */
const PUT_IF_ABSENT = `
if redis.call('GET', KEYS[1]) then
  if redis.call('GET', KEYS[2]) == ARGV[2] then return 1 end
  return 0
end
if ARGV[3] ~= '' then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
  redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
else
  redis.call('SET', KEYS[1], ARGV[1])
  redis.call('SET', KEYS[2], ARGV[2])
end
return 1`;

/**
 * Compare-and-set: write ARGV[3] only if the key still holds what we read
 * (ARGV[1] = '1' and value ARGV[2], or ARGV[1] = '0' and no value). ARGV[4] is a TTL in ms,
 * or '' to keep the current one (the owner key KEYS[2] follows it). 1 = written, 0 = someone changed it first.
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
  redis.call('PEXPIRE', KEYS[2], ARGV[4])
else
  redis.call('SET', KEYS[1], ARGV[3], 'KEEPTTL')
end
return 1`;

export type ScriptedRedis = Redis &
  QueueCommands & {
    stackmendPutIfAbsent(key: string, ownerKey: string, json: string, owner: string, ttlMs: string): Promise<number>;
    stackmendCompareAndSet(
      key: string,
      ownerKey: string,
      had: '0' | '1',
      expected: string,
      next: string,
      ttlMs: string,
    ): Promise<number>;
    /** KEYS: receipt first, then every key the plan refers to by index; returns JSON (redis/commit.ts). */
    stackmendCommit(numKeys: number, ...keysThenPlan: string[]): Promise<string>;
  };

export function withScripts(client: Redis): ScriptedRedis {
  client.defineCommand('stackmendPutIfAbsent', { numberOfKeys: 2, lua: PUT_IF_ABSENT });
  client.defineCommand('stackmendCompareAndSet', { numberOfKeys: 2, lua: COMPARE_AND_SET });
  client.defineCommand('stackmendCommit', { lua: COMMIT });
  for (const [name, lua] of Object.entries(QUEUE_SCRIPTS)) client.defineCommand(name, { numberOfKeys: 2, lua });
  return client as ScriptedRedis;
}
