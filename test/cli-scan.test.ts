import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli-capture.js';

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

function tmp(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kubeprint-cli-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

describe('kubeprint scan', () => {
  it('exits 1 when findings reach --fail-on, 0 when they do not', async () => {
    const dir = tmp({ 'pod.yaml': POD });
    expect((await runCli(['scan', dir])).code).toBe(1);
    expect((await runCli(['scan', dir, '--fail-on', 'critical'])).code).toBe(0);
    expect((await runCli(['scan', dir, '--fail-on', 'none'])).code).toBe(0);
  });

  it('reads stdin for -', async () => {
    const r = await runCli(['scan', '-', '-o', 'json', '--fail-on', 'none'], { stdin: POD });
    const out = JSON.parse(r.stdout);
    const latest = out.findings.find((f: { ruleId: string }) => f.ruleId === 'image-tag-latest');
    expect(latest.source).toEqual({ file: '-', line: 9, column: 7 });
    expect(latest.object).toEqual({ apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'web' });
  });

  it('a nonexistent path exits 2 with one line on stderr', async () => {
    const r = await runCli(['scan', 'does/not/exist']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/does\/not\/exist: no such file or directory/);
  });

  it('usage errors exit 2', async () => {
    expect((await runCli(['scan'])).code).toBe(2);
    expect((await runCli(['scan', '.', '--bogus'])).code).toBe(2);
    expect((await runCli(['scan', '.', '-o', 'yaml'])).code).toBe(2);
    expect((await runCli(['scan', '.', '--fail-on', 'severe'])).code).toBe(2);
    expect((await runCli(['nonsense'])).code).toBe(2);
  });

  it('an invalid config exits 2 naming its line', async () => {
    const dir = tmp({ 'pod.yaml': POD, 'bad.yaml': 'failOn: high\nrules:\n  x: {severity: severe}\n' });
    const r = await runCli(['scan', join(dir, 'pod.yaml'), '--config', join(dir, 'bad.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:3: /);
  });

  it('broken, binary and huge files are reported and the rest of the run goes on', async () => {
    const dir = tmp({
      'pod.yaml': POD,
      'broken.yaml': `${POD}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: tabbed\n`,
      'blob.yaml': Buffer.from([0x61, 0x3a, 0x00, 0x01, 0x02]),
      'huge.yaml': `# ${'x'.repeat(2000)}\n`,
      '.kubeprint.yaml': 'maxFileBytes: 1000\n',
    });
    const r = await runCli(['scan', dir, '-o', 'json', '--fail-on', 'none'], { cwd: dir });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    const by = (id: string) => out.findings.filter((f: { ruleId: string }) => f.ruleId === id);
    expect(by('invalid-yaml').map((f: { source: { line: number } }) => f.source.line)).toEqual([14]);
    expect(by('file-skipped')).toHaveLength(2);
    // both pods (the one before the broken document too) were scanned
    expect(by('image-tag-latest')).toHaveLength(2);
  });

  it('bounds alias bombs', async () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      lines.push(`${cur}: &${cur} [${Array(10).fill(`*${prev}`).join(',')}]`);
    }
    const bomb = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
    const r = await runCli(['scan', '-', '-o', 'json', '--fail-on', 'none'], { stdin: `${bomb}---\n${POD}` });
    const out = JSON.parse(r.stdout);
    const invalid = out.findings.filter((f: { ruleId: string }) => f.ruleId === 'invalid-yaml');
    expect(invalid).toHaveLength(1);
    expect(invalid[0].message).toMatch(/alias/i);
    expect(out.findings.some((f: { ruleId: string }) => f.ruleId === 'image-tag-latest')).toBe(true);
  });

  it('annotation and config exemptions, --show-exempted', async () => {
    const exempt = POD.replace(
      '  namespace: shop\n',
      '  namespace: shop\n  annotations:\n    kubeprint.dev/exempt: image-tag-latest\n    kubeprint.dev/exempt-reason: pinned by the cluster mirror\n',
    );
    const dir = tmp({
      'pod.yaml': exempt,
      '.kubeprint.yaml': [
        'exemptions:',
        '  - rules: [image-digest-not-pinned]',
        '    namespace: sho*',
        '    reason: mirror pins digests',
        '    owner: platform',
        '    expires: "2999-01-01"',
      ].join('\n'),
    });
    const r = await runCli(['scan', 'pod.yaml', '-o', 'json', '--fail-on', 'none', '--show-exempted'], { cwd: dir });
    const out = JSON.parse(r.stdout);
    const ids = out.findings.map((f: { ruleId: string }) => f.ruleId);
    expect(ids).not.toContain('image-tag-latest');
    expect(ids).not.toContain('image-digest-not-pinned');
    const ex = out.exempted.map((f: { ruleId: string; exemption: { via: string } }) => [f.ruleId, f.exemption.via]);
    expect(ex).toContainEqual(['image-tag-latest', 'annotation']);
    expect(ex).toContainEqual(['image-digest-not-pinned', 'config']);
  });

  it('config can forbid annotation exemptions', async () => {
    const exempt = POD.replace(
      '  namespace: shop\n',
      '  namespace: shop\n  annotations:\n    kubeprint.dev/exempt: image-tag-latest\n    kubeprint.dev/exempt-reason: trust me\n',
    );
    const dir = tmp({ 'pod.yaml': exempt, '.kubeprint.yaml': 'annotationExemptions: false\n' });
    const r = await runCli(['scan', 'pod.yaml', '-o', 'json', '--fail-on', 'none'], { cwd: dir });
    expect(JSON.parse(r.stdout).findings.map((f: { ruleId: string }) => f.ruleId)).toContain('image-tag-latest');
  });

  it('severity overrides and disabled rules come from config', async () => {
    const dir = tmp({
      'pod.yaml': POD,
      '.kubeprint.yaml': 'rules:\n  image-tag-latest: {severity: low}\n  image-digest-not-pinned: {enabled: false}\n',
    });
    const r = await runCli(['scan', 'pod.yaml', '-o', 'json', '--fail-on', 'none'], { cwd: dir });
    const out = JSON.parse(r.stdout);
    expect(out.findings.find((f: { ruleId: string }) => f.ruleId === 'image-tag-latest').severity).toBe('low');
    expect(out.findings.map((f: { ruleId: string }) => f.ruleId)).not.toContain('image-digest-not-pinned');
  });

  it('paths in output are as the user gave them', async () => {
    const dir = tmp({ 'pod.yaml': POD });
    const rel = await runCli(['scan', '.', '-o', 'json', '--fail-on', 'none'], { cwd: dir });
    expect(JSON.parse(rel.stdout).findings[0].source.file).toBe('pod.yaml');
    const abs = await runCli(['scan', dir, '-o', 'json', '--fail-on', 'none']);
    expect(JSON.parse(abs.stdout).findings[0].source.file).toBe(join(dir, 'pod.yaml'));
  });

  it('rules and explain list and describe every rule', async () => {
    const list = await runCli(['rules', '-o', 'json']);
    const rules = JSON.parse(list.stdout);
    expect(rules.length).toBeGreaterThan(50);
    expect(new Set(rules.map((r: { id: string }) => r.id)).size).toBe(rules.length);
    const ex = await runCli(['explain', 'image-digest-not-pinned']);
    expect(ex.code).toBe(0);
    expect(ex.stdout).toMatch(/How to fix/);
    expect((await runCli(['explain', 'no-such-rule'])).code).toBe(2);
  });
});
