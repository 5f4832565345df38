/**
 * The policy of VM and process failures (part of core/policy/policy.ts): the escalation ladder a pet
 * server climbs when it stopped or went to ERROR on its own, and the hook a process failure calls.
 * The restart rung is Masakari's VM recovery flow (masakari/engine/drivers/taskflow/instance_failure.py:
 * stop unless stopped, wait `wait_period_after_power_off` (180 s), start, wait `wait_period_after_power_on`
 * (60 s) for ACTIVE); its default timeout is the sum of those two waits.
 */
import * as z from 'zod';

export const RUNGS = ['restart', 'evacuate', 'human'] as const;
export type RungName = (typeof RUNGS)[number];

const RungSchema = z.object({
  rung: z
    .enum(RUNGS)
    .describe(
      'restart: stop the server (unless stopped) and start it, until Nova reports it ACTIVE; evacuate: rebuild it ' +
        'on another host through the evacuate step, only when Nova reports its host down (its host checks apply), ' +
        'else the rung is skipped; human: hold the incident and page the operator',
    ),
  timeoutSec: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('how long the rung may take before the next rung is climbed (restart: 240 s; evacuate: 300 s)'),
});
export type Rung = z.infer<typeof RungSchema>;

export const DEFAULT_RUNG_TIMEOUT_SEC = { restart: 240, evacuate: 300, human: 0 } as const satisfies Record<
  RungName,
  number
>;
export const rungTimeoutSec = (r: Rung) => r.timeoutSec ?? DEFAULT_RUNG_TIMEOUT_SEC[r.rung];

export const ServerRecoverySchema = z
  .object({
    enabled: z
      .boolean()
      .default(true)
      .describe('recover pets that stopped or went to ERROR on their own; false: the operator is only told'),
    ladder: z
      .array(RungSchema)
      .min(1)
      .default([{ rung: 'restart' }, { rung: 'evacuate' }, { rung: 'human' }])
      .describe('the rungs, climbed in order when one fails or times out; the last one ends the ladder'),
  })
  .default({ enabled: true, ladder: [{ rung: 'restart' }, { rung: 'evacuate' }, { rung: 'human' }] })
  .describe('VM failures of pets (HA metadata): the escalation ladder. Cattle in a Heat stack are replaced instead');

export const ProcessRestartHookSchema = z
  .object({
    url: z.url().describe('POSTed {"host", "process", "incident"} as JSON; a 2xx answer counts as called'),
    processes: z
      .array(z.string().min(1))
      .default(['nova-compute'])
      .describe('the process names (Masakari PROCESS process_name) the hook is called for'),
  })
  .optional()
  .describe('a process that its host monitor could not restart: call this hook with the host (never evacuate)');
