/**
 * The Controls page (console/ui/controls.ts ControlsView) drawn from what the console's API answers on the
 * in-memory cloud and store (test/support/console.ts): the lab's compute1 and compute2, both in the host
 * aggregate rack-a (shaped as test/fixtures/openstack/nova-aggregates-list.json), and a Heat stack `web`
 * whose servers live in a nested stack. A button's click is sent to the API as the page sends it, and what
 * changed is read back from the state store and the audit log.
 */
import { ControlsView, type Change, type ControlsState } from '../../../console/ui/controls';
import type { Fleet } from '../../../console/fleet';
import { maintenanceKey, pauseKey } from '../../../functions/_shared/controls';
import { isControlAudit } from '../../../functions/_shared/incidents';
import { consoleOf, signIn } from '../../support/console';
import { byTestId, one, renderHtml, textOf } from '../../support/render';
import { world } from '../../support/steps';

async function controlsPage(user: 'alice' | 'bob') {
  const w = world();
  w.cloud.nova.addAggregate({ name: 'rack-a', hosts: ['compute2', 'compute1'] });
  const web = w.cloud.heat.addStack('web');
  const nested = w.cloud.heat.addStack('web-servers-x1y2z3', web);
  const call = consoleOf(w);
  const cookie = await signIn(call, user);
  const me = (await call('GET', '/ui/api/me', undefined, cookie)).json;
  const sent: Change[] = [];
  const said: string[] = [];
  /** The page as drawn now, from the API's answers. */
  const view = async () => {
    const state: ControlsState = (await call('GET', '/ui/api/controls', undefined, cookie)).json;
    const fleet: Fleet = (await call('GET', '/ui/api/fleet', undefined, cookie)).json;
    return ControlsView({ state, fleet, me, send: (c) => sent.push(c), say: (m) => said.push(m) });
  };
  /** Clicks the button `id` and sends what it asks for to the API, as ControlsPage does. */
  const click = async (id: string) => {
    (one(await view(), id).props.onClick as () => void)();
    return call('POST', '/ui/api/controls', sent.at(-1), cookie);
  };
  /** Types `text` into the stack field and sends the form. */
  const typeStack = async (text: string) => {
    const before = sent.length;
    const form = one(await view(), 'stack-maintenance');
    const event = {
      preventDefault: () => undefined,
      currentTarget: { elements: { namedItem: (n: string) => (n === 'stack' ? { value: text } : null) } },
    };
    (form.props.onSubmit as (e: unknown) => void)(event);
    return sent.length > before ? call('POST', '/ui/api/controls', sent.at(-1), cookie) : undefined;
  };
  return { w, view, click, typeStack, sent, said, web, nested };
}

