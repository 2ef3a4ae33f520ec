/**
 * Flux rule cases that fixtures cannot hold: every fixture is applied to a
 * real API server with Flux's CRDs, so objects of kinds without a CRD in the
 * corpora (ArtifactGenerator, ImageRepository) and same-named kinds of other
 * API groups are judged here.
 */
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { type Config, parseConfig } from '../../config/config.js';
import { Inventory } from '../../model/inventory.js';
import { type KubeObject, toKubeObject } from '../../model/kube-object.js';
import { runRules } from '../engine.js';
import { fluxRules } from './flux-pack.js';

function judge(yaml: string, config: Config = {}, scope = 'repo') {
  const objects = parseAllDocuments(yaml)
    .map((d, i) =>
      toKubeObject(
        d.toJS(),
        { file: 'repo/flux.yaml', docIndex: i, line: 1, column: 1, positionOf: () => ({ line: 1, column: 1 }) },
        scope,
      ),
    )
    .filter((o): o is KubeObject => o !== undefined);
  return runRules(new Inventory(objects), fluxRules, config).map((e) => e.finding);
}

const ids = (fs: Array<{ ruleId: string }>) => [...new Set(fs.map((f) => f.ruleId))].sort();

describe('Flux rules', () => {
  it('leave same-named kinds of other API groups alone', () => {
    const found = judge(`
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
metadata: {name: k}
spec: {prune: false, force: true, suspend: true, dependsOn: [{name: k}]}
---
apiVersion: example.com/v1
kind: GitRepository
metadata: {name: g, namespace: a}
spec: {url: "http://git.example.com/x", insecure: true, suspend: true}
---
apiVersion: example.com/v1
kind: HelmRelease
metadata: {name: h, namespace: a}
spec: {chart: {spec: {chart: x, version: "*", sourceRef: {kind: HelmRepository, name: nope}}}, upgrade: {force: true}}
`);
    expect(found.map((f) => `${f.ruleId}: ${f.message}`)).toEqual([]);
  });

  it('find an ExternalArtifact that an ArtifactGenerator makes, and miss one it does not', () => {
    const yaml = (name: string) => `
apiVersion: source.extensions.fluxcd.io/v1beta1
kind: ArtifactGenerator
metadata: {name: flux-system, namespace: flux-system}
spec:
  sources: [{alias: monorepo, kind: GitRepository, name: flux-system}]
  artifacts:
    - {name: apps, originRevision: "@monorepo", copy: [{from: "@monorepo/apps/**", to: "@artifact/"}]}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system}
spec: {interval: 1h, prune: true, wait: true, sourceRef: {kind: ExternalArtifact, name: ${name}}}
`;
    expect(ids(judge(yaml('apps')))).toEqual([]);
    const missing = judge(yaml('infrastructure')).filter((f) => f.ruleId === 'flux-source-not-found');
    expect(missing.map((f) => f.path)).toEqual(['/spec/sourceRef/name']);
  });

  it('judge image automation ImageRepositories against gitops.allowedSources', () => {
    const config = parseConfig('gitops:\n  allowedSources: ["ghcr.io/acme/*"]\n', '.kubeprint.yaml').config;
    const found = judge(
      `
apiVersion: image.toolkit.fluxcd.io/v1beta2
kind: ImageRepository
metadata: {name: ok, namespace: apps}
spec: {image: ghcr.io/acme/web, interval: 1h}
---
apiVersion: image.toolkit.fluxcd.io/v1beta2
kind: ImageRepository
metadata: {name: other, namespace: apps}
spec: {image: docker.io/library/nginx, interval: 1h}
`,
      config,
    );
    expect(found.map((f) => `${f.ruleId} ${f.object?.name} ${f.path}`)).toEqual([
      'flux-source-not-allowed other /spec/image',
    ]);
  });

  it('find a cycle at the end of a long dependsOn chain without exhausting the stack', () => {
    const n = 20_000;
    const objects: KubeObject[] = [];
    for (let i = 0; i < n; i++) {
      const o = toKubeObject(
        {
          apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
          kind: 'Kustomization',
          metadata: { name: `k${i}`, namespace: 'flux-system' },
          spec: { prune: true, wait: true, dependsOn: [{ name: `k${(i + 1) % n}` }] },
        },
        undefined,
        'repo',
      );
      if (o) objects.push(o);
    }
    const cycle = runRules(new Inventory(objects), fluxRules, {})
      .map((e) => e.finding)
      .filter((f) => f.ruleId === 'flux-depends-on-cycle');
    expect(cycle.length).toBe(n);
    expect(cycle[0]?.message).toMatch(/k0 → .*… \(20000 in all\).* → flux-system\/k0\)/);
    expect(cycle[0]?.message.length).toBeLessThan(400);
  });

  it('report nothing on a chain without a cycle', () => {
    const docs: string[] = [];
    for (let i = 0; i < 50; i++)
      docs.push(`apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: k${i}, namespace: flux-system}
spec: {interval: 1h, prune: true, wait: true, sourceRef: {kind: GitRepository, name: x}, dependsOn: [{name: k${i + 1}}]}`);
    expect(judge(docs.join('\n---\n')).filter((f) => f.ruleId === 'flux-depends-on-cycle')).toEqual([]);
  });

  it('read production from the render root of a rendered object', () => {
    const config = parseConfig('gitops:\n  production:\n    paths: ["apps/production"]\n', '.kubeprint.yaml').config;
    const yaml = `
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: charts, namespace: apps}
spec: {interval: 5m, url: "https://github.com/acme/charts", ref: {branch: main}}
`;
    expect(ids(judge(yaml, config, 'apps/production'))).toEqual(['flux-git-ref-not-pinned']);
    expect(ids(judge(yaml, config, 'apps/staging'))).toEqual([]);
  });

  it('take what the scan followed a Kustomization to (deployedBy) over the path, for SOPS documents', () => {
    const ks = toKubeObject(
      {
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        metadata: { name: 'apps', namespace: 'flux-system' },
        spec: {
          interval: '10m',
          prune: true,
          path: './apps/production',
          sourceRef: { kind: 'GitRepository', name: 'x' },
        },
      },
      {
        file: 'repo/clusters/production/apps.yaml',
        docIndex: 0,
        line: 1,
        column: 1,
        positionOf: () => ({ line: 1, column: 1 }),
      },
      'repo/clusters/production',
    ) as KubeObject;
    const secret = (file: string, deployedBy?: unknown) =>
      toKubeObject(
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 's', namespace: 'shop' },
          sops: { mac: 'ENC[x]', lastmodified: '2026-05-01T10:00:00Z' },
        },
        {
          file,
          docIndex: 0,
          line: 1,
          column: 1,
          positionOf: () => ({ line: 1, column: 1 }),
          ...(deployedBy ? { deployedBy } : {}),
        } as never,
        'rendered',
      ) as KubeObject;
    const run = (o: KubeObject) =>
      runRules(new Inventory([ks, o]), fluxRules, {})
        .map((e) => e.finding)
        .filter((f) => f.ruleId === 'flux-sops-decryption-missing');
    // rendered elsewhere, but the scan says this Kustomization deploys it
    expect(
      run(secret('other/place/s.yaml', [{ kind: 'Kustomization', name: 'apps', namespace: 'flux-system', via: [] }]))
        .length,
    ).toBe(1);
    // under its path, but the scan says another Kustomization deploys it
    expect(
      run(
        secret('repo/apps/production/s.yaml', [
          { kind: 'Kustomization', name: 'infra', namespace: 'flux-system', via: [] },
        ]),
      ).length,
    ).toBe(0);
    // under its path, not followed: judged by the path
    expect(run(secret('repo/apps/production/s.yaml')).length).toBe(1);
    // the same path in another repository
    expect(run(secret('other-repo/apps/production/s.yaml')).length).toBe(0);
  });
});
