import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../model/finding.js';
import { scanPaths } from '../scan.js';
import { remoteReferences } from './kustomize.js';
import { which } from './tools.js';

const hasKustomize = (await which('kustomize')) ?? (await which('kubectl'));
if (!hasKustomize) console.warn('skipping kustomize source tests: neither kustomize nor kubectl is on PATH');

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:latest
`;

function repo(): string {
  const root = mkdtempSync(join(tmpdir(), 'kubeprint-kustomize-'));
  mkdirSync(join(root, 'base'));
  mkdirSync(join(root, 'inline'));
  mkdirSync(join(root, 'file'));
  writeFileSync(join(root, 'base/deployment.yaml'), DEPLOYMENT);
  writeFileSync(join(root, 'base/kustomization.yaml'), 'resources:\n  - deployment.yaml\n');
  writeFileSync(
    join(root, 'inline/kustomization.yaml'),
    [
      'namespace: staging',
      'resources:',
      '  - ../base',
      'patches:',
      '  - target: {kind: Deployment, name: web}',
      '    patch: |-',
      '      - op: replace',
      '        path: /spec/replicas',
      '        value: 1',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(root, 'file/kustomization.yaml'),
    'namespace: prod\nnamePrefix: prod-\nresources:\n  - ../base\npatches:\n  - path: replicas.yaml\n',
  );
  writeFileSync(
    join(root, 'file/replicas.yaml'),
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n',
  );
  return root;
}

describe.runIf(hasKustomize)('kustomize sources', () => {
  it('points at the base file for fields the base wrote, and at the overlay for values it changed', async () => {
    const root = repo();
    const result = await scanPaths(['.'], { cwd: root });
    const at = (ruleId: string, ns: string) =>
      result.findings
        .filter((f) => f.ruleId === ruleId && f.object?.namespace === ns)
        .map((f) => `${f.source?.file}:${f.source?.line}`);
    // the base wrote the image: both overlays point at its line
    expect(at('image-tag-latest', 'staging')).toEqual([join('base', 'deployment.yaml:15')]);
    expect(at('image-tag-latest', 'prod')).toEqual([join('base', 'deployment.yaml:15')]);
    // replicas: 1 was set by an inline patch, and by a patch file
    expect(at('single-replica', 'staging')).toEqual([join('inline', 'kustomization.yaml:8')]);
    expect(at('single-replica', 'prod')).toEqual([join('file', 'replicas.yaml:6')]);
    // the base itself is included by both overlays, so it is not scanned on its own
    expect(
      result.findings.some((f) => f.object && f.object.namespace === undefined && f.object.kind === 'Deployment'),
    ).toBe(false);
  });

  it('follows intermediate overlays: each changed value points at the layer that set it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'kubeprint-kustomize-chain-'));
    for (const d of ['base', 'prod', 'prod-eu']) mkdirSync(join(root, d));
    writeFileSync(join(root, 'base/deployment.yaml'), DEPLOYMENT);
    writeFileSync(join(root, 'base/kustomization.yaml'), 'resources:\n  - deployment.yaml\n');
    // prod builds on base and drops to one replica; prod-eu builds on prod and pins the image tag
    writeFileSync(
      join(root, 'prod/kustomization.yaml'),
      'resources:\n  - ../base\npatches:\n  - path: replicas.yaml\n',
    );
    writeFileSync(
      join(root, 'prod/replicas.yaml'),
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n',
    );
    writeFileSync(
      join(root, 'prod-eu/kustomization.yaml'),
      'namespace: prod-eu\nresources:\n  - ../prod\npatches:\n  - path: image.yaml\n',
    );
    writeFileSync(
      join(root, 'prod-eu/image.yaml'),
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        '  name: web',
        'spec:',
        '  template:',
        '    spec:',
        '      containers:',
        '        - name: web',
        '          image: nginx:latest',
        '          imagePullPolicy: IfNotPresent',
        '',
      ].join('\n'),
    );
    const result = await scanPaths(['prod-eu'], { cwd: root });
    const at = (ruleId: string) =>
      result.findings.filter((f) => f.ruleId === ruleId).map((f) => `${f.source?.file}:${f.source?.line}`);
    // set two layers down, in prod's patch file (the root overlay does not touch it)
    expect(at('single-replica')).toEqual([join('prod', 'replicas.yaml:6')]);
    // set by the root overlay's own patch
    expect(at('image-pull-policy-not-always')).toEqual([join('prod-eu', 'image.yaml:11')]);
    // written by the base and never changed: the base's line
    expect(at('image-tag-latest')).toEqual([join('base', 'deployment.yaml:15')]);
  });
});

/** Write `files` (path → text) under a new temporary directory. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'kubeprint-kustomize-'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return root;
}

const renderFailed = (findings: readonly Finding[]) =>
  findings.filter((f) => f.ruleId === 'render-failed').map((f) => `${f.source?.file}: ${f.message}`);

const CONFIGMAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: outside\ndata:\n  a: b\n';

describe.runIf(hasKustomize)('kustomize load restrictions', () => {
  it('refuses, as kubectl kustomize does, a generator reading a file outside the kustomization (/etc/passwd)', async () => {
    const root = tree({
      'app/kustomization.yaml': 'configMapGenerator:\n  - name: leak\n    files:\n      - /etc/passwd\n',
    });
    const result = await scanPaths(['app'], { cwd: root });
    expect(renderFailed(result.findings)).toEqual([
      expect.stringMatching(/^app\/kustomization\.yaml: .*security; file '\/etc\/passwd' is not in or below/),
    ]);
    expect(result.objects).toEqual([]);
  });

  it('refuses a resource file above the kustomization, and renders both when the restriction is switched off', async () => {
    const files = {
      'outside.yaml': CONFIGMAP,
      'app/kustomization.yaml': 'resources:\n  - ../outside.yaml\n',
      'gen/kustomization.yaml': 'configMapGenerator:\n  - name: env\n    envs:\n      - ../settings.env\n',
      'settings.env': 'MODE=production\n',
    };
    const root = tree(files);
    const restricted = await scanPaths(['app', 'gen'], { cwd: root });
    expect(renderFailed(restricted.findings)).toEqual([
      expect.stringMatching(/^app\/kustomization\.yaml: .*'\/.*outside\.yaml' is not in or below/),
      expect.stringMatching(/^gen\/kustomization\.yaml: .*settings\.env' is not in or below/),
    ]);
    const open = await scanPaths(['app', 'gen'], {
      cwd: root,
      kustomize: { loadRestrictor: 'LoadRestrictionsNone' },
    });
    expect(renderFailed(open.findings)).toEqual([]);
    expect(open.objects.map((o) => o.name).sort()).toEqual([expect.stringMatching(/^env-/), 'outside']);
  });

  it('does not fetch remote resources unless allowed, and says why (no network is used)', async () => {
    const root = tree({
      'git/kustomization.yaml': 'resources:\n  - github.com/example/deploy//base?ref=v1.0.0\n',
      'http/kustomization.yaml': 'resources:\n  - ./local.yaml\n  - https://example.invalid/manifests/app.yaml\n',
      'http/local.yaml': CONFIGMAP,
      'ssh/kustomization.yaml': 'components:\n  - git@github.com:example/deploy.git//components/x\n',
      // a remote base two layers down
      'overlay/kustomization.yaml': 'resources:\n  - ../base\n',
      'base/kustomization.yaml': 'resources:\n  - https://example.invalid/base.yaml\n',
      'chart/kustomization.yaml':
        'helmCharts:\n  - name: ingress-nginx\n    repo: https://kubernetes.github.io/ingress-nginx\n    version: 4.11.0\n',
      'patch/kustomization.yaml':
        'resources:\n  - local.yaml\npatches:\n  - path: https://example.invalid/patch.yaml\n',
      'patch/local.yaml': CONFIGMAP,
    });
    const started = Date.now();
    const result = await scanPaths(['.'], { cwd: root });
    const failed = renderFailed(result.findings);
    expect(failed).toEqual([
      expect.stringMatching(
        /^chart\/kustomization\.yaml: .*helm chart ingress-nginx from https:\/\/kubernetes\.github\.io\/ingress-nginx.*--allow-remote/,
      ),
      expect.stringMatching(
        /^git\/kustomization\.yaml: .*github\.com\/example\/deploy\/\/base\?ref=v1\.0\.0.*--allow-remote/,
      ),
      expect.stringMatching(
        /^http\/kustomization\.yaml: .*https:\/\/example\.invalid\/manifests\/app\.yaml.*--allow-remote/,
      ),
      expect.stringMatching(
        /^overlay\/kustomization\.yaml: .*https:\/\/example\.invalid\/base\.yaml \(resources in base\/kustomization\.yaml\).*--allow-remote/,
      ),
      expect.stringMatching(/^patch\/kustomization\.yaml: .*https:\/\/example\.invalid\/patch\.yaml.*--allow-remote/),
      expect.stringMatching(/^ssh\/kustomization\.yaml: .*git@github\.com:example\/deploy\.git.*--allow-remote/),
    ]);
    expect(result.objects).toEqual([]);
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it('fetches a remote base when allowed (a local git repository through file://), pointing at the kustomization', async () => {
    const repo = tree({ 'app/cm.yaml': CONFIGMAP, 'app/kustomization.yaml': 'resources:\n  - cm.yaml\n' });
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: repo });
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'base');
    const root = tree({ 'remote/kustomization.yaml': `resources:\n  - file://${repo}//app\n` });
    const refused = await scanPaths(['remote'], { cwd: root });
    expect(renderFailed(refused.findings)).toEqual([expect.stringContaining('--allow-remote')]);
    const allowed = await scanPaths(['remote'], { cwd: root, kustomize: { allowRemote: true } });
    expect(renderFailed(allowed.findings)).toEqual([]);
    expect(allowed.objects.map((o) => [o.name, o.source?.file])).toEqual([
      ['outside', join('remote', 'kustomization.yaml')],
    ]);
  });

  it("keeps kustomize's reason whole and never shows the wrapper's paths", async () => {
    const deep = Array.from({ length: 8 }, (_, i) => `a-rather-long-directory-name-number-${i}`).join('/');
    const root = tree({
      'broken/kustomization.yaml': 'resources:\n  - a.yaml\n bad: [\n',
      [`${deep}/kustomization.yaml`]: 'resources:\n  - missing.yaml\n',
    });
    const failed = renderFailed((await scanPaths(['.'], { cwd: root })).findings);
    expect(failed).toEqual([
      expect.stringMatching(/^a-rather-long.*kustomization\.yaml: .*'missing\.yaml'.*no such file or directory/),
      expect.stringMatching(/^broken\/kustomization\.yaml: .*yaml: line 2: did not find expected key/),
    ]);
    for (const m of failed) {
      expect(m).not.toMatch(/\.\.\/|kubeprint-kustomize-[^/]*\/kustomization|must resolve to a file/);
    }
  });
});

