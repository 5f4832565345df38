/**
 * StateStore.commit in Redis: one Lua script checks every requirement and reserve, then applies
 * every write, or answers the conflicts and writes nothing. A receipt key per token makes a
 * retried commit (or one ioredis sent twice) a no-op that answers "replayed".
 * The plan travels as JSON in ARGV[1] and names keys by their index in KEYS:
 *   { t: token, r: receipt ttl ms,
 *     q: [['absent', kv, owner] | ['equals', kv, json]],
 *     w: [['put', kv, owner, json, ttlMs|''] | ['del', kv, owner] | ['sched', zset, hash, id, dueAt]
 *         | ['append', list, json] | ['reserve', set, member, limit] | ['release', set, member]] }
 */
import { RECEIPT_TTL_SECONDS, type Commit, type CommitResult, type Conflict } from '../commit';
import { encodeValue, ttlMs } from '../values';

export const COMMIT = `
local plan = cjson.decode(ARGV[1])
if redis.call('EXISTS', KEYS[1]) == 1 then return '{"replayed":true}' end
local conflicts = {}
for i, r in ipairs(plan.q) do
  local cur = redis.call('GET', KEYS[r[2]])
  if r[1] == 'absent' then
    if cur and redis.call('GET', KEYS[r[3]]) ~= plan.t then table.insert(conflicts, { i = i, found = cur }) end
  elseif cur ~= r[3] then
    table.insert(conflicts, { i = i, found = cur })
  end
end
for i, w in ipairs(plan.w) do
  if w[1] == 'reserve' and redis.call('SISMEMBER', KEYS[w[2]], w[3]) == 0
      and redis.call('SCARD', KEYS[w[2]]) >= tonumber(w[4]) then
    table.insert(conflicts, { w = i, members = redis.call('SMEMBERS', KEYS[w[2]]) })
  end
end
if #conflicts > 0 then return cjson.encode({ conflicts = conflicts }) end
for _, w in ipairs(plan.w) do
  local op, k = w[1], KEYS[w[2]]
  if op == 'put' and w[5] ~= '' then
    redis.call('SET', k, w[4], 'PX', w[5])
    redis.call('SET', KEYS[w[3]], plan.t, 'PX', w[5])
  elseif op == 'put' then
    redis.call('SET', k, w[4])
    redis.call('SET', KEYS[w[3]], plan.t)
  elseif op == 'del' then redis.call('DEL', k, KEYS[w[3]])
  elseif op == 'sched' then
    redis.call('ZADD', k, w[5], w[4])
    redis.call('HDEL', KEYS[w[3]], w[4])
  elseif op == 'append' then redis.call('RPUSH', k, w[3])
  elseif op == 'reserve' then redis.call('SADD', k, w[3])
  elseif op == 'release' then redis.call('SREM', k, w[3]) end
end
redis.call('SET', KEYS[1], '1', 'PX', plan.r)
return '{"replayed":false}'`;

/** How the store names its Redis keys (RedisStore passes its own). */
export type RedisNames = {
  kv(key: string): string;
  owner(key: string): string;
  queue(queue: string): string;
  leases(queue: string): string;
  list(list: string): string;
  set(set: string): string;
  receipt(token: string): string;
};

/** KEYS and ARGV for the COMMIT script. */
export function commitArgs(c: Commit, token: string, n: RedisNames): string[] {
  const keys = [n.receipt(token)];
  const at = (k: string) => {
    const i = keys.indexOf(k);
    return i >= 0 ? i + 1 : keys.push(k);
  };
  const q = (c.requires ?? []).map((r) =>
    r.kind === 'absent'
      ? ['absent', at(n.kv(r.key)), at(n.owner(r.key))]
      : ['equals', at(n.kv(r.key)), encodeValue(r.key, r.value)],
  );
  const w = c.writes.map((x) => {
    switch (x.kind) {
      case 'put':
        return ['put', at(n.kv(x.key)), at(n.owner(x.key)), encodeValue(x.key, x.value), String(ttlMs(x) ?? '')];
      case 'delete':
        return ['del', at(n.kv(x.key)), at(n.owner(x.key))];
      case 'schedule':
        return ['sched', at(n.queue(x.queue)), at(n.leases(x.queue)), x.id, String(x.dueAt)];
      case 'append':
        return ['append', at(n.list(x.list)), encodeValue(x.list, x.value)];
      case 'reserve':
        return ['reserve', at(n.set(x.set)), x.member, String(x.limit)];
      case 'release':
        return ['release', at(n.set(x.set)), x.member];
      default: {
        const unreachable: never = x;
        return unreachable;
      }
    }
  });
  const plan = JSON.stringify({ t: token, r: String(RECEIPT_TTL_SECONDS * 1000), q, w });
  return [String(keys.length), ...keys, plan];
}

type Reply = {
  replayed?: boolean;
  conflicts?: ({ i: number; found: string | false } | { w: number; members: unknown })[];
};

/** The script's answer as a CommitResult; found values are decoded from their JSON. */
export function commitResult(c: Commit, json: string, decode: (where: string, json: string) => unknown): CommitResult {
  const reply = JSON.parse(json) as Reply;
  if (!reply.conflicts) return { committed: true, replayed: reply.replayed === true };
  const conflicts = reply.conflicts.map((x): Conflict => {
    if ('w' in x) {
      const w = c.writes[x.w - 1] as Extract<Commit['writes'][number], { kind: 'reserve' }>;
      const members = (Array.isArray(x.members) ? (x.members as string[]) : []).sort();
      return { kind: 'full', set: w.set, limit: w.limit, members };
    }
    const r = c.requires![x.i - 1];
    const found = x.found === false ? undefined : decode(r.key, x.found);
    return { kind: r.kind === 'absent' ? 'exists' : 'changed', key: r.key, found };
  });
  return { committed: false, conflicts };
}
