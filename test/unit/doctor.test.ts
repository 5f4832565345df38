/**
 * `stackmend doctor`'s checks of the OpenStack configuration files (cli/doctor/files.ts), on the lab's
 * own files (test/lab/etc, as lab.sh installs them) and on copies with each trap of
 * /work/shared/lab-notes put back: each is found, says how to fix it, and quotes no password. And its
 * check of the state store (cli/doctor/state.ts) on real stores: a file: directory, a Redis port nothing
 * listens on, memory:.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkConfigFiles, type Finding } from '../../cli/doctor/files';
import { checkStateStore, PROBE_PREFIX } from '../../cli/doctor/state';
import { parseRuntimeConfig } from '../../core/runtime/config';
import { openStore } from '../../core/state';
import { DEFAULT_POLICY, PolicySchema } from '../../core/policy/policy';

const ETC = path.join(__dirname, '..', 'lab', 'etc');
const lab = (rel: string) => fs.readFileSync(path.join(ETC, rel), 'utf8');
const files =
  (edits: Record<string, (text: string) => string> = {}) =>
  (rel: string) =>
    (edits[rel] ?? ((t: string) => t))(lab(rel));
const byCheck = (f: Finding[]) => Object.fromEntries(f.map((x) => [x.check, x]));

describe('doctor on the configuration files', () => {
  it("finds the lab's files right, but for Aodh's single delivery attempt", () => {
    const f = byCheck(checkConfigFiles(files(), DEFAULT_POLICY));
    for (const ok of ['ceilometer-alarm-topic', 'nova-notifications', 'aodh-event-cache', 'zaqar-notifier-pipeline'])
      expect(f[ok]).toMatchObject({ level: 'ok' });
    expect(f['aodh-retries']).toMatchObject({
      level: 'warn',
      fix: expect.stringContaining('rest_notifier_max_retries = 3'),
    });
    expect(f['service-down-time']).toMatchObject({
      level: 'info',
      message: expect.stringMatching(/after 20 s, Nova after service_down_time = 60 s/),
    });
  });

  it.each<[string, Record<string, (t: string) => string>, string, RegExp]>([
    [
      'Ceilometer publishing on its default topic',
      { 'ceilometer/event_pipeline.yaml': (t) => t.replace('notifier://?topic=alarm.all', 'notifier://') },
      'ceilometer-alarm-topic',
      /notifier:\/\/\?topic=alarm\.all/,
    ],
    [
      'Nova notifications off',
      { 'nova/nova.conf': (t) => t.replace('driver = messagingv2', 'driver = noop') },
      'nova-notifications',
      /driver = messagingv2/,
    ],
    [
      'Aodh caching event alarms for the default 60 s',
      { 'aodh/aodh.conf': (t) => t.replace('event_alarm_cache_ttl = 3', '') },
      'aodh-event-cache',
      /event_alarm_cache_ttl = 5/,
    ],
    [
      'Zaqar without its notifier pipeline',
      { 'zaqar/zaqar.conf': (t) => t.replace('message_pipeline = zaqar.notification.notifier', '') },
      'zaqar-notifier-pipeline',
      /message_pipeline = zaqar\.notification\.notifier/,
    ],
    [
      'Nova heartbeating less often than the policy expects',
      { 'nova/nova.conf': (t) => t.replace('[DEFAULT]', '[DEFAULT]\nreport_interval = 30') },
      'report-interval',
      /reportIntervalSec to 30/,
    ],
  ])('finds %s, and says how to fix it', (_name, edits, check, fix) => {
    const f = byCheck(checkConfigFiles(files(edits), DEFAULT_POLICY));
    expect(['warn', 'fail']).toContain(f[check]?.level);
    expect(f[check]?.fix).toMatch(fix);
  });

  it('says what it could not read instead of guessing', () => {
    const f = checkConfigFiles(() => undefined, DEFAULT_POLICY);
    expect(f.every((x) => x.level === 'info' && /not readable/.test(x.message))).toBe(true);
  });

  it('quotes no password from the files it reads', () => {
    const withPasswords = (rel: string) => lab(rel).replace(/@PW@/g, 'a-service-password-77');
    const text = JSON.stringify(checkConfigFiles(withPasswords, PolicySchema.parse({})));
    expect(text).not.toContain('a-service-password-77');
  });
});

describe('doctor on the state store', () => {
  const configWith = (state_url: string, transport = 'queue') =>
    parseRuntimeConfig({ state_url, dispatch: { transport } });
  const scratchState = () => `file:${fs.mkdtempSync(path.join(os.tmpdir(), 'stackmend-doctor-'))}`;

  it('finds a file: store that answers right for steps handing on through its own due queue, leaving no probe', async () => {
    const state = scratchState();
    expect(await checkStateStore(configWith(state))).toEqual([
      { check: 'state-store', level: 'ok', message: 'the state store answers (a probe key written, read and deleted)' },
    ]);
    const store = openStore(state);
    try {
      expect(await store.list(PROBE_PREFIX)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('fails a state store it cannot reach, says how to fix it, and quotes no password', async () => {
    const started = Date.now();
    const [f, ...more] = await checkStateStore(configWith('redis://:a-redis-password-77@127.0.0.1:1/0'));
    expect(more).toEqual([]);
    expect(f).toMatchObject({
      check: 'state-store',
      level: 'fail',
      message: expect.stringMatching(/^the state store redis:\/\/127\.0\.0\.1:1\/0 does not work: .*unreachable/),
      fix: 'start it, or fix state_url',
    });
    expect(JSON.stringify(f)).not.toContain('a-redis-password-77');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('fails a file: store whose directory cannot be made, as a finding (it threw out of doctor: exit 1)', async () => {
    const [f] = await checkStateStore(configWith('file:/dev/null/state'));
    expect(f).toMatchObject({
      check: 'state-store',
      level: 'fail',
      message: expect.stringMatching(/^the state store file:\/dev\/null\/state does not work: .*ENOTDIR/),
      fix: 'start it, or fix state_url',
    });
  });

  it.each(['openwhisk', 'http', 'zaqar'])(
    'fails a file: store when the steps hand on through %s: the next step may run on another invoker',
    async (transport) => {
      const [f] = await checkStateStore(configWith(scratchState(), transport));
      expect(f).toMatchObject({
        check: 'state-store',
        level: 'fail',
        message: expect.stringMatching(
          new RegExp(`is on this machine only, and the steps hand on through ${transport}`),
        ),
        fix: 'use redis://host:6379/<db>, reachable from every invoker',
      });
    },
  );

  it('fails memory: whatever the transport: no other process sees its incidents, locks or breaker', async () => {
    for (const transport of ['queue', 'openwhisk'])
      expect(await checkStateStore(configWith('memory:', transport))).toEqual([
        expect.objectContaining({
          level: 'fail',
          message: expect.stringContaining('memory: is private to one process'),
        }),
      ]);
  });
});