describe.runIf(hasKustomize && (await which('helm')))('kustomize helmCharts', () => {
  it("renders a local chart for the configured Kubernetes release, not helm's v1.20", async () => {
    const root = tree({
      'app/kustomization.yaml': 'helmCharts:\n  - name: web\n    releaseName: web\n',
      'app/charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 1.0.0\nkubeVersion: ">=1.21.0-0"\n',
      'app/charts/web/values.yaml': '{}\n',
      'app/charts/web/templates/cm.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caps\ndata:\n  version: {{ .Capabilities.KubeVersion.Version | quote }}\n',
    });
    const result = await scanPaths(['app'], { cwd: root, helm: { kubeVersion: '1.31' } });
    expect(renderFailed(result.findings)).toEqual([]);
    expect(result.objects.map((o) => (o.raw.data as Record<string, string>).version)).toEqual(['v1.31.0']);
  });
});

describe('remoteReferences', () => {
  it('finds what kustomize would fetch (git and http in any field that loads a path), and nothing local', () => {
    const refs = remoteReferences({
      resources: [
        'deployment.yaml',
        '../base',
        'https://raw.example.com/x.yaml',
        'github.com/org/repo//dir?ref=v1',
        'gh:org/repo',
        'git::https://gitlab.example.com/org/repo.git//x',
        'ssh://git@example.com/org/repo.git',
        'https://dev.azure.com/org/project/_git/repo//path',
        'oci://registry.example.com/kustomize/base:v1',
      ],
      components: ['git@github.com:org/repo.git//c'],
      configMapGenerator: [{ name: 'x', files: ['key=https://example.com/a', 'local.txt'], envs: ['a.env'] }],
      patches: [{ path: 'http://example.com/p.yaml' }, { patch: 'https://not-a-path-in-an-inline-patch' }],
      images: [{ name: 'nginx', newName: 'github.com/org/image' }],
      commonAnnotations: { docs: 'https://example.com/docs' },
      helmCharts: [
        { name: 'a', repo: 'https://charts.example.com' },
        { name: 'b', repo: 'oci://registry.example.com/charts' },
      ],
    }).map((r) => `${r.field}: ${r.value}`);
    expect(refs).toEqual([
      'resources: https://raw.example.com/x.yaml',
      'resources: github.com/org/repo//dir?ref=v1',
      'resources: gh:org/repo',
      'resources: git::https://gitlab.example.com/org/repo.git//x',
      'resources: ssh://git@example.com/org/repo.git',
      'resources: https://dev.azure.com/org/project/_git/repo//path',
      'resources: oci://registry.example.com/kustomize/base:v1',
      'components: git@github.com:org/repo.git//c',
      'patches.path: http://example.com/p.yaml',
      'configMapGenerator.files: key=https://example.com/a',
      'helmCharts: helm chart a from https://charts.example.com',
      'helmCharts: helm chart b from oci://registry.example.com/charts',
    ]);
  });
});
