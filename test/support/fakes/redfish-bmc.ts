/**
 * A Redfish BMC on 127.0.0.1 serving DMTF's published mockup system (test/fixtures/redfish/README.md):
 * GET of the system → its document; a POST to the reset target it advertises → 204, no body (the
 * mockup server's answer); anything else → 404, no body. A ForceOff (On) turns PowerState "Off" ("On") at the next
 * tick() (as DMTF's Interface Emulator does after a reset); a `stuck` BMC accepts and never changes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startReplayServer, type Answer, type Received } from '../replay-server';

type Json = Record<string, unknown>;
const MOCKUP = path.join(__dirname, '..', '..', 'fixtures', 'redfish', 'computer-system.json');

export async function startRedfishBmc(o: { stuck?: boolean } = {}) {
  const system = JSON.parse(fs.readFileSync(MOCKUP, 'utf8')) as Json;
  const self = String(system['@odata.id']);
  const reset = (system.Actions as Record<string, { target: string }>)['#ComputerSystem.Reset'].target;
  let pending: string | undefined;
  const answer = (req: Received): Answer => {
    if (req.method === 'GET' && req.url === self) return { status: 200, body: system };
    if (req.method === 'POST' && req.url === reset) {
      const type = (req.body as { ResetType?: string } | undefined)?.ResetType;
      if (type === 'ForceOff') pending = 'Off';
      if (type === 'On') pending = 'On';
      return { status: 204 };
    }
    return { status: 404 };
  };
  const server = await startReplayServer(answer);
  return {
    ...server,
    systemId: String(system.Id),
    powerState: () => system.PowerState,
    tick: () => {
      if (pending && !o.stuck) system.PowerState = pending;
      pending = undefined;
    },
  };
}
