/**
 * The instance-HA runs of `npm run bench -- --only ha` (cli/bench-ha.ts), kept raw in
 * bench-results/latest.json and summarized here: a median with min/max per variant, and per-round
 * ratios (a round runs the variants one after the other, so the machine's drift falls on all of them).
 * Runs of several invocations merge (the 180 s Masakari runs need several holds of the lab lock).
 */
import { ratios, summarize, type Summary } from './stats';

export const HA_VARIANTS = ['stackmend-reported', 'masakari-tuned', 'masakari-default', 'stackmend-detected'] as const;
export type HaVariant = (typeof HA_VARIANTS)[number];

export type HaRun = {
  variant: HaVariant;
  /** `<invocation start>#<round>`: runs of one round are interleaved neighbours. */
  round: string;
  at: string;
  servers: number;
  /** host death (SIGKILL of its nova-compute) → every HA server ACTIVE on another host, no task */
  ms: number;
  /** host death → the first HA server seen on another host (what came before is detection + decision + fence) */
  firstMovedMs: number;
  masakariWaitSec?: number;
};

/** A run that did not end (an API that did not answer in time on the loaded machine): not counted, kept. */
export type HaFailure = { variant: HaVariant; at: string; error: string };

export type HaResults = { measuredAt: string; host: string; runs: HaRun[]; failures?: HaFailure[] };

/** The previous runs and the new ones, oldest first; `measuredAt` becomes the newest. */
export function mergeHa(prev: HaResults | undefined, next: HaResults): HaResults {
  return {
    ...next,
    runs: [...(prev?.runs ?? []), ...next.runs],
    failures: [...(prev?.failures ?? []), ...(next.failures ?? [])],
  };
}

export type HaSummary = {
  variant: HaVariant;
  servers: number[];
  masakariWaitSec: number[];
  total: Summary;
  firstMoved: Summary;
  /** this variant / stackmend-reported, per round holding both */
  ratioToStackmend?: Summary;
};

const uniq = (xs: number[]) => [...new Set(xs)].sort((a, b) => a - b);

export function summarizeHa(runs: HaRun[]): HaSummary[] {
  const byRound = new Map<string, Map<HaVariant, HaRun>>();
  for (const r of runs) byRound.set(r.round, (byRound.get(r.round) ?? new Map()).set(r.variant, r));
  return HA_VARIANTS.filter((v) => runs.some((r) => r.variant === v)).map((variant) => {
    const mine = runs.filter((r) => r.variant === variant);
    const pairs = [...byRound.values()].filter((m) => m.has(variant) && m.has('stackmend-reported'));
    return {
      variant,
      servers: uniq(mine.map((r) => r.servers)),
      masakariWaitSec: uniq(mine.flatMap((r) => (r.masakariWaitSec === undefined ? [] : [r.masakariWaitSec]))),
      total: summarize(mine.map((r) => r.ms)),
      firstMoved: summarize(mine.map((r) => r.firstMovedMs)),
      ...(variant === 'stackmend-reported' || !pairs.length
        ? {}
        : {
            ratioToStackmend: ratios(
              pairs.map((m) => m.get(variant)!.ms),
              pairs.map((m) => m.get('stackmend-reported')!.ms),
            ),
          }),
    };
  });
}
