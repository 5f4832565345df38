/**
 * The REST API a deploy uses, driven through the real `openwhisk` client and plain fetch
 * against a real server on an ephemeral port.
 */
import { makeZip, startHarness, type Harness } from './support';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.whisk.close());

const zipCode = (source: string) =>
  makeZip({ 'package.json': JSON.stringify({ main: 'dist/greet/index.js' }), 'dist/greet/index.js': source }).toString(
    'base64',
  );

describe('the local runtime REST API', () => {
  it('deploys plain code and answers a blocking invoke with the activation record', async () => {
    await h.ow.actions.create({
      name: 'hello',
      action: 'function main(p) { return { greeting: `hello ${p.name}` }; }',
      kind: 'nodejs:20',
    });

    const record = await h.ow.actions.invoke({ name: 'hello', blocking: true, params: { name: 'ops' } });

    expect(record).toMatchObject({
      name: 'hello',
      namespace: 'guest',
      response: { status: 'success', success: true, result: { greeting: 'hello ops' } },
    });
    expect(record.activationId).toMatch(/^[0-9a-f]{32}$/);
    expect(record.duration).toBeGreaterThanOrEqual(0);
  });

  it('deploys a zip the way osls sends it (base64, no binary flag) inside a package', async () => {
    await h.call('/api/v1/namespaces/guest/packages/demo?overwrite=true', {
      method: 'PUT',
      auth: true,
      body: JSON.stringify({}),
    });
    const put = await h.call('/api/v1/namespaces/guest/actions/demo/greet?overwrite=true', {
      method: 'PUT',
      auth: true,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        exec: {
          kind: 'nodejs:20',
          main: 'main',
          code: zipCode('exports.main = (p) => ({ via: "zip", name: p.name });'),
        },
        limits: { timeout: 5000 },
      }),
    });
    expect(put.status).toBe(200);

    const result = await h.ow.actions.invoke({
      name: 'demo/greet',
      blocking: true,
      result: true,
      params: { name: 'x' },
    });

    expect(result).toEqual({ via: 'zip', name: 'x' });
    const [listed] = await h.ow.actions.list();
    expect(listed).toMatchObject({ name: 'greet', namespace: 'guest/demo', exec: { binary: true } });
  });

  it('merges package < action < invocation parameters', async () => {
    await h.ow.packages.create({
      name: 'cfg',
      package: {
        parameters: [
          { key: 'region', value: 'pkg' },
          { key: 'tier', value: 'pkg' },
          { key: 'who', value: 'pkg' },
        ],
      },
    });
    await h.ow.actions.create({
      name: 'cfg/show',
      action: 'function main(p) { return p; }',
      kind: 'nodejs:20',
      params: { tier: 'action', who: 'action' },
    });

    const result = await h.ow.actions.invoke({
      name: 'cfg/show',
      blocking: true,
      result: true,
      params: { who: 'caller' },
    });

    expect(result).toEqual({ region: 'pkg', tier: 'action', who: 'caller' });
  });

  it('loads fresh code when an action is redeployed', async () => {
    await h.ow.actions.create({ name: 'v', action: 'exports.main = () => ({ version: 1 })', kind: 'nodejs:20' });
    await h.ow.actions.invoke({ name: 'v', blocking: true });
    await h.ow.actions.update({ name: 'v', action: 'exports.main = () => ({ version: 2 })', kind: 'nodejs:20' });

    expect(await h.ow.actions.invoke({ name: 'v', blocking: true, result: true })).toEqual({ version: 2 });
  });

  it('answers 401 without the namespace auth and 403 for another namespace', async () => {
    expect((await h.call('/api/v1/namespaces/guest/actions')).status).toBe(401);
    const wrong = await h.call('/api/v1/namespaces/guest/actions', {
      headers: { authorization: `Basic ${Buffer.from('nobody:nothing').toString('base64')}` },
    });
    expect(wrong.status).toBe(401);
    expect((await h.call('/api/v1/namespaces/someone-else/actions', { auth: true })).status).toBe(403);
  });

  it('refuses to replace an entity without overwrite, and names collisions across kinds', async () => {
    await h.ow.triggers.create({ name: 'thing' });

    const again = await h.call('/api/v1/namespaces/guest/triggers/thing', { method: 'PUT', auth: true, body: '{}' });
    const asRule = await h.call('/api/v1/namespaces/guest/rules/thing?overwrite=true', {
      method: 'PUT',
      auth: true,
      body: JSON.stringify({ trigger: 'thing', action: 'x' }),
    });

    expect(again.status).toBe(409);
    expect(asRule.status).toBe(409);
    expect((await asRule.json()).error).toMatch(/already exists as a trigger/);
  });

  it('rejects an invalid action body with the field at fault', async () => {
    const res = await h.call('/api/v1/namespaces/guest/actions/bad?overwrite=true', {
      method: 'PUT',
      auth: true,
      body: JSON.stringify({ exec: { kind: 'python:3', code: 'def main(a): return a' } }),
    });

    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(/exec.*only nodejs/);
  });

  it('returns 202 with an activation id for a non-blocking invoke, and lists activations newest first', async () => {
    await h.ow.actions.create({
      name: 'quick',
      action: 'function main() { console.log("ran"); return {}; }',
      kind: 'nodejs:20',
    });

    const { activationId } = await h.ow.actions.invoke({ name: 'quick' });
    await h.whisk.settled();

    const record = await h.ow.activations.get(activationId);
    expect(record.logs).toEqual([expect.stringMatching(/ stdout: ran$/)]);
    const listed = await h.call('/api/v1/namespaces/_/activations?limit=100&docs=true', { auth: true });
    expect((await listed.json())[0].activationId).toBe(activationId);
  });

  it('deletes actions and packages, and a package only once it is empty', async () => {
    await h.ow.packages.create({ name: 'p' });
    await h.ow.actions.create({ name: 'p/a', action: 'function main() { return {}; }', kind: 'nodejs:20' });

    const early = await h.call('/api/v1/namespaces/guest/packages/p', { method: 'DELETE', auth: true });
    await h.ow.actions.delete({ name: 'p/a' });
    await h.ow.packages.delete({ name: 'p' });

    expect(early.status).toBe(409);
    expect(await h.ow.actions.list()).toEqual([]);
    expect(await h.ow.packages.list()).toEqual([]);
    expect((await h.call('/api/v1/namespaces/guest/actions/p/a', { auth: true })).status).toBe(404);
  });
});
