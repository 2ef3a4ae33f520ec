/**
 * Rules never throw for bad objects. Take objects that exercise every field
 * the hardening rules read, replace one field at a time (anywhere in any
 * object) with a value of the wrong type, and run the hardening rules over
 * each mutated set: the engine turns a throw into a "rule failed" finding,
 * which must never appear.
 */

import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { paths, setAt } from '../../../test/helpers/mutate.js';
import { Inventory } from '../../model/inventory.js';
import { type KubeObject, toKubeObject } from '../../model/kube-object.js';
import { runRules } from '../engine.js';
import { hardeningRules } from './hardening-pack.js';

const BASE = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      hostUsers: true
      securityContext: {runAsGroup: 0, fsGroup: 0, supplementalGroups: [0, 5]}
      tolerations:
        - {key: node-role.kubernetes.io/control-plane, operator: Exists, effect: NoSchedule}
        - {operator: Exists}
      initContainers:
        - name: init
          image: a:1
          securityContext: {runAsGroup: 0}
          envFrom: [{secretRef: {name: s}}, {configMapRef: {name: c}}]
      containers:
        - name: web
          image: a:1
          securityContext: {readOnlyRootFilesystem: true, runAsGroup: 0}
          env:
            - {name: DB_PASSWORD, value: hunter2}
            - {name: URL, value: "postgres://u:pw@db:5432/x"}
            - {name: K, valueFrom: {secretKeyRef: {name: s, key: k}}}
---
apiVersion: v1
kind: Pod
metadata:
  name: agent
  namespace: kube-system
  ownerReferences: [{apiVersion: apps/v1, kind: DaemonSet, name: a, uid: u, controller: true}]
spec:
  tolerations: [{key: node-role.kubernetes.io/master}]
  containers: [{name: a, image: a:1}]
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: pv}
spec: {capacity: {storage: 1Gi}, hostPath: {path: /var/lib/kubelet, type: Directory}}
---
apiVersion: v1
kind: Secret
metadata: {name: default-token-x, namespace: default, annotations: {kubernetes.io/service-account.name: default}}
type: kubernetes.io/service-account-token
---
apiVersion: v1
kind: Service
metadata: {name: kubernetes, namespace: default}
spec: {ports: [{port: 443}]}
`;

const WRONG: unknown[] = [null, 'x', 0, -1, 1.5, [1, 'a'], { a: 1 }];

const PARSED = parseAllDocuments(BASE).map((d) => d.toJS() as Record<string, unknown>);

function base(): Record<string, unknown>[] {
  return structuredClone(PARSED);
}

function run(raws: Record<string, unknown>[]): { failed: string[]; rules: Set<string> } {
  const objects = raws.map((r) => toKubeObject(r, undefined, 'fuzz')).filter((o): o is KubeObject => o !== undefined);
  const findings = runRules(new Inventory(objects), hardeningRules, {}).map((e) => e.finding);
  return {
    failed: findings
      .filter((f) => f.message.startsWith('rule failed'))
      .map((f) => `${f.ruleId} on ${f.object?.kind}/${f.object?.name}: ${f.message}`),
    rules: new Set(findings.map((f) => f.ruleId)),
  };
}

describe('hardening rules on malformed objects', () => {
  it('report on the well-formed set without failing, every new rule included', () => {
    const r = run(base());
    expect(r.failed).toEqual([]);
    for (const id of [
      'run-as-root-group',
      'control-plane-toleration',
      'hostpath-persistent-volume',
      'env-literal-secret',
      'secret-env-var',
      'workload-in-default-namespace',
    ])
      expect(r.rules, id).toContain(id);
  });

  it('never throw when any one field has the wrong type', () => {
    const failures = new Set<string>();
    let cases = 0;
    base().forEach((doc, d) => {
      for (const path of paths(doc)) {
        if (path[0] === 'apiVersion' || path[0] === 'kind') continue;
        for (const value of WRONG) {
          const raws = base();
          setAt(raws[d] as Record<string, unknown>, path, value);
          cases++;
          for (const f of run(raws).failed) failures.add(`${path.join('.')} = ${JSON.stringify(value)}: ${f}`);
        }
      }
    });
    expect(cases).toBeGreaterThan(500);
    expect([...failures]).toEqual([]);
  });
});
