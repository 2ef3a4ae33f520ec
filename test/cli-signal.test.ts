import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { which } from '../src/sources/tools.js';
import { runCli } from './cli-capture.js';

const hasKustomize = (await which('kustomize')) ?? (await which('kubectl'));
if (!hasKustomize) console.warn('skipping overlay tests: neither kustomize nor kubectl is on PATH');

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
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
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

interface JsonFinding {
  ruleId: string;
  message: string;
  path: string | null;
  object: { namespace: string | null; name: string } | null;
  source: { file: string; line: number | null; column: number | null } | null;
  roots: string[];
  otherObjects: Array<{ namespace: string | null; name: string }>;
}

describe('two overlays rendering one base', () => {
  const overlay = (ns: string, replicas?: number) =>
    [
      `namespace: ${ns}`,
      'resources: [../../base]',
      ...(replicas === undefined
        ? []
        : [
            'patches:',
            '  - target: {kind: Deployment, name: web}',
            `    patch: '[{"op": "replace", "path": "/spec/replicas", "value": ${replicas}}]'`,
          ]),
    ].join('\n');
  const repo = () =>
    tmp({
      'apps/base/kustomization.yaml': 'resources: [web.yaml, mailer.yaml]\n',
      'apps/base/web.yaml': [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        '  name: web',
        'spec:',
        '  replicas: 2',
        '  selector:',
        '    matchLabels: {app: web}',
        '  template:',
        '    metadata:',
        '      labels: {app: web}',
        '    spec:',
        '      containers:',
        '        - name: web',
        '          image: nginx',
      ].join('\n'),
      // selects pods nothing runs: its message names the namespace each overlay sets
      'apps/base/mailer.yaml': [
        'apiVersion: v1',
        'kind: Service',
        'metadata:',
        '  name: mailer',
        'spec:',
        '  selector: {app: mailer}',
        '  ports: [{port: 25}]',
      ].join('\n'),
      'apps/overlays/staging/kustomization.yaml': overlay('shop-staging'),
      'apps/overlays/production/kustomization.yaml': overlay('shop-prod', 4),
    });

  it.runIf(hasKustomize)('each finding on the base is reported once, listing both overlays', async () => {
    const r = await runCli(['scan', 'apps', '-o', 'json', '--fail-on', 'none'], { cwd: repo() });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { findings: JsonFinding[]; summary: { total: number } };
    const seen = new Set<string>();
    for (const f of out.findings) {
      const key = JSON.stringify([f.ruleId, f.source, f.path, f.message]);
      expect(seen.has(key), key).toBe(false);
      seen.add(key);
    }
    expect(out.summary.total).toBe(out.findings.length);
    const latest = out.findings.filter((f) => f.ruleId === 'image-tag-latest');
    expect(latest).toHaveLength(1);
    expect(latest[0]?.roots).toEqual(['apps/overlays/production', 'apps/overlays/staging']);
    expect(latest[0]?.otherObjects).toEqual([
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop-staging', name: 'web' },
    ]);
    // the message names namespace shop-prod (the first object's); the other overlay's object is listed
    const selects = out.findings.filter((f) => f.ruleId === 'service-selects-nothing');
    expect(selects).toHaveLength(1);
    expect(selects[0]?.message).toContain('namespace "shop-prod"');
    expect(selects[0]?.object?.namespace).toBe('shop-prod');
    expect(selects[0]?.otherObjects).toEqual([
      { apiVersion: 'v1', kind: 'Service', namespace: 'shop-staging', name: 'mailer' },
    ]);
    // an overlay that changed the facts (4 replicas, not 2) keeps its own finding, with its own root
    const spread = out.findings.filter((f) => f.ruleId === 'spread-missing');
    expect(spread.map((f) => f.roots)).toEqual([['apps/overlays/staging'], ['apps/overlays/production']]);
  });

  it.runIf(hasKustomize)('the table names the overlays once per block, in its header', async () => {
    const r = await runCli(['scan', 'apps', '--fail-on', 'none'], { cwd: repo() });
    const headers = r.stdout.split('\n').filter((l) => /^(Deployment|Service) /.test(l));
    expect(headers).toEqual([
      'Service shop-prod/mailer, shop-staging/mailer  (apps/base/mailer.yaml:6; production, staging)',
      // what an overlay changed (the replicas) is judged per overlay, named by its overlay
      'Deployment shop-staging/web  (apps/base/web.yaml:1; staging)',
      'Deployment shop-prod/web  (apps/base/web.yaml:1; production)',
      'Deployment shop-prod/web, shop-staging/web  (apps/base/web.yaml:12; production, staging)',
    ]);
  });

  it.runIf(hasKustomize)('the bundled example has no finding twice', async () => {
    const r = await runCli(['scan', 'examples/gitops', '-o', 'json', '--fail-on', 'none']);
    const out = JSON.parse(r.stdout) as { findings: JsonFinding[] };
    const keys = out.findings.map((f) => JSON.stringify([f.ruleId, f.source, f.path, f.message]));
    expect(keys.length - new Set(keys).size).toBe(0);
    expect(out.findings.some((f) => f.roots.length === 2 && f.otherObjects.length === 1)).toBe(true);
  });
});
