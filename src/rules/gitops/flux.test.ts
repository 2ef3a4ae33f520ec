import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, parseConfig } from '../../config/config.js';
import { Inventory } from '../../model/inventory.js';
import { type KubeObject, toKubeObject } from '../../model/kube-object.js';
import { hostOf, inClusterHost, isFlux, ownProductionReason, sourceProductionReason, versionRange } from './flux.js';

function obj(raw: Record<string, unknown>, file = 'x.yaml', scope = '.'): KubeObject {
  const o = toKubeObject(
    raw,
    { file, docIndex: 0, line: 1, column: 1, positionOf: () => ({ line: 1, column: 1 }) },
    scope,
  );
  if (!o) throw new Error('not an object');
  return o;
}

describe('versionRange (Masterminds semver constraints)', () => {
  it.each([
    ['1.2.3', 'exact'],
    ['v1.2.3', 'exact'],
    ['=1.2.3-rc.1+build.5', 'exact'],
    ['~1.4', 'bounded'],
    ['~> 1.4', 'bounded'],
    ['^0.3.1', 'bounded'],
    ['1.x', 'bounded'],
    ['1.4.*', 'bounded'],
    ['2', 'bounded'],
    ['>=1.4.0 <2.0.0', 'bounded'],
    ['>= 1.4.0, < 2.0.0', 'bounded'],
    ['1.2 - 1.4.5', 'bounded'],
    ['~1.2 || ^3.0', 'bounded'],
    ['', 'unbounded'],
    ['*', 'unbounded'],
    ['x', 'unbounded'],
    ['>=1.0.0', 'unbounded'],
    ['>= 1.8.0-rc.0', 'unbounded'],
    ['>1', 'unbounded'],
    ['!=1.3.0', 'unbounded'],
    ['~1.2 || >=3', 'unbounded'],
    ['latest', 'unbounded'],
  ])('%s is %s', (c, want) => {
    expect(versionRange(c).$case).toBe(want);
  });
});

describe('Flux kinds', () => {
  it('are told apart from same-named kinds of other groups', () => {
    expect(isFlux(obj({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' }))).toBe(true);
    expect(isFlux(obj({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization' }))).toBe(false);
    expect(isFlux(obj({ apiVersion: 'source.toolkit.fluxcd.io/v1beta2', kind: 'Bucket' }), 'Bucket')).toBe(true);
    expect(isFlux(obj({ apiVersion: 'example.com/v1', kind: 'GitRepository' }))).toBe(false);
    expect(isFlux(obj({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' }), 'Bucket')).toBe(false);
  });
});

describe('hosts', () => {
  it('reads the host of URLs and bare endpoints', () => {
    expect(hostOf('https://user:pw@Git.Example.com:8443/a/b')).toBe('git.example.com');
    expect(hostOf('minio.minio.svc.cluster.local:9000')).toBe('minio.minio.svc.cluster.local');
    expect(inClusterHost('http://chartmuseum.tools.svc:8080')).toBe(true);
    expect(inClusterHost('http://svc.example.com')).toBe(false);
  });
});

describe('production (gitops.production)', () => {
  const config = parseConfig(
    'gitops:\n  production:\n    namespaces: [prod, "prod-*"]\n    paths: ["clusters/production/**"]\n',
    '.kubeprint.yaml',
  ).config;
  const repo = (name: string, file: string, ns = 'flux-system') =>
    obj(
      {
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'GitRepository',
        metadata: { name, namespace: ns },
        spec: { url: 'https://x', interval: '1m' },
      },
      file,
    );
  it('is decided by the file path (trailing segments) and the destination namespace', () => {
    expect(ownProductionReason(repo('a', '/repo/clusters/production/flux-system/gotk-sync.yaml'), config)).toMatch(
      /^it is defined in /,
    );
    expect(ownProductionReason(repo('a', 'clusters/staging/gotk-sync.yaml'), config)).toBeUndefined();
    const hr = obj(
      {
        apiVersion: 'helm.toolkit.fluxcd.io/v2',
        kind: 'HelmRelease',
        metadata: { name: 'web', namespace: 'flux-system' },
        spec: { targetNamespace: 'prod-eu' },
      },
      'apps/web.yaml',
    );
    expect(ownProductionReason(hr, config)).toBe('it deploys to namespace "prod-eu"');
    // a Kustomization without targetNamespace lets its manifests choose: its own namespace says nothing
    const ks = obj(
      {
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        metadata: { name: 'k', namespace: 'prod' },
        spec: {},
      },
      'apps/k.yaml',
    );
    expect(ownProductionReason(ks, config)).toBeUndefined();
    expect(ownProductionReason(repo('a', 'clusters/production/x.yaml'), DEFAULT_CONFIG.config)).toBeUndefined();
  });
  it('reaches a source through the objects that use it, HelmCharts included', () => {
    const src = repo('charts', 'infra/sources.yaml');
    const chart = obj(
      {
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'HelmChart',
        metadata: { name: 'web', namespace: 'flux-system' },
        spec: { chart: 'web', sourceRef: { kind: 'GitRepository', name: 'charts' } },
      },
      'infra/chart.yaml',
    );
    const hr = obj(
      {
        apiVersion: 'helm.toolkit.fluxcd.io/v2',
        kind: 'HelmRelease',
        metadata: { name: 'web', namespace: 'prod' },
        spec: { chartRef: { kind: 'HelmChart', name: 'web', namespace: 'flux-system' } },
      },
      'apps/web.yaml',
    );
    expect(sourceProductionReason(src, config, new Inventory([src, chart, hr]))).toBe(
      'HelmRelease "web" uses it and deploys to namespace "prod"',
    );
    expect(sourceProductionReason(src, config, new Inventory([src, chart]))).toBeUndefined();
  });
});
