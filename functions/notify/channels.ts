/**
 * Where operators are told: a generic webhook with Slack/Mattermost-compatible JSON
 * (`text` plus the structured record), and a Zaqar queue. The log line is always written.
 */
import axios from 'axios';
import type { Queueing } from '../../core/openstack/ports';
import type { Message } from './message';

export type ChannelReport = { channel: string; ok: boolean; detail?: string };

export async function toWebhook(url: string, m: Message): Promise<ChannelReport> {
  try {
    const res = await axios.post(
      url,
      { text: `*${m.title}*\n${m.text}`, username: 'stackmend', stackmend: m },
      { timeout: 5000, validateStatus: () => true },
    );
    return { channel: 'webhook', ok: res.status < 300, detail: `HTTP ${res.status}` };
  } catch (e) {
    return { channel: 'webhook', ok: false, detail: (e as Error).message };
  }
}

export async function toZaqar(zaqar: Queueing, queue: string, m: Message): Promise<ChannelReport> {
  try {
    await zaqar.createQueue(queue);
    await zaqar.post(queue, [{ body: m, ttl: 7 * 86400 }]);
    return { channel: `zaqar:${queue}`, ok: true };
  } catch (e) {
    return { channel: `zaqar:${queue}`, ok: false, detail: (e as Error).message };
  }
}
