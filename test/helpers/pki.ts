import { spawnSync } from 'node:child_process';

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
