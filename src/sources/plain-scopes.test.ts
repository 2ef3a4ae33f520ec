import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanPaths } from '../scan.js';
import { loadInputs } from './index.js';
import { commonDirectory, plainScopeDirs } from './plain-scopes.js';
import { which } from './tools.js';

const hasKustomize = (await which('kustomize')) ?? (await which('kubectl'));
if (!hasKustomize)
  console.warn('skipping the kustomize case of plain scopes: neither kustomize nor kubectl is on PATH');

function deployment(name: string, namespace?: string, replicas = 3): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}${namespace ? `\n  namespace: ${namespace}` : ''}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
        - name: ${name}
          image: nginx:1.27
`;
}

function pdb(name: string, namespace?: string): string {
  return `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: ${name}${namespace ? `\n  namespace: ${namespace}` : ''}
spec:
  minAvailable: 1
  selector:
    matchLabels: {app: ${name}}
`;
}

function service(name: string): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector: {app: ${name}}
  ports: [{port: 80}]
`;
}

/** A temporary directory with these files (relative path → text). */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'kubeprint-scopes-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

/** `kind/name` → scope, for every object read from `paths` (relative to `cwd`). */
async function scopes(cwd: string, paths: string[], stdin?: string): Promise<Record<string, string>> {
  const r = await loadInputs(paths, { cwd, ...(stdin === undefined ? {} : { stdin: async () => stdin }) });
  const out: Record<string, string> = {};
  for (const o of r.objects) out[`${o.kind}/${o.namespace ? `${o.namespace}/` : ''}${o.name}`] = o.scope;
  return out;
}

async function ruleIds(cwd: string, paths: string[]): Promise<string[]> {
  const r = await scanPaths(paths, { cwd });
  return r.findings.map((f) => `${f.ruleId} ${f.object?.kind}/${f.object?.name}`);
}

describe('plainScopeDirs', () => {
  const ids = (entries: Record<string, string[]>) =>
    new Map(Object.entries(entries).map(([d, list]) => [d, new Set(list)] as const));

  it('merges siblings into their parent, named by the deepest directory that holds them', () => {
    const got = plainScopeDirs(ids({ '/r/a/deployments': ['d'], '/r/a/services': ['s'] }), '/r');
    expect(Object.fromEntries(got)).toEqual({ '/r/a/deployments': '/r/a', '/r/a/services': '/r/a' });
  });

  it('keeps a lone directory under its own name up to the ceiling', () => {
    expect(Object.fromEntries(plainScopeDirs(ids({ '/r/a/b': ['x'] }), '/r'))).toEqual({ '/r/a/b': '/r/a/b' });
  });

  it('keeps apart every directory that defines an object another one defines, and merges the rest', () => {
    const got = plainScopeDirs(
      ids({ '/r/staging': ['web', 'svc-s'], '/r/production': ['web', 'svc-p'], '/r/common': ['ns'], '/r': ['rbac'] }),
      '/r',
    );
    expect(Object.fromEntries(got)).toEqual({
      '/r/staging': '/r/staging',
      '/r/production': '/r/production',
      '/r/common': '/r',
      '/r': '/r',
    });
  });

  it("keeps a subdirectory apart that defines again what its parent's own files define", () => {
    const got = plainScopeDirs(ids({ '/r/app': ['web'], '/r/app/old': ['web'], '/r/app/pdb': ['pdb'] }), '/r');
    expect(Object.fromEntries(got)).toEqual({ '/r/app': '/r/app', '/r/app/old': '/r/app/old', '/r/app/pdb': '/r/app' });
  });

  it('merges nested levels one after the other, stopping where a merge would duplicate', () => {
    const got = plainScopeDirs(
      ids({
        '/r/env/a/app': ['web'],
        '/r/env/a/app/pdb': ['pdb'],
        '/r/env/a/svc': ['svc'],
        '/r/env/b/app': ['web'],
        '/r/env/b/svc': ['svc'],
      }),
      '/r',
    );
    expect(Object.fromEntries(got)).toEqual({
      '/r/env/a/app': '/r/env/a',
      '/r/env/a/app/pdb': '/r/env/a',
      '/r/env/a/svc': '/r/env/a',
      '/r/env/b/app': '/r/env/b',
      '/r/env/b/svc': '/r/env/b',
    });
  });

  it('does not depend on the order directories are listed in', () => {
    const a = { '/r/x': ['1', '2'], '/r/y': ['2'], '/r/z': ['3'] };
    const b = { '/r/z': ['3'], '/r/y': ['2'], '/r/x': ['1', '2'] };
    expect(Object.fromEntries(plainScopeDirs(ids(a), '/r'))).toEqual(Object.fromEntries(plainScopeDirs(ids(b), '/r')));
  });

  it('commonDirectory is the deepest directory holding every one', () => {
    expect(commonDirectory(['/r/a/b', '/r/a/c/d', '/r/a'])).toBe('/r/a');
    expect(commonDirectory(['/r/ab', '/r/a'])).toBe('/r');
    expect(commonDirectory([])).toBeUndefined();
  });
});

