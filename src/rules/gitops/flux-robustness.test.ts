/**
 * Flux rules never throw for bad objects. Take a realistic set of related
 * Flux objects (every rule has something to judge, with the configuration
 * that turns on the rules that need it), replace one field at a time
 * (anywhere in any object) with a value of the wrong type, and run the pack
 * over each mutated set: the engine turns a throw into a "rule failed"
 * finding, which must never appear.
 */
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { paths, setAt } from '../../../test/helpers/mutate.js';
import { parseConfig } from '../../config/config.js';
import { Inventory } from '../../model/inventory.js';
import { type KubeObject, toKubeObject } from '../../model/kube-object.js';
import { runRules } from '../engine.js';
import { fluxRules } from './flux-pack.js';

const CONFIG = parseConfig(
  `gitops:
  production: {namespaces: [prod], paths: ["clusters/production/**"]}
  requireVerification: true
  allowedSources: ["https://github.com/acme/*"]
  flux: {multiTenant: true}
`,
  '.kubeprint.yaml',
).config;

const BASE = `
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: app, namespace: team-a}
spec:
  interval: 1m
  url: http://git.example.com/app
  ref: {branch: main, semver: ">=1.0", name: refs/heads/x}
  include: [{repository: {name: other}, fromPath: a, toPath: b}]
  verify: {mode: HEAD, secretRef: {name: k}}
  suspend: true
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata: {name: oci, namespace: team-a}
spec:
  interval: 1m
  url: oci://ghcr.io/x/y
  insecure: true
  ref: {tag: latest, semver: "*", digest: ""}
  verify: {provider: cosign, matchOIDCIdentity: [{issuer: ".*", subject: "github.com/x"}], trustedRootSecretRef: {name: r}}
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata: {name: charts, namespace: team-a}
spec: {url: "oci://ghcr.io/acme/charts", type: oci, insecure: true, passCredentials: true, secretRef: {name: s}}
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata: {name: http-charts, namespace: team-a}
spec: {url: "https://charts.example.com", passCredentials: true, secretRef: {name: s}}
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata: {name: bare, namespace: team-a}
spec: {interval: 1m, url: "oci://ghcr.io/x/z"}
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmChart
metadata: {name: chart, namespace: team-a}
spec:
  chart: web
  version: ">=1"
  sourceRef: {kind: HelmRepository, name: charts}
  verify: {provider: cosign}
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: Bucket
metadata: {name: b, namespace: team-a}
spec: {endpoint: "minio:9000", insecure: true, bucketName: b, interval: 1m, sts: {provider: ldap, endpoint: "http://ldap"}}
---
apiVersion: source.extensions.fluxcd.io/v1beta1
kind: ArtifactGenerator
metadata: {name: gen, namespace: team-a}
spec: {artifacts: [{name: art}]}
---
apiVersion: image.toolkit.fluxcd.io/v1beta2
kind: ImageRepository
metadata: {name: img, namespace: team-a}
spec: {image: docker.io/x/y}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: team-a}
spec:
  interval: 1m
  prune: false
  force: true
  suspend: true
  targetNamespace: prod
  path: ./apps/production
  sourceRef: {kind: GitRepository, name: app, namespace: team-b}
  dependsOn: [{name: infra}, {name: apps, namespace: team-a}]
  healthChecks: [{kind: Deployment, name: x}]
  postBuild: {substitute: {DB_PASSWORD: hunter2hunter2, NAME: x}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: infra, namespace: team-a}
spec:
  interval: 1m
  prune: true
  sourceRef: {kind: ExternalArtifact, name: art}
  dependsOn: [{name: apps}]
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: web, namespace: team-a}
spec:
  interval: 1m
  targetNamespace: prod
  chart:
    spec:
      chart: web
      version: "*"
      sourceRef: {kind: HelmRepository, name: charts, namespace: flux-system}
      verify: {provider: cosign}
  chartRef: {kind: OCIRepository, name: oci}
  dependsOn: [{name: db}]
  install: {disableWait: true}
  upgrade: {force: true, disableWait: true}
  rollback: {force: true}
  values: {auth: {password: s3cr3tPassw0rd, users: [{token: abc123def456}]}, replicas: 2}
---
apiVersion: v1
kind: Secret
metadata: {name: creds, namespace: prod}
stringData: {password: "ENC[AES256_GCM,data:abc=,type:str]"}
sops: {age: [{recipient: age1x}], lastmodified: "2026-05-01T10:00:00Z", mac: "ENC[AES256_GCM,data:x,type:str]"}
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: db, namespace: team-a}
spec:
  interval: 1m
  chartRef: {kind: OCIRepository, name: oci}
  dependsOn: [{name: web}]
`;

const WRONG: unknown[] = [null, 'x', -1, 1.5, [1, 'a'], { a: 1 }, true];

const PARSED = parseAllDocuments(BASE).map((d) => d.toJS() as Record<string, unknown>);

function base(): Record<string, unknown>[] {
  return structuredClone(PARSED);
}

function findings(raws: Record<string, unknown>[]) {
  const source = (i: number) => ({
    file: raws[i]?.kind === 'Secret' ? 'apps/production/creds.enc.yaml' : 'clusters/production/flux.yaml',
    docIndex: i,
    line: 1,
    column: 1,
    positionOf: () => ({ line: 1, column: 1 }),
  });
  const objects = raws
    .map((r, i) => toKubeObject(r, source(i), 'clusters/production'))
    .filter((o): o is KubeObject => o !== undefined);
  return runRules(new Inventory(objects), fluxRules, CONFIG).map((e) => e.finding);
}

function failures(raws: Record<string, unknown>[]): string[] {
  return findings(raws)
    .filter((f) => f.message.startsWith('rule failed'))
    .map((f) => `${f.ruleId} on ${f.object?.kind}/${f.object?.name}: ${f.message}`);
}

describe('Flux rules on malformed objects', () => {
  it('report on the well-formed set, every rule at least once, without failing', () => {
    expect(failures(base())).toEqual([]);
    const fired = new Set(findings(base()).map((f) => f.ruleId));
    expect(fluxRules.map((r) => r.id).filter((id) => !fired.has(id))).toEqual([]);
  });

  it('never throw when any one field has the wrong type', () => {
    const failed = new Set<string>();
    let cases = 0;
    base().forEach((doc, d) => {
      for (const path of paths(doc)) {
        if (path[0] === 'apiVersion' || path[0] === 'kind') continue;
        for (const value of WRONG) {
          const raws = base();
          setAt(raws[d] as Record<string, unknown>, path, value);
          cases++;
          for (const f of failures(raws)) failed.add(`${path.join('.')} = ${JSON.stringify(value)}: ${f}`);
        }
      }
    });
    expect(cases).toBeGreaterThan(1000);
    expect([...failed]).toEqual([]);
  });
});
