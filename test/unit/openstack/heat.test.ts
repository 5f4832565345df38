/**
 * HeatClient's resource read (core/openstack/heat.ts getResource): the stack's resource list filtered by
 * name, as recorded on the lab (test/fixtures/openstack/heat-resource-list-by-name.json), never Heat's show,
 * which resolves every attribute of the resource live.
 */
import { NotFoundError } from '../../../core/openstack/errors';
import { HeatClient } from '../../../core/openstack/heat';
import { ServiceHttp } from '../../../core/openstack/http';
import { replay, startReplayServer, type Answer } from '../../support/replay-server';

const NESTED = { name: 'bench-oh-stackmend-b4be6d-9-group-te7t4stxqcnu', id: 'bef994cc-db9e-4697-8529-d96913622c09' };

async function withHeat(answer: Answer, run: (heat: HeatClient, requested: () => string[]) => Promise<void>) {
  const s = await startReplayServer(() => answer);
  try {
    const http = new ServiceHttp({ service: 'heat', baseUrl: async () => `${s.url}/v1/p1` });
    await run(new HeatClient(http), () => s.requests.map((r) => r.url));
  } finally {
    await s.close();
  }
}

describe("Heat's resource read", () => {
  it('asks for the list filtered by name and gives the status and server of that resource', async () => {
    await withHeat(replay('heat-resource-list-by-name'), async (heat) => {
      const r = await heat.getResource(NESTED, '0');

      expect(r).toMatchObject({
        resource_name: '0',
        resource_status: 'CHECK_FAILED',
        physical_resource_id: '4514b666-2a75-40ab-9d86-a7b4284bde9a',
      });
    });
  });

  it('never calls the show, whose attributes Heat resolves live', async () => {
    await withHeat(replay('heat-resource-list-by-name'), async (heat, requested) => {
      await heat.getResource(NESTED, '0');

      expect(requested()).toEqual([`/v1/p1/stacks/${NESTED.name}/${NESTED.id}/resources?name=0`]);
    });
  });

  it('is a NotFoundError when the stack has no such resource, as the show answers 404', async () => {
    await withHeat(
      replay('heat-resource-list-by-name', () => ({ resources: [] })),
      async (heat) => {
        await expect(heat.getResource(NESTED, '7')).rejects.toBeInstanceOf(NotFoundError);
      },
    );
  });
});