describe('controls page', () => {
  it('offers maintenance and pause for every host and aggregate Nova lists, each off at first', async () => {
    const { view } = await controlsPage('alice');
    const v = await view();
    for (const id of [
      'pause',
      'dry-run',
      'maintenance-all',
      'maintenance-compute1',
      'pause-host:compute1',
      'maintenance-compute2',
      'pause-host:compute2',
      'maintenance-aggregate:rack-a',
      'pause-aggregate:rack-a',
    ]) {
      expect(textOf(one(v, `${id}-state`))).toBe('off');
      expect(one(v, `${id}-toggle`).props.disabled).toBe(false);
    }
    expect(textOf(one(v, 'maintenance-aggregate:rack-a'))).toMatch(
      /^maintenance of aggregate rack-a \(compute1, compute2\) off/,
    );
    expect(renderHtml(v)).toContain('<button type="submit" data-testid="stack-maintenance-submit" title="">');
  });

  it('shows a read-only user every switch with its button disabled, and says why', async () => {
    const { view } = await controlsPage('bob');
    const v = await view();
    const buttons = byTestId(v, 'pause-aggregate:rack-a-toggle').concat(byTestId(v, 'pause-host:compute1-toggle'));
    expect(buttons.map((b) => [b.props.disabled, b.props.title])).toEqual([
      [true, 'changing a control needs the operator role'],
      [true, 'changing a control needs the operator role'],
    ]);
    expect(renderHtml(v)).toContain(
      '<input name="stack" data-testid="stack-maintenance-input" placeholder="stack name or id" required disabled>',
    );
    expect(renderHtml(v)).toContain('read-only: changing a control needs the operator role');
  });

  it('pauses compute1 alone and resumes it, each change audited with who', async () => {
    const { w, view, click } = await controlsPage('alice');
    const on = await click('pause-host:compute1-toggle');
    expect(on.status).toBe(200);
    expect(await w.store.get(pauseKey('host:compute1'))).toMatchObject({ by: { via: 'keystone', name: 'alice' } });
    expect(await w.store.get(pauseKey('all'))).toBeUndefined();
    expect(textOf(one(await view(), 'pause-host:compute1-state'))).toMatch(/^on since .* \(by alice\)$/);
    expect(textOf(one(await view(), 'pause-host:compute2-state'))).toBe('off');

    await click('pause-host:compute1-toggle');
    expect(await w.store.get(pauseKey('host:compute1'))).toBeUndefined();
    expect((await w.incidents.auditEntries()).map((a) => ('reason' in a ? a.reason : undefined))).toEqual([
      'pause of host:compute1 turned on by alice (keystone)',
      'pause of host:compute1 turned off by alice (keystone)',
    ]);
  });

  it('turns maintenance of the aggregate rack-a on and off, and pauses it', async () => {
    const { w, view, click } = await controlsPage('alice');
    await click('maintenance-aggregate:rack-a-toggle');
    expect(await w.store.get(maintenanceKey('aggregate:rack-a'))).toMatchObject({ by: { name: 'alice' } });
    expect(textOf(one(await view(), 'maintenance-aggregate:rack-a-state'))).toMatch(/^on since/);
    await click('maintenance-aggregate:rack-a-toggle');
    expect(await w.store.get(maintenanceKey('aggregate:rack-a'))).toBeUndefined();
    await click('pause-aggregate:rack-a-toggle');
    expect(await w.store.get(pauseKey('aggregate:rack-a'))).toMatchObject({ by: { name: 'alice' } });
    expect(
      (await w.incidents.auditEntries()).filter(isControlAudit).map((a) => [a.control, a.subject, a.on, a.by.name]),
    ).toEqual([
      ['maintenance', 'aggregate:rack-a', true, 'alice'],
      ['maintenance', 'aggregate:rack-a', false, 'alice'],
      ['pause', 'aggregate:rack-a', true, 'alice'],
    ]);
  });

  it('puts a stack typed by name in maintenance under its root stack id, as classify-alarm looks it up', async () => {
    const { w, view, typeStack, web } = await controlsPage('alice');
    const res = await typeStack(' web-servers-x1y2z3 '); // the nested stack: its root is web
    expect(res?.status).toBe(200);
    expect(res?.json.audit).toMatchObject({ subject: `stack:${web.id}`, by: { name: 'alice' } });
    expect(await w.store.get(maintenanceKey(`stack:${web.id}`))).toMatchObject({ by: { name: 'alice' } });
    // shown with the others, to be turned off by id
    const v = await view();
    expect(textOf(one(v, `maintenance-stack:${web.id}-state`))).toMatch(/^on since/);
    expect(w.cloud.writes()).toEqual([]);
  });

  it('turns a stack typed by id on, and off again by its switch', async () => {
    const { w, typeStack, click, web } = await controlsPage('alice');
    expect((await typeStack(web.id))?.status).toBe(200);
    expect(await w.store.get(maintenanceKey(`stack:${web.id}`))).toBeDefined();
    await click(`maintenance-stack:${web.id}-toggle`);
    expect(await w.store.get(maintenanceKey(`stack:${web.id}`))).toBeUndefined();
  });

  it('sends nothing for text that is neither a stack name nor an id, and says so', async () => {
    const { w, typeStack, sent, said } = await controlsPage('alice');
    expect(await typeStack('web; rm -rf')).toBeUndefined();
    expect(sent).toEqual([]);
    expect(said).toEqual([
      '"web; rm -rf" is neither a Heat stack id (a UUID) nor a stack name (a letter, then letters, digits, _ . -)',
    ]);
    expect(await w.store.list(maintenanceKey(''))).toEqual([]);
  });

  it('changes nothing for a stack Heat does not know', async () => {
    const { w, typeStack } = await controlsPage('alice');
    const res = await typeStack('no-such-stack');
    expect(res).toMatchObject({ status: 404, json: { error: 'NoSuchStackError' } });
    expect(res?.json.message).toMatch(/Heat knows no stack no-such-stack.*nothing was changed/);
    expect(await w.store.list(maintenanceKey(''))).toEqual([]);
    expect(await w.incidents.auditEntries()).toEqual([]);
  });
});
