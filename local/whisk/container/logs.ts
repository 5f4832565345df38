/**
 * The logs of one container, cut per activation as OpenWhisk's invoker cuts a container's
 * stdout/stderr: each line is stamped `<ISO time> stdout|stderr: <text>` when it arrives, and an
 * activation's logs end where both streams carried the sentinel line the proxy writes after it
 * (./proxy.cjs). Lines a stream writes after its sentinel belong to the next activation.
 */
import type { Readable } from 'node:stream';

export const SENTINEL = 'XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX';
type Stream = 'stdout' | 'stderr';

export class ContainerLogs {
  private current: string[] = [];
  private next: string[] = [];
  private readonly ended = { stdout: false, stderr: false };
  private readonly partial = { stdout: '', stderr: '' };
  private wake: (() => void) | undefined;

  constructor(streams: Record<Stream, Readable>) {
    for (const name of ['stdout', 'stderr'] as const) {
      streams[name].setEncoding('utf8');
      streams[name].on('data', (chunk: string) => this.receive(name, chunk));
    }
  }

  /**
   * The lines of the activation that just ended: waits for both sentinels at most `graceMs`
   * (0 after a timeout or a crash: the process is gone and nothing more will come).
   */
  async take(graceMs: number): Promise<string[]> {
    if (!this.complete() && graceMs > 0) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        timer = setTimeout(resolve, graceMs);
      });
      clearTimeout(timer);
      this.wake = undefined;
    }
    const lines = this.current;
    this.current = this.next;
    this.next = [];
    this.ended.stdout = this.ended.stderr = false;
    return lines;
  }

  private complete(): boolean {
    return this.ended.stdout && this.ended.stderr;
  }

  private receive(stream: Stream, chunk: string): void {
    const text = this.partial[stream] + chunk;
    const lines = text.split('\n');
    this.partial[stream] = lines.pop() ?? '';
    for (const line of lines) {
      if (line === SENTINEL) this.ended[stream] = true;
      else (this.ended[stream] ? this.next : this.current).push(`${new Date().toISOString()} ${stream}: ${line}`);
    }
    if (this.complete()) this.wake?.();
  }
}
