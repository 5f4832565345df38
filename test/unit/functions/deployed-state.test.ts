/**
 * A deployed step (the OpenWhisk `main` and Lambda `handler` of its bundle) needs a state store
 * every container shares: `file:` and `memory:` are refused with a ConfigError that says why. On
 * OpenWhisk it hands on with the key the platform gives the activation, not one stored in a parameter.
 */
import { openwhiskMain, type OpenWhiskActivation } from '../../../core/runtime/adapters';
import { step as notify } from '../../../functions/notify';

describe('the state store of a deployed step', () => {
  it.each([
    ['file:.stackmend/state', /is a directory of this action's container/],
    ['memory:', /is this container's memory/],
  ])('refuses state_url %s and says to use a shared Redis', async (stateUrl, where) => {
    const answer = await notify.main({ incident: 'inc-1', state_url: stateUrl });

    expect(answer).toMatchObject({ error: { statusCode: 500, body: { step: 'notify', error: 'ConfigError' } } });
    const { message } = (answer.error as { body: { message: string } }).body;
    expect(message).toMatch(where);
    expect(message).toMatch(/steps of one incident would not see each other's state/);
    expect(message).toMatch(/Set the state_url parameter to a shared Redis/);
  });

  it('refuses the default (no state_url given) on Lambda too', async () => {
    const answer = (await notify.handler({ incident: 'inc-1' } as never, {} as never)) as {
      statusCode: number;
      body: unknown;
    };

    expect(answer).toMatchObject({ statusCode: 500, body: { error: 'ConfigError' } });
    expect(JSON.stringify(answer.body)).toMatch(/state_url \\"file:\.stackmend\/state\\" is a directory/);
  });
});

describe('the OpenWhisk key of a deployed step', () => {
  const activation: OpenWhiskActivation = {
    apiHost: 'https://ow.example.org',
    namespace: 'ops',
    apiKey: 'uuid:own-key',
  };
  async function dispatchSeen(params: Record<string, unknown>) {
    let seen: unknown;
    const main = openwhiskMain(
      'notify',
      async (req) => {
        seen = req.config.dispatch;
        return { statusCode: 200, body: {} };
      },
      undefined,
      () => activation,
    );
    await main(params);
    return seen;
  }

  it('fires triggers with the activation’s own key, host and namespace (provide-api-key) when the stage names none', async () => {
    expect(await dispatchSeen({ dispatch: { transport: 'openwhisk' } })).toEqual({
      transport: 'openwhisk',
      api_host: 'https://ow.example.org',
      namespace: 'ops',
      auth: 'uuid:own-key',
    });
  });

  it('keeps what the stage names, and gives the key to no other transport', async () => {
    expect(await dispatchSeen({ dispatch: { transport: 'openwhisk', auth: 'uuid:stage-key' } })).toMatchObject({
      auth: 'uuid:stage-key',
    });
    expect(await dispatchSeen({ dispatch: { transport: 'queue' } })).toEqual({ transport: 'queue' });
  });
});
