/**
 * The policy's process restart hook (core/policy/recovery.ts ProcessRestartHookSchema): one POST of
 * `{host, process, incident}` as JSON; a 2xx answer counts as called. Never retried here: the caller
 * records the answer and the operator is told either way.
 */
import axios from 'axios';

export type HookAnswer = { ok: boolean; detail: string };

export async function callRestartHook(
  url: string,
  body: { host: string; process: string; incident: string },
): Promise<HookAnswer> {
  try {
    const res = await axios.post(url, body, { timeout: 5000, validateStatus: () => true });
    return { ok: res.status >= 200 && res.status < 300, detail: `HTTP ${res.status}` };
  } catch (e) {
    return { ok: false, detail: (e as Error).message };
  }
}
