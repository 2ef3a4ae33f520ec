/**
 * Workloads that operators make from custom resources. A Prometheus object
 * becomes a StatefulSet whose pods carry labels the operator chooses, expose
 * its ports and run as the service account the resource names; a Flux
 * Kustomization applies manifests while impersonating a service account.
 * None of that is in the manifests, so selectors (Services, PodDisruptionBudgets,
 * NetworkPolicy peers) and service-account use must learn it from this table.
 *
 * The table is data: one entry per custom resource kind, saying which labels
 * and ports its pods get and where its service account is written. Users
 * declare more in `.kubeprint.yaml` (`operatorWorkloads`) in the same shape.
 */
import type { KubeObject } from './kube-object.js';
import { getAt, parsePointer } from './pointer.js';

/** A label value: literal text, or the string at a JSON pointer of the resource (`{from: /metadata/name}`). */
export type LabelValueSpec = string | { readonly from: string };

export type PortProtocol = 'TCP' | 'UDP' | 'SCTP';

/** A container port the operator gives its pods. */
export interface OperatorPortSpec {
  /** The port's name (`web`); `nameFrom` wins when that field is a non-empty string. */
  readonly name?: string | undefined;
  /** Pointer to a field that renames the port (`/spec/portName`). */
  readonly nameFrom?: string | undefined;
  readonly port: number;
  /** Default TCP. */
  readonly protocol?: PortProtocol | undefined;
  /** Only when this field is set (not null or false): `/spec/thanos` adds the sidecar's ports. */
  readonly when?: string | undefined;
  /** Not when this field is `true`: `/spec/listenLocal` binds to localhost and declares no port. */
  readonly unless?: string | undefined;
}

/** What the pods the operator runs for one resource look like. */
export interface OperatorPodsSpec {
  /** Label maps copied from the resource onto the pods, in order (`/spec/podMetadata/labels`). */
  readonly labelsFrom?: readonly string[] | undefined;
  /** Labels the operator sets itself; they win over `labelsFrom`, as operators overwrite user labels with theirs. */
  readonly labels?: Readonly<Record<string, LabelValueSpec>> | undefined;
  readonly ports?: readonly OperatorPortSpec[] | undefined;
  /** Pointers to lists of containers the resource adds or patches into the pods (`/spec/containers`); their ports count. */
  readonly containersFrom?: readonly string[] | undefined;
}

/** One custom resource kind and what its operator makes of it. */
export interface OperatorWorkloadSpec {
  /** `group/version`, or `group/*` for every version of the group. */
  readonly apiVersion: string;
  readonly kind: string;
  /** Who acts on the resource, for messages (`prometheus-operator`). */
  readonly operator?: string | undefined;
  /** The pods it runs; absent when the operator runs none of its own (it impersonates a service account). */
  readonly pods?: OperatorPodsSpec | undefined;
  /** Pointer to the name of the service account its pods run as, or that the controller impersonates. */
  readonly serviceAccountFrom?: string | undefined;
  /**
   * The service account used when that field is unset: `default` for pods
   * (as for any pod); absent when the operator then acts as itself.
   */
  readonly serviceAccountDefault?: string | undefined;
}

export interface OperatorPort {
  readonly name: string | undefined;
  readonly port: number;
  readonly protocol: PortProtocol;
}

/** The pods an operator runs for one resource: what selectors see of them. */
export interface OperatorPods {
  readonly labels: Readonly<Record<string, string>>;
  readonly ports: readonly OperatorPort[];
}

/**
 * A custom resource seen as the workload its operator makes: pods with labels
 * and ports, and the service account they run as (or the controller
 * impersonates). It has no pod template of its own, so no pod rule judges it.
 */
export interface OperatorWorkload {
  readonly object: KubeObject;
  readonly kind: string;
  readonly operator: string;
  /** Undefined when the operator runs no pods for the resource. */
  readonly pods: OperatorPods | undefined;
  /** The service account used, and the pointer of the field that names it (`''` when the default applies). */
  readonly serviceAccount: { readonly name: string; readonly path: string } | undefined;
  /** How the service account is used: by the pods, or impersonated by the controller. */
  readonly serviceAccountUse: 'pods' | 'impersonation';
}

const PROMETHEUS_OPERATOR = 'prometheus-operator';
const NAME = { from: '/metadata/name' } as const;
/** prometheus-operator's config reloader sidecar: `reloader-web` on 8080 unless it listens on localhost. */
const RELOADER: OperatorPortSpec = { name: 'reloader-web', port: 8080, unless: '/spec/listenLocal' };

/**
 * The operators kubeprint knows. prometheus-operator (pkg/prometheus,
 * pkg/alertmanager, pkg/thanos): each resource becomes StatefulSet pods whose
 * labels are `spec.podMetadata.labels` overwritten by the operator's selector
 * labels (`app.kubernetes.io/name`, `managed-by`, `instance`, the resource's
 * name under its kind's key); a Prometheus shard other than 0 carries
 * `operator.prometheus.io/shard: "N"`, which this table does not model.
 * Flux: a Kustomization or HelmRelease with `spec.serviceAccountName` is
 * applied by the controller impersonating that account in its own namespace.
 * Argo CD Applications run no pods and name no service account: the
 * application controller syncs with its own (impersonation, where switched on,
 * is configured per AppProject destination, not per Application).
 */
