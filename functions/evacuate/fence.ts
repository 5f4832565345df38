/**
 * stackmend fences a failed host itself when the policy names a driver for it, by the host or by one of its
 * aggregates (core/domain/fencing.ts fenceChoiceOf; entries that disagree → held, nothing powered off):
 * power-off asked once, then read back — one call per invocation, a power state not yet off is read
 * again through evacuate's due queue (no sleeping). Read back off → the run is recorded and
 * functions/evacuate/verify.ts accepts it as `stackmend-fence` evidence; the power never read off within
 * the policy's timeout, or the driver refusing → held, the operator paged, nothing written to Nova.
 * Only a host Nova's record shows down is fenced, and never a held incident (a human was asked).
 */
import { ConfigError } from '../../core/domain/errors';
import {
  fenceChoiceOf,
  fencesByAggregate,
  type FenceChoice,
  type FenceRun,
  type FenceTarget,
} from '../../core/domain/fencing';
import { isoOf } from '../../core/domain/clock';
import type { IncidentRecord } from '../../core/domain/plan';
import { powerFenceFor, type FencePorts, type PowerFence } from '../../core/fencing/drivers';
import { RedfishClient } from '../../core/fencing/redfish';
import { OpenStackApiError } from '../../core/openstack/errors';
import { ServiceHttp } from '../../core/openstack/http';
import type { ComputeService } from '../../core/openstack/nova';
import { fenceVerdict, ownFenceClaim } from '../../core/policy/fencing';
import { checkHost } from '../../core/policy/host-check';
import type { Deps } from '../_shared/deps';
import { reschedule } from '../_shared/progress';
import type { StepResult } from '../_shared/step';
import { hold } from './verify';

/** The drivers' ports from the step's deps; a Redfish BMC's Basic credential from the runtime configuration. */
export function fencePorts(d: Deps): FencePorts {
  return {
    ironic: () => d.cloud().ironic,
    nova: () => d.cloud().nova,
    redfish: (url, credential) => {
      const c = d.config.fencing_credentials.find((x) => x.name === credential);
      if (!c) throw new ConfigError(`no fencing_credentials entry named ${credential} for the Redfish BMC at ${url}`);
      const basic = Buffer.from(`${c.username}:${c.password}`).toString('base64');
      const http = new ServiceHttp({
        service: 'redfish',
        baseUrl: async () => url,
        headers: { Authorization: `Basic ${basic}`, 'OData-Version': '4.0' },
        log: d.log,
        readOnly: d.dryRun,
      });
      return new RedfishClient(http);
    },
  };
}

/** The host's driver by the policy: Nova's aggregates are read only when the policy names one. */
export async function fenceChoiceFor(d: Deps, host: string): Promise<FenceChoice> {
  const aggregates = fencesByAggregate(d.policy) ? await d.cloud().nova.listAggregates() : [];
  const names = aggregates.filter((a) => a.hosts.includes(host)).map((a) => a.name);
  return fenceChoiceOf(d.policy, host, names);
}

/**
 * Is a fence of this incident's host to be run now: a driver, a host down by Nova, no evidence yet, not held.
 * A conflict of the policy's entries where a fence would be run: the reason, and nothing is powered off.
 */
function fenceWanted(
  d: Deps,
  r: IncidentRecord,
  svc: ComputeService,
  choice: FenceChoice,
): FenceTarget | { conflict: string } | undefined {
  if (choice.kind === 'none' || r.status === 'held' || r.fencing?.offAt) return undefined;
  const check = checkHost(
    {
      incident: r.key,
      service: svc,
      claim: r.incident.fence,
      reportedBy: r.reportedBy,
      ownFence: ownFenceClaim(r.fencing),
      approval: r.approval,
      rechecks: d.policy.lateRechecks,
      now: d.now(),
    },
    d.policy,
  );
  // alive or late: verify.ts answers; fenced by other evidence: nothing to power off
  if (check.liveness.verdict !== 'down' || check.fenceCheck.accepted) return undefined;
  return choice.kind === 'target' ? choice.target : { conflict: choice.reason };
}

const refusal = (e: unknown) => e instanceof OpenStackApiError && e.status >= 400 && e.status < 500;

async function ask(d: Deps, r: IncidentRecord, fence: PowerFence, run: Omit<FenceRun, 'requestedAt' | 'readings'>) {
  const at = isoOf(d.now());
  try {
    const { requestId } = await fence.powerOff();
    return d.incidents.record(
      r.key,
      {
        step: 'evacuate',
        outcome: 'DISPATCHED',
        reason: `${run.host} is down and nothing has fenced it: power-off asked of ${fence.name}`,
        requestIds: requestId ? [requestId] : undefined,
      },
      () => ({ fencing: { ...run, requestedAt: at, requestId, readings: 0 } }),
    );
  } catch (e) {
    if (refusal(e)) return `${fence.name} refused the power-off: ${(e as Error).message}`;
    throw e; // unreachable or failing: evacuate is retried by the dispatcher, the run not yet started
  }
}

/**
 * Undefined: go on to the host check (fenced now, or nothing for stackmend to fence). Otherwise the
 * step's answer: rescheduled to read again, held because the fence failed, or a dry run.
 */
export async function fenceIfWanted(
  d: Deps,
  r: IncidentRecord,
  svc: ComputeService,
  choice: FenceChoice,
  ports: FencePorts = fencePorts(d),
): Promise<{ record: IncidentRecord } | StepResult[]> {
  const target = fenceWanted(d, r, svc, choice);
  if (!target) return { record: r };
  if ('conflict' in target) return hold(d, r, `${target.conflict}. Nothing was evacuated`);
  const fence = powerFenceFor(svc.host, target, ports);
  if (d.dryRun)
    return [{ outcome: 'DRY_RUN', incident: r.key, reason: `would power ${svc.host} off through ${fence.name}` }];
  if (!r.fencing || r.fencing.host !== svc.host) {
    const asked = await ask(d, r, fence, { host: svc.host, target });
    if (typeof asked === 'string')
      return hold(d, r, `the fence of ${svc.host} failed: ${asked}. Nothing was evacuated`);
    r = asked;
  }
  const run = r.fencing!;
  const reading = await fence.readPower().catch((e: Error) => ({ error: e.message }));
  const v = fenceVerdict(run, reading, d.now(), d.policy);
  const lastState = 'error' in reading ? `unreadable: ${reading.error}` : reading.state;
  const readings = run.readings + 1;
  switch (v.verdict) {
    case 'fenced': {
      const offAt = isoOf(d.now());
      const record = await d.incidents.record(
        r.key,
        { step: 'evacuate', outcome: 'DONE', reason: v.reason, details: { fence: { ...run, offAt, lastState } } },
        (cur) => ({ fencing: { ...run, ...cur.fencing, readings, lastState, offAt } }),
      );
      return { record };
    }
    case 'wait': {
      const record = await d.incidents.patch(r.key, (cur) => ({
        fencing: { ...run, ...cur.fencing, readings, lastState },
      }));
      return reschedule(d, 'evacuate', record, v.reason);
    }
    case 'failed':
      return hold(d, r, v.reason);
    default: {
      const unreachable: never = v;
      return unreachable;
    }
  }
}
