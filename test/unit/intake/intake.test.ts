/**
 * parseAlarms as a whole: it tells the source by shape, refuses what matches no source with the
 * issues of the closest one, and gives every incident a stable, source-prefixed key.
 */
import { parseDelivery as parseAlarms } from '../../../core/runtime/envelope';
import { toIsoUtc } from '../../../core/domain/alarms/time';
import { RECEIVED_AT, fixtureNames, issuesOf, load } from './support';

const FOLDERS = ['aodh', 'zaqar', 'nova/versioned', 'nova/legacy', 'nova/wire', 'alertmanager', 'masakari'];
const ALL = FOLDERS.flatMap((folder) => fixtureNames(folder).map((name) => [folder, name] as const));
const parse = (folder: string, name: string) => parseAlarms(load(folder, name), { receivedAt: RECEIVED_AT });
const parses = ([folder, name]: readonly [string, string]) => {
  try {
    parse(folder, name);
    return true;
  } catch {
    return false;
  }
};

describe('parseAlarms', () => {
  it.each([
    ['aodh', 'event-webhook.json', 'aodh', 'direct'],
    ['zaqar', 'aodh-psq-1.json', 'aodh', 'zaqar'],
    ['nova/versioned', 'service.update.json', 'nova', 'direct'],
    ['nova/wire', 'service.update.json', 'nova', 'direct'],
    ['alertmanager', 'HostDown-firing.json', 'alertmanager', 'direct'],
    ['masakari', 'run1-compute-host.json', 'masakari', 'direct'],
  ])('tells %s/%s is from %s, delivered %s', (folder, name, source, transport) => {
    expect(parse(folder, name).incidents[0]).toMatchObject({ source, transport });
  });

  it.each(ALL.filter(parses))('gives %s/%s the same result on 20 deliveries', (folder, name) => {
    const first = parse(folder, name);
    for (let i = 0; i < 20; i++) expect(parse(folder, name)).toEqual(first);
  });

  it.each(ALL.filter(parses))('writes %s/%s as well-formed incidents', (folder, name) => {
    for (const incident of parse(folder, name).incidents) {
      expect(incident.key.startsWith(`${incident.source}:`)).toBe(true);
      expect(incident.observedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(incident.summary.length).toBeGreaterThan(10);
      expect(Object.values(incident.labels).every((v) => typeof v === 'string')).toBe(true);
    }
  });

  it('gives distinct alarms distinct keys', () => {
    // nova/wire repeats nova/versioned and legacy; InstanceDown-vm2-resolved re-notifies ev-vm1's alert (same key).
    const repeats = (folder: string, name: string) =>
      folder === 'nova/wire' || name === 'InstanceDown-vm2-resolved.json';
    const keys = ALL.filter(([folder, name]) => !repeats(folder, name))
      .filter(parses)
      .flatMap(([folder, name]) => {
        const r = parse(folder, name);
        return [...r.incidents, ...r.unresolved].map((i) => `${i.key} ${i.transport}`);
      });
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('lists the issues of the closest source when the shape matches none', () => {
    const { alarm_id: _id, reason_data: _data, ...rest } = load('aodh', 'event-webhook.json');
    const error = issuesOf(() => parseAlarms(rest));
    expect(error.what).toMatch(/closest: Aodh alarm webhook/);
    expect(error.issues.map((i) => i.path).sort()).toEqual(['alarm_id', 'reason_data']);
  });

  it.each([null, [], 'alarm', 42])('refuses a payload that is not an object (%j)', (payload) => {
    expect(issuesOf(() => parseAlarms(payload)).issues).toEqual([
      expect.objectContaining({ path: '', code: 'invalid_type' }),
    ]);
  });

  it('accepts the receive time as a Date and refuses one that is not a time', () => {
    const alarm = load('aodh', 'generated-threshold-alarm.json');
    expect(parseAlarms(alarm, { receivedAt: new Date(RECEIVED_AT) }).unresolved[0].observedAt).toBe(RECEIVED_AT);
    expect(() => parseAlarms(alarm, { receivedAt: 'soon' })).toThrow(/receivedAt "soon" is not/);
  });
});

describe('timestamps', () => {
  it.each([
    ['2026-11-23T01:37:37.604627', '2026-11-23T01:37:37.604Z'], // Aodh: UTC without a zone
    ['2026-11-23 01:36:50.307998', '2026-11-23T01:36:50.307Z'], // Nova
    ['2026-11-23 01:38:09+00:00', '2026-11-23T01:38:09.000Z'], // legacy created_at
    ['2026-11-23T03:19:38.237123456+02:00', '2026-11-23T01:19:38.237Z'], // RFC 3339, nanoseconds
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'], // Alertmanager's "no end"
    ['2026-02-30T00:00:00', undefined],
    ['yesterday', undefined],
  ])('reads %s as %s', (text, iso) => {
    expect(toIsoUtc(text)).toBe(iso);
  });
});
