import * as fs from 'node:fs';
import { callsFromLog, callTimes } from './bench/overhead-stats';
const calls = callsFromLog(fs.readFileSync(process.argv[2], 'utf8'));
for (const c of callTimes(calls)) console.log(c.route.padEnd(60), c.ms.n, c.ms.median, c.ms.p95 ?? '', c.ms.max);
