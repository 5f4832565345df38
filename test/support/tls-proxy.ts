/**
 * A TLS-terminating reverse proxy for tests: an https server on 127.0.0.1 (ephemeral port) whose
 * certificate is signed by a private CA made with openssl at start, forwarding every request to a
 * plain http target (the lab's Keystone at http://127.0.0.1:5000, or a replay server).
 *
 *   const proxy = await startTlsProxy('http://127.0.0.1:5000');
 *   // auth_url: `${proxy.url}/v3`, cacert: proxy.caPath (or cacert_pem: proxy.caPem)
 *   proxy.forwarded   // requests that completed the handshake and were passed on
 *   proxy.tlsErrors   // handshakes the client aborted (it did not trust the certificate)
 *   await proxy.close();
 *
 * The CA and the server key live in a fresh temporary directory, removed by close().
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export type PrivateCa = { dir: string; caPath: string; caPem: string; serverKey: string; serverCert: string };

const openssl = (dir: string, args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A CA (CA:TRUE, keyCertSign) and a server certificate it signed for IP 127.0.0.1, valid one day. */
export function makePrivateCa(): PrivateCa {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stackmend-ca-'));
  const caSubject = ['-subj', '/CN=stackmend test private CA'];
  const caExt = ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'];
  openssl(dir, ['req', '-x509', ...EC, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', ...caSubject, ...caExt]);
  openssl(dir, ['req', ...EC, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
  fs.writeFileSync(
    path.join(dir, 'server.ext'),
    'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1\n',
  );
  const signed = ['-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-extfile', 'server.ext'];
  openssl(dir, ['x509', '-req', '-in', 'server.csr', ...signed, '-out', 'server.pem', '-days', '1']);
  const read = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');
  return {
    dir,
    caPath: path.join(dir, 'ca.pem'),
    caPem: read('ca.pem'),
    serverKey: read('server.key'),
    serverCert: read('server.pem'),
  };
}

export type TlsProxy = PrivateCa & {
  url: string;
  forwarded: { method: string; path: string }[];
  tlsErrors: string[];
  close(): Promise<void>;
};

export async function startTlsProxy(target: string): Promise<TlsProxy> {
  const ca = makePrivateCa();
  const to = new URL(target);
  const forwarded: TlsProxy['forwarded'] = [];
  const tlsErrors: string[] = [];
  const server = https.createServer({ key: ca.serverKey, cert: ca.serverCert }, (req, res) => {
    forwarded.push({ method: req.method ?? '', path: req.url ?? '' });
    const upstream = http.request(
      {
        host: to.hostname,
        port: to.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: to.host },
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', (e) => (res.headersSent ? res.destroy(e) : res.writeHead(502).end(String(e))));
    req.pipe(upstream);
  });
  server.on('tlsClientError', (e: Error & { code?: string }) => tlsErrors.push(e.code ?? e.message));
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    ...ca,
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    forwarded,
    tlsErrors,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => (fs.rmSync(ca.dir, { recursive: true, force: true }), r()));
      }),
  };
}
