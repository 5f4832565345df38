/**
 * Actions run in containers, as on OpenWhisk: a process per container speaking /init and /run,
 * one activation at a time per container, a pool per action up to its concurrency, warm reuse,
 * destruction on timeout or crash, OpenWhisk's __OW_* environment, logs cut per activation.
 */
import { ActivationStatus } from '../../../local/whisk';
import { ActionContainer } from '../../../local/whisk/container/container';
import { makeZip, processAlive, startHarness, type Harness } from './support';

let h: Harness;
afterEach(() => h?.whisk.close());

/** Waits `ms`, then answers what this container saw: its pid and the activation id before and after. */
const SLOW_ECHO = `async function main(p) {
  const t0 = Date.now();
  const before = process.env.__OW_ACTIVATION_ID;
  console.log('start', before);
  await new Promise((r) => setTimeout(r, p.ms || 300));
  console.log('end', process.env.__OW_ACTIVATION_ID);
  return { pid: process.pid, before, after: process.env.__OW_ACTIVATION_ID, from: t0, to: Date.now() };
}`;

describe('containers', () => {
  it('runs two simultaneous activations of one action in two containers, never interleaved', async () => {
    h = await startHarness();
    await h.ow.actions.create({ name: 'echo', action: SLOW_ECHO, kind: 'nodejs:20' });

    const [a, b] = await Promise.all([h.whisk.invoke('echo', {}), h.whisk.invoke('echo', {})]);

    const [ra, rb] = [a.response.result, b.response.result] as { pid: number; before: string; after: string }[];
    expect(ra.pid).not.toBe(rb.pid);
    expect(ra).toMatchObject({ before: a.activationId, after: a.activationId });
    expect(rb).toMatchObject({ before: b.activationId, after: b.activationId });
    expect(a.logs).toEqual([
      expect.stringContaining(`stdout: start ${a.activationId}`),
      expect.stringContaining(`stdout: end ${a.activationId}`),
    ]);
    expect(b.logs).toEqual([
      expect.stringContaining(`stdout: start ${b.activationId}`),
      expect.stringContaining(`stdout: end ${b.activationId}`),
    ]);
  });

  it('grows the pool only to its concurrency: more activations wait for a container', async () => {
    h = await startHarness({ containerConcurrency: 2 });
    await h.ow.actions.create({ name: 'echo', action: SLOW_ECHO, kind: 'nodejs:20' });

    const records = await Promise.all([1, 2, 3, 4].map(() => h.whisk.invoke('echo', { ms: 200 })));

    const byPid = new Map<number, { from: number; to: number }[]>();
    for (const r of records) {
      const { pid, from, to } = r.response.result as { pid: number; from: number; to: number };
      byPid.set(pid, [...(byPid.get(pid) ?? []), { from, to }]);
      expect(r.response.success).toBe(true);
    }
    expect(byPid.size).toBe(2);
    for (const runs of byPid.values()) {
      const [first, second] = runs.sort((x, y) => x.from - y.from);
      expect(second!.from).toBeGreaterThanOrEqual(first!.to); // one at a time
    }
  });

  it('reuses a warm container: initialized once, the next activation has no initTime', async () => {
    h = await startHarness();
    await h.ow.actions.create({ name: 'echo', action: SLOW_ECHO, kind: 'nodejs:20' });

    const cold = await h.whisk.invoke('echo', { ms: 1 });
    const warm = await h.whisk.invoke('echo', { ms: 1 });

    expect((warm.response.result as { pid: number }).pid).toBe((cold.response.result as { pid: number }).pid);
    expect(cold.annotations.map((a) => a.key)).toContain('initTime');
    expect(warm.annotations.map((a) => a.key)).not.toContain('initTime');
  });

  it('destroys a container whose activation overran its limit: the process is gone', async () => {
    h = await startHarness();
    const code = `async function main() { console.log('pid', process.pid); await new Promise(() => setInterval(() => {}, 1000)); }`;
    await h.ow.actions.create({ name: 'hang', action: code, kind: 'nodejs:20', limits: { timeout: 500 } });

    const record = await h.whisk.invoke('hang', {});

    expect(record.response).toMatchObject({
      ...ActivationStatus.developerError,
      result: { error: 'The action exceeded its time limits of 500 milliseconds.' },
    });
    expect(record.annotations).toContainEqual({ key: 'timeout', value: true });
    const pid = Number(/pid (\d+)/.exec(record.logs.join('\n'))?.[1]);
    expect(pid).toBeGreaterThan(0);
    expect(processAlive(pid)).toBe(false);
  });

  it('replaces a container whose process exited in the middle of an activation', async () => {
    h = await startHarness();
    await h.ow.actions.create({
      name: 'crash',
      action: 'function main(p) { if (p.exit) process.exit(3); return { pid: process.pid }; }',
      kind: 'nodejs:20',
    });

    const first = await h.whisk.invoke('crash', {});
    const crashed = await h.whisk.invoke('crash', { exit: true });
    const after = await h.whisk.invoke('crash', {});

    expect(crashed.response).toMatchObject({
      ...ActivationStatus.developerError,
      result: { error: 'The action did not produce a valid response and exited unexpectedly.' },
    });
    const pids = [first, after].map((r) => (r.response.result as { pid: number }).pid);
    expect(pids[1]).not.toBe(pids[0]);
    expect(processAlive(pids[0]!)).toBe(false);
  });

  it('sets the __OW_ environment as OpenWhisk does; the key only with provide-api-key', async () => {
    h = await startHarness();
    const code = `function main() { const e = process.env; return { host: e.__OW_API_HOST, key: e.__OW_API_KEY ?? null,
      version: e.__OW_ACTION_VERSION, tid: e.__OW_TRANSACTION_ID, ns: e.__OW_NAMESPACE, home: e.HOME, path: !!e.PATH,
      inherited: Object.keys(e).filter((k) => !k.startsWith('__OW_') && !['PATH', 'HOME', 'TMPDIR'].includes(k)) }; }`;
    await h.ow.actions.create({ name: 'plain', action: code, kind: 'nodejs:20' });
    await h.ow.actions.create({
      name: 'keyed',
      action: code,
      kind: 'nodejs:20',
      annotations: { 'provide-api-key': true },
    });

    const [plain, keyed] = await Promise.all([h.whisk.invoke('plain', {}), h.whisk.invoke('keyed', {})]);

    expect(plain.response.result).toMatchObject({
      host: h.whisk.url,
      key: null,
      version: '0.0.1',
      tid: expect.stringMatching(/^\w{32}$/),
      ns: 'guest',
      inherited: [],
    });
    expect(keyed.response.result).toMatchObject({ host: h.whisk.url, key: h.whisk.auth });
    const annotations = await h.ow.actions.get({ name: 'plain' }).then((a) => a.annotations);
    expect(annotations).toContainEqual({ key: 'provide-api-key', value: false });
  });
});

