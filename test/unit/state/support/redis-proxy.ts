/**
 * A TCP proxy in front of the project's Redis (port 0), to lose a reply or stop answering for real:
 *   loseReplyTo(marker)  the next command containing marker reaches Redis and runs, but its reply
 *                        is dropped and the client's connection cut (as a network failure would)
 *   stop() / start()     refuse connections on the same port, then accept them again
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export class RedisProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private marker: string | undefined;
  port = 0;

  async start(): Promise<void> {
    const server = createServer((client) => this.pipe(client));
    await new Promise<void>((done) => server.listen(this.port, '127.0.0.1', done));
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((done) => this.server?.close(done));
    this.server = undefined;
  }

  url = (db: number): string => `redis://127.0.0.1:${this.port}/${db}`;

  loseReplyTo(marker: string): void {
    this.marker = marker;
  }

  private pipe(client: Socket): void {
    const upstream = connect(6379, '127.0.0.1');
    let losing = false;
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        this.sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (d) => {
      if (this.marker && d.includes(this.marker)) [losing, this.marker] = [true, undefined];
      upstream.write(d);
    });
    upstream.on('data', (d) => (losing ? client.destroy() : client.write(d)));
  }
}
