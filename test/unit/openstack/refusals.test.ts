import { ServiceHttp } from '../../../core/openstack/http';
import { HeatClient, ResourceBusyError, stackRefFromHref } from '../../../core/openstack/heat';
import { NovaClient, SourceHostStillUpError } from '../../../core/openstack/nova';
import { BadRequestError } from '../../../core/openstack/errors';
import { ZaqarClient } from '../../../core/openstack/zaqar';
import { replay, startReplayServer, type Answer } from '../../support/replay-server';

async function client<T>(make: (h: ServiceHttp) => T, answers: Answer[], run: (c: T, urls: string[]) => Promise<void>) {
  const s = await startReplayServer((_r, n) => answers[Math.min(n, answers.length) - 1]);
  try {
    await run(
      make(new ServiceHttp({ service: 'svc', baseUrl: async () => s.url, sleep: async () => undefined })),
      s.requests.map((r) => r.url),
    );
  } finally {
    await s.close();
  }
}

describe('what the lab showed, encoded in the clients', () => {
  it('evacuate while the source compute is up is a SourceHostStillUpError (recorded 400)', async () => {
    await client(
      (h) => new NovaClient(h),
      [replay('nova-evacuate-while-host-up')],
      async (nova) => {
        const err = await nova.evacuate('4fdf9c9b').catch((e) => e);
        expect(err).toBeInstanceOf(SourceHostStillUpError);
        expect(err.message).toMatch(/still in use.*force the service down/);
      },
    );
  });

  it("lists a server's evacuation migrations from os-migrations by instance_uuid (recorded)", async () => {
    await client(
      (h) => new NovaClient(h),
      [replay('nova-migrations')],
      async (nova) => {
        const migrations = await nova.listEvacuations('4fdf9c9b-131a-40f5-a1da-f8eeb0961e99');
        expect(migrations).toEqual([
          expect.objectContaining({ source_compute: 'compute1', dest_compute: 'compute2', status: 'completed' }),
        ]);
      },
    );
  });

  it("un-forcing too early stays a plain 400 carrying Nova's reason (recorded)", async () => {
    await client(
      (h) => new NovaClient(h),
      [replay('nova-unforce-down-refused')],
      async (nova) => {
        const err = await nova.unforceDown('4001e822').catch((e) => e);
        expect(err).toBeInstanceOf(BadRequestError);
        expect(err.serviceMessage).toMatch(/evacuation migration records remain/);
      },
    );
  });

  it('mark_unhealthy answers null on success (recorded) and 409 becomes ResourceBusyError', async () => {
    await client(
      (h) => new HeatClient(h),
      [replay('heat-mark-unhealthy'), { status: 409, body: { title: 'Conflict', explanation: 'in progress' } }],
      async (heat) => {
        await expect(heat.markUnhealthy({ name: 's', id: 'i' }, 'server', 'test')).resolves.toMatchObject({
          requestId: 'req-7440080f-00bb-4255-bc81-404fd0f37ea7',
        });
        await expect(heat.markUnhealthy({ name: 's', id: 'i' }, 'server', 'test')).rejects.toBeInstanceOf(
          ResourceBusyError,
        );
      },
    );
  });

  it('finds servers of nested ResourceGroup members with their owning nested stack (recorded)', async () => {
    await client(
      (h) => new HeatClient(h),
      [replay('heat-group-resources-nested')],
      async (heat) => {
        const root = { name: 'g1795398481', id: '72c08226-a119-45f4-9099-20f12b195310' };
        const servers = await heat.listServers(root);
        expect(servers.map((s) => s.resourceName).sort()).toEqual(['0', '1', '2']);
        expect(servers[0].stack).toEqual({
          name: 'g1795398481-group-tw5h3nycxl2u',
          id: 'b3a5dd7d-177c-41f3-b595-8fbe68736ee3',
        });
        expect(servers[0].root).toEqual(root);
      },
    );
  });

  it('parses stack links', () => {
    expect(stackRefFromHref('http://h:8004/v1/p/stacks/a-b/123/resources/1')).toEqual({ name: 'a-b', id: '123' });
  });

  it('lists Zaqar queues page by page (20 at most per page) and sends a Client-ID', async () => {
    const page = (from: number, n: number): Answer => ({
      status: 200,
      body: { queues: Array.from({ length: n }, (_, i) => ({ name: `q${from + i}` })) },
    });
    await client(
      (h) => new ZaqarClient(h, undefined, 'cid-1'),
      [page(0, 20), page(20, 3)],
      async (z) => {
        const names = await z.listQueues();
        expect(names).toHaveLength(23);
      },
    );
  });

  it('claims recorded messages with their claim id', async () => {
    await client(
      (h) => new ZaqarClient(h),
      [replay('zaqar-keystone-03-claim-create')],
      async (z) => {
        const [m] = await z.claim('lab-q1');
        expect(m).toMatchObject({
          id: '489026b8-6e6a-456a-b8ce-02119b7cba6c',
          claimId: '7117374d-8ffb-43cb-9b5c-025377890588',
        });
      },
    );
  });

  it('deletes the Keystone trust a trust+ subscription left behind (recorded subscription)', async () => {
    const deleted: string[] = [];
    await client(
      (h) => new ZaqarClient(h, async (t) => void deleted.push(t)),
      [replay('chain-zaqar-subscription-list'), { status: 204 }],
      async (z) => {
        await z.deleteSubscription('heal-q', 'e432373f-0c13-46d6-9e20-99950a896038');
        expect(deleted).toEqual(['a2bcfccf97524eef8a92ecc8a778a5d8']);
      },
    );
  });
});

describe("Nova's server pages", () => {
  const shown = (replay('nova-server-show') as { body: { server: object } }).body.server; // recorded
  const server = (id: string, status: string) => ({ ...shown, id, status });
  const page = (servers: object[], next?: string): Answer => ({
    status: 200,
    body: {
      servers,
      ...(next ? { servers_links: [{ rel: 'next', href: `http://nova/v2.1/servers/detail?marker=${next}` }] } : {}),
    },
  });

  it('follows servers_links by marker, and keeps a server listed on two pages once, as last listed', async () => {
    const answers = [page([server('a', 'BUILD')], 'a'), page([server('a', 'ACTIVE'), server('b', 'ACTIVE')])];
    const s = await startReplayServer((_r, n) => answers[n - 1]);
    try {
      const nova = new NovaClient(
        new ServiceHttp({ service: 'nova', baseUrl: async () => s.url, sleep: async () => undefined }),
      );
      const all = await nova.listServers({ pageSize: 1 });
      expect(all.map((x) => [x.id, x.status])).toEqual([
        ['a', 'ACTIVE'],
        ['b', 'ACTIVE'],
      ]);
      expect(s.requests.map((r) => r.url)).toEqual([
        expect.stringMatching(/limit=1/),
        expect.stringMatching(/limit=1.*marker=a|marker=a.*limit=1/),
      ]);
    } finally {
      await s.close();
    }
  });
});
