/**
 * The README's install story, as a user follows it: `npm install -g .` in the
 * clone puts `kubeprint` and the kubectl plugin `kubectl-kubeprint` on PATH.
 * Installed into a temporary prefix so the machine's global packages stay
 * untouched.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const prefix = mkdtempSync(join(tmpdir(), 'kubeprint-install-'));
const PATH = `${join(prefix, 'bin')}${delimiter}${process.env.PATH ?? ''}`;
const run = (cmd: string, args: string[]) =>
  execFileSync(cmd, args, { encoding: 'utf8', env: { ...process.env, PATH }, stdio: ['ignore', 'pipe', 'pipe'] });

function hasKubectl(): boolean {
  try {
    run('kubectl', ['version', '--client']);
    return true;
  } catch {
    return false;
  }
}

afterAll(() => rmSync(prefix, { recursive: true, force: true }));

describe('npm install -g . (README)', () => {
  it('puts kubeprint on PATH', () => {
    run('npm', ['install', '-g', '.', '--prefix', prefix, '--no-audit', '--no-fund', '--loglevel=error']);
    const version = JSON.parse(run('node', ['-p', 'JSON.stringify(require("./package.json").version)']));
    expect(run('kubeprint', ['--version']).trim()).toBe(`kubeprint ${version}`);
  });

  it.skipIf(!hasKubectl())('makes kubectl kubeprint work the same way', () => {
    expect(run('kubectl', ['plugin', 'list']).split('\n')).toContain(join(prefix, 'bin', 'kubectl-kubeprint'));
    expect(run('kubectl', ['kubeprint', '--version'])).toMatch(/^kubeprint \d+\.\d+\.\d+/);
  });
});
