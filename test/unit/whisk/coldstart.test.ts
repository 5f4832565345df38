import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { measureColdStart } from '../../../local/whisk/coldstart';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coldstart-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function bundle(name: string, source: string): string {
  const file = path.join(dir, `${name}.js`);
  fs.writeFileSync(file, source);
  return file;
}

describe('measuring a cold start', () => {
  it('times the require and the first main call in a fresh process, with the params given', async () => {
    const file = bundle(
      'slow-first-call',
      'console.log("noise"); exports.main = (p) => new Promise((r) => setTimeout(() => r({ echo: p }), p.waitMs));',
    );

    const measured = await measureColdStart(file, { waitMs: 120 });

    expect(measured.bytes).toBe(fs.statSync(file).size);
    expect(measured.loadMs).toBeGreaterThanOrEqual(0);
    expect(measured.firstCallMs).toBeGreaterThanOrEqual(100);
    expect(measured.error).toBeUndefined();
  });

  it('reports a failing first call, and the Lambda entry on request', async () => {
    const file = bundle(
      'failing',
      'exports.main = () => { throw new Error("no cloud"); }; exports.handler = async () => ({ statusCode: 200 });',
    );

    expect((await measureColdStart(file, {})).error).toMatch(/no cloud/);
    expect((await measureColdStart(file, {}, { entry: 'handler' })).error).toBeUndefined();
  });

  it('gives up on a first call that never ends', async () => {
    const file = bundle('hangs', 'exports.main = () => new Promise(() => setInterval(() => {}, 1000));');

    const measured = await measureColdStart(file, {}, { timeoutMs: 500 });

    expect(measured.error).toMatch(/no result within 500 ms/);
  });
});
