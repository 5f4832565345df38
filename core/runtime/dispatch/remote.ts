/**
 * Remote hand-offs: direct HTTP to the next web action, an OpenWhisk trigger fire
 * (rules bind `stackmend-<step>` to the action), or a Zaqar queue whose subscription
 * pushes to the next action's URL (the seeds' Aodh → Zaqar → workflow flow).
 */
import axios from 'axios';
import { StackmendError } from '../../domain/errors';
import type { StepName } from '../../domain/pipeline';
import type { Queueing } from '../../openstack/ports';
import type { DispatchConfig } from '../config';
import type { StepPayload, Transport } from './dispatcher';

const basic = (auth?: string) => (auth ? { Authorization: `Basic ${Buffer.from(auth).toString('base64')}` } : {});

export class DispatchError extends StackmendError {
  constructor(step: StepName, transport: string, cause: unknown) {
    super(
      `could not hand ${step} over ${transport}: ${(cause as Error).message}. The incident stays in the state store; the next reconcile retries it`,
      { cause },
    );
  }
}

export class HttpTransport implements Transport {
  readonly name = 'http';
  constructor(private readonly c: DispatchConfig) {}
  async send(step: StepName, payload: StepPayload) {
    if (!this.c.base_url) throw new DispatchError(step, this.name, new Error('dispatch.base_url is not set'));
    try {
      const res = await axios.post(`${this.c.base_url.replace(/\/$/, '')}/${step}`, payload, {
        headers: basic(this.c.auth),
        timeout: 10_000,
        validateStatus: (s) => s < 500,
      });
      return { ref: String(res.status) };
    } catch (e) {
      throw new DispatchError(step, this.name, e);
    }
  }
}

export class OpenWhiskTriggerTransport implements Transport {
  readonly name = 'openwhisk';
  constructor(private readonly c: DispatchConfig) {}
  async send(step: StepName, payload: StepPayload) {
    const { api_host, namespace = '_', auth } = this.c;
    if (!api_host || !auth)
      throw new DispatchError(step, this.name, new Error('dispatch.api_host and dispatch.auth are required'));
    const host = /^https?:\/\//.test(api_host) ? api_host : `https://${api_host}`;
    try {
      const res = await axios.post(
        `${host}/api/v1/namespaces/${encodeURIComponent(namespace)}/triggers/stackmend-${step}`,
        payload,
        { headers: basic(auth), timeout: 10_000 },
      );
      return { ref: (res.data as { activationId?: string })?.activationId };
    } catch (e) {
      throw new DispatchError(step, this.name, e);
    }
  }
}

export class ZaqarTransport implements Transport {
  readonly name = 'zaqar';
  constructor(
    private readonly zaqar: () => Queueing,
    private readonly c: DispatchConfig,
  ) {}
  async send(step: StepName, payload: StepPayload) {
    try {
      const [href] = await this.zaqar().post(`${this.c.queue_prefix}${step}`, [{ body: payload, ttl: 3600 }]);
      return { ref: href };
    } catch (e) {
      throw new DispatchError(step, this.name, e);
    }
  }
}
