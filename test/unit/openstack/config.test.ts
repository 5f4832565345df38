import { ConfigError } from '../../../core/domain/errors';
import { resolveCloudConfig } from '../../../core/openstack/config';

const yaml = `
clouds:
  stackmend-lab:
    auth:
      auth_url: http://127.0.0.1:5000/v3
      username: admin
      password: admin
      project_name: admin
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
    interface: public
  appcred:
    auth_type: v3applicationcredential
    auth:
      auth_url: http://127.0.0.1:5000
      application_credential_id: abc
      application_credential_secret: s3cret
`;
const files = [{ path: '/x/clouds.yaml', text: yaml }];

describe('cloud configuration', () => {
  it('selects the clouds.yaml entry named by OS_CLOUD', () => {
    const c = resolveCloudConfig({ env: { OS_CLOUD: 'stackmend-lab' }, files });
    expect(c).toMatchObject({
      name: 'stackmend-lab',
      authUrl: 'http://127.0.0.1:5000/v3',
      region: 'RegionOne',
      interface: 'public',
    });
    expect(c.auth).toMatchObject({
      type: 'password',
      username: 'admin',
      project: { name: 'admin', domain: { name: 'Default' } },
    });
  });

  it('reads application credentials and appends /v3 to a bare auth_url', () => {
    const c = resolveCloudConfig({ env: {}, files, cloud: 'appcred' });
    expect(c.authUrl).toBe('http://127.0.0.1:5000/v3');
    expect(c.auth).toEqual({ type: 'application_credential', id: 'abc', secret: 's3cret' });
  });

  it('falls back to OS_* variables', () => {
    const c = resolveCloudConfig({
      env: {
        OS_AUTH_URL: 'http://k:5000/v3',
        OS_USERNAME: 'u',
        OS_PASSWORD: 'p',
        OS_PROJECT_NAME: 'demo',
        OS_REGION_NAME: 'R2',
        OS_INTERFACE: 'internal',
      },
      files: [],
    });
    expect(c).toMatchObject({ name: 'env', region: 'R2', interface: 'internal' });
  });

  it.each([
    [{ env: { OS_CLOUD: 'nope' }, files }, /cloud "nope" is not in any clouds.yaml/],
    [{ env: {}, files: [] }, /no cloud selected/],
    [{ env: { OS_AUTH_URL: 'http://k:5000', OS_USERNAME: 'u' }, files: [] }, /password auth needs/],
  ])('explains what is missing (%#)', (src, msg) => {
    expect(() => resolveCloudConfig(src)).toThrow(ConfigError);
    expect(() => resolveCloudConfig(src)).toThrow(msg);
  });
});
