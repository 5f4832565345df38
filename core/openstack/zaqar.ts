/**
 * Zaqar v2. Every call carries a Client-ID. What the lab showed, encoded here:
 * lists page at most 20 items (a larger `limit` is a 400), so listing follows pages;
 * `trust+` subscriptions leave a Keystone trust behind, which deleteSubscription removes.
 */
import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { NotFoundError } from './errors';
import type { ServiceHttp } from './http';
import type { Queueing } from './ports';

export const ZAQAR_PAGE = 20;

/** Recorded: test/fixtures/openstack/chain-zaqar-subscription-list.json */
export const SubscriptionSchema = z.looseObject({
  id: z.string(),
  source: z.string(),
  subscriber: z.string(),
  ttl: z.number(),
  options: z.record(z.string(), z.unknown()).default({}),
});
export type Subscription = z.infer<typeof SubscriptionSchema>;

/** Recorded: test/fixtures/openstack/zaqar-keystone-03-claim-create.json */
export const ClaimedMessageSchema = z.looseObject({
  id: z.string(),
  href: z.string(),
  ttl: z.number(),
  age: z.number(),
  body: z.unknown(),
});
export type ClaimedMessage = z.infer<typeof ClaimedMessageSchema> & { claimId: string };

/** Recorded: test/fixtures/openstack/aodh-zaqar-presigned-share.json */
export const ShareSchema = z.looseObject({
  paths: z.array(z.string()),
  methods: z.array(z.string()),
  project: z.string(),
  expires: z.string(),
  signature: z.string(),
});
export type Share = z.infer<typeof ShareSchema> & { queueName: string };

export type OutgoingMessage = { body: unknown; ttl?: number; delay?: number };

/** Deletes Keystone trusts (injected so Zaqar stays unaware of Keystone's API). */
export type TrustDeleter = (trustId: string) => Promise<void>;

export class ZaqarClient implements Queueing {
  readonly clientId: string;
  constructor(
    private readonly http: ServiceHttp,
    private readonly deleteTrust?: TrustDeleter,
    clientId: string = randomUUID(),
  ) {
    this.clientId = clientId;
  }

  private h = () => ({ 'Client-ID': this.clientId });
  private q = (queue: string) => `v2/queues/${encodeURIComponent(queue)}`;

  async createQueue(name: string, metadata: Record<string, unknown> = {}): Promise<void> {
    await this.http.put(this.q(name), metadata, { headers: this.h() });
  }

  async deleteQueue(name: string): Promise<void> {
    await this.http.delete(this.q(name), { headers: this.h() });
  }

  /** All queue names, page by page. */
  async listQueues(): Promise<string[]> {
    const names: string[] = [];
    for (let marker: string | undefined; ;) {
      const res = await this.http.get<{ queues?: { name: string }[] } | null>('v2/queues', {
        query: { limit: ZAQAR_PAGE, marker },
        headers: this.h(),
      });
      const page = res.data?.queues ?? [];
      names.push(...page.map((q) => q.name));
      if (page.length < ZAQAR_PAGE) return names;
      marker = page[page.length - 1].name;
    }
  }

  async post(queue: string, messages: OutgoingMessage[]): Promise<string[]> {
    const res = await this.http.post<{ resources: string[] }>(
      `${this.q(queue)}/messages`,
      { messages: messages.map((m) => ({ ttl: m.ttl ?? 3600, body: m.body, ...(m.delay ? { delay: m.delay } : {}) })) },
      { headers: this.h() },
    );
    return res.data.resources;
  }

  /** Claims up to `limit` messages (grace must be ≥ 60 s). 204 = nothing to claim. */
  async claim(queue: string, o: { ttl?: number; grace?: number; limit?: number } = {}): Promise<ClaimedMessage[]> {
    const res = await this.http.post<{ messages: unknown[] } | null>(
      `${this.q(queue)}/claims`,
      { ttl: o.ttl ?? 60, grace: o.grace ?? 60 },
      { headers: this.h(), query: { limit: o.limit ?? 10 } },
    );
    if (res.status === 204 || !res.data) return [];
    return z
      .array(ClaimedMessageSchema)
      .parse(res.data.messages)
      .map((m) => ({ ...m, claimId: new URL(m.href, 'http://x').searchParams.get('claim_id') ?? '' }));
  }

  async deleteMessage(queue: string, m: { id: string; claimId?: string }): Promise<void> {
    await this.http.delete(`${this.q(queue)}/messages/${encodeURIComponent(m.id)}`, {
      headers: this.h(),
      query: { claim_id: m.claimId },
    });
  }

  async subscribe(
    queue: string,
    subscriber: string,
    o: { ttl?: number; options?: Record<string, unknown> } = {},
  ): Promise<string> {
    const res = await this.http.post<{ subscription_id: string }>(
      `${this.q(queue)}/subscriptions`,
      { subscriber, ttl: o.ttl ?? 86400, options: o.options ?? {} },
      { headers: this.h() },
    );
    return res.data.subscription_id;
  }

  async listSubscriptions(queue: string): Promise<Subscription[]> {
    const out: Subscription[] = [];
    for (let marker: string | undefined; ;) {
      const res = await this.http.get<{ subscriptions?: unknown[] }>(`${this.q(queue)}/subscriptions`, {
        query: { limit: ZAQAR_PAGE, marker },
        headers: this.h(),
      });
      const page = z.array(SubscriptionSchema).parse(res.data?.subscriptions ?? []);
      out.push(...page);
      if (page.length < ZAQAR_PAGE) return out;
      marker = page[page.length - 1].id;
    }
  }

  /** Deletes the subscription and the Keystone trust a `trust+` subscriber left behind. */
  async deleteSubscription(queue: string, id: string): Promise<void> {
    const sub = (await this.listSubscriptions(queue)).find((s) => s.id === id);
    await this.http.delete(`${this.q(queue)}/subscriptions/${encodeURIComponent(id)}`, { headers: this.h() });
    const trustId = sub?.options.trust_id;
    if (typeof trustId === 'string' && this.deleteTrust) {
      await this.deleteTrust(trustId).catch((e) => {
        if (!(e instanceof NotFoundError)) throw e;
      });
    }
  }

  /** A pre-signed URL grant: lets Aodh post without Keystone (`zaqar://?queue_name=..&signature=..`). */
  async share(queue: string, o: { paths?: string[]; methods?: string[]; expires: string }): Promise<Share> {
    const res = await this.http.post<unknown>(
      `${this.q(queue)}/share`,
      { paths: o.paths ?? ['messages'], methods: o.methods ?? ['POST'], expires: o.expires },
      { headers: this.h() },
    );
    return { ...ShareSchema.parse(res.data), queueName: queue };
  }
}

/** The Aodh alarm action for a pre-signed share. */
export function presignedAction(s: Share): string {
  const q = new URLSearchParams({
    queue_name: s.queueName,
    project_id: s.project,
    paths: s.paths.join(','),
    methods: s.methods.join(','),
    expires: s.expires,
    signature: s.signature,
  });
  return `zaqar://?${q.toString()}`;
}
