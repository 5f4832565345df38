/**
 * Zaqar in memory: queues with their messages and push subscriptions. Posting to a queue that
 * was never created creates it, as Zaqar v2 does. Message hrefs and subscription records have the
 * shapes of test/fixtures/openstack/zaqar-keystone-03-claim-create.json and
 * chain-zaqar-subscription-list.json.
 */
import type { Queueing } from '../../../core/openstack/ports';
import { SubscriptionSchema, type OutgoingMessage, type Subscription } from '../../../core/openstack/zaqar';
import type { FakeControl } from './control';

type Queue = { messages: { id: string; href: string; body: unknown; ttl: number }[]; subscriptions: Subscription[] };

export class FakeQueueing implements Queueing {
  private readonly queues = new Map<string, Queue>();
  private seq = 0;

  constructor(private readonly c: FakeControl) {}

  /** The bodies posted to `queue`, oldest first. */
  messages(queue: string): unknown[] {
    return (this.queues.get(queue)?.messages ?? []).map((m) => structuredClone(m.body));
  }

  createQueue(name: string, metadata: Record<string, unknown> = {}): Promise<void> {
    return this.c.run('zaqar.createQueue', [name, metadata], () => void this.queue(name));
  }

  post(queue: string, messages: OutgoingMessage[]): Promise<string[]> {
    return this.c.run('zaqar.post', [queue, messages], () =>
      messages.map((m) => {
        const id = this.uuid();
        const href = `/v2/queues/${queue}/messages/${id}`;
        this.queue(queue).messages.push({ id, href, body: structuredClone(m.body), ttl: m.ttl ?? 3600 });
        return href;
      }),
    );
  }

  listSubscriptions(queue: string): Promise<Subscription[]> {
    return this.c.run('zaqar.listSubscriptions', [queue], () => this.queues.get(queue)?.subscriptions ?? []);
  }

  subscribe(
    queue: string,
    subscriber: string,
    o: { ttl?: number; options?: Record<string, unknown> } = {},
  ): Promise<string> {
    return this.c.run('zaqar.subscribe', [queue, subscriber, o], () => {
      const id = this.uuid();
      this.queue(queue).subscriptions.push(
        SubscriptionSchema.parse({
          id,
          source: queue,
          subscriber,
          ttl: o.ttl ?? 86400,
          age: 0,
          options: o.options ?? {},
        }),
      );
      return id;
    });
  }

  private queue(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) this.queues.set(name, (q = { messages: [], subscriptions: [] }));
    return q;
  }

  private uuid(): string {
    return `00000000-0000-4000-d000-${String(++this.seq).padStart(12, '0')}`;
  }
}
