/**
 * `/api/v1/namespaces/{ns}/{collection}[/{name}]`: the part of OpenWhisk's REST API that `osls
 * deploy|invoke|info|logs|remove`, `wsk` and the `openwhisk` client use. Names may hold a literal
 * slash (`actions/stackmend/notify`); `actions/stackmend/` lists a package's actions.
 * Every body is parsed with zod; a bad one is a 400 that names the field.
 */
import type * as z from 'zod';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EntityStore } from './store';
import type { Invoker } from './invoker';
import type { Containers } from './container';
import { type ActivationLog, newActivationId } from './activations';
import type { EntityRef } from './types';
import { ActionPutSchema, PackagePutSchema, RulePutSchema, RuleStatusSchema, TriggerPutSchema } from './types';
import { WhiskBadRequestError, WhiskNotFoundError, zodIssues } from './errors';
import { type HttpReply, type WhiskRequest, jsonBody, jsonReply } from './http';
import { actionView, activationView, packageView, ruleView, triggerView } from './views';
import { splitPackage } from './names';

export interface RestDeps {
  store: EntityStore;
  invoker: Invoker;
  containers: Containers;
  activations: ActivationLog;
  fire(ref: EntityRef, payload: Record<string, unknown>): { activationId: string };
  /** called after a trigger is deleted (stops its alarm) */
  triggerDeleted(ref: EntityRef): void;
}

interface Call {
  deps: RestDeps;
  req: WhiskRequest;
  ns: string;
  name: string;
  ref: EntityRef;
  q: URLSearchParams;
}
type Handler = (call: Call) => HttpReply | Promise<HttpReply>;

const BLOCKING_WAIT_MS = 60_000;
const READS = new Set(['GET']);

export async function handleRest(deps: RestDeps, req: WhiskRequest, segments: string[]): Promise<HttpReply> {
  const [requestedNs, collection, ...tail] = segments;
  const rest = tail.length === 1 && tail[0] === '' ? [] : tail;
  if (!requestedNs) return jsonReply(200, [deps.store.namespace]);
  const readOnly = READS.has(req.method) || (req.method === 'POST' && collection === 'actions');
  const ns = deps.store.namespaceFor(requestedNs, readOnly ? 'read' : 'write');
  const handler = ROUTES[`${req.method} ${collection}${rest.length ? '/:name' : ''}`];
  if (!handler) throw new WhiskNotFoundError(`${req.method} ${req.url.pathname} (not part of the local runtime's API)`);
  const name = rest.join('/');
  return handler({ deps, req, ns, name, ref: { namespace: ns, name }, q: req.url.searchParams });
}

function parse<T>(schema: z.ZodType<T>, call: Call, what: string): T {
  const parsed = schema.safeParse(jsonBody(call.req));
  if (!parsed.success) throw new WhiskBadRequestError(`${what} body is not valid`, zodIssues(parsed.error));
  return parsed.data;
}

const overwrite = (call: Call) => call.q.get('overwrite') === 'true';
const page = <T>(items: T[], call: Call) => {
  if (call.q.get('count') === 'true') return { count: items.length };
  const skip = Number(call.q.get('skip') ?? 0);
  const limit = Number(call.q.get('limit') ?? 0);
  return limit > 0 ? items.slice(skip, skip + limit) : items.slice(skip);
};

