import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/config.js';
import { KubeprintError } from '../errors.js';
import { Inventory } from './inventory.js';
import { type KubeObject, toKubeObject } from './kube-object.js';
import { operatorWorkloadOf, operatorWorkloadTable } from './operator-workloads.js';

function obj(raw: Record<string, unknown>): KubeObject {
  const o = toKubeObject(raw, undefined, 'test');
  if (!o) throw new Error('not an object');
  return o;
}

const table = operatorWorkloadTable();

/** kube-prometheus's Prometheus (manifests/prometheus-prometheus.yaml), trimmed. */
const KUBE_PROMETHEUS = {
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'Prometheus',
  metadata: { name: 'k8s', namespace: 'monitoring', labels: { 'app.kubernetes.io/component': 'prometheus' } },
  spec: {
    podMetadata: {
      labels: {
        'app.kubernetes.io/component': 'prometheus',
        'app.kubernetes.io/instance': 'k8s',
        'app.kubernetes.io/name': 'prometheus',
        'app.kubernetes.io/part-of': 'kube-prometheus',
        'app.kubernetes.io/version': '3.13.2',
      },
    },
    replicas: 2,
    serviceAccountName: 'prometheus-k8s',
  },
};

describe('operator workloads: prometheus-operator', () => {
  it("gives a Prometheus's pods its podMetadata labels overwritten by the operator's selector labels", () => {
    const w = operatorWorkloadOf(
      obj({
        ...KUBE_PROMETHEUS,
        spec: {
          ...KUBE_PROMETHEUS.spec,
          podMetadata: { labels: { 'app.kubernetes.io/name': 'mine', team: 'obs', prometheus: 'other' } },
        },
      }),
      table,
    );
    expect(w?.operator).toBe('prometheus-operator');
    expect(w?.pods?.labels).toEqual({
      team: 'obs',
      'app.kubernetes.io/name': 'prometheus',
      'app.kubernetes.io/managed-by': 'prometheus-operator',
      'app.kubernetes.io/instance': 'k8s',
      prometheus: 'k8s',
      'operator.prometheus.io/name': 'k8s',
      'operator.prometheus.io/shard': '0',
    });
    expect(w?.serviceAccount).toEqual({ name: 'prometheus-k8s', path: '/spec/serviceAccountName' });
    expect(w?.serviceAccountUse).toBe('pods');
  });

  it('exposes web 9090 and the config reloader on 8080, the Thanos sidecar only with spec.thanos, none on localhost', () => {
    const ports = (spec: Record<string, unknown>) =>
      operatorWorkloadOf(obj({ ...KUBE_PROMETHEUS, spec }), table)?.pods?.ports.map(
        (p) => `${p.name}:${p.port}/${p.protocol}`,
      );
    expect(ports({})).toEqual(['web:9090/TCP', 'reloader-web:8080/TCP']);
    expect(ports({ portName: 'http-web', thanos: {} })).toEqual([
      'http-web:9090/TCP',
      'reloader-web:8080/TCP',
      'http:10902/TCP',
      'grpc:10901/TCP',
    ]);
    expect(ports({ listenLocal: true, thanos: null })).toEqual([]);
    // ports of containers the resource adds count too; a patch repeating an operator port does not double it
    expect(
      ports({
        containers: [
          { name: 'kube-rbac-proxy', ports: [{ name: 'https', containerPort: 9091 }] },
          { name: 'prometheus', ports: [{ name: 'web', containerPort: 9090 }] },
          {
            name: 'bad',
            ports: [{ name: 'x', containerPort: '80' }, 'garbage', { containerPort: 53, protocol: 'UDP' }],
          },
        ],
      }),
    ).toEqual(['web:9090/TCP', 'reloader-web:8080/TCP', 'https:9091/TCP', 'undefined:53/UDP']);
  });

  it('knows Alertmanager, ThanosRuler and PrometheusAgent pods', () => {
    const am = operatorWorkloadOf(
      obj({
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'Alertmanager',
        metadata: { name: 'main', namespace: 'monitoring' },
        spec: { serviceAccountName: 'alertmanager-main' },
      }),
      table,
    );
    expect(am?.pods?.labels).toEqual({
      'app.kubernetes.io/name': 'alertmanager',
      'app.kubernetes.io/managed-by': 'prometheus-operator',
      'app.kubernetes.io/instance': 'main',
      alertmanager: 'main',
    });
    expect(am?.pods?.ports.map((p) => `${p.name}:${p.port}/${p.protocol}`)).toEqual([
      'web:9093/TCP',
      'mesh-tcp:9094/TCP',
      'mesh-udp:9094/UDP',
      'reloader-web:8080/TCP',
    ]);
    const ruler = operatorWorkloadOf(
      obj({ apiVersion: 'monitoring.coreos.com/v1', kind: 'ThanosRuler', metadata: { name: 'r' }, spec: {} }),
      table,
    );
    expect(ruler?.pods?.labels['thanos-ruler']).toBe('r');
    expect(ruler?.pods?.labels['app.kubernetes.io/name']).toBe('thanos-ruler');
    // no serviceAccountName: the pods run as the namespace's default account
    expect(ruler?.serviceAccount).toEqual({ name: 'default', path: '' });
    const agent = operatorWorkloadOf(
      obj({ apiVersion: 'monitoring.coreos.com/v1alpha1', kind: 'PrometheusAgent', metadata: { name: 'a' } }),
      table,
    );
    expect(agent?.pods?.labels['app.kubernetes.io/name']).toBe('prometheus-agent');
    expect(agent?.pods?.labels['operator.prometheus.io/name']).toBe('a');
  });

  it('leaves a kind of the same name in another group alone', () => {
    expect(operatorWorkloadOf(obj({ ...KUBE_PROMETHEUS, apiVersion: 'example.com/v1' }), table)).toBeUndefined();
    expect(operatorWorkloadOf(obj({ ...KUBE_PROMETHEUS, apiVersion: 'v1' }), table)).toBeUndefined();
  });
});

