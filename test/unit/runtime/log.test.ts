/** The JSON logger never writes a secret: by the key it is filed under, or inside a URL or JSON text. */
import { jsonLogger, REDACTED, scrub } from '../../../core/runtime/log';

function logged(fields: Record<string, unknown>, msg = 'event'): string {
  const lines: string[] = [];
  jsonLogger({ sink: (l) => lines.push(l) }).info(msg, fields);
  return lines.join('\n');
}

describe('jsonLogger', () => {
  it.each([
    ['password', { password: 'hunter2-hunter2' }],
    ['nested os_auth', { config: { os_auth: { auth: { username: 'admin', password: 'hunter2-hunter2' } } } }],
    ['webhook_token', { webhook_token: 'hunter2-hunter2' }],
    ['application_credential_secret', { application_credential_secret: 'hunter2-hunter2' }],
    ['a whisk key under auth', { auth: 'uuid:hunter2-hunter2' }],
    ['api_key', { api_key: 'hunter2-hunter2' }],
    ['an Authorization header', { headers: { Authorization: 'Basic hunter2-hunter2' } }],
    ['X-Auth-Token', { headers: { 'X-Auth-Token': 'hunter2-hunter2' } }],
    ['an error field', { error: Object.assign(new Error('failed'), { token: 'hunter2-hunter2' }) }],
  ])('redacts %s', (_what, fields) => {
    const line = logged(fields);
    expect(line).not.toContain('hunter2');
    expect(line).toContain(REDACTED);
  });

  it('masks userinfo and token= in URLs, and secret JSON fields inside strings, keeping the rest readable', () => {
    const line = logged({
      alarmUrl: 'http://webhook:hunter2-hunter2@127.0.0.1:3233/api/v1/web/guest/stackmend/classify-alarm',
      action: 'https://ow.example.org/api/v1/web/ops/stackmend/classify-alarm?token=hunter2-hunter2&x=1',
      data: '{"auth":{"identity":{"password":{"user":{"name":"admin","password":"hunter2-hunter2"}}}}}',
    });
    expect(line).not.toContain('hunter2');
    expect(line).toContain('http://[redacted]@127.0.0.1:3233/api/v1/web/guest/stackmend/classify-alarm');
    expect(line).toContain('?token=[redacted]&x=1');
    expect(line).toContain('"name\\":\\"admin');
  });

  it('masks secrets in the message too', () => {
    expect(logged({}, 'posting to http://a:hunter2-hunter2@h/x')).not.toContain('hunter2');
  });

  it('leaves ordinary fields alone', () => {
    expect(JSON.parse(logged({ incident: 'server:1', outcome: 'DISPATCHED', attempt: 2 }))).toMatchObject({
      incident: 'server:1',
      outcome: 'DISPATCHED',
      attempt: 2,
    });
    expect(scrub('compute1 is down')).toBe('compute1 is down');
  });
});
