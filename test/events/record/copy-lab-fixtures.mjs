#!/usr/bin/env node
// Copies the alarm bodies recorded on the real lab (the directory its recorders wrote) into
// test/events/<source>/, byte for byte where the lab kept the raw body.
// Usage: node test/events/record/copy-lab-fixtures.mjs LAB_FIXTURES_DIR
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const lab = process.argv[2];
if (!lab) {
  console.error('usage: node test/events/record/copy-lab-fixtures.mjs LAB_FIXTURES_DIR');
  process.exit(2);
}
const events = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const write = (source, name, text) => {
  fs.mkdirSync(path.join(events, source), { recursive: true });
  fs.writeFileSync(path.join(events, source, name), text.endsWith('\n') ? text : `${text}\n`);
  console.log(`${source}/${name}`);
};

// Every webhook the lab's hook-server received (body_raw = the exact bytes POSTed).
const hooks = fs.readFileSync(path.join(lab, 'events-hooks-all.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const seen = {};
for (const hook of hooks) {
  const [, kind, name] = hook.url.split('/');
  if (kind !== 'aodh' && kind !== 'zaqar') continue; // '/test' was a curl smoke test
  seen[name] = (seen[name] ?? 0) + 1;
  const file = kind === 'aodh' ? `${name}.json` : `${name}-${seen[name]}.json`;
  write(kind === 'aodh' ? 'aodh' : 'zaqar', file, hook.body_raw);
}

// Nova notifications drained from RabbitMQ by peek-notifications.py (oslo.message already unwrapped).
for (const [sample, dir] of [['nova-versioned-notifications-samples.json', 'versioned'], ['unversioned-notifications-samples.json', 'legacy']]) {
  const bySample = JSON.parse(fs.readFileSync(path.join(lab, sample), 'utf8'));
  for (const [eventType, message] of Object.entries(bySample)) write(`nova/${dir}`, `${eventType}.json`, JSON.stringify(message, null, 1));
}

// Masakari notifications as POSTed to the real masakari-api (request body of the recorded call).
for (const run of ['masakari-run1-notification-create', 'masakari-realstop-notification-create']) {
  const rec = JSON.parse(fs.readFileSync(path.join(lab, `${run}.json`), 'utf8'));
  write('masakari', `${run.replace('masakari-', '').replace('-notification-create', '')}-compute-host.json`, JSON.stringify(rec.request.body, null, 2));
}
