/**
 * The operator console in Debian's headless Chromium (playwright-core), against the real lab: the
 * admin signs in with the lab's Keystone credentials; a held evacuation (compute1 killed, reported
 * without fence evidence) is approved by a click and the pet ends ACTIVE on compute2, as Nova reports
 * it; maintenance of compute2 turned on in the page makes the next alarm about compute2 IGNORED, and
 * turned off again, the same alarm is judged from Nova (HOST_ALIVE). Screenshots: test-artifacts/console/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import axios from 'axios';
import { chromium, type Browser, type Page } from 'playwright-core';
import { hostDownNotification } from '../../bench/scenario';
import { hostOf } from '../../core/openstack/nova';
import { parseConsoleConfig } from '../../console/config';
import { isControlAudit } from '../../functions/_shared/incidents';
import { labCloud } from '../support/lab';
import { bootServer, harness, lab, resetLab, settledStatus, waitIncident, type Harness } from './support';
import { waitSilent } from './trust-support';

const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts', 'console');
const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
const post = (h: Harness, body: unknown) => axios.post(h.rt.alarmUrl, body, { validateStatus: () => true });

let h: Harness;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  resetLab();
  h = await harness({}, { console: parseConsoleConfig({}) });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const admin = labCloud().auth as { username: string; password: string };
  await page.goto(`${h.rt.whisk.url}/ui`);
  await page.fill('[data-testid=login-username]', admin.username);
  await page.fill('[data-testid=login-password]', admin.password);
  await page.click('[data-testid=login-submit]');
  await page.waitForSelector('[data-testid=who]');
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
  resetLab(); // revives both computes, un-forces and re-enables them for the next test file
});

describe('the operator console', () => {
  it('signs the lab admin in through Keystone, as an operator', async () => {
    expect(await page.textContent('[data-testid=who]')).toMatch(/admin \(keystone\) · operator/);
  });

  it('approves a held evacuation by a click: the pet ends ACTIVE on compute2, the approval names the admin', async () => {
    const pet = await bootServer(h.cloud, 'e2e-console-pet', 'compute1', { HA_Enabled: 'True' });
    lab(['kill-host', 'compute1'], { quiet: true });
    await waitSilent(h, 'compute1');
    const res = await post(h, hostDownNotification('compute1'));
    expect(res.data).toMatchObject({ outcome: 'HELD_FOR_APPROVAL' });
    const key: string = res.data.incident;

    await page.selectOption('[data-testid=filter-status]', 'held');
    await page.click(`[data-testid="incident-${key}"]`);
    await page.waitForSelector('[data-testid=approve]');
    await shot(page, '1-held-evacuation');
    await page.fill('[data-testid=fenced-by]', 'e2e operator, IPMI power off');
    await page.click('[data-testid=approve]');
    expect(await page.textContent('[data-testid=decide-message]')).toBe('approved by admin');

    const r = await waitIncident(h.rt, (x) => x.key === key && settledStatus(x), 90);
    expect(r.status).toBe('resolved');
    expect(r.approval).toMatchObject({ approvedBy: { via: 'keystone', name: 'admin' }, host: 'compute1' });
    const moved = await h.cloud.nova.getServer(pet);
    expect(moved.status).toBe('ACTIVE');
    expect(hostOf(moved)).toBe('compute2');
    await page.selectOption('[data-testid=filter-status]', 'resolved');
    await page.waitForFunction(() => document.querySelector('[data-testid=detail-status]')?.textContent === 'resolved');
    await shot(page, '2-evacuation-resolved');
  });

  it('turns maintenance of compute2 on in the page: the next alarm about compute2 is ignored; off again, it is judged', async () => {
    await page.click('[data-testid=tab-controls]');
    await page.click('[data-testid=maintenance-compute2-toggle]');
    await page.waitForFunction(() =>
      document.querySelector('[data-testid=maintenance-compute2-state]')?.textContent?.startsWith('on since'),
    );
    await shot(page, '3-maintenance-on');
    const during = await post(h, hostDownNotification('compute2'));
    expect(during.data).toMatchObject({ outcome: 'IGNORED', details: { decision: { rule: 'maintenance' } } });

    await page.click('[data-testid=maintenance-compute2-toggle]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=maintenance-compute2-state]')?.textContent === 'off',
    );
    const after = await post(h, hostDownNotification('compute2'));
    expect(after.data).toMatchObject({ outcome: 'HOST_ALIVE' });
    expect((await h.cloud.nova.listComputeServices('compute2'))[0]).toMatchObject({
      state: 'up',
      forced_down: false,
      status: 'enabled',
    });
    const changes = (await h.rt.incidents.auditEntries()).filter(isControlAudit);
    expect(changes.map((c) => [c.subject, c.on, c.by.name])).toEqual([
      ['host:compute2', true, 'admin'],
      ['host:compute2', false, 'admin'],
    ]);
    await page.click('[data-testid=tab-fleet]');
    await page.waitForSelector('[data-testid=host-compute2]');
    await shot(page, '4-fleet');
  });
});
