/**
 * Following GitOps objects through the sources, as every command reads
 * manifests: small hand-made repositories (written to temporary directories)
 * for each way Argo CD and Flux render, then the two real GitOps repositories
 * of the corpora.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test/cli-capture.js';
import { corpus } from '../../test/helpers/corpora.js';
import { parseConfig } from '../config/config.js';
import type { KubeObject } from '../model/kube-object.js';
import { scanPaths } from '../scan.js';
import { loadInputs } from '../sources/index.js';
import { which } from '../sources/tools.js';

const hasHelm = !!(await which('helm'));
const hasKustomize = !!((await which('kustomize')) ?? (await which('kubectl')));
if (!hasHelm) console.warn('skipping GitOps Helm following tests: helm is not on PATH');
if (!hasKustomize) console.warn('skipping GitOps Kustomize following tests: neither kustomize nor kubectl is on PATH');

const URL = 'https://example.com/org/repo.git';

/** Write `files` (path → text) under a new temporary directory. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'kubeprint-follow-'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return root;
}

const loaded: Array<{ dispose?: () => Promise<void> }> = [];
afterAll(async () => {
  for (const r of loaded) await r.dispose?.();
});

/** Load a tree as `kubeprint scan .` in it would, naming the repository URL (null: no URL given). */
async function load(root: string, repoURL: string | null = URL) {
  const r = await loadInputs(['.'], {
    cwd: root,
    helm: { kubeVersion: '1.33' },
    ...(repoURL ? { gitops: { repoURL } } : {}),
  });
  loaded.push(r);
  return r;
}

function named(objects: readonly KubeObject[], kind: string, name: string): KubeObject[] {
  return objects.filter((o) => o.kind === kind && o.name === name);
}

/** `file:line` where a field of an object is reported. */
function where(o: KubeObject, pointer: string): string {
  const src = o.source;
  if (!src) return '';
  const at = src.locate?.(pointer) ?? { file: src.file, ...src.positionOf(pointer) };
  return `${at.file}:${at.line}`;
}

const application = (name: string, source: string, namespace = 'shop') =>
  [
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Application',
    'metadata:',
    `  name: ${name}`,
    '  namespace: argocd',
    'spec:',
    '  project: default',
    '  destination:',
    '    server: https://kubernetes.default.svc',
    `    namespace: ${namespace}`,
    '  source:',
    ...source
      .trim()
      .split('\n')
      .map((l) => `    ${l}`),
    '',
  ].join('\n');

