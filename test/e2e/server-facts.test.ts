/**
 * A server incident's facts on the real lab (functions/_shared/facts.ts, core/policy/reads.ts): a server that
 * stopped is explained (`stackmend policy explain`, the real CLI, --os-cloud) from the recorded Masakari VM
 * notification (test/events/masakari/generated-vm-lifecycle-stopped-failed.json) retargeted at it. Booted from
 * an image tagged `evacuable`, it is a pet under `evacuation.select: evacuable-tag` and its recovery would
 * start; on a host in an aggregate whose metadata a rule matches, that rule decides. What explain saw (Glance's
 * tags, Nova's zone and os-aggregates) is in its `seen`. Fixtures (an image, an aggregate) are made with the
 * openstack CLI and deleted after. Written, not yet run on the lab.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as e2e from './support';

const { bootServer, CLOUD, resetLab, waitFor } = e2e;
const BIN = path.join(__dirname, '..', '..', 'bin', 'stackmend.cjs');
const openstack = (...args: string[]) =>
  execFileSync('openstack', ['--os-cloud', CLOUD, ...args], { encoding: 'utf8' }).trim();
const lab = e2e.cloud();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stackmend-server-facts-'));

/** The recorded VM notification about `serverId` on `host`, generated now. */
function vmStopped(serverId: string, host: string): string {
  const file = path.join(__dirname, '..', 'events', 'masakari', 'generated-vm-lifecycle-stopped-failed.json');
  const n = JSON.parse(fs.readFileSync(file, 'utf8'));
  n.notification.hostname = host;
  n.notification.generated_time = new Date().toISOString().replace('Z', '');
  n.notification.payload.instance_uuid = serverId;
  const out = path.join(dir, `vm-${serverId}.json`);
  fs.writeFileSync(out, JSON.stringify(n));
  return out;
}

/** `stackmend policy explain` with `policy` (YAML lines) on the alarm file: its one row. */
function explain(alarm: string, policy: string[]): Record<string, unknown> {
  const file = path.join(dir, `policy-${Date.now()}.yaml`);
  fs.writeFileSync(file, policy.join('\n'));
  const state = `file:${path.join(dir, 'state')}`;
  const args = ['policy', 'explain', '--data', `@${alarm}`, '--policy', file, '--os-cloud', CLOUD, '-f', 'json'];
  const r = spawnSync(process.execPath, [BIN, ...args, '--state', state], { encoding: 'utf8', timeout: 120_000 });
  expect(r.status).toBe(0);
  expect(r.stderr).toContain('nothing was changed');
  return JSON.parse(r.stdout)[0];
}

async function stop(id: string) {
  await lab.nova.stop(id);
  await waitFor(`${id} SHUTOFF`, async () => (await lab.nova.getServer(id)).status === 'SHUTOFF', 60, 200);
}

let image: string | undefined;
let aggregate: string | undefined;
beforeAll(() => resetLab());
afterAll(() => {
  resetLab(); // servers deleted, computes as the lab keeps them
  if (image) openstack('image', 'delete', image);
  if (aggregate) {
    openstack('aggregate', 'remove', 'host', aggregate, 'compute1');
    openstack('aggregate', 'delete', aggregate);
  }
});

describe('the facts of a server incident on the lab', () => {
  it('makes a server booted from an image tagged evacuable a pet under evacuable-tag', async () => {
    image = openstack(
      ...['image', 'create', '--disk-format', 'raw', '--container-format', 'bare', '--tag', 'evacuable'],
      ...['e2e-facts-tagged-img', '-f', 'value', '-c', 'id'],
    );
    const s = await lab.nova.createServer({
      name: 'e2e-facts-tagged',
      imageRef: image,
      flavorRef: '1',
      availabilityZone: 'nova:compute1',
    });
    await waitFor('e2e-facts-tagged ACTIVE', async () => (await lab.nova.getServer(s.id)).status === 'ACTIVE', 60, 200);
    await stop(s.id);

    const row = explain(vmStopped(s.id, 'compute1'), ['evacuation:', '  select: evacuable-tag']);
    expect(row).toMatchObject({ kind: 'server-stopped', verdict: 'restart', decidedBy: 'pet-vm-recovery' });
    expect(row.seen).toMatch(/^image e2e-facts-tagged-img tagged evacuable .* · host compute1 · zone nova · /);
    expect((await lab.nova.getServer(s.id)).status).toBe('SHUTOFF'); // explained, not started
  });

  it("gives a server on a host in an aggregate the rule that matches the aggregate's metadata", async () => {
    aggregate = openstack(
      ...['aggregate', 'create', '--property', 'tier=gold', 'e2e-facts-gold', '-f', 'value', '-c', 'id'],
    );
    openstack('aggregate', 'add', 'host', aggregate, 'compute1');
    const pet = await bootServer(lab, 'e2e-facts-gold-pet', 'compute1', { HA_Enabled: 'True' });
    await stop(pet);

    const row = explain(vmStopped(pet, 'compute1'), [
      'rules:',
      '  - name: e2e-gold-ask-first',
      '    match: { aggregateMetadata: { tier: gold } }',
      '    action: hold',
    ]);
    expect(row).toMatchObject({ rule: 'e2e-gold-ask-first', action: 'hold', verdict: 'hold' });
    expect(row.why).toBe('aggregate e2e-facts-gold tier=gold');
    expect(row.seen).toContain('aggregates e2e-facts-gold (tier=gold)');
    expect(row.seen).toContain('image not read (the policy needs none)');
  });
});
