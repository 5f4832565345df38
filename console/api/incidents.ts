/**
 * The incidents API: the list (filtered; with the MTTR series), one incident with its whole record and
 * how long each of its steps took, and an operator's Approve / Deny of a held evacuation. Approving
 * stores the approval through functions/_shared/approve.ts (the same code as `stackmend approve`), then
 * hands the incident to evacuate, which checks the host in Nova again before it writes anything.
 */
import * as z from 'zod';
import { FENCE_METHODS } from '../../core/domain/fence';
import { INCIDENT_KINDS } from '../../core/domain/incident';
import { mayApprove } from '../../core/policy/approvers';
import { approveEvacuation, NotAnApproverError, NothingToApproveError } from '../../functions/_shared/approve';
import { matches, mttrSeries, STATUS_FILTERS, stepTimes, summaryOf } from '../views';
import { json, parseBody, parseWith, type ConsoleReply } from './http';
import { actor, type ApiContext } from './ports';

export const IncidentQuerySchema = z.object({
  status: z.enum(STATUS_FILTERS).optional(),
  kind: z.enum(INCIDENT_KINDS).optional(),
  host: z.string().min(1).max(255).optional(),
  stack: z.string().min(1).max(255).optional(),
});

export const ApproveSchema = z.object({
  /** The person or system that fenced the host, in the operator's words. */
  fencedBy: z.string().trim().min(1).max(200),
  method: z.enum(FENCE_METHODS).default('power-off'),
});

export const DenySchema = z.object({ reason: z.string().trim().min(1).max(500) });

export async function listIncidents({ req, ports }: ApiContext): Promise<ConsoleReply> {
  const filter = parseWith(
    IncidentQuerySchema,
    Object.fromEntries([...req.url.searchParams].filter(([, v]) => v !== '')),
    'incident filter',
  );
  const all = await ports.deps.incidents.list();
  const now = ports.deps.now();
  const shown = all.filter((r) => matches(r, filter)).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return json(200, {
    incidents: shown.map((r) => summaryOf(r, now)),
    facets: {
      kinds: [...new Set(all.map((r) => r.incident.kind))].sort(),
      hosts: [...new Set(all.flatMap((r) => summaryOf(r, now).host ?? []))].sort(),
      stacks: [...new Set(all.flatMap((r) => summaryOf(r, now).stacks))].sort(),
    },
    mttr: mttrSeries(all),
  });
}

export async function showIncident({ params, ports }: ApiContext): Promise<ConsoleReply> {
  const r = await ports.deps.incidents.require(params.key);
  const now = ports.deps.now();
  return json(200, { summary: summaryOf(r, now), record: r, times: stepTimes(r, now) });
}

export async function approveIncident(ctx: ApiContext): Promise<ConsoleReply> {
  const { req, params, ports } = ctx;
  const body = parseBody(req, ApproveSchema, 'approval');
  const d = ports.deps;
  // the policy's approvers, as for `stackmend approve` (core/policy/approvers.ts): the console's
  // operator role lets a user act, approving an evacuation needs an approver
  const approvedBy = { ...actor(ctx), roles: ctx.session?.roles ?? [] };
  const may = mayApprove(approvedBy, d.policy);
  if (!may.valid) throw new NotAnApproverError(`${may.reason}: nothing approved`);
  const approval = await approveEvacuation(
    d.incidents,
    { incident: params.key, approvedBy, ...body },
    { now: d.now(), ttlSec: d.policy.approvalTtlSec, maxOpenIncidents: d.policy.maxOpenIncidents },
  );
  const next = await d.dispatcher.send('evacuate', params.key);
  return json(202, { approval, next });
}

export async function denyIncident(ctx: ApiContext): Promise<ConsoleReply> {
  const { req, params, ports } = ctx;
  const { reason } = parseBody(req, DenySchema, 'denial');
  const r = await ports.deps.incidents.require(params.key);
  if (r.status !== 'held')
    throw new NothingToApproveError(`incident ${params.key} is ${r.status}: only a held incident can be denied`);
  const who = actor(ctx);
  const updated = await ports.deps.incidents.record(
    params.key,
    {
      step: 'notify',
      outcome: 'IGNORED',
      reason: `denied by ${who.name} (${who.via}): ${reason}; nothing done`,
      details: { deniedBy: who },
    },
    () => ({ status: 'ignored' }),
  );
  return json(200, { incident: params.key, status: updated.status });
}
