import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli-capture.js';

/** Issue #14, "signal over noise": what the CLI says when config, input or findings repeat or mislead. */

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
spec:
  containers:
    - name: web
      image: nginx:latest
`;

function tmp(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kubeprint-signal-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

describe('config naming rule ids', () => {
  it('an unknown rule id under rules: exits 2 with file:line on one line of stderr', async () => {
    const dir = tmp({
      'pod.yaml': POD,
      '.kubeprint.yaml': 'rules:\n  image-tag-latest: {severity: low}\n  image-tag-lastest: {enabled: false}\n',
    });
    const r = await runCli(['scan', 'pod.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('.kubeprint.yaml:3: rules: unknown rule id "image-tag-lastest"');
    expect(r.stderr).toContain('did you mean "image-tag-latest"?');
  });

  it('an unknown rule id in an exemption exits 2 for scan and for admission vap', async () => {
    const dir = tmp({
      'pod.yaml': POD,
      '.kubeprint.yaml': [
        'exemptions:',
        '  - rules: [image-tag-latest, pss-run-as-nonroot]',
        '    reason: r',
        '    owner: o',
        '    expires: "2999-01-01"',
      ].join('\n'),
    });
    for (const args of [
      ['scan', 'pod.yaml'],
      ['admission', 'vap'],
    ]) {
      const r = await runCli(args, { cwd: dir });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('.kubeprint.yaml:2: exemptions[0].rules[1]: unknown rule id "pss-run-as-nonroot"');
    }
  });
});
