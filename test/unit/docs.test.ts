/**
 * The docs cannot rot: every command README.md, docs/*.md and deploy/README.md show is run here (```console
 * blocks: no cloud, a scratch state store) or by test/lab/docs.test.ts (```console lab), or, for what cannot run
 * in a test (```sh: deploying to a real OpenWhisk or Lambda, a server that runs until Ctrl-C), checked for syntax
 * and for naming a command, script or subcommand that exists, with options it has (unknownName below).
 * Block conventions: test/support/doc-commands.ts.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { commandHelp, isCommand } from '../../cli/help';
import { checkConfigFiles } from '../../cli/doctor/files';
import { DEFAULT_POLICY } from '../../core/policy/policy';
import { RuntimeConfigSchema } from '../../core/runtime/config';
import {
  docBlocks,
  docCommands,
  docFiles,
  missingShown,
  REPO,
  runDocCommand,
  shellSyntaxError,
  where,
  type DocCommand,
} from '../support/doc-commands';

const commands = docCommands();
const unit = commands.filter((c) => c.mode === 'unit');
const syntax = commands.filter((c) => c.mode === 'syntax');
const scripts: Record<string, string> = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).scripts;
/** The osls subcommands the docs may show (osls 4, `osls --help`). */
const OSLS = ['package', 'deploy', 'invoke', 'logs', 'remove', 'info', 'print'];

/** A reader's shell without a cloud: no OS_* variables, no clouds.yaml, a state store of the block's own. */
function cloudlessEnv(state: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^OS_|^STACKMEND_/.test(k)));
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'stackmend-docs-home-'));
  return { ...env, HOME: home, NO_COLOR: '1', STACKMEND_STATE_URL: `file:${state}` };
}

const states = new Map<string, string>();
const stateOf = (c: DocCommand) => {
  const k = `${c.file}:${c.block}`;
  if (!states.has(k)) states.set(k, fs.mkdtempSync(path.join(os.tmpdir(), 'stackmend-docs-state-')));
  return states.get(k)!;
};

/** `<placeholder>` words are the reader's to fill in: a plain word for bash's syntax check. */
const filled = (command: string) => command.replace(/<[A-Za-z][^<>]*>/g, 'PLACEHOLDER');

type OslsSchema = Map<string, { options?: Record<string, { shortcut?: string }> }>;
/** osls 4's own commands schemas (no types ship with them): what each subcommand accepts. */
const oslsSchemas = ['aws-service', 'service'].map(
  (s) => createRequire(__filename)(`osls/lib/cli/commands-schema/${s}`) as OslsSchema,
);

/** The options osls 4 itself knows for `sub` (long names and shortcuts). */
const oslsOptions = (sub: string) =>
  oslsSchemas.flatMap((m) =>
    Object.entries(m.get(sub)?.options ?? {}).flatMap(([name, o]) => [
      `--${name}`,
      ...(o.shortcut ? [`-${o.shortcut}`] : []),
    ]),
  );

/** The options `words` use (`--name`, `-x`; `--name=value` as `--name`) that `known` lacks. */
const unknownOptions = (words: string[], known: string[]) =>
  words.map((w) => w.replace(/=.*$/, '')).filter((w) => /^--?[a-z][a-z-]*$/i.test(w) && !known.includes(w));

/**
 * What a shown-only command names must exist: a stackmend command and the options its --help lists, an npm
 * script, an osls subcommand and the options osls has for it (also after `npm run <script> --` of a script that
 * runs osls). Each command of a line (`&&`, `||`, `;`, `|`) is checked; a comment is not.
 */
