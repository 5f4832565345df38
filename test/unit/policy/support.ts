/**
 * Test support for the policy: Nova's compute service records as recorded from the lab
 * (test/fixtures/openstack/), and the times they were recorded at.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ComputeServiceState } from '../../../core/domain/host-liveness';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'openstack');
const body = (file: string) => JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8')).response.body;

/** GET /os-services?binary=nova-compute: compute1 and compute2 up, heartbeating. */
export const listedService = (host: 'compute1' | 'compute2'): ComputeServiceState =>
  body('nova-services-list.json').services.find((s: ComputeServiceState) => s.host === host);

/** PUT /os-services/{id} {"forced_down": true}: compute1 forced down (state down). */
export const forcedDownService = (): ComputeServiceState => body('nova-force-down-2.53.json').service;

/** compute1's last heartbeat in nova-services-list.json (`updated_at` 2026-11-23T01:47:36.000000, UTC). */
export const HEARTBEAT = Date.parse('2026-11-23T01:47:36Z');
/** When compute1 was forced down in nova-force-down-2.53.json (`updated_at`, UTC). */
export const FORCED_AT = Date.parse('2026-11-23T01:47:38.719Z');

export const sec = (s: number) => s * 1000;
export const iso = (ms: number) => new Date(ms).toISOString();
