/**
 * The docs' lab commands (```console lab blocks of README.md, docs/*.md and deploy/README.md) run against the
 * lab, and the `openstack` commands they show only for syntax are accepted by the lab's own openstack CLI: every
 * option they use is one its `--help` lists. Reads the cloud only (the commands are dry runs). The unit half, and
 * the block conventions: test/unit/docs.test.ts, test/support/doc-commands.ts.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { docCommands, missingShown, runDocCommand, where } from '../support/doc-commands';

const commands = docCommands();
const lab = commands.filter((c) => c.mode === 'lab');
const openstack = commands.filter((c) => c.mode === 'syntax' && c.command.startsWith('openstack '));

describe('the docs, on the lab', () => {
  it.each(lab.map((c) => [where(c), c] as const))('%s: exits and prints as the doc shows', (_, c) => {
    const state = fs.mkdtempSync(path.join(os.tmpdir(), 'stackmend-docs-lab-'));
    const env = {
      ...process.env,
      NO_COLOR: '1',
      NPM_CONFIG_UPDATE_NOTIFIER: 'false',
      STACKMEND_STATE_URL: `file:${state}`,
    };
    const ran = runDocCommand(c, env);
    expect({ status: ran.status, missing: missingShown(c, ran.output) }).toEqual({ status: c.exit, missing: [] });
  });

  it.each(openstack.map((c) => [where(c), c] as const))('%s: uses options the openstack CLI has', (_, c) => {
    const words = c.command.split(/\s+/);
    const sub = words.slice(
      1,
      words.findIndex((w, i) => i > 0 && (w.startsWith('-') || /[^a-z]/.test(w))),
    );
    const help = spawnSync('openstack', [...sub, '--help'], { encoding: 'utf8', timeout: 60_000 });
    expect({ sub, status: help.status }).toEqual({ sub, status: 0 });
    const used = words.filter((w) => /^--[a-z-]+$/.test(w));
    expect(used.filter((o) => !help.stdout.includes(o))).toEqual([]);
  });
});
