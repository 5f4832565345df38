/**
 * `stackmend policy explain` (cli/policy.ts explainAlarm) on recorded alarms against a stateful in-memory
 * cloud (test/support/fakes) as a dry run's deps see it: which rule matched and why, what would be done,
 * and nothing written to the cloud or the state store.
 */
import { explainAlarm } from '../../../cli/policy';
import { parseRuntimeConfig } from '../../../core/runtime/config';
import { silentLogger } from '../../../core/domain/log';
import { MemoryStore } from '../../../core/state/memory-store';
import { depsFactory } from '../../../functions/_shared/deps';
import { hostDown, memberDeleted, sceneCloud, T0 } from '../functions/support/scenes';

const rules = [
  { name: 'databases-ask-first', match: { kind: 'host-down', metadata: { role: 'database' } }, action: 'hold' },
  { name: 'web-replace-only', match: { stack: 'web' }, action: 'replace', settings: { repeatThreshold: 5 } },
  { name: 'hosts-tell', match: { host: 'compute*' }, action: 'notify' },
];

function explainer(scene: 'one-host' | 'member-deleted', policy: Record<string, unknown> = { rules }) {
  const now = () => T0;
  const cloud = sceneCloud(scene, now);
  const store = new MemoryStore({ now });
  const config = parseRuntimeConfig({ state_url: 'memory:', policy });
  const deps = depsFactory({ cloud: () => cloud, store, now, log: silentLogger })(config, { dryRun: true });
  return { cloud, store, explain: (alarm: unknown) => explainAlarm(alarm, deps, config.policy, true) };
}

describe('policy explain', () => {
  it('a host-down notification: the first rule that matches, why, and what it would do', async () => {
    const { cloud, explain } = explainer('one-host');
    const [row] = await explain(hostDown('compute1', 10));
    expect(row).toMatchObject({
      kind: 'host-down',
      subject: 'host compute1',
      rule: 'hosts-tell',
      action: 'notify',
      why: 'host compute1',
      verdict: 'notify',
      decidedBy: 'policy:hosts-tell',
      wouldDo: 'nothing: tell the operator',
    });
    expect(row!.reason).toContain('would evacuate (rule fenced-host-failure');
    expect((row!.rules as { rule: string; ok: boolean; why: string }[]).map((r) => [r.rule, r.ok, r.why])).toEqual([
      ['databases-ask-first', false, 'no server on the host meets the server criteria'],
      ['web-replace-only', false, 'no server on the host meets the server criteria'],
      ['hosts-tell', true, 'host compute1'],
    ]);
    expect(cloud.writes()).toEqual([]);
  });

  it('a deleted member of stack web: replaced through Heat, as its rule allows', async () => {
    const { cloud, store, explain } = explainer('member-deleted');
    const [row] = await explain(memberDeleted());
    expect(row).toMatchObject({
      kind: 'server-deleted',
      rule: 'web-replace-only',
      action: 'replace',
      why: 'stack web',
      verdict: 'replace',
      decidedBy: 'cattle-in-heat-stack',
      wouldDo: expect.stringMatching(/^replace 3bd67d07-7f0a-477c-a869-964e212f5c8d \(resource 0 of /),
    });
    expect(cloud.writes()).toEqual([]);
    expect(await store.pending('mark-unhealthy')).toEqual([]);
  });

  it('without rules: the flat settings decide, and explain says so', async () => {
    const { cloud, explain } = explainer('one-host', {});
    const [row] = await explain(hostDown('compute1', 10));
    const { rule, action, why, verdict, decidedBy, wouldDo } = row!;
    expect([rule, action, why, verdict, decidedBy]).toEqual([
      '(none)',
      'auto',
      'no rules',
      'evacuate',
      'fenced-host-failure',
    ]);
    expect(wouldDo).toBe('evacuate 1 server(s) from compute1 (pet-compute1), replace 0 through Heat, leave 0');
    expect(cloud.writes()).toEqual([]);
  });
});