export const BUILTIN_OPERATOR_WORKLOADS: readonly OperatorWorkloadSpec[] = [
  {
    apiVersion: 'monitoring.coreos.com/*',
    kind: 'Prometheus',
    operator: PROMETHEUS_OPERATOR,
    pods: {
      labelsFrom: ['/spec/podMetadata/labels'],
      labels: {
        'app.kubernetes.io/name': 'prometheus',
        'app.kubernetes.io/managed-by': PROMETHEUS_OPERATOR,
        'app.kubernetes.io/instance': NAME,
        prometheus: NAME,
        'operator.prometheus.io/name': NAME,
        'operator.prometheus.io/shard': '0',
      },
      ports: [
        { name: 'web', nameFrom: '/spec/portName', port: 9090, unless: '/spec/listenLocal' },
        RELOADER,
        { name: 'http', port: 10902, when: '/spec/thanos' },
        { name: 'grpc', port: 10901, when: '/spec/thanos' },
      ],
      containersFrom: ['/spec/containers'],
    },
    serviceAccountFrom: '/spec/serviceAccountName',
    serviceAccountDefault: 'default',
  },
  {
    apiVersion: 'monitoring.coreos.com/*',
    kind: 'PrometheusAgent',
    operator: PROMETHEUS_OPERATOR,
    pods: {
      labelsFrom: ['/spec/podMetadata/labels'],
      labels: {
        'app.kubernetes.io/name': 'prometheus-agent',
        'app.kubernetes.io/managed-by': PROMETHEUS_OPERATOR,
        'app.kubernetes.io/instance': NAME,
        'operator.prometheus.io/name': NAME,
      },
      ports: [{ name: 'web', nameFrom: '/spec/portName', port: 9090, unless: '/spec/listenLocal' }, RELOADER],
      containersFrom: ['/spec/containers'],
    },
    serviceAccountFrom: '/spec/serviceAccountName',
    serviceAccountDefault: 'default',
  },
  {
    apiVersion: 'monitoring.coreos.com/*',
    kind: 'Alertmanager',
    operator: PROMETHEUS_OPERATOR,
    pods: {
      labelsFrom: ['/spec/podMetadata/labels'],
      labels: {
        'app.kubernetes.io/name': 'alertmanager',
        'app.kubernetes.io/managed-by': PROMETHEUS_OPERATOR,
        'app.kubernetes.io/instance': NAME,
        alertmanager: NAME,
      },
      ports: [
        { name: 'web', nameFrom: '/spec/portName', port: 9093, unless: '/spec/listenLocal' },
        { name: 'mesh-tcp', port: 9094 },
        { name: 'mesh-udp', port: 9094, protocol: 'UDP' },
        RELOADER,
      ],
      containersFrom: ['/spec/containers'],
    },
    serviceAccountFrom: '/spec/serviceAccountName',
    serviceAccountDefault: 'default',
  },
  {
    apiVersion: 'monitoring.coreos.com/*',
    kind: 'ThanosRuler',
    operator: PROMETHEUS_OPERATOR,
    pods: {
      labelsFrom: ['/spec/podMetadata/labels'],
      labels: {
        'app.kubernetes.io/name': 'thanos-ruler',
        'app.kubernetes.io/managed-by': PROMETHEUS_OPERATOR,
        'app.kubernetes.io/instance': NAME,
        'thanos-ruler': NAME,
      },
      ports: [
        { name: 'web', nameFrom: '/spec/portName', port: 10902, unless: '/spec/listenLocal' },
        { name: 'grpc', port: 10901 },
        RELOADER,
      ],
      containersFrom: ['/spec/containers'],
    },
    serviceAccountFrom: '/spec/serviceAccountName',
    serviceAccountDefault: 'default',
  },
  {
    apiVersion: 'kustomize.toolkit.fluxcd.io/*',
    kind: 'Kustomization',
    operator: 'Flux kustomize-controller',
    serviceAccountFrom: '/spec/serviceAccountName',
  },
  {
    apiVersion: 'helm.toolkit.fluxcd.io/*',
    kind: 'HelmRelease',
    operator: 'Flux helm-controller',
    serviceAccountFrom: '/spec/serviceAccountName',
  },
];