describe('the action proxy of a container', () => {
  let container: ActionContainer;
  afterEach(() => container?.destroy());
  const init = (value: Record<string, unknown>) => container.post('/init', { value }, 5000);

  it('unpacks a zip into a directory of its own, works there, and takes exactly one /init', async () => {
    container = await ActionContainer.start('http://127.0.0.1:1');
    const zip = makeZip({
      'package.json': '{"main":"lib/action.js"}',
      'lib/action.js':
        'exports.main = () => ({ cwd: process.cwd(), data: require("fs").readFileSync("data.txt", "utf8") });',
      'data.txt': 'next to package.json',
    });

    const first = await init({ name: 'z', main: 'main', code: zip.toString('base64'), binary: true });
    const again = await init({ name: 'z', main: 'main', code: zip.toString('base64'), binary: true });
    const run = await container.post('/run', { value: {}, activation_id: 'a1' }, 5000);

    expect(first).toEqual({ kind: 'answered', code: 200, body: { OK: true } });
    expect(again).toEqual({
      kind: 'answered',
      code: 403,
      body: { error: 'Cannot initialize the action more than once.' },
    });
    expect(run).toMatchObject({ kind: 'answered', code: 200, body: { data: 'next to package.json' } });
    const { cwd } = (run as { body: { cwd: string } }).body;
    expect(cwd).toMatch(/action-\w+$/);
  });

  it('answers an overlapping /run with 403 while an activation runs', async () => {
    container = await ActionContainer.start('http://127.0.0.1:1');
    await init({
      name: 's',
      main: 'main',
      code: 'function main() { return new Promise((r) => setTimeout(() => r({ done: true }), 300)); }',
    });

    const [one, two] = await Promise.all([
      container.post('/run', { value: {} }, 5000),
      new Promise((r) => setTimeout(r, 50)).then(() => container.post('/run', { value: {} }, 5000)),
    ]);

    expect(one).toMatchObject({ code: 200, body: { done: true } });
    expect(two).toEqual({ kind: 'answered', code: 403, body: { error: 'System not ready, status is running.' } });
  });

  it('refuses a zip without package.json or index.js, as the real /init does', async () => {
    container = await ActionContainer.start('http://127.0.0.1:1');

    const answer = await init({
      name: 'e',
      main: 'main',
      code: makeZip({ 'README.md': 'x' }).toString('base64'),
      binary: true,
    });

    expect(answer).toMatchObject({
      code: 502,
      body: {
        error: expect.stringMatching(
          /^Initialization has failed due to: .*must contain either package.json or index.js/,
        ),
      },
    });
  });
});
