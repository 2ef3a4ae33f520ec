/**
 * TLS material for the webhook: a private CA and a serving certificate signed
 * by it, made with openssl (Node's crypto parses certificates but cannot
 * issue them). The API server trusts the CA through `caBundle`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeprintError } from '../errors.js';

export interface WebhookTls {
  caCert: string;
  /** PEM; only needed to issue more certificates. */
  caKey: string;
  cert: string;
  key: string;
}

/**
 * A CA and a serving certificate for `hosts` (DNS names or IP addresses; the first is the CN).
 *
 * @throws KubeprintError INTERNAL when openssl is missing or fails
 */
export function generateWebhookTls(hosts: readonly string[], days = 365): WebhookTls {
  if (hosts.length === 0) throw new KubeprintError('USAGE', 'a serving certificate needs at least one host name');
  const dir = mkdtempSync(join(tmpdir(), 'kubeprint-tls-'));
  try {
    const openssl = (args: string[]) => {
      const r = spawnSync('openssl', args, { cwd: dir, stdio: 'pipe' });
      if (r.error || r.status !== 0)
        throw new KubeprintError(
          'INTERNAL',
          `openssl ${args[0]} failed: ${r.error ? 'openssl not found on PATH (install openssl)' : r.stderr.toString().trim().split('\n')[0]}`,
          { cause: r.error },
        );
    };
    openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key']);
    openssl([
      'req',
      '-x509',
      '-new',
      '-key',
      'ca.key',
      '-days',
      String(days),
      '-subj',
      '/CN=kubeprint-webhook-ca',
      '-out',
      'ca.crt',
    ]);
    openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'tls.key']);
    openssl(['req', '-new', '-key', 'tls.key', '-subj', `/CN=${hosts[0]}`, '-out', 'tls.csr']);
    const san = hosts.map((h) => (isIP(h) ? `IP:${h}` : `DNS:${h}`)).join(',');
    writeFileSync(
      join(dir, 'tls.ext'),
      `subjectAltName=${san}\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature,keyEncipherment\nbasicConstraints=CA:FALSE\n`,
    );
    openssl([
      'x509',
      '-req',
      '-in',
      'tls.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      String(days),
      '-extfile',
      'tls.ext',
      '-out',
      'tls.crt',
    ]);
    const read = (f: string) => readFileSync(join(dir, f), 'utf8');
    return { caCert: read('ca.crt'), caKey: read('ca.key'), cert: read('tls.crt'), key: read('tls.key') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
