/**
 * `stackmend invoke classify-alarm --chain` on the real lab reports a stack update's progress on stderr as Heat
 * records it (cli/progress.ts): a member of a ResourceGroup deleted in Nova, the recorded Aodh alarm retargeted
 * at it, the chain runs mark-unhealthy and stack-update, and stderr carries the resource events of the root stack
 * — Heat's own records (`GET …/events?nested_depth=2`), each once. Leaves no stack behind.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { serverDeletedAlarm } from '../../bench/scenario';
import { cloud, CLOUD, createGroup, resetLab, waitFor } from './support';

const BIN = path.join(__dirname, '..', '..', 'bin', 'stackmend.cjs');
const lab = cloud();

beforeAll(() => resetLab());
afterAll(() => resetLab()); // deletes the stack

it("says the stack update's resource events while the chain heals a deleted member", async () => {
  const stack = await createGroup(lab, 'docs-progress', 2);
  const [victim] = await lab.heat.listServers(stack);
  await lab.nova.deleteServer(victim!.serverId);
  const gone = () =>
    lab.nova.getServer(victim!.serverId).then(
      () => false,
      () => true,
    );
  await waitFor('the member gone from Nova', gone, 60, 250);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stackmend-progress-'));
  fs.writeFileSync(
    path.join(dir, 'alarm.json'),
    JSON.stringify(serverDeletedAlarm(victim!.serverId, `progress-${Date.now()}`)),
  );
  const r = spawnSync(
    process.execPath,
    [
      BIN,
      'invoke',
      'classify-alarm',
      '--data',
      `@${dir}/alarm.json`,
      '--chain',
      '--os-cloud',
      CLOUD,
      '--state',
      `file:${dir}/state`,
    ],
    { encoding: 'utf8', timeout: 240_000, env: { ...process.env, NO_COLOR: '1' } },
  );
  expect({ status: r.status, stderr: r.stderr.slice(-2000) }).toMatchObject({ status: 0 });
  const events = r.stderr.split('\n').filter((l) => l.startsWith('stackmend invoke: stack-update: docs-progress '));
  expect(events).toEqual(
    expect.arrayContaining([expect.stringMatching(/ CHECK_FAILED /), expect.stringMatching(/UPDATE_COMPLETE/)]),
  );
  expect(new Set(events).size).toBe(events.length); // each event once
  expect(r.stdout).toContain('"outcome": "DONE"');
});