const ROUTES: Record<string, Handler> = {
  'GET actions': (c) =>
    jsonReply(
      200,
      page(
        c.deps.store.actions.list(c.ns).map((a) => actionView(a, false)),
        c,
      ),
    ),
  'GET actions/:name': (c) => {
    if (c.name.endsWith('/')) {
      const pkg = c.deps.store.packages.get({ namespace: c.ns, name: c.name.slice(0, -1) });
      return jsonReply(
        200,
        c.deps.store.actions
          .list(c.ns)
          .filter((a) => splitPackage(a.name).pkg === pkg.name)
          .map((a) => actionView(a, false)),
      );
    }
    return jsonReply(200, actionView(c.deps.store.actions.get(c.ref), c.q.get('code') !== 'false'));
  },
  'PUT actions/:name': (c) => {
    const body = parse(ActionPutSchema, c, `action ${c.name}`);
    c.deps.containers.forget(c.ref);
    return jsonReply(200, actionView(c.deps.store.putAction(c.ref, body, overwrite(c)), false));
  },
  'DELETE actions/:name': (c) => {
    const action = c.deps.store.actions.delete(c.ref);
    c.deps.containers.forget(c.ref);
    return jsonReply(200, actionView(action, false));
  },
  'POST actions/:name': async (c) => {
    const params = jsonBody(c.req);
    if (typeof params !== 'object' || params === null || Array.isArray(params))
      throw new WhiskBadRequestError('invocation parameters must be a JSON object');
    if (c.q.get('blocking') !== 'true')
      return jsonReply(202, { activationId: c.deps.invoker.start(c.ref, params as Record<string, unknown>) });
    const activationId = newActivationId();
    const run = c.deps.invoker.invoke(c.ref, params as Record<string, unknown>, { activationId });
    const record = await Promise.race([run, sleep(BLOCKING_WAIT_MS, undefined, { ref: false })]);
    if (!record) return jsonReply(202, { activationId });
    const status = record.response.success ? 200 : 502;
    return jsonReply(status, c.q.get('result') === 'true' ? record.response.result : record);
  },

  'GET packages': (c) =>
    jsonReply(
      200,
      page(
        c.deps.store.packages.list(c.ns).map((p) => packageView(p)),
        c,
      ),
    ),
  'GET packages/:name': (c) => {
    const pkg = c.deps.store.packages.get(c.ref);
    return jsonReply(
      200,
      packageView(
        pkg,
        c.deps.store.actions.list(c.ns).filter((a) => splitPackage(a.name).pkg === pkg.name),
      ),
    );
  },
  'PUT packages/:name': (c) =>
    jsonReply(
      200,
      packageView(c.deps.store.putPackage(c.ref, parse(PackagePutSchema, c, `package ${c.name}`), overwrite(c))),
    ),
  'DELETE packages/:name': (c) => jsonReply(200, packageView(c.deps.store.deletePackage(c.ref))),

  'GET triggers': (c) =>
    jsonReply(
      200,
      page(
        c.deps.store.triggers.list(c.ns).map((t) => triggerView(t)),
        c,
      ),
    ),
  'GET triggers/:name': (c) =>
    jsonReply(200, triggerView(c.deps.store.triggers.get(c.ref), c.deps.store.rulesFor(c.ref))),
  'PUT triggers/:name': (c) =>
    jsonReply(
      200,
      triggerView(c.deps.store.putTrigger(c.ref, parse(TriggerPutSchema, c, `trigger ${c.name}`), overwrite(c))),
    ),
  'DELETE triggers/:name': (c) => {
    const trigger = c.deps.store.triggers.delete(c.ref);
    c.deps.triggerDeleted(c.ref);
    return jsonReply(200, triggerView(trigger));
  },
  'POST triggers/:name': (c) => {
    const payload = jsonBody(c.req);
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
      throw new WhiskBadRequestError('trigger payload must be a JSON object');
    return jsonReply(202, c.deps.fire(c.ref, payload as Record<string, unknown>));
  },

  'GET rules': (c) => jsonReply(200, page(c.deps.store.rules.list(c.ns).map(ruleView), c)),
  'GET rules/:name': (c) => jsonReply(200, ruleView(c.deps.store.rules.get(c.ref))),
  'PUT rules/:name': (c) =>
    jsonReply(200, ruleView(c.deps.store.putRule(c.ref, parse(RulePutSchema, c, `rule ${c.name}`), overwrite(c)))),
  'POST rules/:name': (c) =>
    jsonReply(
      200,
      ruleView(c.deps.store.setRuleStatus(c.ref, parse(RuleStatusSchema, c, `rule ${c.name} status`).status)),
    ),
  'DELETE rules/:name': (c) => jsonReply(200, ruleView(c.deps.store.rules.delete(c.ref))),

  'GET activations': (c) => {
    const num = (key: string) => (c.q.has(key) ? Number(c.q.get(key)) : undefined);
    const records = c.deps.activations.list({
      name: c.q.get('name') ?? undefined,
      skip: num('skip'),
      limit: num('limit'),
      since: num('since'),
      upto: num('upto'),
    });
    if (c.q.get('count') === 'true') return jsonReply(200, { activations: records.length });
    return jsonReply(
      200,
      records.map((r) => activationView(r, c.q.get('docs') === 'true')),
    );
  },
  'GET activations/:name': (c) => {
    const [id, part] = c.name.split('/');
    const record = c.deps.activations.get(id!);
    if (part === 'result') return jsonReply(200, record.response);
    if (part === 'logs') return jsonReply(200, { logs: record.logs });
    return jsonReply(200, record);
  },
};