function groupOf(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** Whether an entry's `apiVersion` (`group/version` or `group/*`) covers an object's. */
export function apiVersionMatches(pattern: string, apiVersion: string): boolean {
  if (pattern.endsWith('/*')) return groupOf(apiVersion) === pattern.slice(0, -2) && apiVersion.includes('/');
  return pattern === apiVersion;
}

/** Kind → the entries for it: the built-in table, where a declared entry for the same group and kind replaces the built-in one. */
export type OperatorWorkloadTable = ReadonlyMap<string, readonly OperatorWorkloadSpec[]>;

const tables = new WeakMap<readonly OperatorWorkloadSpec[], OperatorWorkloadTable>();
let builtinTable: OperatorWorkloadTable | undefined;

/** The table in force: the built-in entries plus those declared in config (built once per declared list). */
export function operatorWorkloadTable(declared?: readonly OperatorWorkloadSpec[]): OperatorWorkloadTable {
  if (!declared || declared.length === 0) {
    builtinTable ??= index(BUILTIN_OPERATOR_WORKLOADS);
    return builtinTable;
  }
  let t = tables.get(declared);
  if (!t) {
    const replaced = (b: OperatorWorkloadSpec) =>
      declared.some((d) => d.kind === b.kind && groupOf(d.apiVersion) === groupOf(b.apiVersion));
    t = index([...BUILTIN_OPERATOR_WORKLOADS.filter((b) => !replaced(b)), ...declared]);
    tables.set(declared, t);
  }
  return t;
}

function index(specs: readonly OperatorWorkloadSpec[]): OperatorWorkloadTable {
  const out = new Map<string, OperatorWorkloadSpec[]>();
  for (const s of specs) {
    const list = out.get(s.kind);
    if (list) list.push(s);
    else out.set(s.kind, [s]);
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** The value at a pointer; a malformed pointer reads nothing (config validates them, but data never throws). */
function read(raw: Record<string, unknown>, p: string): unknown {
  try {
    parsePointer(p);
  } catch {
    return undefined;
  }
  return getAt(raw, p);
}

function nonEmptyString(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function labelValue(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function isProtocol(v: unknown): v is PortProtocol {
  return v === 'TCP' || v === 'UDP' || v === 'SCTP';
}

function podsOf(raw: Record<string, unknown>, spec: OperatorPodsSpec): OperatorPods {
  const labels: Record<string, string> = {};
  for (const p of spec.labelsFrom ?? []) {
    const m = read(raw, p);
    if (!isRecord(m)) continue;
    for (const [k, v] of Object.entries(m)) {
      const s = labelValue(v);
      if (s !== undefined) labels[k] = s;
    }
  }
  for (const [k, v] of Object.entries(spec.labels ?? {})) {
    const s = typeof v === 'string' ? v : labelValue(read(raw, v.from));
    if (s !== undefined) labels[k] = s;
  }
  const ports: OperatorPort[] = [];
  for (const p of spec.ports ?? []) {
    if (p.when !== undefined) {
      const w = read(raw, p.when);
      if (w === undefined || w === null || w === false) continue;
    }
    if (p.unless !== undefined && read(raw, p.unless) === true) continue;
    const name = (p.nameFrom !== undefined ? nonEmptyString(read(raw, p.nameFrom)) : undefined) ?? p.name;
    ports.push({ name, port: p.port, protocol: p.protocol ?? 'TCP' });
  }
  for (const p of spec.containersFrom ?? []) {
    const list = read(raw, p);
    if (!Array.isArray(list)) continue;
    for (const c of list) {
      if (!isRecord(c) || !Array.isArray(c.ports)) continue;
      for (const cp of c.ports) {
        if (!isRecord(cp) || typeof cp.containerPort !== 'number') continue;
        const protocol = cp.protocol === undefined || cp.protocol === null ? 'TCP' : cp.protocol;
        if (!isProtocol(protocol)) continue;
        const name = nonEmptyString(cp.name);
        // a patch of an operator container repeats its port: keep one
        if (!ports.some((x) => x.port === cp.containerPort && x.protocol === protocol && x.name === name))
          ports.push({ name, port: cp.containerPort, protocol });
      }
    }
  }
  return { labels, ports };
}

/** The operator workload an object stands for under a table, or undefined when no entry covers it. */
export function operatorWorkloadOf(o: KubeObject, table: OperatorWorkloadTable): OperatorWorkload | undefined {
  const spec = table.get(o.kind)?.find((s) => apiVersionMatches(s.apiVersion, o.apiVersion));
  if (!spec) return undefined;
  let serviceAccount: OperatorWorkload['serviceAccount'];
  if (spec.serviceAccountFrom !== undefined) {
    const written = nonEmptyString(read(o.raw, spec.serviceAccountFrom));
    if (written !== undefined) serviceAccount = { name: written, path: spec.serviceAccountFrom };
    else if (spec.serviceAccountDefault !== undefined) serviceAccount = { name: spec.serviceAccountDefault, path: '' };
  }
  return {
    object: o,
    kind: o.kind,
    operator: spec.operator ?? `the ${groupOf(spec.apiVersion) || o.kind} operator`,
    pods: spec.pods ? podsOf(o.raw, spec.pods) : undefined,
    serviceAccount,
    serviceAccountUse: spec.pods ? 'pods' : 'impersonation',
  };
}
