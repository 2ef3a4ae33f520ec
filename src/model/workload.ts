import type { KubeObject } from './kube-object.js';
import { metadataOf } from './kube-object.js';
import { join } from './pointer.js';

/**
 * A view over any object that carries a pod template, so that a pod rule is
 * written once for Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet,
 * ReplicationController, Job, CronJob and Argo Rollout.
 */
export interface Workload {
  readonly object: KubeObject;
  readonly kind: string;
  /** Pointer to the pod template (`/spec/template`), or `''` for a bare Pod. */
  readonly templatePath: string;
  /** Pointer to the pod spec. */
  readonly podSpecPath: string;
  readonly podSpec: Record<string, unknown>;
  /** Pod metadata (template metadata for controllers, object metadata for a Pod). */
  readonly podMetadata: Record<string, unknown>;
  readonly podLabels: Record<string, string>;
  /** Desired replicas where the kind has them (undefined for DaemonSet, Job, Pod: see `replicasKind`). */
  readonly replicas: number | undefined;
  readonly containers: readonly ContainerView[];
}

export type ContainerKind = 'containers' | 'initContainers' | 'ephemeralContainers';

export interface ContainerView {
  readonly kind: ContainerKind;
  readonly index: number;
  readonly name: string;
  readonly spec: Record<string, unknown>;
  /** Pointer to this container. */
  readonly path: string;
  /** True for an init container with restartPolicy Always (a native sidecar). */
  readonly sidecar: boolean;
}

const TEMPLATE_PATHS: Record<string, string> = {
  Deployment: '/spec/template',
  StatefulSet: '/spec/template',
  DaemonSet: '/spec/template',
  ReplicaSet: '/spec/template',
  ReplicationController: '/spec/template',
  Job: '/spec/template',
  CronJob: '/spec/jobTemplate/spec/template',
  Rollout: '/spec/template',
  PodTemplate: '/template',
};

/** Kinds that carry a pod template (plus Pod itself). */
export const WORKLOAD_KINDS: readonly string[] = ['Pod', ...Object.keys(TEMPLATE_PATHS)];

/** Kinds whose `spec.replicas` matters. */
const REPLICATED = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'Rollout']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function at(root: Record<string, unknown>, path: string): unknown {
  let cur: unknown = root;
  for (const seg of path.split('/').slice(1)) {
    if (!isRecord(cur)) return undefined;
    cur = cur[seg];
  }
  return cur;
}

function isWorkloadApi(o: KubeObject): boolean {
  if (o.kind === 'Rollout') return o.apiVersion.startsWith('argoproj.io/');
  if (o.kind === 'Pod' || o.kind === 'PodTemplate' || o.kind === 'ReplicationController') return o.apiVersion === 'v1';
  return (
    o.apiVersion.startsWith('apps/') || o.apiVersion.startsWith('batch/') || o.apiVersion.startsWith('extensions/')
  );
}

const cache = new WeakMap<KubeObject, Workload | null>();

/** The workload view of an object, or undefined when it carries no pod spec. */
export function workloadOf(o: KubeObject): Workload | undefined {
  const hit = cache.get(o);
  if (hit !== undefined) return hit ?? undefined;
  const w = build(o);
  cache.set(o, w ?? null);
  return w;
}

function build(o: KubeObject): Workload | undefined {
  if (!isWorkloadApi(o)) return undefined;
  let templatePath: string;
  let podMetadata: Record<string, unknown>;
  if (o.kind === 'Pod') {
    templatePath = '';
    podMetadata = metadataOf(o.raw);
  } else {
    const tp = TEMPLATE_PATHS[o.kind];
    if (tp === undefined) return undefined;
    templatePath = tp;
    const tmpl = at(o.raw, tp);
    podMetadata = isRecord(tmpl) && isRecord(tmpl.metadata) ? tmpl.metadata : {};
  }
  const podSpecPath = `${templatePath}/spec`;
  const spec = at(o.raw, podSpecPath);
  const podSpec = isRecord(spec) ? spec : {};
  const containers: ContainerView[] = [];
  for (const kind of ['initContainers', 'containers', 'ephemeralContainers'] as const) {
    const list = podSpec[kind];
    if (!Array.isArray(list)) continue;
    list.forEach((c, index) => {
      if (!isRecord(c)) return;
      containers.push({
        kind,
        index,
        name: typeof c.name === 'string' ? c.name : `#${index}`,
        spec: c,
        path: join(podSpecPath, kind, index),
        sidecar: kind === 'initContainers' && c.restartPolicy === 'Always',
      });
    });
  }
  const labels: Record<string, string> = {};
  if (isRecord(podMetadata.labels)) {
    for (const [k, v] of Object.entries(podMetadata.labels)) if (v != null) labels[k] = String(v);
  }
  let replicas: number | undefined;
  if (REPLICATED.has(o.kind)) {
    const r = at(o.raw, '/spec/replicas');
    // Kubernetes defaults replicas to 1 when unset.
    replicas = typeof r === 'number' ? r : r === undefined || r === null ? 1 : Number(r);
  }
  return {
    object: o,
    kind: o.kind,
    templatePath,
    podSpecPath,
    podSpec,
    podMetadata,
    podLabels: labels,
    replicas,
    containers,
  };
}

const ISTIO_INJECT = 'sidecar.istio.io/inject';

/**
 * The admission webhook that replaces this container's image when the pods
 * are created, or undefined. Istio's gateway injection writes `image: auto`
 * on the `istio-proxy` container of a pod template that Istio injects (label
 * or annotation `sidecar.istio.io/inject: "true"`, label `istio.io/rev`, or
 * annotation `inject.istio.io/templates`), and the sidecar injector puts the
 * control plane's proxy image there. `sidecar.istio.io/inject: "false"` turns
 * injection off, and a Pod object that still says `auto` was not injected when
 * it was created (istioctl analyze IST0147): both run an image named `auto`.
 */
export function imageChosenByInjector(w: Workload, c: ContainerView): 'Istio sidecar injector' | undefined {
  if (w.kind === 'Pod' || c.kind !== 'containers' || c.spec.name !== 'istio-proxy' || c.spec.image !== 'auto')
    return undefined;
  const labels = w.podLabels;
  const annotations = isRecord(w.podMetadata.annotations) ? w.podMetadata.annotations : {};
  if (labels[ISTIO_INJECT] === 'false' || annotations[ISTIO_INJECT] === 'false') return undefined;
  const rev = labels['istio.io/rev'];
  const templates = annotations['inject.istio.io/templates'];
  const injected =
    labels[ISTIO_INJECT] === 'true' ||
    annotations[ISTIO_INJECT] === 'true' ||
    (typeof rev === 'string' && rev !== '') ||
    (typeof templates === 'string' && templates !== '');
  return injected ? 'Istio sidecar injector' : undefined;
}
