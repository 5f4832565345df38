/**
 * Lab test support for the end-to-end healing tests: the real lab cloud, the local runtime
 * hosting the functions, and a webhook listener standing in for the operator's chat.
 */
import axios from 'axios';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lab } from '../../bench/lab';
import { startLocalRuntime, type LocalRuntime } from '../../cli/local-runtime';
import { waitFor } from '../../bench/wait';
import type { IncidentRecord } from '../../core/domain/plan';
import { connectLab, type LabCloud } from '../../bench/openstack/cloud';
import { loadCloudConfig } from '../../core/openstack/config';
import { startHookListener, type HookListener } from '../support/hook-listener';
import { noteSecrets, runLogger } from '../support/run-logs';
import type { ConsoleConfig } from '../../console/config';

export const CLOUD = 'stackmend-lab';
export const TOKEN = 'e2e-webhook-token-c41f7a';
export const cloud = (): LabCloud => connectLab(loadCloudConfig({ cloud: CLOUD }));
export const resetLab = () => lab(['reset'], { quiet: true });
export { lab, waitFor };

export type Harness = {
  rt: LocalRuntime;
  hooks: HookListener;
  cloud: LabCloud;
  stateDir: string;
  close(): Promise<void>;
};

/** `console`: also serve the operator console at /ui with these settings (console/config.ts). */
export async function harness(
  parameters: Record<string, unknown> = {},
  o: { console?: ConsoleConfig } = {},
): Promise<Harness> {
  const hooks = await startHookListener();
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stackmend-e2e-'));
  const rt = await startLocalRuntime({
    port: 0,
    parameters: {
      cloud: CLOUD,
      state_url: `file:${stateDir}`,
      webhook_token: TOKEN,
      notify: { webhook_url: `${hooks.url}/chat` },
      // Aodh trust+http:// alarms (keystoneAlarmUrl) carry a token of the lab's admin, who arms them
      auth: { keystone: { users: ['admin'] } },
      ...parameters,
    },
    log: runLogger('e2e'),
    tickSec: 0.5,
    console: o.console,
  });
  noteSecrets(TOKEN, rt.whisk.auth); // test/after-all/logs-hold-no-secrets.test.ts
  return { rt, hooks, cloud: cloud(), stateDir, close: async () => (await rt.close(), await hooks.close()) };
}

export { bootServer, createGroup } from '../../bench/scenario';

/**
 * The action an Aodh alarm calls classify-alarm with: the Keystone form, no secret in it (Aodh logs an
 * http action's URL, credentials and all, at INFO: aodh/notifier/rest.py).
 */
export const keystoneAlarmUrl = (h: Harness) => `trust+${h.rt.url('classify-alarm')}`;

export async function waitIncident(
  rt: LocalRuntime,
  match: (r: IncidentRecord) => boolean,
  timeoutSec = 120,
): Promise<IncidentRecord> {
  let found: IncidentRecord | undefined;
  await waitFor(
    'an incident to match',
    async () => ((found = (await rt.incidents.list()).find(match)), !!found),
    timeoutSec,
    250,
  );
  return found!;
}

/** Posts an alarm to the harness's classify-alarm entry, whatever the answer. */
export const postAlarm = (h: Harness, body: unknown) => axios.post(h.rt.alarmUrl, body, { validateStatus: () => true });
/** The nova-compute service of `host` as Nova lists it now. */
export const computeService = async (h: Harness, host: string) => (await h.cloud.nova.listComputeServices(host))[0];

export const settledStatus = (r: IncidentRecord) => r.status === 'resolved' || r.status === 'failed';

/** Aodh's listener caches event alarms for a few seconds (lab: 3 s): wait before triggering. */
export const aodhCacheWait = () => new Promise((r) => setTimeout(r, 4500));