function unknownName(line: string): string | null {
  const commands = line.replace(/\s+#.*$/, '').split(/\s*(?:&&|\|\||;|\|)\s*/);
  return commands.map(unknownNameOf).find((e) => e !== null) ?? null;
}

/** unknownName of one command; leading `NAME=value` words are its environment. */
function unknownNameOf(command: string): string | null {
  const all = command.trim().split(/\s+/);
  const words = all.slice(
    Math.max(
      0,
      all.findIndex((w) => !/^[A-Z_][A-Z0-9_]*=/.test(w)),
    ),
  );
  const at = (w: string) => words.indexOf(w);
  if (at('stackmend') >= 0 && !['npm', 'cd'].includes(words[0]!)) {
    const sub = words[at('stackmend') + 1]!;
    if (sub === '--help') return null;
    if (!isCommand(sub)) return `stackmend has no command "${sub}"`;
    const known = [...commandHelp(sub).matchAll(/--?[a-z][a-z-]*/gi)].map((m) => m[0]);
    const bad = unknownOptions(words.slice(at('stackmend') + 2), known);
    return bad.length ? `stackmend ${sub} has no ${bad.join(', ')}` : null;
  }
  if (words[0] === 'npm' && words[1] === 'run') {
    if (!(words[2]! in scripts)) return `no npm script ${words[2]}`;
    const osls = /\bosls (\w+)/.exec(scripts[words[2]!]!)?.[1];
    const bad = osls && at('--') > 0 ? unknownOptions(words.slice(at('--') + 1), oslsOptions(osls)) : [];
    return bad.length ? `osls ${osls} (npm run ${words[2]}) has no ${bad.join(', ')}` : null;
  }
  if (words[0] === 'npm' && words[1] === 'test') return null;
  if (at('osls') >= 0) {
    const sub = words[at('osls') + 1]!;
    if (!OSLS.includes(sub)) return `osls has no "${sub}"`;
    const bad = unknownOptions(words.slice(at('osls') + 2), oslsOptions(sub));
    return bad.length ? `osls ${sub} has no ${bad.join(', ')}` : null;
  }
  return null;
}

describe('the docs', () => {
  it('are linked from README.md, and their relative links point at files that exist', () => {
    const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
    expect(readme).toContain('](docs/README.md)');
    const broken: string[] = [];
    for (const file of docFiles()) {
      if (file.startsWith('docs/') && file !== 'docs/README.md')
        expect({
          file,
          linked: readme.includes(file) || readDoc('docs/README.md').includes(path.basename(file)),
        }).toEqual({ file, linked: true });
      for (const [, target] of readDoc(file).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target!) || target!.startsWith('#')) continue;
        const p = path.join(REPO, path.dirname(file), target!.split('#')[0]!);
        if (!fs.existsSync(p)) broken.push(`${file} → ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('show commands in blocks this test knows how to check', () => {
    expect(unit.length).toBeGreaterThanOrEqual(5);
    expect(syntax.length).toBeGreaterThanOrEqual(10);
    expect(docFiles()).toEqual(expect.arrayContaining(['docs/README.md', 'deploy/README.md']));
    expect(readDoc('docs/README.md')).toContain('](../deploy/README.md)');
  });

  it.each(syntax.map((c) => [where(c), c] as const))('%s: parses, and names what exists', (_, c) => {
    expect({ syntax: shellSyntaxError(filled(c.command)), name: unknownName(c.command) }).toEqual({
      syntax: null,
      name: null,
    });
  });

  it('give runtime configuration (json blocks) that the runtime schema accepts', () => {
    const json = docBlocks().filter((b) => b.file.startsWith('docs/') && b.info === 'json');
    expect(json.length).toBeGreaterThanOrEqual(4);
    for (const b of json) {
      const r = RuntimeConfigSchema.safeParse(JSON.parse(b.body.join('\n')));
      expect({ at: `${b.file}:${b.line}`, issues: r.error?.issues ?? [] }).toEqual({
        at: `${b.file}:${b.line}`,
        issues: [],
      });
    }
  });

  it("give OpenStack settings (blocks headed by the file's path) that pass stackmend doctor's file checks", () => {
    const files = new Map<string, string>();
    for (const b of docBlocks().filter((b) => b.info === 'ini' || b.info === 'yaml')) {
      const rel = /^# ((?:nova|aodh|ceilometer|zaqar)\/[\w.]+)$/.exec(b.body[0] ?? '')?.[1];
      if (rel) files.set(rel, `${files.get(rel) ?? ''}${b.body.slice(1).join('\n')}\n`);
    }
    expect([...files.keys()].sort()).toEqual([
      'aodh/aodh.conf',
      'ceilometer/event_pipeline.yaml',
      'nova/nova.conf',
      'zaqar/zaqar.conf',
    ]);
    const findings = checkConfigFiles((rel) => files.get(rel), DEFAULT_POLICY);
    expect(findings.filter((f) => f.level === 'warn' || f.level === 'fail')).toEqual([]);
    expect(findings.filter((f) => f.level === 'ok').length).toBeGreaterThanOrEqual(5);
  });

  it.each(unit.map((c) => [where(c), c] as const))('%s: exits and prints as the doc shows', (_, c) => {
    const ran = runDocCommand(c, cloudlessEnv(stateOf(c)));
    expect({ status: ran.status, missing: missingShown(c, ran.output) }).toEqual({ status: c.exit, missing: [] });
  });
});

function readDoc(file: string) {
  return fs.readFileSync(path.join(REPO, file), 'utf8');
}
