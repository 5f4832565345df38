import {
  ConflictError,
  NotFoundError,
  OpenStackUnreachableError,
  ServiceUnavailableError,
} from '../../../core/openstack/errors';
import { backoffDelay, DEFAULT_RETRY, ServiceHttp, type TokenSource } from '../../../core/openstack/http';
import { replay, startReplayServer, type Answer } from '../../support/replay-server';

const noWait = { sleep: async () => undefined, random: () => 0.5 };

function tokens(): TokenSource & { issued: number; invalidated: string[] } {
  const t = { issued: 0, invalidated: [] as string[], current: 'tok-1' };
  return {
    get issued() {
      return t.issued;
    },
    invalidated: t.invalidated,
    async token() {
      t.issued++;
      return t.current;
    },
    invalidate(v: string) {
      t.invalidated.push(v);
      t.current = 'tok-2';
    },
  };
}

async function withServer(
  answers: Answer[],
  run: (http: ServiceHttp, s: { requests: { method: string; headers: Record<string, unknown> }[] }) => Promise<void>,
  auth?: TokenSource,
) {
  const s = await startReplayServer((_r, n) => answers[Math.min(n, answers.length) - 1]);
  try {
    await run(new ServiceHttp({ service: 'nova', baseUrl: async () => `${s.url}/v2.1`, auth, ...noWait }), s);
  } finally {
    await s.close();
  }
}

describe('ServiceHttp', () => {
  it('retries an idempotent GET after a 503 and returns the recorded body with its request id', async () => {
    await withServer([{ status: 503, body: { message: 'busy' } }, replay('nova-services-list')], async (http, s) => {
      const res = await http.get<{ services: unknown[] }>('os-services');
      expect(res.data.services).toHaveLength(2);
      expect(res.requestId).toBe('req-255626c2-7e1e-4cce-b2d8-65ea96f01b73');
      expect(s.requests).toHaveLength(2);
    });
  });

  it('never retries a POST that failed with a 5xx: the action may have happened', async () => {
    await withServer(
      [
        { status: 502, body: {} },
        { status: 200, body: {} },
      ],
      async (http, s) => {
        await expect(http.post('servers/x/action', { evacuate: {} })).rejects.toBeInstanceOf(ServiceUnavailableError);
        expect(s.requests).toHaveLength(1);
      },
    );
  });

  it('gives up after the retry budget with the service, status and request id in the error', async () => {
    const down: Answer = { status: 503, body: { message: 'no' }, headers: { 'x-openstack-request-id': 'req-1' } };
    await withServer([down], async (http, s) => {
      const err = await http.get('servers').catch((e) => e);
      expect(err).toBeInstanceOf(ServiceUnavailableError);
      expect(err).toMatchObject({ service: 'nova', status: 503, requestId: 'req-1' });
      expect(s.requests).toHaveLength(DEFAULT_RETRY.attempts);
    });
  });

  it('re-authenticates once on 401 and repeats the call with the fresh token', async () => {
    const auth = tokens();
    await withServer(
      [{ status: 401, body: { error: { message: 'expired' } } }, replay('nova-server-show')],
      async (http, s) => {
        const res = await http.post<{ server: { id: string } }>('servers', {});
        expect(res.data.server.id).toBe('4fdf9c9b-131a-40f5-a1da-f8eeb0961e99');
        expect(auth.invalidated).toEqual(['tok-1']);
        expect(s.requests.map((r) => r.headers['x-auth-token'])).toEqual(['tok-1', 'tok-2']);
      },
      auth,
    );
  });

  it('maps 404 and 409 to named errors that carry the service message', async () => {
    await withServer(
      [{ status: 404, body: { itemNotFound: { code: 404, message: 'Instance x could not be found.' } } }],
      async (http) => {
        const err = await http.get('servers/x').catch((e) => e);
        expect(err).toBeInstanceOf(NotFoundError);
        expect(err.message).toContain('Instance x could not be found.');
      },
    );
    await withServer([{ status: 409, body: { conflictingRequest: { message: 'busy' } } }], async (http) => {
      await expect(http.put('x', {})).rejects.toBeInstanceOf(ConflictError);
    });
  });

  it('turns a refused connection into OpenStackUnreachableError after retrying', async () => {
    const http = new ServiceHttp({ service: 'heat', baseUrl: async () => 'http://127.0.0.1:9', ...noWait });
    const err = await http.get('stacks').catch((e) => e);
    expect(err).toBeInstanceOf(OpenStackUnreachableError);
    expect(err.message).toMatch(/heat is unreachable.*ECONNREFUSED.*nothing was changed/);
  });

  it('retries a connection reset for GET', async () => {
    await withServer(['reset', replay('heat-stack-show')], async (http, s) => {
      const res = await http.get<{ stack: { stack_status: string } }>('stacks/a/b');
      expect(res.data.stack.stack_status).toBe('CREATE_COMPLETE');
      expect(s.requests).toHaveLength(2);
    });
  });

  it.each([1, 2, 3, 4, 10])('keeps jittered backoff of attempt %i within [0, cap]', (attempt) => {
    const d = backoffDelay(attempt, DEFAULT_RETRY, () => 0.999);
    expect(d).toBeGreaterThanOrEqual(0);
    expect(d).toBeLessThanOrEqual(Math.min(DEFAULT_RETRY.maxDelayMs, DEFAULT_RETRY.baseDelayMs * 2 ** (attempt - 1)));
  });
});