const deployment = (name: string, image: string, extra = '') =>
  [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${name}`,
    ...(extra ? [extra] : []),
    'spec:',
    '  selector:',
    '    matchLabels: {app: web}',
    '  template:',
    '    metadata:',
    '      labels: {app: web}',
    '    spec:',
    '      containers:',
    '        - name: web',
    `          image: ${image}`,
    '',
  ].join('\n');

describe('Argo CD directory source', () => {
  const root = tree({
    'apps/web.yaml': application(
      'web',
      `repoURL: ${URL}\ntargetRevision: main\npath: deploy/web\ndirectory:\n  exclude: 'skip-*'`,
    ),
    'deploy/web/deployment.yaml': deployment('web', 'nginx:latest'),
    'deploy/web/skip-me.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: skipped\n',
    'deploy/web/crd.yaml': [
      'apiVersion: apiextensions.k8s.io/v1',
      'kind: CustomResourceDefinition',
      'metadata: {name: widgets.example.com}',
      'spec:',
      '  group: example.com',
      '  scope: Cluster',
      '  names: {kind: Widget, plural: widgets}',
      '  versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}]',
      '',
    ].join('\n'),
    'deploy/web/custom.yaml':
      'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n---\napiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\n',
    'deploy/web/nested/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: nested\n',
  });

  it('renders what the Application deploys once, in its own scope, into its destination namespace', async () => {
    const r = await load(root);
    const [web, ...more] = named(r.objects, 'Deployment', 'web');
    expect(more).toEqual([]);
    expect(web?.namespace).toBe('shop');
    expect(web?.scope).toBe('apps/web.yaml:1 Application argocd/web');
    expect(web?.source?.deployedBy).toMatchObject({
      kind: 'Application',
      namespace: 'argocd',
      name: 'web',
      source: { file: 'apps/web.yaml', line: 1 },
      via: [],
    });
    // the namespace the Application gives points at the Application's destination
    expect(where(web as KubeObject, '/metadata/namespace')).toBe('apps/web.yaml:10');
    expect(where(web as KubeObject, '/spec/template/spec/containers/0/image')).toBe('deploy/web/deployment.yaml:14');
    // excluded and nested files are not the Application's: judged as plain files, once
    for (const name of ['skipped', 'nested']) {
      const [cm, ...again] = named(r.objects, 'ConfigMap', name);
      expect(again).toEqual([]);
      expect(cm?.source?.deployedBy).toBeUndefined();
    }
    // cluster-scoped kinds (built in, or by a CRD in the files) get no namespace; other kinds do
    expect(
      r.objects
        .filter((o) => ['Widget', 'Gadget', 'ClusterRole'].includes(o.kind))
        .map((o) => `${o.kind} ${o.namespace}`),
    ).toEqual(['Widget undefined', 'Gadget shop', 'ClusterRole undefined']);
    expect(r.gitops?.map((g) => `${g.owner.name} ${g.status} ${g.render}`)).toEqual([
      'web followed directory deploy/web',
    ]);
  });

  it('puts deployedBy on the findings and keeps their lines', async () => {
    const config = parseConfig(`gitops:\n  repoURL: ${URL}\n`, '.kubeprint.yaml');
    const result = await scanPaths(['.'], { cwd: root, config });
    const latest = result.findings.filter((f) => f.ruleId === 'image-tag-latest');
    expect(latest.map((f) => `${f.source?.file}:${f.source?.line}`)).toEqual(['deploy/web/deployment.yaml:14']);
    expect(latest[0]?.deployedBy?.map((d) => `${d.kind} ${d.namespace}/${d.name}`)).toEqual(['Application argocd/web']);
    expect(result.findings.filter((f) => f.ruleId === 'gitops-source-not-followed')).toEqual([]);
  });

  it('does not follow a source it cannot tell is this repository, and says so', async () => {
    const r = await load(root, null);
    const [web, ...more] = named(r.objects, 'Deployment', 'web');
    expect(more).toEqual([]);
    expect(web?.source?.deployedBy).toBeUndefined();
    const nf = r.problems.filter((p) => p.ruleId === 'gitops-source-not-followed');
    expect(nf.map((p) => [p.severity, p.path, `${p.source?.file}:${p.source?.line}`, p.message])).toEqual([
      [
        'info',
        '/spec/source/repoURL',
        'apps/web.yaml:12',
        `not followed: remote source ${URL} (path deploy/web, revision main)`,
      ],
    ]);
  });

  it('names the other sources it does not follow: plugins, ApplicationSets, remote charts and repositories', async () => {
    const other = tree({
      'apps.yaml': [
        application('plugin', `repoURL: ${URL}\npath: deploy\nplugin:\n  name: sops`),
        application('chart', 'repoURL: https://charts.example.com\nchart: redis\ntargetRevision: 18.1.0'),
        application('elsewhere', 'repoURL: git@github.com:other/repo.git\npath: deploy'),
        [
          'apiVersion: argoproj.io/v1alpha1',
          'kind: ApplicationSet',
          'metadata: {name: many, namespace: argocd}',
          'spec:',
          '  generators: [{list: {elements: []}}]',
          '  template: {metadata: {name: x}, spec: {project: default, source: {repoURL: x, path: y}, destination: {namespace: z, server: s}}}',
          '',
        ].join('\n'),
      ].join('---\n'),
      'deploy/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n',
    });
    const r = await load(other);
    const nf = r.problems.filter((p) => p.ruleId === 'gitops-source-not-followed');
    expect(nf.map((p) => `${p.object?.name} ${p.path}: ${p.message}`)).toEqual([
      'plugin /spec/source/plugin: not followed: config management plugin "sops": Argo CD runs it in a sidecar of its repo server; kubeprint does not run plugins',
      'chart /spec/source/repoURL: not followed: remote source Helm chart redis 18.1.0 from https://charts.example.com',
      'elsewhere /spec/source/repoURL: not followed: remote source git@github.com:other/repo.git (path deploy)',
      'many /spec/generators: not followed: ApplicationSet: kubeprint does not run its generators, so the Applications it makes are not followed',
    ]);
  });
});

describe('kubeprint scan --repo-url', () => {
  const root = tree({
    'apps/web.yaml': application('web', `repoURL: ${URL}\npath: deploy/web`),
    'deploy/web/deployment.yaml': deployment('web', 'nginx:latest'),
  });

  it('follows into the repository the URL names and says who deploys each object, in JSON and in the table', async () => {
    const json = await runCli(['scan', '.', '-o', 'json', '--repo-url', 'git@example.com:org/repo'], { cwd: root });
    expect(json.code).toBe(1);
    const findings = JSON.parse(json.stdout).findings as Array<{
      ruleId: string;
      deployedBy: unknown[];
      object: unknown;
    }>;
    const latest = findings.find((f) => f.ruleId === 'image-tag-latest');
    expect(latest?.object).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' });
    expect(latest?.deployedBy).toEqual([
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        namespace: 'argocd',
        name: 'web',
        source: { file: 'apps/web.yaml', line: 1, column: 1 },
        via: [],
      },
    ]);
    const table = await runCli(['scan', '.', '--repo-url', URL], { cwd: root });
    const lines = table.stdout.split('\n');
    const header = lines.findIndex((l) => l.startsWith('Deployment shop/web'));
    expect(lines[header + 1]).toBe('  deployed by Application argocd/web (apps/web.yaml:1)');
  });

  it('does not follow with --raw, and refuses --repo-url with --cluster', async () => {
    const raw = await runCli(['scan', '.', '-o', 'json', '--raw', '--repo-url', URL], { cwd: root });
    const findings = JSON.parse(raw.stdout).findings as Array<{ ruleId: string; deployedBy: unknown[] }>;
    expect(findings.filter((f) => f.deployedBy.length > 0)).toEqual([]);
    const live = await runCli(['scan', '--cluster', '--repo-url', URL], { cwd: root });
    expect(live.code).toBe(2);
    expect(live.stderr).toContain('--repo-url');
  });
});

const hasGit = !!(await which('git'));

describe.skipIf(!hasGit)('the git origin names the scanned repository', () => {
  it('follows from a sub-directory or a single file of the work tree, paths from the repository root', async () => {
    const root = tree({
      'apps/web.yaml': application('web', 'repoURL: https://Example.com/org/repo\npath: deploy/web'),
      'deploy/web/deployment.yaml': deployment('web', 'nginx:1.27'),
    });
    execFileSync('git', ['init', '-q'], { cwd: root });
    execFileSync('git', ['remote', 'add', 'origin', 'git@example.com:org/repo.git'], { cwd: root });
    for (const input of ['apps', 'apps/web.yaml']) {
      const r = await loadInputs([input], { cwd: root });
      loaded.push(r);
      const deployments = r.objects.filter((o) => o.kind === 'Deployment');
      expect(
        deployments.map((o) => `${o.namespace}/${o.name} ${o.source?.file} by ${o.source?.deployedBy?.name}`),
        input,
      ).toEqual(['shop/web deploy/web/deployment.yaml by web']);
    }
    // another origin: not this repository
    execFileSync('git', ['remote', 'set-url', 'origin', 'git@example.com:org/other.git'], { cwd: root });
    const other = await loadInputs(['apps'], { cwd: root });
    expect(other.objects.filter((o) => o.kind === 'Deployment')).toEqual([]);
    expect(other.problems.map((p) => p.ruleId)).toEqual(['gitops-source-not-followed']);
  });
});

describe('objects of the wrong shape', () => {
  it('never throw: a GitOps object kubeprint cannot read is reported, the scan goes on', async () => {
    const docs = [
      'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a1}\nspec: just a string\n',
      'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a2}\nspec: {source: 5, sources: [null, "x", {repoURL: 7}], destination: [1]}\n',
      `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a3}\nspec: {source: {repoURL: "${URL}", path: 5, helm: "x", kustomize: [1], directory: 3}}\n`,
      `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a4}\nspec: {source: {repoURL: "${URL}", path: "../../etc"}}\n`,
      `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a5}\nspec: {source: {repoURL: "${URL}", path: d, helm: {valueFiles: [1, null], parameters: ["x", {name: 3}], values: 4}}}\n`,
      `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a6}\nspec: {source: {repoURL: "${URL}", path: d, kustomize: {images: [1, "=="], replicas: ["x", {name: a, count: "z"}], commonLabels: [1], patches: "p", components: 4}}}\n`,
      'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: k1, namespace: f}\nspec: {sourceRef: "x", postBuild: 1}\n',
      'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: k2, namespace: f}\nspec: {sourceRef: {kind: GitRepository, name: nope}, path: 7, images: "x", patches: [1]}\n',
      'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: h1, namespace: f}\nspec: {chart: {spec: 1}, valuesFrom: [1, {kind: ConfigMap}], values: [1]}\n',
      'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: h2, namespace: f}\nspec: {chartRef: {kind: HelmChart, name: nope}}\n',
    ];
    const root = tree({
      'odd.yaml': docs.join('---\n'),
      'd/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n',
    });
    const r = await load(root);
    expect(r.objects.filter((o) => o.kind === 'ConfigMap').length).toBeGreaterThan(0);
    const byName = new Map(r.problems.map((p) => [p.object?.name, p]));
    // each one is either followed or has its reason; nothing failed inside kubeprint
    expect(r.problems.filter((p) => p.message.includes('could not read it'))).toEqual([]);
    for (const n of ['a1', 'a2', 'a3', 'a4', 'k1', 'k2', 'h1', 'h2']) expect(byName.get(n), n).toBeDefined();
    expect(byName.get('a1')?.message).toBe('not followed: the Application has no spec to read');
  });
});

describe.skipIf(!hasKustomize)('Argo CD kustomize source', () => {
  it('edits a copy of the kustomization as Argo CD does, and points its changes at the Application', async () => {
    const root = tree({
      'apps/api.yaml': application(
        'api',
        [
          'repoURL: git@example.com:org/repo.git',
          'path: deploy/api',
          'kustomize:',
          '  namePrefix: prod-',
          '  images:',
          '    - api=registry.example.com/api:latest',
          '  commonLabels:',
          '    team: payments',
          '  namespace: payments',
        ].join('\n'),
      ),
      'deploy/api/kustomization.yaml': 'resources:\n- deployment.yaml\nnamePrefix: dev-\n',
      'deploy/api/deployment.yaml': deployment('api', 'api:1.0'),
    });
    const r = await load(root);
    expect(r.objects.filter((o) => o.kind === 'Deployment').map((o) => `${o.namespace}/${o.name}`)).toEqual([
      'payments/prod-api',
    ]);
    const [api] = named(r.objects, 'Deployment', 'prod-api');
    const raw = api?.raw as
      | { metadata: { labels?: unknown }; spec: { template: { spec: { containers: Array<{ image: string }> } } } }
      | undefined;
    expect(raw?.spec.template.spec.containers[0]?.image).toBe('registry.example.com/api:latest');
    expect(raw?.metadata.labels).toEqual({ team: 'payments' });
    // the image the Application sets is reported at the Application's line; the rest stays in the repository files
    expect(where(api as KubeObject, '/spec/template/spec/containers/0/image')).toBe('apps/api.yaml:17');
    expect(where(api as KubeObject, '/metadata/name')).toBe('apps/api.yaml:15');
    expect(where(api as KubeObject, '/spec/selector')).toBe('deploy/api/deployment.yaml:6');
    // the repository's own kustomization is untouched
    expect((await load(root, null)).objects.filter((o) => o.kind === 'Deployment').map((o) => o.name)).toEqual([
      'dev-api',
    ]);
  });
});

describe.skipIf(!hasHelm)('Argo CD Helm source', () => {
  it('renders the chart with the Application release name, namespace, value files, values and parameters', async () => {
    const root = tree({
      'apps/web.yaml': application(
        'web',
        [
          `repoURL: ${URL}`,
          'path: charts/web',
          'helm:',
          '  releaseName: shop',
          '  valueFiles: [values-prod.yaml]',
          '  values: |',
          '    replicas: 3',
          '  parameters:',
          '    - name: image.tag',
          '      value: "2.0"',
        ].join('\n'),
      ),
      'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 1.0.0\n',
      'charts/web/values.yaml': 'replicas: 1\nimage:\n  repository: nginx\n  tag: latest\n',
      'charts/web/values-prod.yaml': 'image:\n  repository: registry.example.com/nginx\n',
      'charts/web/templates/deployment.yaml': [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        '  name: {{ .Release.Name }}-web',
        'spec:',
        '  replicas: {{ .Values.replicas }}',
        '  selector: {matchLabels: {app: web}}',
        '  template:',
        '    metadata: {labels: {app: web}}',
        '    spec:',
        '      containers:',
        '        - name: web',
        '          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"',
        '',
      ].join('\n'),
    });
    const r = await load(root);
    const deployments = r.objects.filter((o) => o.kind === 'Deployment');
    expect(deployments.map((o) => `${o.namespace}/${o.name}`)).toEqual(['shop/shop-web']);
    const spec = deployments[0]?.raw.spec as {
      replicas: number;
      template: { spec: { containers: Array<{ image: string }> } };
    };
    expect(spec.replicas).toBe(3);
    expect(spec.template.spec.containers[0]?.image).toBe('registry.example.com/nginx:2.0');
    expect(where(deployments[0] as KubeObject, '/spec/replicas')).toBe('charts/web/templates/deployment.yaml:6');
  });
});

describe('apps of apps', () => {
  it('follows Applications an Application deploys, and one that deploys itself only once', async () => {
    const root = tree({
      'apps/root.yaml': application('root', `repoURL: ${URL}\npath: apps`, 'argocd'),
      'apps/child.yaml': application('child', `repoURL: ${URL}\npath: deploy/child`),
      'deploy/child/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n',
    });
    const r = await load(root);
    const [cm, ...again] = named(r.objects, 'ConfigMap', 'settings');
    expect(again).toEqual([]);
    expect(cm?.namespace).toBe('shop');
    expect(cm?.source?.deployedBy).toMatchObject({ name: 'child', via: [{ kind: 'Application', name: 'root' }] });
    // the Applications are judged once each, as root deploys them
    expect(
      r.objects.filter((o) => o.kind === 'Application').map((o) => `${o.name} by ${o.source?.deployedBy?.name}`),
    ).toEqual(['child by root', 'root by root']);
    const nf = r.problems.filter((p) => p.ruleId === 'gitops-source-not-followed');
    expect(nf.map((p) => p.message)).toEqual([
      'not followed again: Application argocd/root is deployed by its own directory apps (apps of apps); its objects are judged once',
    ]);
  });

  it('stops at the depth limit', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 13; i++)
      files[`level${i}/app.yaml`] = application(`level${i}`, `repoURL: ${URL}\npath: level${i + 1}`);
    files['level13/cm.yaml'] = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\n';
    const r = await load(tree(files));
    expect(r.problems.filter((p) => p.message.includes('nest deeper than 10')).map((p) => p.object?.name)).toEqual([
      'level10',
    ]);
  });
});

describe.skipIf(!hasKustomize)('Flux Kustomization', () => {
  it('builds the path with targetNamespace, images and postBuild variables from the repository', async () => {
    const root = tree({
      'clusters/prod/sync.yaml': [
        'apiVersion: source.toolkit.fluxcd.io/v1',
        'kind: GitRepository',
        'metadata: {name: repo, namespace: flux-system}',
        `spec: {interval: 1m, url: ${URL.replace('https://', 'ssh://git@')}, ref: {branch: main}}`,
        '---',
        'apiVersion: kustomize.toolkit.fluxcd.io/v1',
        'kind: Kustomization',
        'metadata: {name: web, namespace: flux-system}',
        'spec:',
        '  interval: 10m',
        '  prune: true',
        '  sourceRef: {kind: GitRepository, name: repo}',
        '  path: ./deploy/web',
        '  targetNamespace: web',
        '  images:',
        '    - name: nginx',
        '      newName: registry.example.com/nginx',
        '  patches:',
        '    - patch: |',
        '        - op: add',
        '          path: /spec/minReadySeconds',
        '          value: 5',
        '      target: {kind: Deployment}',
        '  postBuild:',
        '    substitute: {tag: "1.2"}',
        '    substituteFrom:',
        '      - kind: ConfigMap',
        '        name: vars',
        '',
      ].join('\n'),
      'clusters/prod/vars.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: vars, namespace: flux-system}\ndata:\n  replicas: "2"\n',
      // images apply before the variables, as in kustomize-controller (Flux variables, not template strings)
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Flux's ${var} syntax
      'deploy/web/deploy.yaml': deployment('web', 'nginx:1.0', '  labels: {version: "v${tag}"}').replace(
        'spec:\n  selector',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: Flux's ${var} syntax
        'spec:\n  replicas: ${replicas}\n  selector',
      ),
    });
    const r = await load(root);
    const deployments = r.objects.filter((o) => o.kind === 'Deployment');
    expect(deployments.map((o) => `${o.namespace}/${o.name}`)).toEqual(['web/web']);
    const spec = deployments[0]?.raw.spec as {
      replicas: unknown;
      template: { spec: { containers: Array<{ image: string }> } };
    };
    expect(spec.replicas).toBe(2);
    expect(spec.template.spec.containers[0]?.image).toBe('registry.example.com/nginx:1.0');
    expect((deployments[0]?.raw.metadata as { labels?: unknown } | undefined)?.labels).toEqual({ version: 'v1.2' });
    expect(deployments[0]?.source?.deployedBy).toMatchObject({ kind: 'Kustomization', name: 'web' });
    expect(where(deployments[0] as KubeObject, '/spec/replicas')).toBe('deploy/web/deploy.yaml:7');
    expect(where(deployments[0] as KubeObject, '/metadata/namespace')).toBe('clusters/prod/sync.yaml:14');
    // a field the Kustomization's own patches add points at them, not at the kustomization kubeprint generated
    expect((deployments[0]?.raw.spec as { minReadySeconds?: number } | undefined)?.minReadySeconds).toBe(5);
    expect(where(deployments[0] as KubeObject, '/spec/minReadySeconds')).toBe('clusters/prod/sync.yaml:18');
    expect(where(deployments[0] as KubeObject, '/spec/template/spec/containers/0/image')).toBe(
      'clusters/prod/sync.yaml:16',
    );
  });
});

describe.skipIf(!hasHelm)('Flux HelmRelease', () => {
  it('renders a chart of a GitRepository with valuesFrom ConfigMaps of the repository and its values', async () => {
    const root = tree({
      'clusters/web.yaml': [
        'apiVersion: source.toolkit.fluxcd.io/v1',
        'kind: GitRepository',
        'metadata: {name: repo, namespace: apps}',
        `spec: {interval: 1m, url: ${URL}}`,
        '---',
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata: {name: web-values, namespace: apps}',
        'data:',
        '  values.yaml: |',
        '    image: {tag: "3.0"}',
        '    replicas: 9',
        '---',
        'apiVersion: helm.toolkit.fluxcd.io/v2',
        'kind: HelmRelease',
        'metadata: {name: web, namespace: apps}',
        'spec:',
        '  interval: 10m',
        '  chart:',
        '    spec:',
        '      chart: ./charts/web',
        '      sourceRef: {kind: GitRepository, name: repo}',
        '  valuesFrom:',
        '    - kind: ConfigMap',
        '      name: web-values',
        '  values:',
        '    replicas: 4',
        '',
      ].join('\n'),
      'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 1.0.0\n',
      'charts/web/values.yaml': 'replicas: 1\nimage: {repository: nginx, tag: latest}\n',
      'charts/web/templates/deployment.yaml': [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        '  name: {{ .Release.Name }}',
        'spec:',
        '  replicas: {{ .Values.replicas }}',
        '  selector: {matchLabels: {app: web}}',
        '  template:',
        '    metadata: {labels: {app: web}}',
        '    spec:',
        '      containers:',
        '        - name: web',
        '          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"',
        '',
      ].join('\n'),
    });
    const r = await load(root);
    const deployments = r.objects.filter((o) => o.kind === 'Deployment');
    expect(deployments.map((o) => `${o.namespace}/${o.name} by ${o.source?.deployedBy?.kind}`)).toEqual([
      'apps/web by HelmRelease',
    ]);
    const spec = deployments[0]?.raw.spec as {
      replicas: number;
      template: { spec: { containers: Array<{ image: string }> } };
    };
    expect(spec.replicas).toBe(4);
    expect(spec.template.spec.containers[0]?.image).toBe('nginx:3.0');
  });
});

describe('the real GitOps repositories of the corpora', () => {
  const argo = corpus('gitops/argocd-example-apps');
  it.skipIf(!argo.present || !hasHelm || !hasKustomize)(
    'argocd-example-apps: every Application in the repository is followed or named with the reason',
    async () => {
      const r = await loadInputs([argo.path], {
        cwd: process.cwd(),
        helm: { kubeVersion: '1.33' },
        gitops: { repoURL: 'https://github.com/argoproj/argocd-example-apps.git' },
      });
      loaded.push(r);
      const byApp = (r.gitops ?? []).map((g) => `${g.owner.name}: ${g.status} ${g.render ?? ''}`.trim());
      expect(byApp.sort()).toEqual(
        [
          'example.blue-green: followed Helm chart blue-green',
          'example.guestbook: followed directory guestbook',
          'example.helm-dependency: failed Helm chart helm-dependency',
          'example.helm-guestbook: followed Helm chart helm-guestbook',
          'example.helm-hooks: followed directory helm-hooks',
          'example.jsonnet-guestbook: not-followed directory jsonnet-guestbook',
          'example.jsonnet-guestbook-tla: not-followed directory jsonnet-guestbook-tla',
          'example.kustomize-guestbook: followed kustomization kustomize-guestbook',
          'example.plugin-kasane: not-followed',
          'example.plugin-kustomized-helm: not-followed',
          'example.plugin-nix: not-followed',
          'example.pre-post-sync: followed kustomization pre-post-sync',
          'example.sock-shop: followed kustomization sock-shop',
          'example.sync-waves: followed directory sync-waves',
        ].sort(),
      );
      // helm-dependency needs its dependency fetched (Argo CD runs helm dependency build): a render failure it owns
      const failed = r.problems.filter((p) => p.ruleId === 'render-failed');
      expect(failed.map((p) => p.deployedBy?.map((d) => d.name))).toEqual([['example.helm-dependency']]);
      // nothing an Application renders is also judged as a plain input
      const plainDeployments = r.objects.filter((o) => o.kind === 'Deployment' && !o.source?.deployedBy);
      expect(plainDeployments.map((o) => o.name)).toEqual([]);
      expect(named(r.objects, 'Deployment', 'carts').map((o) => o.namespace)).toEqual(['sock-shop']);
    },
  );

  const flux = corpus('apps/flux2-kustomize-helm-example');
  it.skipIf(!flux.present || !hasKustomize)(
    'flux2-kustomize-helm-example: the Kustomizations of both clusters are followed through their ArtifactGenerator, remote charts named',
    async () => {
      const r = await loadInputs([flux.path], {
        cwd: process.cwd(),
        gitops: { repoURL: 'https://github.com/fluxcd/flux2-kustomize-helm-example' },
      });
      loaded.push(r);
      const records = (r.gitops ?? []).map(
        (g) =>
          `${g.owner.file?.replace(/^.*flux2-kustomize-helm-example\//, '')} ${g.owner.name}: ${g.status} ${g.render ?? g.reason}`,
      );
      expect(records.filter((x) => x.includes('Kustomization') || x.includes(': followed')).sort()).toEqual(
        [
          'clusters/production/apps.yaml apps: followed kustomization production in ArtifactGenerator flux-system/flux-system artifact apps',
          'clusters/production/infrastructure.yaml infra-configs: followed kustomization configs in ArtifactGenerator flux-system/flux-system artifact infrastructure',
          'clusters/production/infrastructure.yaml infra-controllers: followed kustomization controllers in ArtifactGenerator flux-system/flux-system artifact infrastructure',
          'clusters/staging/apps.yaml apps: followed kustomization staging in ArtifactGenerator flux-system/flux-system artifact apps',
          'clusters/staging/infrastructure.yaml infra-configs: followed kustomization configs in ArtifactGenerator flux-system/flux-system artifact infrastructure',
          'clusters/staging/infrastructure.yaml infra-controllers: followed kustomization controllers in ArtifactGenerator flux-system/flux-system artifact infrastructure',
        ].sort(),
      );
      const notFollowed = (r.gitops ?? [])
        .filter((g) => g.status === 'not-followed')
        .map((g) => `${g.owner.name}: ${g.reason}`);
      expect([...new Set(notFollowed)].sort()).toEqual([
        'cert-manager: remote source OCIRepository cert-manager/cert-manager (oci://quay.io/jetstack/charts/cert-manager)',
        'envoy-gateway: remote source OCIRepository envoy-gateway-system/gateway-helm (oci://docker.io/envoyproxy/gateway-helm)',
        'podinfo: remote source: chart podinfo >=1.0.0 from HelmRepository podinfo/podinfo (https://stefanprodan.github.io/podinfo)',
        'podinfo: remote source: chart podinfo >=1.0.0-alpha from HelmRepository podinfo/podinfo (https://stefanprodan.github.io/podinfo)',
      ]);
      // the staging patch of infra-configs reached the ClusterIssuer
      const issuers = r.objects.filter((o) => o.kind === 'ClusterIssuer');
      expect(
        issuers
          .map(
            (o) =>
              `${o.source?.deployedBy?.source?.file.replace(/^.*clusters\//, '')} ${(o.raw.spec as { acme: { server: string } }).acme.server}`,
          )
          .sort(),
      ).toEqual([
        'production/infrastructure.yaml https://acme-v02.api.letsencrypt.org/directory',
        'staging/infrastructure.yaml https://acme-staging-v02.api.letsencrypt.org/directory',
      ]);
      // without a URL the bootstrap GitRepository is not taken as this repository, and the finding says how to
      const unnamed = await loadInputs([flux.path], { cwd: process.cwd() });
      loaded.push(unnamed);
      const apps = unnamed.problems.filter(
        (p) => p.object?.name === 'apps' && p.ruleId === 'gitops-source-not-followed',
      );
      expect(apps.map((p) => p.message)).toEqual([
        'not followed: ArtifactGenerator flux-system/flux-system artifact apps copies from GitRepository flux-system/flux-system, which is not in the scanned files (flux bootstrap creates it for the repository it commits to: give --repo-url to take it as this repository)',
        'not followed: ArtifactGenerator flux-system/flux-system artifact apps copies from GitRepository flux-system/flux-system, which is not in the scanned files (flux bootstrap creates it for the repository it commits to: give --repo-url to take it as this repository)',
      ]);
      // every object under apps/ and infrastructure/ is judged as a Kustomization deploys it
      const plain = r.objects.filter(
        (o) =>
          !o.source?.deployedBy && /flux2-kustomize-helm-example\/(apps|infrastructure)\//.test(o.source?.file ?? ''),
      );
      expect(plain.map((o) => `${o.kind}/${o.name}`)).toEqual([]);
    },
  );
});
