/** The fleet API: compute hosts as Nova reports them now, with stackmend's view of each (../fleet.ts). */
import { readBlast } from '../../functions/_shared/blast';
import { Controls } from '../../functions/_shared/controls';
import { readFleet, type FleetRecords } from '../fleet';
import { json, type ConsoleReply } from './http';
import type { ApiContext } from './ports';

export async function showFleet({ ports }: ApiContext): Promise<ConsoleReply> {
  const d = ports.deps;
  const [records, controls] = await Promise.all([d.incidents.list(), new Controls(d.store, d.now).state()]);
  const kept: FleetRecords = { records, controls, blast: (services, aggregates) => readBlast(d, services, aggregates) };
  return json(200, await readFleet(d.cloud(), kept, d.policy, d.now()));
}
