import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Run openssl in `dir`; throws with its error output when it fails. */
export function openssl(dir: string, args: string[]): void {
  const r = spawnSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr.toString()}`);
}

/** A self-signed test CA valid for two days: `ca.key` and `ca.crt` in `dir`. */
export function makeTestCa(dir: string): void {
  openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=kubeprint-test-ca',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
  ]);
}

/**
 * `NAME.key` and `NAME.crt` in `dir`: a certificate for `subject` signed by the
 * test CA there (see makeTestCa), valid for two days, with the X.509 extensions
 * given in openssl's extfile form (`subjectAltName=IP:127.0.0.1`, ...).
 */
export function signedCert(dir: string, name: string, subject: string, ext: string): void {
  writeFileSync(join(dir, `${name}.ext`), ext);
  openssl(dir, [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    subject,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
  ]);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
    '-out',
    `${name}.crt`,
  ]);
}