describe('scopes of plain files', () => {
  it('--scope-by directory keeps every directory a scope of its own (scan and CLI)', async () => {
    const root = tree({
      'manifests/deployments/api.yaml': deployment('api'),
      'manifests/policies/api-pdb.yaml': pdb('api'),
    });
    const r = await loadInputs(['manifests'], { cwd: root, scopeBy: 'directory' });
    expect(Object.fromEntries(r.objects.map((o) => [`${o.kind}/${o.name}`, o.scope]))).toEqual({
      'Deployment/api': join('manifests', 'deployments'),
      'PodDisruptionBudget/api': join('manifests', 'policies'),
    });
    const { runCli } = await import('../../test/cli-capture.js');
    const ids = async (extra: string[]) =>
      (
        JSON.parse(
          (await runCli(['scan', 'manifests', '-o', 'json', '--fail-on', 'none', ...extra], { cwd: root })).stdout,
        ) as { findings: Array<{ ruleId: string }> }
      ).findings.map((f) => f.ruleId);
    expect(await ids([])).not.toContain('pdb-missing');
    expect(await ids(['--scope-by', 'directory'])).toContain('pdb-missing');
    const bad = await runCli(['scan', 'manifests', '--scope-by', 'repo'], { cwd: root });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--scope-by/);
  });

  it('sibling directories under one input path are one scope: no false missing PDB, HPA target or Service target', async () => {
    const root = tree({
      'deploy/app/deployment.yaml': deployment('web'),
      'deploy/app/pdb/pdb.yaml': pdb('web'),
      'manifests/deployments/api.yaml': deployment('api'),
      'manifests/services/api.yaml': service('api'),
      'manifests/policies/api-pdb.yaml': pdb('api'),
    });
    expect(await scopes(root, ['deploy'])).toEqual({
      'Deployment/web': 'deploy/app',
      'PodDisruptionBudget/web': 'deploy/app',
    });
    expect(await scopes(root, ['manifests'])).toEqual({
      'Deployment/api': 'manifests',
      'Service/api': 'manifests',
      'PodDisruptionBudget/api': 'manifests',
    });
    // several input paths: merged up to the deepest directory holding them all
    expect(new Set(Object.values(await scopes(root, ['deploy', 'manifests'])))).toEqual(new Set(['.']));
    const found = await ruleIds(root, ['deploy']);
    expect(found.filter((f) => f.startsWith('pdb-missing'))).toEqual([]);
    const m = await ruleIds(root, ['manifests']);
    expect(m.filter((f) => /^(pdb-missing|service-selects-nothing)/.test(f))).toEqual([]);
  });

  it('directories that define the same object are separate environments', async () => {
    const root = tree({
      'envs/staging/web.yaml': deployment('web'),
      'envs/staging/pdb.yaml': pdb('web'),
      'envs/production/web.yaml': deployment('web'),
      'envs/shared/api.yaml': deployment('api'),
    });
    const got = await loadInputs(['envs'], { cwd: root });
    const byFile = Object.fromEntries(got.objects.map((o) => [`${o.source?.file} ${o.kind}`, o.scope]));
    expect(byFile).toEqual({
      'envs/production/web.yaml Deployment': 'envs/production',
      'envs/shared/api.yaml Deployment': 'envs/shared',
      'envs/staging/pdb.yaml PodDisruptionBudget': 'envs/staging',
      'envs/staging/web.yaml Deployment': 'envs/staging',
    });
    // production's web is not covered by staging's PDB
    const found = (await scanPaths(['envs'], { cwd: root })).findings.filter((f) => f.ruleId === 'pdb-missing');
    expect(found.map((f) => f.source?.file).sort()).toEqual(['envs/production/web.yaml', 'envs/shared/api.yaml']);
  });

  it('the same name in another namespace is another object', async () => {
    const root = tree({
      'clusters/a/web.yaml': deployment('web', 'team-a'),
      'clusters/b/web.yaml': deployment('web', 'team-b'),
      'clusters/c/web.yaml': deployment('web'),
      'clusters/d/web.yaml': deployment('web', 'default'),
    });
    expect(await scopes(root, ['clusters'])).toEqual({
      'Deployment/team-a/web': 'clusters',
      'Deployment/team-b/web': 'clusters',
      // no namespace is the default namespace: the same object as d's
      'Deployment/web': 'clusters/c',
      'Deployment/default/web': 'clusters/d',
    });
  });

  it('merges nested directories up to the input path, never above it', async () => {
    const root = tree({
      'repo/apps/web/deployment.yaml': deployment('web'),
      'repo/apps/web/extras/hpa/pdb.yaml': pdb('web'),
      'repo/other/pdb.yaml': pdb('api'),
      'repo/other/api.yaml': deployment('api'),
    });
    expect(await scopes(root, ['repo/apps'])).toEqual({
      'Deployment/web': 'repo/apps/web',
      'PodDisruptionBudget/web': 'repo/apps/web',
    });
    expect(await scopes(root, ['repo'])).toEqual({
      'Deployment/web': 'repo',
      'PodDisruptionBudget/web': 'repo',
      'Deployment/api': 'repo',
      'PodDisruptionBudget/api': 'repo',
    });
    // two files given by name, in sibling directories
    expect(await scopes(root, ['repo/apps/web/deployment.yaml', 'repo/apps/web/extras/hpa/pdb.yaml'])).toEqual({
      'Deployment/web': 'repo/apps/web',
      'PodDisruptionBudget/web': 'repo/apps/web',
    });
    // absolute input paths give absolute scope names
    expect(await scopes(root, [join(root, 'repo/apps')])).toEqual({
      'Deployment/web': join(root, 'repo/apps/web'),
      'PodDisruptionBudget/web': join(root, 'repo/apps/web'),
    });
  });

  it('--raw scans every file as plain, with the same merging', async () => {
    const root = tree({ 'd/a/web.yaml': deployment('web'), 'd/b/pdb.yaml': pdb('web') });
    const r = await loadInputs(['d'], { cwd: root, raw: true });
    expect(r.objects.map((o) => o.scope)).toEqual(['d', 'd']);
  });

  it('stdin is a scope of its own', async () => {
    const root = tree({ 'd/web.yaml': deployment('web') });
    expect(await scopes(root, ['-', 'd'], pdb('api'))).toEqual({
      'PodDisruptionBudget/api': '-',
      'Deployment/web': 'd',
    });
    expect(await scopes(root, ['-'], `${deployment('web')}---\n${pdb('web')}`)).toEqual({
      'Deployment/web': '-',
      'PodDisruptionBudget/web': '-',
    });
  });

  it.runIf(hasKustomize)('a kustomization keeps its own scope; plain files beside it merge without it', async () => {
    const root = tree({
      'deploy/kust/kustomization.yaml': 'resources:\n  - web.yaml\n',
      'deploy/kust/web.yaml': deployment('web'),
      'deploy/plain/web/deployment.yaml': deployment('web'),
      'deploy/plain/pdb/pdb.yaml': pdb('web'),
      'deploy/api.yaml': deployment('api'),
    });
    const r = await loadInputs(['deploy'], { cwd: root });
    const byFile = Object.fromEntries(r.objects.map((o) => [o.source?.file, o.scope]));
    expect(byFile).toEqual({
      'deploy/kust/web.yaml': 'deploy/kust',
      'deploy/plain/web/deployment.yaml': 'deploy',
      'deploy/plain/pdb/pdb.yaml': 'deploy',
      'deploy/api.yaml': 'deploy',
    });
    // the rendered web is not covered by the plain PDB; the plain one is
    const found = (await scanPaths(['deploy'], { cwd: root })).findings.filter((f) => f.ruleId === 'pdb-missing');
    expect(found.map((f) => f.source?.file).sort()).toEqual(['deploy/api.yaml', 'deploy/kust/web.yaml']);
  });
});
