/** The webhook receiver other tests rely on: recording, next() ordering, predicates, timeouts. */
import { startHookListener } from './hook-listener';

const post = (url: string, body: string) =>
  fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });

describe('startHookListener', () => {
  it('records requests and hands each one out once, oldest first, including ones that arrived earlier', async () => {
    const hooks = await startHookListener();
    try {
      expect(hooks.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const t0 = Date.now();
      expect((await post(`${hooks.url}/a?x=1`, '{"n":1}')).status).toBe(200);
      await post(`${hooks.url}/b`, 'not json');
      await post(`${hooks.url}/a`, '{"n":2}');
      const first = await hooks.next((r) => r.path.startsWith('/a'));
      expect(first).toMatchObject({ method: 'POST', path: '/a?x=1', json: { n: 1 } });
      expect(first.headers['content-type']).toBe('application/json');
      expect(first.receivedAt).toBeGreaterThanOrEqual(t0);
      expect((await hooks.next((r) => r.path === '/a')).json).toEqual({ n: 2 });
      const b = await hooks.next();
      expect(b).toMatchObject({ path: '/b', body: 'not json', json: undefined });
      expect(hooks.requests).toHaveLength(3);
    } finally {
      await hooks.close();
    }
  });

  it('waits for a request that has not arrived yet, and times out when none comes', async () => {
    const hooks = await startHookListener({ status: 202 });
    try {
      const waiting = hooks.next((r) => r.json?.kind === 'late', 5_000);
      setTimeout(
        () => void post(`${hooks.url}/x`, '{"kind":"early"}').then(() => post(`${hooks.url}/x`, '{"kind":"late"}')),
        50,
      );
      expect((await waiting).json).toEqual({ kind: 'late' });
      expect((await post(hooks.url, '{}')).status).toBe(202);
      await expect(hooks.next((r) => r.path === '/never', 100)).rejects.toThrow(/no matching request .* within 100 ms/);
    } finally {
      await hooks.close();
    }
  });
});
