/**
 * Which servers, where to, in what order, on the real lab (policy `evacuation`, core/policy/evacuation.ts).
 * compute1 dies (its nova-compute SIGKILLed) and an external fencing agent forces it down in Nova, as
 * Pacemaker's fence_compute does: no waiting out service_down_time. With compute3 reserved (the lab keeps it
 * disabled), the servers of compute1 whose image carries `evacuable=true` land on compute3, which stackmend
 * enables first and names in the evacuation; a SHUTOFF one stays SHUTOFF, one an operator locked stays
 * locked, one without the property stays on compute1. Then a host aggregate tagged evacuable makes every
 * server of its host evacuable. Then an evacuation Nova fails for certain — the server's availability zone is an
 * aggregate of compute1 alone, so the scheduler finds no host (migration `error`, the server ERROR on compute1) —
 * is retried on the reserved host, which stackmend adds to that aggregate first (auto_priority,
 * addReservedHostToAggregate). Judged from Nova: server host and state, service status, evacuation migrations.
 * Fixtures (an image, an aggregate) are made with the openstack CLI and deleted after.
 */
import { execFileSync } from 'node:child_process';
import { fenceInNova, hostDownNotification } from '../../bench/scenario';
import { hostOf } from '../../core/openstack/nova';
import * as e2e from './support';
import type { Harness } from './support';

const { bootServer, CLOUD, harness, resetLab, settledStatus, waitFor, waitIncident } = e2e;
const os = (...args: string[]) =>
  execFileSync('openstack', ['--os-cloud', CLOUD, ...args], { encoding: 'utf8' }).trim();
const post = e2e.postAlarm;
const service = e2e.computeService;

/** Nova's evacuation migrations of a server (os-migrations, 2.59+): where each went. */
const evacuations = (id: string): { dest_compute: string; status: string }[] =>
  JSON.parse(
    os(
      '--os-compute-api-version',
      '2.59',
      'server',
      'migration',
      'list',
      '--server',
      id,
      '--type',
      'evacuation',
      '-f',
      'json',
    ),
  ).map((m: Record<string, string>) => ({ dest_compute: m['Dest Compute'], status: m.Status }));

/** A host aggregate tagged evacuable=true (in availability zone `zone`, if given) holding compute1: its id. */
function evacuableAggregateOfCompute1(name: string, zone?: string): string {
  const id = os(
    'aggregate',
    'create',
    ...(zone ? ['--zone', zone] : []),
    '--property',
    'evacuable=true',
    name,
    '-f',
    'value',
    '-c',
    'id',
  );
  os('aggregate', 'add', 'host', id, 'compute1');
  return id;
}

async function bootFrom(h: Harness, name: string, host: string, imageId: string, zone = 'nova'): Promise<string> {
  const s = await h.cloud.nova.createServer({
    name,
    imageRef: imageId,
    flavorRef: '1',
    availabilityZone: `${zone}:${host}`,
  });
  await waitFor(
    `${name} ACTIVE on ${host}`,
    async () => (await h.cloud.nova.getServer(s.id)).status === 'ACTIVE',
    60,
    200,
  );
  return s.id;
}

/** compute1 dead and forced down in Nova; the host monitor's report posted. */
async function failCompute1(h: Harness) {
  e2e.lab(['kill-host', 'compute1'], { quiet: true });
  await fenceInNova(h.cloud, 'compute1');
  const res = await post(h, hostDownNotification('compute1'));
  expect(res.data).toMatchObject({ outcome: 'DISPATCHED', details: { decision: { verdict: 'evacuate' } } });
  return res.data.incident as string;
}

let image: string;
beforeAll(() => {
  resetLab();
  image = os(
    'image',
    'create',
    '--disk-format',
    'raw',
    '--container-format',
    'bare',
    '--property',
    'evacuable=true',
    'e2e-evacuable-img',
    '-f',
    'value',
    '-c',
    'id',
  );
});
afterAll(() => {
  resetLab(); // servers deleted, computes revived, un-forced; compute3 disabled again
  if (image) os('image', 'delete', image);
});

