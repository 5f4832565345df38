/**
 * An action container of the local runtime: a `node` process running ./proxy.cjs, the protocol
 * OpenWhisk's invoker speaks to its Node.js runtime (`POST /init`, `POST /run`). It starts with
 * the environment a container starts with (`__OW_API_HOST`, nothing of this process's own), in a
 * temporary directory of its own (also its TMPDIR: a zip is unpacked there), and is destroyed with
 * SIGKILL — after a timeout the process is gone, as on OpenWhisk.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { ContainerLogs } from './logs';

const PROXY = path.join(__dirname, 'proxy.cjs');

/** What a call to the proxy came to. */
export type ProxyAnswer =
  { kind: 'answered'; code: number; body: unknown } | { kind: 'timeout' } | { kind: 'crashed'; reason: string };

export class ActionContainer {
  /** set once /init answered 200: the container is warm */
  initialized = false;
  readonly logs: ContainerLogs;
  private exited = false;
  private readonly exit: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    private readonly port: number,
    private readonly dir: string,
  ) {
    this.logs = new ContainerLogs({ stdout: child.stdout!, stderr: child.stderr! });
    this.exit = new Promise((resolve) => child.once('close', () => resolve()));
    void this.exit.then(() => {
      this.exited = true;
      fs.rmSync(dir, { recursive: true, force: true });
    });
  }

  static async start(apiHost: string): Promise<ActionContainer> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stackmend-container-'));
    const child = spawn(process.execPath, [PROXY], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, TMPDIR: dir, __OW_API_HOST: apiHost },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    try {
      return new ActionContainer(child, await portOf(child), dir);
    } catch (error) {
      child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  get pid(): number {
    return this.child.pid!;
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** POSTs `body` as JSON; `timeout` when no answer came within timeoutMs, `crashed` when the process went. */
  post(route: '/init' | '/run', body: unknown, timeoutMs: number): Promise<ProxyAnswer> {
    const payload = JSON.stringify(body);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        req.destroy();
        resolve({ kind: 'timeout' });
      }, timeoutMs);
      const done = (answer: ProxyAnswer) => {
        clearTimeout(timer);
        resolve(answer);
      };
      const req = http.request(
        { host: '127.0.0.1', port: this.port, method: 'POST', path: route, agent: false },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => done({ kind: 'answered', code: res.statusCode ?? 500, body: parse(chunks) }));
          res.on('error', (e) => done({ kind: 'crashed', reason: e.message }));
        },
      );
      req.on('error', (e) => done({ kind: 'crashed', reason: e.message }));
      req.setHeader('content-type', 'application/json');
      req.end(payload);
    });
  }

  /** SIGKILL; resolves once the process is gone and its directory removed. */
  async destroy(): Promise<void> {
    if (!this.exited) this.child.kill('SIGKILL');
    await this.exit;
  }
}

function parse(chunks: Buffer[]): unknown {
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The proxy writes its port to file descriptor 3 once it listens. */
function portOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let text = '';
    const pipe = child.stdio[3] as Readable;
    pipe.setEncoding('utf8');
    pipe.on('data', (d: string) => (text += d));
    pipe.on('end', () => (/^\d+\n$/.test(text) ? resolve(Number(text)) : reject(new Error('no port'))));
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      reject(new Error(`the action container exited before it listened (${signal ?? `exit ${code}`})`)),
    );
  });
}
