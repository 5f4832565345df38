/**
 * One racing process for ../classify-race.test.ts: classify-alarm's own handler over the shared
 * state store (file or Redis), with its own FakeCloud built from the same scene. Prints one JSON
 * line: how often each outcome was answered. Usage: node --import tsx classify-worker.ts <json ClassifyJob>
 */
import { step as classify } from '../../../../functions/classify-alarm';
import { openTarget, type Target } from '../../state/support/race-jobs';
import { SCENE_CONFIG, sceneCloud, sceneFactory, T0, type Scene } from './scenes';

/** times: how often the alarms are sent, in turn (default once); config: every invocation's parameters. */
export type ClassifyJob = {
  target: Target;
  scene: Scene;
  name: string;
  startAt: number;
  alarms: unknown[];
  times?: number;
  config?: Record<string, unknown>;
};

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2]) as ClassifyJob;
  const store = openTarget(job.target);
  const now = () => T0;
  const factory = sceneFactory(store, sceneCloud(job.scene, now), now);
  const outcomes: Record<string, number> = {};
  await pause(Math.max(0, job.startAt - Date.now()));
  const bodies = Array.from({ length: job.times ?? 1 }, () => job.alarms).flat();
  for (const body of bodies) {
    const res = await classify.handle(
      { method: 'POST', headers: {}, query: {}, body, config: job.config ?? SCENE_CONFIG },
      factory,
    );
    const results = (res.body as { results?: { outcome: string }[] }).results ?? [
      { outcome: `HTTP ${res.statusCode}` },
    ];
    for (const r of results) outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;
  }
  process.stdout.write(`${JSON.stringify({ outcomes })}\n`);
  await store.close();
}

main().catch((e: unknown) => {
  process.stderr.write(String((e as Error).stack ?? e));
  process.exit(1);
});