describe('operator workloads: GitOps controllers', () => {
  it('Flux Kustomization and HelmRelease impersonate spec.serviceAccountName and run no pods', () => {
    for (const [apiVersion, kind] of [
      ['kustomize.toolkit.fluxcd.io/v1', 'Kustomization'],
      ['helm.toolkit.fluxcd.io/v2beta1', 'HelmRelease'],
    ] as const) {
      const w = operatorWorkloadOf(
        obj({
          apiVersion,
          kind,
          metadata: { name: 'apps', namespace: 'team-a' },
          spec: { serviceAccountName: 'team-a' },
        }),
        table,
      );
      expect(w?.pods).toBeUndefined();
      expect(w?.serviceAccount).toEqual({ name: 'team-a', path: '/spec/serviceAccountName' });
      expect(w?.serviceAccountUse).toBe('impersonation');
      // without one the controller acts as itself: no account of the namespace is used
      expect(
        operatorWorkloadOf(obj({ apiVersion, kind, metadata: { name: 'apps' }, spec: {} }), table)?.serviceAccount,
      ).toBeUndefined();
    }
    // kustomize's own Kustomization (kustomization.yaml) is not Flux's
    expect(
      operatorWorkloadOf(
        obj({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', metadata: { name: 'k' } }),
        table,
      ),
    ).toBeUndefined();
  });

  it('an Argo CD Application is no workload: it runs no pods and names no service account', () => {
    expect(
      operatorWorkloadOf(
        obj({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'guestbook' }, spec: {} }),
        table,
      ),
    ).toBeUndefined();
  });
});

describe('operator workloads: odd shapes never throw', () => {
  it.each([
    ['spec is a string', { spec: 'x' }],
    ['spec is a list', { spec: [1, 2] }],
    ['podMetadata.labels is a list', { spec: { podMetadata: { labels: ['a'] } } }],
    ['label values of every type', { spec: { podMetadata: { labels: { a: 1, b: true, c: null, d: { x: 1 } } } } }],
    ['serviceAccountName is a number', { spec: { serviceAccountName: 7 } }],
    ['containers is a map', { spec: { containers: { a: 1 } } }],
    ['portName is a list', { spec: { portName: ['x'] } }],
  ])('%s', (_name, patch) => {
    const w = operatorWorkloadOf(obj({ ...KUBE_PROMETHEUS, ...patch }), table);
    expect(w?.pods?.labels.prometheus).toBe('k8s');
    expect(w?.serviceAccount?.name).toBeTypeOf('string');
  });

  it('a resource without a name gives no name labels', () => {
    const w = operatorWorkloadOf(
      obj({ apiVersion: 'monitoring.coreos.com/v1', kind: 'Prometheus', metadata: { generateName: 'p-' } }),
      table,
    );
    expect(w?.pods?.labels.prometheus).toBeUndefined();
    expect(w?.pods?.labels['app.kubernetes.io/name']).toBe('prometheus');
  });
});

describe('operator workloads declared in .kubeprint.yaml', () => {
  const config = parseConfig(
    `operatorWorkloads:
  - apiVersion: databases.example.com/*
    kind: PostgresCluster
    operator: example-postgres-operator
    pods:
      labelsFrom: [/spec/metadata/labels]
      labels:
        app.kubernetes.io/name: postgres
        cluster-name: {from: /metadata/name}
      ports:
        - {name: postgres, port: 5432}
        - {name: metrics, port: 9187, when: /spec/monitoring}
    serviceAccountFrom: /spec/serviceAccount
    serviceAccountDefault: postgres
  - apiVersion: monitoring.coreos.com/*
    kind: Prometheus
    pods:
      labels: {app: prometheus}
`,
    '.kubeprint.yaml',
  ).config;

  it('adds a kind, and replaces the built-in entry of the same group and kind', () => {
    const inv = new Inventory([
      obj({
        apiVersion: 'databases.example.com/v2',
        kind: 'PostgresCluster',
        metadata: { name: 'orders', namespace: 'shop' },
        spec: { metadata: { labels: { team: 'shop', 'cluster-name': 'x' } } },
      }),
      obj(KUBE_PROMETHEUS),
      obj({ apiVersion: 'monitoring.coreos.com/v1', kind: 'Alertmanager', metadata: { name: 'main' } }),
    ]);
    const ws = inv.operatorWorkloads(config.operatorWorkloads);
    expect(ws.map((w) => `${w.kind}/${w.object.name} ${w.operator}`).sort()).toEqual([
      'Alertmanager/main prometheus-operator',
      'PostgresCluster/orders example-postgres-operator',
      'Prometheus/k8s the monitoring.coreos.com operator',
    ]);
    const pg = ws.find((w) => w.kind === 'PostgresCluster');
    expect(pg?.pods?.labels).toEqual({ team: 'shop', 'cluster-name': 'orders', 'app.kubernetes.io/name': 'postgres' });
    expect(pg?.pods?.ports.map((p) => p.port)).toEqual([5432]);
    expect(pg?.serviceAccount).toEqual({ name: 'postgres', path: '' });
    expect(ws.find((w) => w.kind === 'Prometheus')?.pods?.labels).toEqual({ app: 'prometheus' });
    // the built-in table stays as it was for runs without that config
    expect(inv.operatorWorkloads().find((w) => w.kind === 'Prometheus')?.pods?.labels.prometheus).toBe('k8s');
    // built once per declared list
    expect(inv.operatorWorkloads(config.operatorWorkloads)).toBe(ws);
  });

  it.each([
    [
      'a pointer without its slash',
      'operatorWorkloads:\n  - apiVersion: a.io/v1\n    kind: A\n    serviceAccountFrom: spec.sa\n',
      4,
    ],
    ['a core apiVersion', 'operatorWorkloads:\n  - apiVersion: v1\n    kind: A\n    serviceAccountFrom: /spec/sa\n', 2],
    ['neither pods nor an account', 'operatorWorkloads:\n  - apiVersion: a.io/v1\n    kind: A\n', 2],
    [
      'an unknown protocol',
      'operatorWorkloads:\n  - apiVersion: a.io/*\n    kind: A\n    pods:\n      ports:\n        - {port: 80, protocol: HTTP}\n',
      6,
    ],
  ])('rejects %s with its line', (_name, text, line) => {
    let err: unknown;
    try {
      parseConfig(text, 'k.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KubeprintError);
    expect((err as KubeprintError).code).toBe('CONFIG_INVALID');
    expect((err as KubeprintError).message).toMatch(new RegExp(`^k\\.yaml:${line}:`));
  });
});
