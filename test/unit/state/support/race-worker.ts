/**
 * One racing process for test/unit/state/race.test.ts. Prints one JSON line per result.
 * Usage: node --import tsx race-worker.ts <json Job>
 * Workers wait for a common start time so their loops really overlap.
 */
import type { StateStore } from '../../../../core/state';
import { decision } from './decision';
import { openTarget, type Job } from './race-jobs';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const say = (o: unknown): void => void process.stdout.write(`${JSON.stringify(o)}\n`);

async function run(job: Job, store: StateStore): Promise<void> {
  switch (job.scenario) {
    case 'create': {
      let wins = 0;
      for (let i = 0; i < job.times; i++) if (await store.putIfAbsent('seen:alarm-1', { by: job.name, i })) wins++;
      return say({ wins });
    }
    case 'claim': {
      const hosts = Array.from({ length: job.subjects }, (_, i) => `cmp-${i}`).sort(() => Math.random() - 0.5);
      const claimed: string[] = [];
      for (const host of hosts) {
        const c = decision(`${job.name}-${host}`, host, `inc-${job.name}-${host}`, { limit: job.limit });
        if ((await store.commit(c)).committed) claimed.push(host);
      }
      return say({ claimed });
    }
    case 'lease-and-hang': {
      say({ leased: await store.lease('work', Date.now(), { limit: job.limit, leaseMs: job.leaseMs }) });
      setInterval(() => undefined, 1_000); // holds its leases until it is killed
      return new Promise(() => undefined);
    }
    case 'drain': {
      while (Date.now() < job.deadline) {
        const batch = await store.lease('work', Date.now(), { limit: 2, leaseMs: job.leaseMs });
        if (batch.length === 0 && (await store.pending('work')).length === 0) break;
        if (batch.length === 0) await pause(50);
        for (const item of batch) if (await store.ack('work', item.id, item.token)) say({ acked: item });
      }
      return say({ done: true });
    }
  }
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2]) as Job;
  const store = openTarget(job.target);
  await pause(Math.max(0, job.startAt - Date.now()));
  await run(job, store);
  await store.close();
}

main().catch((e: unknown) => {
  process.stderr.write(String((e as Error).stack ?? e));
  process.exit(1);
});