describe('evacuating to a reserved host, by the image property evacuable', () => {
  let h: Harness;
  afterAll(async () => h?.close());

  it('lands the evacuable servers on compute3, enabled first; SHUTOFF stays SHUTOFF, a locked one stays locked, the rest stay', async () => {
    h = await harness({
      policy: { evacuation: { select: 'evacuable-tag', recoveryMethod: 'reserved_host', reservedHosts: ['compute3'] } },
    });
    expect(await service(h, 'compute3')).toMatchObject({ status: 'disabled', state: 'up' });
    const db = await bootFrom(h, 'e2e-evac-db', 'compute1', image);
    const stopped = await bootFrom(h, 'e2e-evac-stopped', 'compute1', image);
    const locked = await bootFrom(h, 'e2e-evac-locked', 'compute1', image);
    const plain = await bootServer(h.cloud, 'e2e-evac-plain', 'compute1');
    await h.cloud.nova.stop(stopped);
    await waitFor('stopped SHUTOFF', async () => (await h.cloud.nova.getServer(stopped)).status === 'SHUTOFF', 60, 200);
    await h.cloud.nova.lock(locked, 'e2e operator: keep');

    const incident = await failCompute1(h);
    const r = await waitIncident(h.rt, (x) => x.key === incident && settledStatus(x), 120);
    expect(r.status).toBe('resolved');

    for (const id of [db, locked]) {
      const s = await h.cloud.nova.getServer(id);
      expect({ status: s.status, host: hostOf(s) }).toEqual({ status: 'ACTIVE', host: 'compute3' });
      expect(evacuations(id)).toEqual([expect.objectContaining({ dest_compute: 'compute3' })]);
    }
    const s = await h.cloud.nova.getServer(stopped);
    expect({ status: s.status, host: hostOf(s), task: s['OS-EXT-STS:task_state'] ?? null }).toEqual({
      status: 'SHUTOFF',
      host: 'compute3',
      task: null,
    });
    expect(s.locked).toBe(false); // stackmend's lock came off when it landed
    expect(await h.cloud.nova.getServer(locked)).toMatchObject({ locked: true, locked_reason: 'e2e operator: keep' });
    expect(hostOf(await h.cloud.nova.getServer(plain))).toBe('compute1');
    expect(evacuations(plain)).toEqual([]);
    expect(await service(h, 'compute3')).toMatchObject({ status: 'enabled' });
    expect(await service(h, 'compute1')).toMatchObject({ forced_down: true, status: 'disabled' });
  });
});

describe('evacuating by host aggregate metadata', () => {
  let h: Harness;
  let aggregate: string | undefined;
  afterAll(async () => {
    await h?.close();
    if (aggregate) {
      os('aggregate', 'remove', 'host', aggregate, 'compute1');
      os('aggregate', 'delete', aggregate);
    }
  });

  it('evacuates every server of a host in an aggregate tagged evacuable=true, to compute2 (auto)', async () => {
    resetLab(); // compute1 back, compute3 disabled again
    aggregate = evacuableAggregateOfCompute1('e2e-evacuable-agg');
    h = await harness({ policy: { evacuation: { select: 'evacuable-tag' } } });
    const web = await bootServer(h.cloud, 'e2e-agg-web', 'compute1');
    const incident = await failCompute1(h);
    const r = await waitIncident(h.rt, (x) => x.key === incident && settledStatus(x), 120);
    expect(r.status).toBe('resolved');
    const s = await h.cloud.nova.getServer(web);
    expect({ status: s.status, host: hostOf(s) }).toEqual({ status: 'ACTIVE', host: 'compute2' });
    expect(await service(h, 'compute3')).toMatchObject({ status: 'disabled' }); // auto: the reserved host untouched
  });
});

describe('a failed evacuation retried on the reserved host, added to the failed host aggregate', () => {
  let h: Harness;
  let aggregate: string | undefined;
  let server: string | undefined;
  afterAll(async () => {
    // the server first: Nova keeps a host with servers in its availability zone
    if (server && h) {
      await h.cloud.nova.deleteServer(server);
      await waitFor(
        'the retried server deleted',
        async () => !(await h.cloud.nova.getServer(server!).catch(() => undefined)),
        60,
        500,
      );
    }
    await h?.close();
    if (aggregate) {
      for (const host of ['compute1', 'compute3']) {
        try {
          os('aggregate', 'remove', 'host', aggregate, host);
        } catch {
          // compute3 was never added: the retry did not get that far
        }
      }
      os('aggregate', 'delete', aggregate);
    }
  });

  it('auto fails (no other host in the zone), the retry lands on compute3, added to the zone and enabled', async () => {
    resetLab(); // compute1 back, compute3 disabled again
    aggregate = evacuableAggregateOfCompute1('e2e-retry-agg', 'e2e-retry-az');
    h = await harness({
      policy: {
        evacuation: {
          select: 'evacuable-tag',
          recoveryMethod: 'auto_priority',
          reservedHosts: ['compute3'],
          addReservedHostToAggregate: true,
          retries: 1,
        },
      },
    });
    const image = await h.cloud.glance.findImage('fake-img');
    if (!image) throw new Error('image fake-img is missing: run `npm run lab -- up`');
    server = await bootFrom(h, 'e2e-retry-db', 'compute1', image.id, 'e2e-retry-az');

    const incident = await failCompute1(h);
    const r = await waitIncident(h.rt, (x) => x.key === incident && settledStatus(x), 180);
    expect(r.status).toBe('resolved');
    const s = await h.cloud.nova.getServer(server);
    expect({ status: s.status, host: hostOf(s) }).toEqual({ status: 'ACTIVE', host: 'compute3' });
    // the scheduler's attempt Nova ended in error (no other host in the zone), and the retry to compute3
    const tried = evacuations(server);
    expect(tried).toHaveLength(2);
    expect(tried).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ status: 'error' }),
        expect.objectContaining({ dest_compute: 'compute3' }),
      ]),
    );
    expect(JSON.parse(os('aggregate', 'show', aggregate, '-f', 'json')).hosts).toEqual(
      expect.arrayContaining(['compute1', 'compute3']),
    );
    expect(await service(h, 'compute3')).toMatchObject({ status: 'enabled' });
    expect(r.timeline.map((e) => e.reason)).toEqual(
      expect.arrayContaining([expect.stringMatching(/failed \(ERROR on compute1, migration \d+ error\)/)]),
    );
  });
});
