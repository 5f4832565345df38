/** The fleet API: compute hosts as Nova reports them now, with stackmend's view of each (../fleet.ts). */
import { Controls } from '../../functions/_shared/controls';
import { readFleet } from '../fleet';
import { json, type ConsoleReply } from './http';
import type { ApiContext } from './ports';

export async function showFleet({ ports }: ApiContext): Promise<ConsoleReply> {
  const d = ports.deps;
  const [records, controls] = await Promise.all([d.incidents.list(), new Controls(d.store, d.now).state()]);
  return json(200, await readFleet(d.cloud(), records, controls, d.policy, d.now()));
}
