/**
 * Trusting a cloud's HTTPS endpoints: openstacksdk's `cacert` / `verify` / `insecure` keys (and
 * `cacert_pem`, the PEM text, for deployed actions) → a TlsConfig → one https.Agent per cloud, handed
 * to every ServiceHttp of that cloud (core/openstack/cloud.ts). Nothing goes through process.env:
 * an action cannot set NODE_EXTRA_CA_CERTS before Node starts.
 */
import * as https from 'node:https';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as tls from 'node:tls';
import { ConfigError } from '../domain/errors';
import type { Logger } from '../domain/log';

/** `ca`: PEM bundle trusted in addition to Node's bundled CAs; `caSource` says where it came from. */
export type TlsConfig = { verify: boolean; ca?: string; caSource?: string };
export type TlsEntry = { cacert?: string; cacert_pem?: string; verify?: boolean; insecure?: boolean };
export type ReadFile = (path: string) => string;

/** A cacert that cannot be used: names the cloud entry and where the bundle was looked for. */
export class CaCertError extends ConfigError {
  constructor(
    readonly cloud: string,
    readonly source: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      `cloud "${cloud}": ${source} ${reason}; give a PEM bundle of the CA that signed the cloud's certificates ` +
        '(cacert: <path> in clouds.yaml, OS_CACERT, or os_auth.cacert_pem: <PEM text> for deployed actions)',
      options,
    );
  }
}

const readUtf8: ReadFile = (p) => fs.readFileSync(p, 'utf8');
const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

/** openstacksdk's rules: verify wins over cacert, `insecure` is verify's deprecated opposite. */
export function tlsFromEntry(cloud: string, e: TlsEntry, readFile: ReadFile = readUtf8): TlsConfig {
  const verify = e.verify ?? (e.insecure === undefined ? true : !e.insecure);
  if (e.cacert && e.cacert_pem) throw new CaCertError(cloud, 'cacert and cacert_pem', 'are both set: keep one');
  if (e.cacert_pem !== undefined) return { verify, ...checkedPem(cloud, 'cacert_pem', e.cacert_pem) };
  if (e.cacert === undefined) return { verify };
  const file = e.cacert.replace(/^~(?=$|\/)/, os.homedir());
  let text: string;
  try {
    text = readFile(file);
  } catch (err) {
    const code = (err as { code?: string }).code ?? String(err);
    throw new CaCertError(cloud, `cacert ${file}`, `cannot be read (${code})`, { cause: err });
  }
  return { verify, ...checkedPem(cloud, `cacert ${file}`, text) };
}

function checkedPem(cloud: string, source: string, text: string) {
  if (!PEM_CERT.test(text)) throw new CaCertError(cloud, source, 'holds no PEM certificate');
  return { ca: text, caSource: source };
}

const warnedInsecure = new Set<string>();

/**
 * The agent for a cloud's HTTPS calls, or undefined for Node's defaults. A private CA is added to
 * Node's bundled CAs (like NODE_EXTRA_CA_CERTS), so catalog endpoints under a public CA keep working.
 */
export function httpsAgentFor(cloud: string, t: TlsConfig, log: Logger): https.Agent | undefined {
  if (!t.verify) {
    if (!warnedInsecure.has(cloud)) {
      warnedInsecure.add(cloud); // once per process and cloud, not per call
      log.warn(
        `TLS CERTIFICATE VERIFICATION IS OFF for cloud "${cloud}" (verify: false / OS_INSECURE): anyone between ` +
          'stackmend and the cloud can read its credentials and tokens. Give the CA instead (cacert, OS_CACERT, ' +
          'os_auth.cacert_pem).',
        { cloud },
      );
    }
    return new https.Agent({ keepAlive: true, rejectUnauthorized: false });
  }
  if (!t.ca) return undefined;
  return new https.Agent({ keepAlive: true, ca: [...tls.rootCertificates, t.ca] });
}

/** OpenSSL's certificate verification results, as Node reports them in `err.code`. */
const VERIFY_CODES = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** A failed TLS handshake or certificate check (never retried: it fails the same way again). */
export const isTlsFailure = (code: string): boolean =>
  VERIFY_CODES.has(code) || code === 'EPROTO' || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_');
