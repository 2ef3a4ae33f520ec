/**
 * `kubeprint fix` where values are really written: a copy of examples/gitops
 * (byte preservation, comments kept, a second run changes nothing), a value
 * an overlay patch sets (fixed in the patch), a base shared by two overlays
 * (fixed once, in the base), and a Helm chart's values.yaml.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-capture.js';

const work = mkdtempSync(join(tmpdir(), 'kubeprint-cli-fix-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const EXAMPLE = new URL('../examples/gitops', import.meta.url).pathname;
const APPS = new URL('../../shared/corpora/apps', import.meta.url).pathname;
const HELM = join(process.env.KUBEPRINT_TOOLS_DIR ?? join(homedir(), '.cache/kubeprint-tools'), 'bin', 'helm');

function write(root: string, files: Record<string, string>): void {
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
}

function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(p, readFileSync(p, 'utf8'));
    }
  };
  walk(root);
  return out;
}

function keys(json: string): string[] {
  return (
    JSON.parse(json).findings as Array<{ ruleId: string; object?: { kind: string; name: string }; path?: string }>
  ).map((f) => `${f.ruleId} ${f.object?.kind}/${f.object?.name} ${f.path ?? ''}`);
}

const FIXED_FIELD =
  /\b(allowPrivilegeEscalation|drop|imagePullPolicy|type|automountServiceAccountToken|runAsNonRoot|readOnlyRootFilesystem|securityContext|seccompProfile|capabilities)\b|^\s*- [A-Z_]+\s*$/;

const DEPLOYMENT = (sc: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web # the shop's front
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: sidecar
          image: registry.example/proxy:2
          securityContext: {allowPrivilegeEscalation: false}
        - name: app
          image: registry.example/web:1
${sc}`;

describe('kubeprint fix', () => {
  it.skipIf(!existsSync(HELM))(
    'on a copy of examples/gitops: only fixed fields change, comments stay, a rerun is a no-op',
    async () => {
      const root = join(work, 'gitops');
      cpSync(EXAMPLE, root, { recursive: true });
      const before = snapshot(root);
      const scan0 = await runCli(['scan', root, '-o', 'json', '--fail-on', 'none']);
      const fixed = await runCli(['fix', root, '--include-review', '--write']);
      expect(fixed.code, fixed.stderr).toBe(0);
      const after = snapshot(root);
      const changed = [...after].filter(([p, t]) => before.get(p) !== t).map(([p]) => p);
      expect(changed.length).toBeGreaterThan(0);
      for (const [p, old] of before) {
        const now = after.get(p) as string;
        for (const c of old.split('\n').filter((l) => l.trim().startsWith('#'))) expect(now, p).toContain(c);
        const kept = new Set(now.split('\n'));
        for (const l of old.split('\n').filter((x) => !kept.has(x))) expect(l, p).toMatch(FIXED_FIELD);
      }
      // a privileged container keeps allowPrivilegeEscalation unset, and fix says so
      expect(fixed.stderr).toMatch(
        /not fixed: pss-allow-privilege-escalation DaemonSet\/\S*node-debugger \S+: the fixer leaves this one alone/,
      );
      // the chart's template is never edited
      expect(changed.filter((p) => p.includes('/templates/'))).toEqual([]);
      const scan1 = await runCli(['scan', root, '-o', 'json', '--fail-on', 'none']);
      const old = keys(scan0.stdout);
      expect(keys(scan1.stdout).filter((k) => !old.includes(k))).toEqual([]);
      expect(keys(scan1.stdout).length).toBeLessThan(old.length);
      const again = await runCli(['fix', root, '--include-review', '-o', 'json']);
      expect(JSON.parse(again.stdout).changes).toEqual([]);
    },
  );

  it.skipIf(!existsSync(HELM) || !existsSync(APPS))(
    'on a copy of the apps corpus: only fixed fields change, nothing new is reported',
    async () => {
      const root = join(work, 'apps');
      cpSync(APPS, root, { recursive: true });
      const before = snapshot(root);
      const scan0 = await runCli(['scan', root, '-o', 'json', '--fail-on', 'none']);
      const fixed = await runCli(['fix', root, '--include-review', '--write', '-o', 'json']);
      expect(fixed.code, fixed.stderr).toBe(0);
      const report = JSON.parse(fixed.stdout);
      expect(report.changes.length).toBeGreaterThan(50);
      // JSON files and templates are reported, never edited
      expect(report.notFixed.some((n: { reason: string }) => / is JSON: not edited/.test(n.reason))).toBe(true);
      expect(
        report.notFixed.some((n: { reason: string }) => /^not fixable automatically: set in template /.test(n.reason)),
      ).toBe(true);
      const after = snapshot(root);
      for (const [p, old] of before) {
        const now = after.get(p) as string;
        if (p.endsWith('.json') || p.includes('/templates/')) expect(now, p).toBe(old);
        for (const c of old.split('\n').filter((l) => l.trim().startsWith('#'))) expect(now, p).toContain(c);
        const kept = new Set(now.split('\n'));
        for (const l of old.split('\n').filter((x) => !kept.has(x)))
          expect(l, p).toMatch(
            /\b(?:drop|imagePullPolicy|type|allowPrivilegeEscalation|automountServiceAccountToken|runAsNonRoot|readOnlyRootFilesystem)\b|^\s*- \w+\s*$/i,
          );
      }
      const scan1 = await runCli(['scan', root, '-o', 'json', '--fail-on', 'none']);
      const old = keys(scan0.stdout);
      // the only findings not there before: a container that adds capabilities keeps its adds (the fix only drops ALL)
      for (const k of keys(scan1.stdout).filter((x) => !old.includes(x)))
        expect(k).toMatch(
          /^pss-capabilities-restricted .* \/spec\/template\/spec\/containers\/\d+\/securityContext\/capabilities\/add\/\d+$/,
        );
      expect(keys(scan1.stdout).length).toBeLessThan(old.length * 0.8);
      const again = await runCli(['fix', root, '--include-review', '-o', 'json']);
      expect(JSON.parse(again.stdout).changes).toEqual([]);
    },
    120_000,
  );

  it('fixes a value an overlay patch sets in that patch, leaving the base alone', async () => {
    const root = join(work, 'overlay-patch');
    write(root, {
      'base/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
      'base/deployment.yaml': DEPLOYMENT('          securityContext:\n            allowPrivilegeEscalation: false\n'),
      'prod/kustomization.yaml': 'resources:\n  - ../base\npatches:\n  - path: debug.yaml\n',
      'prod/debug.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          securityContext:\n            allowPrivilegeEscalation: true # for the debugger\n',
    });
    const base = readFileSync(join(root, 'base/deployment.yaml'), 'utf8');
    const diff = await runCli(['fix', join(root, 'prod'), '--rule', 'pss-allow-privilege-escalation']);
    expect(diff.code, diff.stderr).toBe(0);
    expect(diff.stdout).toContain('-            allowPrivilegeEscalation: true # for the debugger');
    expect(diff.stdout).toContain('+            allowPrivilegeEscalation: false # for the debugger');
    await runCli(['fix', join(root, 'prod'), '--rule', 'pss-allow-privilege-escalation', '--write']);
    expect(readFileSync(join(root, 'base/deployment.yaml'), 'utf8')).toBe(base);
    const scan = await runCli(['scan', join(root, 'prod'), '-o', 'json', '--fail-on', 'none']);
    expect(keys(scan.stdout).filter((k) => k.startsWith('pss-allow-privilege-escalation'))).toEqual([]);
  });

  it('fixes a base shared by two overlays once, in the base', async () => {
    const root = join(work, 'shared-base');
    write(root, {
      'base/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
      'base/deployment.yaml': DEPLOYMENT(''),
      'a/kustomization.yaml': 'resources:\n  - ../base\nnamespace: a\n',
      'b/kustomization.yaml': 'resources:\n  - ../base\nnamespace: b\nnamePrefix: b-\n',
    });
    const overlays = [join(root, 'a/kustomization.yaml'), join(root, 'b/kustomization.yaml')].map((f) =>
      readFileSync(f, 'utf8'),
    );
    const r = await runCli([
      'fix',
      join(root, 'a'),
      join(root, 'b'),
      '--rule',
      'pss-allow-privilege-escalation',
      '--write',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const now = readFileSync(join(root, 'base/deployment.yaml'), 'utf8');
    expect(now).toBe(DEPLOYMENT('          securityContext:\n            allowPrivilegeEscalation: false\n'));
    expect(readFileSync(join(root, 'a/kustomization.yaml'), 'utf8')).toBe(overlays[0]);
    expect(readFileSync(join(root, 'b/kustomization.yaml'), 'utf8')).toBe(overlays[1]);
    const scan = await runCli(['scan', join(root, 'a'), join(root, 'b'), '-o', 'json', '--fail-on', 'none']);
    expect(keys(scan.stdout).filter((k) => k.startsWith('pss-allow-privilege-escalation'))).toEqual([]);
  });

  it.skipIf(!existsSync(HELM))(
    "fixes a value a template takes from .Values in the chart's values.yaml, and names the template line otherwise",
    async () => {
      const root = join(work, 'chart');
      write(root, {
        'Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
        'values.yaml':
          '# web chart\nimage:\n  repository: registry.example/web\n  tag: "1.0"\n  pullPolicy: IfNotPresent # cached\n',
        'templates/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          imagePullPolicy: {{ .Values.image.pullPolicy }}
        - name: helper
          image: registry.example/helper:2
          imagePullPolicy: IfNotPresent
`,
      });
      const template = readFileSync(join(root, 'templates/deployment.yaml'), 'utf8');
      const r = await runCli(['fix', root, '--rule', 'image-pull-policy-not-always', '--write', '-o', 'json']);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(readFileSync(join(root, 'values.yaml'), 'utf8')).toBe(
        '# web chart\nimage:\n  repository: registry.example/web\n  tag: "1.0"\n  pullPolicy: Always # cached\n',
      );
      expect(readFileSync(join(root, 'templates/deployment.yaml'), 'utf8')).toBe(template);
      expect(out.notFixed).toEqual([
        expect.objectContaining({
          ruleId: 'image-pull-policy-not-always',
          path: '/spec/template/spec/containers/1/imagePullPolicy',
          reason: expect.stringMatching(
            /^not fixable automatically: set in template .*templates\/deployment\.yaml:18$/,
          ),
        }),
      ]);
    },
  );

  it('reports odd shapes and JSON files instead of failing, and keeps to --category', async () => {
    const root = join(work, 'odd');
    write(root, {
      'odd.yaml': DEPLOYMENT('          securityContext: "privileged please"\n'),
      'nulls.yaml': DEPLOYMENT('          securityContext:\n').replace(/name: web/, 'name: nulls'),
      'pod.json': JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'j' },
        spec: { containers: [{ name: 'a', image: 'a:1' }] },
      }),
    });
    const json = readFileSync(join(root, 'pod.json'), 'utf8');
    const only = await runCli(['fix', root, '--category', 'supply-chain', '-o', 'json']);
    expect(only.code, only.stderr).toBe(0);
    for (const c of JSON.parse(only.stdout).changes)
      for (const f of c.fixes) expect(f.ruleId).toBe('image-pull-policy-not-always');
    const r = await runCli(['fix', root, '--write', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(readFileSync(join(root, 'pod.json'), 'utf8')).toBe(json);
    expect(readFileSync(join(root, 'nulls.yaml'), 'utf8')).toContain(
      '          securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}\n',
    );
    expect(readFileSync(join(root, 'odd.yaml'), 'utf8')).toContain('          securityContext: "privileged please"\n');
    const reasons = out.notFixed.map((n: { reason: string }) => n.reason).join('\n');
    expect(reasons).toMatch(/pod\.json is JSON: not edited/);
    expect(reasons).toMatch(/odd\.yaml:\d+: the value at .*securityContext is not a map/);
  });

  it('refuses stdin and a rule without a fixer', async () => {
    expect((await runCli(['fix', '-'])).code).toBe(2);
    const r = await runCli(['fix', '.', '--rule', 'pss-privileged']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('has no fixer');
  });
});
