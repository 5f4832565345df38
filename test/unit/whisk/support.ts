/** Helpers for the local-runtime tests: a real server on an ephemeral port, real HTTP, real zips. */
import { crc32, deflateRawSync } from 'node:zlib';
import openwhisk from 'openwhisk';
import { startLocalWhisk, type LocalWhisk, type LocalWhiskOptions, type LogLine } from '../../../local/whisk';

export interface Harness {
  whisk: LocalWhisk;
  ow: ReturnType<typeof openwhisk>;
  logs: LogLine[];
  /** fetch against the runtime; `auth: true` adds the namespace's Basic auth */
  call(path: string, init?: RequestInit & { auth?: boolean }): Promise<Response>;
}

export async function startHarness(options: LocalWhiskOptions = {}): Promise<Harness> {
  const logs: LogLine[] = [];
  const whisk = await startLocalWhisk({ port: 0, log: (line) => logs.push(line), ...options });
  const ow = openwhisk({ apihost: whisk.url, api_key: whisk.auth, namespace: whisk.namespace });
  const call = (path: string, init: RequestInit & { auth?: boolean } = {}) => {
    const headers = new Headers(init.headers);
    if (init.auth) headers.set('authorization', `Basic ${Buffer.from(whisk.auth).toString('base64')}`);
    return fetch(`${whisk.url}${path}`, { ...init, headers });
  };
  return { whisk, ow, logs, call };
}

/** A buffer of `size` bytes with little-endian fields written at [offset, width, value]. */
function record(size: number, fields: [number, 2 | 4, number][]): Buffer {
  const bytes = Buffer.alloc(size);
  for (const [at, width, value] of fields) {
    if (width === 2) bytes.writeUInt16LE(value, at);
    else bytes.writeUInt32LE(value, at);
  }
  return bytes;
}

/** A zip as `zip -r` or osls makes it; `deflate: false` stores entries uncompressed. */
export function makeZip(files: Record<string, string>, { deflate = true } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text);
    const body = deflate ? deflateRawSync(data) : data;
    const nameBytes = Buffer.from(name);
    const method = deflate ? 8 : 0;
    const sums: [number, 2 | 4, number][] = [
      [0, 4, crc32(data)],
      [4, 4, body.length],
      [8, 4, data.length],
      [12, 2, nameBytes.length],
    ];
    const shift = (at: number) => sums.map(([o, w, v]): [number, 2 | 4, number] => [o + at, w, v]);
    const local = record(30, [[0, 4, 0x04034b50], [4, 2, 20], [8, 2, method], ...shift(14)]);
    const central = record(46, [
      [0, 4, 0x02014b50],
      [4, 2, 20],
      [6, 2, 20],
      [10, 2, method],
      ...shift(16),
      [42, 4, offset],
    ]);
    locals.push(local, nameBytes, body);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const count = Object.keys(files).length;
  const end = record(22, [
    [0, 4, 0x06054b50],
    [8, 2, count],
    [10, 2, count],
    [12, 4, directory.length],
    [16, 4, offset],
  ]);
  return Buffer.concat([...locals, directory, end]);
}

/** Waits until `check` passes (polling), for work that finishes after a trigger fire. */
export async function eventually<T>(check: () => T | undefined, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
