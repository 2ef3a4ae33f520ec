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

describe('files a root kustomization does not include', () => {
  const DEPLOY = POD.replace('kind: Pod', 'kind: ConfigMap').replace(/spec:[\s\S]*/, 'data: {a: b}\n');
  function repo(): string {
    const dir = tmp({
      'kustomization.yaml': [
        'resources: [deploy.yaml]',
        'configMapGenerator:',
        '  - name: seed',
        '    files: [seed=seed.yaml]',
      ].join('\n'),
      'deploy.yaml': DEPLOY,
      // read by the generator, not a resource: included
      'seed.yaml': 'apiVersion: v1\nkind: Secret\nmetadata: {name: looks-like-one}\n',
      // configuration of some application, not Kubernetes objects: not worth a mention
      'app-config.yaml': 'log: debug\nlisteners: [a, b]\n',
      'forgotten.yaml': POD,
      'old.json': JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' } }),
    });
    return dir;
  }

  it('JSON counts and lists them in the summary', async () => {
    const r = await runCli(['scan', '.', '-o', 'json', '--fail-on', 'none'], { cwd: repo() });
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout).summary;
    expect(s.notIncluded).toBe(2);
    expect(s.notIncludedFiles).toEqual(['forgotten.yaml', 'old.json']);
  });

  it('the table says how many, names the first few, and why', async () => {
    const r = await runCli(['scan', '.', '--fail-on', 'none'], { cwd: repo() });
    // a long line wraps under its label
    expect(r.stdout.replace(/\n {15}/g, ' ')).toContain(
      '  not scanned  2 files with Kubernetes objects that no kustomization includes: forgotten.yaml, old.json (--raw scans every file)',
    );
  });

  it('a directory without kustomizations, or --raw, has nothing to say', async () => {
    const plain = tmp({ 'pod.yaml': POD });
    const r = await runCli(['scan', '.', '-o', 'json', '--fail-on', 'none'], { cwd: plain });
    expect(JSON.parse(r.stdout).summary).toMatchObject({ notIncluded: 0, notIncludedFiles: [] });
    const raw = await runCli(['scan', '.', '--raw', '-o', 'json', '--fail-on', 'none'], { cwd: repo() });
    expect(JSON.parse(raw.stdout).summary).toMatchObject({ notIncluded: 0, notIncludedFiles: [] });
  });
});
