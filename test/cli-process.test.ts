/**
 * The built CLI as a process, the way a shell runs it: what happens to a
 * closed output pipe and to mistyped options. `npm test` builds dist/ first.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = join(process.cwd(), 'dist/cli/main.js');

interface Run {
  code: number | null;
  stderr: string;
  stdout: string;
}

/** Run the CLI; with `closeAfterFirstChunk`, the reader goes away after the first bytes (`| head -c 1`). */
function runBin(args: string[], closeAfterFirstChunk = false): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (closeAfterFirstChunk) child.stdout.destroy();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr, stdout }));
  });
}

describe('kubeprint as a process', () => {
  it('is built (npm test builds dist/ before the tests)', () => {
    expect(existsSync(BIN), `${BIN} is missing: run npm run build`).toBe(true);
  });

  it('ends quietly when the reader of its output goes away', async () => {
    const r = await runBin(['rules', '-o', 'json'], true);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('keeps its verdict when the output is cut short', async () => {
    const r = await runBin(['scan', 'examples/gitops', '-o', 'json', '--fail-on', 'low'], true);
    expect(r.stderr).not.toMatch(/EPIPE|at .*\(node:/);
    expect(r.code).toBe(1);
  });

  it.each([
    [['scan', '--bogus', 'x'], /^kubeprint scan: unknown option --bogus \(--help lists the options/],
    [['netpol', 'list', '-o'], /^kubeprint netpol: option --output needs a value$/],
    [['scan', '--raw=yes', 'x'], /^kubeprint scan: option --raw takes no value$/],
  ])('%j is a one-line usage error', async (args, message) => {
    const r = await runBin(args);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(message);
  });
});
