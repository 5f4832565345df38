/**
 * Child process for the cross-process FileStore test: hammers one directory and prints JSON.
 * Usage: node --import tsx file-worker.ts <dir> <worker-name> <increments> <start-at-epoch-ms>
 * Workers wait for a common start time so their loops really overlap.
 */
import { FileStore } from '../../../../core/state/file-store';

async function main(): Promise<void> {
  const [dir, name, n, startAt] = process.argv.slice(2);
  // Correctness under contention is what is tested here, not the wait bound: be patient on a busy machine.
  const store = new FileStore(dir, { lock: { waitMs: 20_000 } });
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
  const won = await store.putIfAbsent('idem:shared', name);
  for (let i = 0; i < Number(n); i++) await store.update<number>('counter', (c) => (c ?? 0) + 1);
  await store.append('audit', { name });
  const taken: string[] = [];
  for (
    let batch = await store.takeDue('work', Date.now(), 3);
    batch.length;
    batch = await store.takeDue('work', Date.now(), 3)
  )
    taken.push(...batch);
  process.stdout.write(JSON.stringify({ won, taken }));
}

main().catch((e: unknown) => {
  process.stderr.write(String((e as Error).stack ?? e));
  process.exit(1);
});
