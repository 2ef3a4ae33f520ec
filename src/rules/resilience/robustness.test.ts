/**
 * Rules never throw for bad objects. Take a realistic set of related objects,
 * replace one field at a time (anywhere in any object) with a value of the
 * wrong type, and run the resilience rules over each mutated set: the engine
 * turns a throw into a "rule failed" finding, which must never appear.
 */

import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { paths, setAt } from '../../../test/helpers/mutate.js';
import { Inventory } from '../../model/inventory.js';
import { type KubeObject, toKubeObject } from '../../model/kube-object.js';
import { runRules } from '../engine.js';
import { resilienceRules } from './pack.js';

const BASE = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, labels: {app: web}}
spec:
  replicas: 3
  strategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 1, maxSurge: "25%"}}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 30
      topologySpreadConstraints:
        - {maxSkew: 1, topologyKey: kubernetes.io/arch, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: web}}, matchLabelKeys: [pod-template-hash]}
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            - {topologyKey: kubernetes.io/hostname, namespaces: [other], namespaceSelector: {matchLabels: {team: a}}, labelSelector: {matchExpressions: [{key: app, operator: In, values: [web]}]}}
          preferredDuringSchedulingIgnoredDuringExecution:
            - {weight: 1, podAffinityTerm: {topologyKey: topology.kubernetes.io/zone, mismatchLabelKeys: [app], labelSelector: {matchLabels: {app: web}}}}
      resources: {limits: {memory: 1Gi, ephemeral-storage: 1Gi}}
      volumes: [{name: shm, emptyDir: {medium: Memory, sizeLimit: 0}}, {name: cache, emptyDir: {}}, {name: h, emptyDir: {medium: HugePages}}]
      initContainers:
        - {name: sidecar, image: a:1, restartPolicy: Always, readinessProbe: {tcpSocket: {port: 9}}}
      containers:
        - name: web
          image: a:1
          readinessProbe: {httpGet: {path: /r, port: 8080}}
          livenessProbe: {httpGet: {path: /r, port: 8080}}
          resources: {requests: {cpu: 1, memory: 1Gi}, limits: {memory: 1Gi}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  serviceName: db
  replicas: 2
  updateStrategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: "50%"}}
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: a:1}]}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: shop}
spec:
  updateStrategy: {rollingUpdate: {maxUnavailable: "100%"}}
  template: {metadata: {labels: {app: agent}}, spec: {containers: [{name: agent, image: a:1}]}}
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop, labels: {app: p}, ownerReferences: [{kind: ReplicaSet, name: r, controller: true}]}
spec: {restartPolicy: Always, terminationGracePeriodSeconds: 0, containers: [{name: p, image: a:1}]}
---
apiVersion: v1
kind: Pod
metadata: {name: bare, namespace: kube-system, annotations: {a: b}, ownerReferences: [{kind: ConfigMap, name: c}]}
spec:
  restartPolicy: Never
  volumes: [{name: v, emptyDir: {sizeLimit: 1Gi}}]
  containers: [{name: kube-apiserver, image: a:1, command: [kube-apiserver, --a=b], args: [--c]}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: cj, namespace: shop}
spec: {jobTemplate: {spec: {template: {spec: {containers: [{name: c, image: a:1}]}}}}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: shop}
spec: {minAvailable: 2, unhealthyPodEvictionPolicy: AlwaysAllow, selector: {matchLabels: {app: web}, matchExpressions: [{key: app, operator: In, values: [web]}]}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: db, namespace: shop}
spec: {maxUnavailable: "0%", selector: {matchLabels: {app: db}}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}, minReplicas: 2, maxReplicas: 5}
---
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {team: a}}
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: shop}
spec: {clusterIP: None, selector: {app: db}, ports: [{port: 5432}]}
---
apiVersion: v1
kind: LimitRange
metadata: {name: lr, namespace: shop}
spec: {limits: [{type: Container, default: {memory: 1Gi}, defaultRequest: {cpu: 100m}}]}
`;

const WRONG: unknown[] = [null, 'x', -1, 1.5, [1, 'a'], { a: 1 }];

const PARSED = parseAllDocuments(BASE).map((d) => d.toJS() as Record<string, unknown>);

function base(): Record<string, unknown>[] {
  return structuredClone(PARSED);
}

function run(raws: Record<string, unknown>[]): string[] {
  const objects = raws.map((r) => toKubeObject(r, undefined, 'fuzz')).filter((o): o is KubeObject => o !== undefined);
  return runRules(new Inventory(objects), resilienceRules, {})
    .map((e) => e.finding)
    .filter((f) => f.message.startsWith('rule failed'))
    .map((f) => `${f.ruleId} on ${f.object?.kind}/${f.object?.name}: ${f.message}`);
}

describe('resilience rules on malformed objects', () => {
  it('report on the well-formed set without failing', () => {
    expect(run(base())).toEqual([]);
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
          for (const f of run(raws)) failures.add(`${path.join('.')} = ${JSON.stringify(value)}: ${f}`);
        }
      }
    });
    expect(cases).toBeGreaterThan(1000);
    expect([...failures]).toEqual([]);
  });
});
