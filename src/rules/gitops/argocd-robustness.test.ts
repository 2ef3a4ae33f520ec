/**
 * The Argo CD rules never throw for bad objects. Take objects that exercise
 * every field the rules read (each rule reports on the well-formed set),
 * replace one field at a time with a value of the wrong type, and run the
 * pack over each mutated set: the engine turns a throw into a "rule failed"
 * finding, which must never appear.
 */
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { paths, setAt } from '../../../test/helpers/mutate.js';
import type { Config } from '../../config/config.js';
import { Inventory } from '../../model/inventory.js';
import { type KubeObject, toKubeObject } from '../../model/kube-object.js';
import { runRules } from '../engine.js';
import { argocdRules } from './argocd-pack.js';

const BASE = `
apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata: {name: team-a, namespace: argocd}
spec:
  sourceRepos: ['*', '!https://github.com/acme/x.git', 'https://github.com/*']
  sourceNamespaces: ['*']
  destinations:
    - {namespace: '*', server: '*'}
    - {namespace: '!kube-system', server: '*'}
  clusterResourceWhitelist:
    - {group: '*', kind: '*'}
    - {group: rbac.authorization.k8s.io, kind: '*'}
  clusterResourceBlacklist:
    - {group: '', kind: Namespace, name: 'kube-*'}
  roles:
    - name: ci
      policies: ['p, proj:team-a:ci, applications, *, team-a/*, allow', 'p, proj:team-a:ci, *, get, team-a/*']
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web
  namespace: argocd
  annotations: {argocd.argoproj.io/sync-options: 'Replace=true,Force=true'}
spec:
  project: team-b
  source:
    repoURL: http://git.acme.example/web.git
    path: web
    chart: web
    helm:
      passCredentials: true
      valueFiles: [http://x.example/values.yaml]
      values: |
        password: hunter2-Secret
        list: [{token: abc}]
      valuesObject: {auth: {password: hunter2-Secret}}
      parameters: [{name: apiToken, value: hunter2-Secret}]
    plugin:
      env: [{name: DB_PASSWORD, value: hunter2-Secret}]
      parameters: [{name: secret, string: hunter2-Secret}, {name: m, map: {password: hunter2-Secret}}]
  sources:
    - {repoURL: 'git://git.acme.example/a.git', targetRevision: main, path: a, chart: a}
    - {repoURL: https://charts.example, chart: b, targetRevision: '>=1.0', helm: {passCredentials: true}}
  sourceHydrator: {drySource: {repoURL: http://git.acme.example/dry.git, targetRevision: HEAD, path: p}}
  destination: {server: https://kubernetes.default.svc, name: in-cluster, namespace: kube-system}
  syncPolicy:
    automated: {prune: true, selfHeal: true}
    syncOptions: [Replace=true, Force=true]
operation:
  sync: {syncStrategy: {apply: {force: true}, hook: {force: true}}}
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: bare, namespace: argocd}
spec:
  project: default
  destination: {namespace: prod}
---
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: teams, namespace: argocd}
spec:
  generators:
    - matrix:
        generators:
          - git: {repoURL: http://git.acme.example/teams.git, revision: main, files: [{path: x}]}
          - clusters: {}
    - pullRequest: {gitea: {owner: a, repo: b, api: http://gitea.example, insecure: true}}
    - scmProvider: {gitea: {owner: a, api: https://gitea.example, insecure: true}}
  template:
    metadata: {name: '{{team}}'}
    spec:
      project: '{{team}}'
      source: {repoURL: https://git.acme.example/x.git, targetRevision: HEAD, path: x}
      destination: {server: https://kubernetes.default.svc, namespace: prod}
      syncPolicy: {syncOptions: [Force=true]}
  templatePatch: |
    spec:
      project: {{ .team }}
`;

const CONFIG: Config = { gitops: { production: { namespaces: ['prod', 'kube-system'], clusters: ['in-cluster'] } } };
const WRONG: unknown[] = [null, 'x', 0, -1, true, [1, 'a'], { a: 1 }];
const PARSED = parseAllDocuments(BASE).map((d) => d.toJS() as Record<string, unknown>);

function run(raws: Record<string, unknown>[]): { failed: string[]; rules: Set<string> } {
  const objects = raws.map((r) => toKubeObject(r, undefined, 'fuzz')).filter((o): o is KubeObject => o !== undefined);
  const findings = runRules(new Inventory(objects), argocdRules, CONFIG).map((e) => e.finding);
  return {
    failed: findings
      .filter((f) => f.message.startsWith('rule failed'))
      .map((f) => `${f.ruleId} on ${f.object?.kind}/${f.object?.name}: ${f.message}`),
    rules: new Set(findings.map((f) => f.ruleId)),
  };
}

describe('Argo CD rules on malformed objects', () => {
  it('report on the well-formed set without failing, every rule included', () => {
    const r = run(structuredClone(PARSED));
    expect(r.failed).toEqual([]);
    for (const rule of argocdRules) expect(r.rules, rule.id).toContain(rule.id);
  });

  it('never throw when any one field has the wrong type', () => {
    const failures = new Set<string>();
    let cases = 0;
    PARSED.forEach((doc, d) => {
      for (const path of paths(doc)) {
        if (path[0] === 'apiVersion' || path[0] === 'kind') continue;
        for (const value of WRONG) {
          const raws = structuredClone(PARSED);
          setAt(raws[d] as Record<string, unknown>, path, value);
          cases++;
          for (const f of run(raws).failed) failures.add(`${path.join('.')} = ${JSON.stringify(value)}: ${f}`);
        }
      }
    });
    expect(cases).toBeGreaterThan(500);
    expect([...failures]).toEqual([]);
  });

  it("leave another API group's Application kind alone", () => {
    const other = toKubeObject(
      {
        apiVersion: 'app.k8s.io/v1beta1',
        kind: 'Application',
        metadata: { name: 'x', namespace: 'default' },
        spec: { project: 'default', source: { repoURL: 'http://x' } },
      },
      undefined,
      'other',
    );
    expect(other).toBeDefined();
    const findings = runRules(new Inventory([other as KubeObject]), argocdRules, CONFIG);
    expect(findings.map((e) => e.finding.ruleId)).toEqual([]);
  });
});
