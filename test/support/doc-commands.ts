/**
 * The commands the docs show (README.md, docs/*.md, deploy/README.md), read from their fenced blocks, so tests
 * can run them (test/unit/docs.test.ts, test/lab/docs.test.ts). A block's info string says how it is checked:
 *   ```console         run by the unit suite: no cloud, a scratch state store
 *   ```console lab     run by test/lab/docs.test.ts against the lab (under the lab lock)
 *   ```sh (or bash)    not run (a deploy to a real OpenWhisk or Lambda, a long-lived server): syntax only
 * In a console block a command is a line starting with `$ ` (a trailing `\` continues it), and the lines after
 * it, up to the next command, are what it prints: each must appear in its output, in order, where `…` stands
 * for anything. A trailing `# exit N` says the exit status the command ends with (0 when absent).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const REPO = path.join(__dirname, '..', '..');

export type DocMode = 'unit' | 'lab' | 'syntax';
export type DocCommand = {
  file: string;
  line: number;
  /** Line of the block's fence: commands of one block share a scratch state. */
  block: number;
  mode: DocMode;
  command: string;
  exit: number;
  shows: string[];
};

const MODES: Record<string, DocMode> = { console: 'unit', 'console lab': 'lab', sh: 'syntax', bash: 'syntax' };

/** README.md, every docs/*.md and deploy/README.md (deploy tooling, Lambda), relative to the repository. */
export function docFiles(): string[] {
  const docs = fs.existsSync(path.join(REPO, 'docs')) ? fs.readdirSync(path.join(REPO, 'docs')) : [];
  return ['README.md', ...docs.filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`), 'deploy/README.md'];
}

export type Block = { file: string; info: string; line: number; body: string[] };

function blocksOf(file: string, text: string): Block[] {
  const blocks: Block[] = [];
  let open: Block | undefined;
  text.split('\n').forEach((l, i) => {
    const fence = /^```(.*)$/.exec(l);
    if (!open && fence) open = { file, info: fence[1]!.trim(), line: i + 1, body: [] };
    else if (open && l === '```') {
      blocks.push(open);
      open = undefined;
    } else open?.body.push(l);
  });
  return blocks;
}

/** `# exit N` at the end of a command line: the status it ends with. */
const EXIT = /\s+#\s*exit\s+(\d+)\s*$/;

function consoleCommands(file: string, b: Block, mode: DocMode): DocCommand[] {
  const out: DocCommand[] = [];
  let cur: DocCommand | undefined;
  let continued = false;
  b.body.forEach((l, i) => {
    if (continued && cur) {
      cur.command += `\n${l}`;
      continued = l.endsWith('\\');
    } else if (l.startsWith('$ ')) {
      cur = { file, line: b.line + 1 + i, block: b.line, mode, command: l.slice(2), exit: 0, shows: [] };
      out.push(cur);
      continued = l.endsWith('\\');
    } else if (cur && l.trim()) cur.shows.push(l.trim());
  });
  for (const c of out) {
    const m = EXIT.exec(c.command);
    if (!m) continue;
    c.exit = Number(m[1]);
    c.command = c.command.replace(EXIT, '');
  }
  return out;
}

/** Shell lines of an sh/bash block: comments and blank lines dropped, `\` continuations joined. */
function shellCommands(file: string, b: Block): DocCommand[] {
  const joined = b.body.join('\n').replace(/\\\n\s*/g, ' ');
  return joined
    .split('\n')
    .map((l, i) => ({ l: l.trim(), i }))
    .filter(({ l }) => l && !l.startsWith('#'))
    .map(({ l, i }) => ({
      file,
      line: b.line + 1 + i,
      block: b.line,
      mode: 'syntax' as const,
      command: l,
      exit: 0,
      shows: [],
    }));
}

/** Every fenced block of the docs (any language). */
export function docBlocks(files = docFiles()): Block[] {
  return files.flatMap((file) => blocksOf(file, fs.readFileSync(path.join(REPO, file), 'utf8')));
}

/** Every command the docs show, with how it is checked. */
export function docCommands(files = docFiles()): DocCommand[] {
  return files.flatMap((file) =>
    docBlocks([file]).flatMap((b) => {
      const mode = MODES[b.info];
      if (!mode) return [];
      return mode === 'syntax' ? shellCommands(file, b) : consoleCommands(file, b, mode);
    }),
  );
}

/** Where `c` is shown, for test names: `docs/sources.md:42 stackmend doctor …`. */
export const where = (c: DocCommand) => `${c.file}:${c.line} ${c.command.split('\n')[0]}`;

export type Ran = { status: number | null; output: string };

/** Runs a documented command with bash in the repository, as a reader would type it. */
export function runDocCommand(c: DocCommand, env: NodeJS.ProcessEnv, timeoutMs = 120_000): Ran {
  const r = spawnSync('bash', ['-c', c.command], { cwd: REPO, env, encoding: 'utf8', timeout: timeoutMs });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** The shown lines the output lacks (in order; `…` is anything): empty when the doc is right. */
export function missingShown(c: DocCommand, output: string): string[] {
  let at = 0;
  const missing: string[] = [];
  for (const shown of c.shows) {
    for (const part of shown.split('…').map((p) => p.trim())) {
      if (!part) continue;
      const i = output.indexOf(part, at);
      if (i < 0) missing.push(part);
      else at = i + part.length;
    }
  }
  return missing;
}

/** bash's own syntax check of a command line (`bash -n`): null when it parses. */
export function shellSyntaxError(command: string): string | null {
  const r = spawnSync('bash', ['-n', '-c', command], { encoding: 'utf8' });
  return r.status === 0 ? null : r.stderr.trim();
}
