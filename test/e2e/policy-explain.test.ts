/**
 * `stackmend policy explain` against the real lab: a member of a Heat ResourceGroup deleted in Nova, the
 * recorded Aodh delete.end alarm retargeted at it (bench/scenario.ts serverDeletedAlarm), a policy file whose
 * rule holds that stack's repairs. The command, run as an operator would (the real CLI, --os-cloud), answers
 * the rule, why it matched and what would be done; Nova's servers and Heat's stack and resources read the
 * same afterwards, and the state store holds no incident.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { serverDeletedAlarm } from '../../bench/scenario';
import { NotFoundError } from '../../core/openstack/errors';
import { openStore } from '../../core/state';
import { Incidents } from '../../functions/_shared/incidents';
import { CLOUD, cloud, createGroup, resetLab, waitFor } from './support';

const BIN = path.join(__dirname, '..', '..', 'bin', 'stackmend.cjs');
const STACK = 'e2e-policy';
const lab = cloud();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stackmend-explain-'));

beforeAll(() => resetLab());
afterAll(() => resetLab());

/** What Nova and Heat say now about the stack and every server: the record explain must leave as it is. */
async function snapshot(stack: Awaited<ReturnType<typeof createGroup>>) {
  const s = await lab.heat.getStack(stack);
  const resources = await lab.heat.listResources(stack, 5);
  const servers = await lab.nova.listServers({ allTenants: true });
  return {
    stack: [s.stack_status, s.updated_time],
    resources: resources.map((r) => [r.resource_name, r.resource_status, r.physical_resource_id]).sort(),
    servers: servers.map((x) => [x.id, x.status, x['OS-EXT-SRV-ATTR:host']]).sort(),
  };
}

describe('stackmend policy explain on the lab', () => {
  it('answers the rule that matched and what would be done, and changes nothing in Nova or Heat', async () => {
    const stack = await createGroup(lab, STACK, 2);
    const victim = (await lab.heat.listServers(stack)).find((m) => m.resourceName === '0')!;
    await lab.nova.deleteServer(victim.serverId);
    await waitFor(
      `server ${victim.serverId} gone`,
      async () => !(await lab.nova.getServer(victim.serverId).catch((e) => (e instanceof NotFoundError ? null : e))),
      60,
      250,
    );
    const policy = path.join(dir, 'policy.yaml');
    fs.writeFileSync(
      policy,
      [
        'rules:',
        '  - name: e2e-ask-first',
        `    match: { stack: ${STACK}, kind: server-deleted }`,
        '    action: hold',
      ].join('\n'),
    );
    const alarm = path.join(dir, 'alarm.json');
    fs.writeFileSync(alarm, JSON.stringify(serverDeletedAlarm(victim.serverId, randomUUID())));
    const state = `file:${path.join(dir, 'state')}`;
    const before = await snapshot(stack);

    const r = spawnSync(
      process.execPath,
      [
        BIN,
        'policy',
        'explain',
        '--data',
        `@${alarm}`,
        '--policy',
        policy,
        '--os-cloud',
        CLOUD,
        '-f',
        'json',
        '--state',
        state,
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );

    expect(r.status).toBe(0);
    const [row] = JSON.parse(r.stdout);
    expect(row).toMatchObject({
      kind: 'server-deleted',
      subject: `server ${victim.serverId}`,
      rule: 'e2e-ask-first',
      action: 'hold',
      why: `kind server-deleted, stack ${STACK}`,
      verdict: 'hold',
      decidedBy: 'policy:e2e-ask-first',
      wouldDo: `replace ${victim.serverId} (resource 0 of ${victim.stack.name})`,
    });
    expect(row.reason).toContain('would replace (rule cattle-in-heat-stack');
    expect(r.stderr).toContain('nothing was changed');
    expect(await snapshot(stack)).toEqual(before);
    const store = openStore(state);
    try {
      expect(await new Incidents(store, Date.now).list()).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
