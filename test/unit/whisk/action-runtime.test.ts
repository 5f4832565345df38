/** How actions run: OpenWhisk's Node runtime outcomes, time limits, logs and environment. */
import { ActivationStatus } from '../../../local/whisk';
import { makeZip, startHarness, type Harness } from './support';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.whisk.close());

async function deploy(name: string, code: string, limits?: { timeout: number }) {
  await h.ow.actions.create({ name, action: code, kind: 'nodejs:20', ...(limits ? { limits } : {}) });
}

describe('running actions', () => {
  it('stops waiting at limits.timeout and records an action developer error', async () => {
    // the init must end within the limit: at 150 ms, a machine at load 30 timed out in the init instead
    await deploy('slow', 'function main() { return new Promise((r) => setTimeout(() => r({ late: true }), 6000)); }', {
      timeout: 1500,
    });

    const record = await h.whisk.invoke('slow', {});

    expect(record.response).toMatchObject({
      ...ActivationStatus.developerError,
      success: false,
      result: { error: 'The action exceeded its time limits of 1500 milliseconds.' },
    });
  });

  it.each([
    [
      'a synchronous throw',
      'function main() { throw new Error("boom"); }',
      ActivationStatus.developerError,
      { error: 'An error has occurred: Error: boom' },
    ],
    [
      'a rejected promise',
      'async function main() { throw new TypeError("bad input"); }',
      ActivationStatus.applicationError,
      { error: expect.objectContaining({ name: 'TypeError', message: 'bad input' }) },
    ],
    [
      'a returned error field',
      'function main() { return { error: "not managed" }; }',
      ActivationStatus.applicationError,
      { error: 'not managed' },
    ],
    [
      'a non-dictionary',
      'function main() { return 42; }',
      ActivationStatus.developerError,
      { error: 'The action did not return a dictionary.' },
    ],
    ['no return value', 'function main() {}', ActivationStatus.success, {}],
  ])('maps %s the way the OpenWhisk Node runtime does', async (_what, code, outcome, result) => {
    await deploy('a', code);

    const record = await h.whisk.invoke('a', {});

    expect(record.response).toMatchObject({ status: outcome.status, statusCode: outcome.statusCode, result });
  });

  it('captures console output into the activation logs and sets the __OW_ variables', async () => {
    await deploy(
      'env',
      'function main() { console.log("to", "stdout"); console.error("to stderr"); return { name: process.env.__OW_ACTION_NAME, id: process.env.__OW_ACTIVATION_ID, deadline: Number(process.env.__OW_DEADLINE) }; }',
    );

    const record = await h.whisk.invoke('env', {});

    expect(record.logs).toEqual([
      expect.stringMatching(/Z stdout: to stdout$/),
      expect.stringMatching(/Z stderr: to stderr$/),
    ]);
    expect(record.response.result).toEqual({
      name: '/guest/env',
      id: record.activationId,
      deadline: expect.any(Number),
    });
    const { deadline } = record.response.result as { deadline: number };
    expect(deadline).toBeGreaterThanOrEqual(record.start + 60_000); // set when /run was sent
    expect(deadline).toBeLessThanOrEqual(record.end + 60_000);
  });

  it('reports a zip without package.json or index.js as an initialization failure', async () => {
    await h.ow.actions.create({ name: 'empty', action: makeZip({ 'README.md': 'no code' }), kind: 'nodejs:20' });

    const record = await h.whisk.invoke('empty', {});

    expect(record.response).toMatchObject({
      status: 'action developer error',
      result: { error: expect.stringMatching(/must contain either package.json or index.js/) },
    });
  });

  it('writes one structured log line per activation', async () => {
    await deploy('logged', 'function main() { return {}; }');

    const record = await h.whisk.invoke('logged', {});

    expect(h.logs).toContainEqual(
      expect.objectContaining({
        msg: 'activation',
        action: 'guest/logged',
        activationId: record.activationId,
        success: true,
        duration: expect.any(Number),
      }),
    );
  });

  it('runs in-process actions registered by the host with their own time limit', async () => {
    h.whisk.registerAction('stackmend/notify', {
      main: async () => new Promise(() => undefined),
      timeoutMs: 100,
      parameters: { dry_run: true },
    });

    const record = await h.whisk.invoke('stackmend/notify', {});

    expect(record.response.status).toBe('action developer error');
    expect(record.name).toBe('notify');
  });
});
