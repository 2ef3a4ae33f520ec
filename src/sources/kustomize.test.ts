import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanPaths } from '../scan.js';
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
