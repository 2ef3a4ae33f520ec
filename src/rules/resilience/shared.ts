/**
 * Helpers shared by the resilience rules: tolerant readers for untrusted
 * fields, Kubernetes' int-or-percent arithmetic, and per-scope indexes
 * (HPAs by target, LimitRange defaults) computed once through `ctx.memo`.
 */
import { type KubeObject, labelsOf, metadataOf } from '../../model/kube-object.js';
import type { OperatorPods, OperatorWorkload } from '../../model/operator-workloads.js';
import { join } from '../../model/pointer.js';
import { type LabelSelector, matchesSelector, parseLabelSelector } from '../../model/selector.js';
import { type ContainerView, WORKLOAD_KINDS, type Workload } from '../../model/workload.js';
import type { RuleContext, RuleHit } from '../rule.js';

export function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** A record field, or `{}` when absent or not a mapping. */
export function rec(v: unknown): Record<string, unknown> {
  return isRecord(v) ? v : {};
}

/** The namespace used for matching: objects without one share the unnamed namespace. */
export function nsOf(o: KubeObject): string {
  return o.namespace ?? '';
}

/** `namespace "shop"`, or `the default namespace` when none is written. */
export function nsLabel(ns: string): string {
  return ns === '' ? 'the default namespace' : `namespace "${ns}"`;
}

/** `Deployment "web"`. */
export function kindName(o: KubeObject): string {
  return `${o.kind} "${o.name}"`;
}

/** An integer from a number or a numeric string; undefined for anything else. */
export function intOf(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) ? v : undefined;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v.trim());
  return undefined;
}

/** Show a value as written, for messages. */
export function shown(v: unknown): string {
  return typeof v === 'string' ? `"${v}"` : (JSON.stringify(v) ?? String(v));
}

export type IntOrPercent = { type: 'int'; value: number } | { type: 'percent'; value: number };

/** Parse a Kubernetes IntOrString that may be a percentage (`25%`); undefined when malformed. */
export function parseIntOrPercent(v: unknown): IntOrPercent | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? { type: 'int', value: v } : undefined;
  if (typeof v === 'string') {
    const m = /^(\d+)%$/.exec(v.trim());
    if (m) return { type: 'percent', value: Number(m[1]) };
  }
  return undefined;
}

/** Kubernetes' GetScaledValueFromIntOrPercent. */
export function scaled(v: IntOrPercent, total: number, roundUp: boolean): number {
  if (v.type === 'int') return v.value;
  const x = (v.value * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

const TEMPLATE_OWNERS = new Set(WORKLOAD_KINDS);

/**
 * True when a workload controller owns this object (a ReplicaSet of a
 * Deployment, a Pod of a ReplicaSet, as read from a live cluster): the owner's
 * pod template is judged instead, so findings are not repeated per replica.
 * Objects controlled by anything else (an operator's custom resource) are
 * still judged, since nothing else checks them.
 */
export function isControlled(o: KubeObject): boolean {
  const refs = metadataOf(o.raw).ownerReferences;
  return (
    Array.isArray(refs) &&
    refs.some((r) => isRecord(r) && r.controller === true && typeof r.kind === 'string' && TEMPLATE_OWNERS.has(r.kind))
  );
}

/** Kinds whose pods run to completion; probes and rollouts do not apply to them. */
const BATCH_KINDS = new Set(['Job', 'CronJob']);

/**
 * Whether a workload's pods are long-running services. Jobs and CronJobs run
 * to completion, and so does a bare Pod whose restartPolicy is Never or
 * OnFailure (one-off tasks, `helm test` hooks).
 */
export function isLongRunning(w: Workload): boolean {
  if (BATCH_KINDS.has(w.kind)) return false;
  if (w.kind === 'Pod') {
    const rp = w.podSpec.restartPolicy;
    if (rp === 'Never' || rp === 'OnFailure') return false;
  }
  return true;
}

/** Containers that serve for the life of the pod: app containers and native sidecars. */
export function servingContainers(w: Workload): ContainerView[] {
  return w.containers.filter((c) => c.kind === 'containers' || c.sidecar);
}

/** Containers that take resources: app and init containers (ephemeral containers cannot set resources). */
export function resourcedContainers(w: Workload): ContainerView[] {
  return w.containers.filter((c) => c.kind !== 'ephemeralContainers');
}

/** The deepest existing pointer under `base` along `segments`. */
export function nearestPath(root: unknown, base: string, segments: string[]): string {
  let cur: unknown = root;
  let path = base;
  for (const seg of segments) {
    if (!isRecord(cur) || !(seg in cur) || cur[seg] === null || cur[seg] === undefined) break;
    cur = cur[seg];
    path = join(path, seg);
  }
  return path;
}

export interface HpaInfo {
  readonly hpa: KubeObject;
  /** spec.minReplicas, defaulting to 1 like the API server does. */
  readonly min: number | undefined;
  readonly max: number | undefined;
}

/** HorizontalPodAutoscalers of the scope by `namespace/kind/name` of their target. */
export function hpasByTarget(ctx: RuleContext): Map<string, HpaInfo[]> {
  return ctx.memo('resilience:hpas', () => {
    const out = new Map<string, HpaInfo[]>();
    for (const hpa of ctx.scope.ofKind('HorizontalPodAutoscaler')) {
      const spec = rec(hpa.raw.spec);
      const ref = rec(spec.scaleTargetRef);
      if (typeof ref.kind !== 'string' || typeof ref.name !== 'string') continue;
      const key = `${nsOf(hpa)}/${ref.kind}/${ref.name}`;
      const min = spec.minReplicas === undefined || spec.minReplicas === null ? 1 : intOf(spec.minReplicas);
      const info: HpaInfo = { hpa, min, max: intOf(spec.maxReplicas) };
      const list = out.get(key);
      if (list) list.push(info);
      else out.set(key, [info]);
    }
    return out;
  });
}

export function hpasFor(o: KubeObject, ctx: RuleContext): HpaInfo[] {
  return hpasByTarget(ctx).get(`${nsOf(o)}/${o.kind}/${o.name}`) ?? [];
}

/**
 * How many replicas a replicated workload runs: an HPA that targets it owns
 * the count (between minReplicas and maxReplicas); otherwise spec.replicas
 * (unset means 1). Undefined for kinds without replicas or garbage values.
 */
export function replicaRange(w: Workload, ctx: RuleContext): { min: number; max: number } | undefined {
  if (w.replicas === undefined) return undefined;
  const hpas = hpasFor(w.object, ctx).filter((h) => h.min !== undefined);
  if (hpas.length > 0) {
    const min = Math.max(...hpas.map((h) => h.min ?? 1));
    const max = Math.max(min, ...hpas.map((h) => h.max ?? 0));
    return { min, max };
  }
  if (!Number.isInteger(w.replicas) || w.replicas < 0) return undefined;
  return { min: w.replicas, max: w.replicas };
}

/** Every workload of the scope by namespace, built once. */
export function workloadsByNamespace(ctx: RuleContext): Map<string, Workload[]> {
  return ctx.memo('resilience:workloads-by-ns', () => {
    const out = new Map<string, Workload[]>();
    for (const w of ctx.scope.workloads()) {
      const ns = nsOf(w.object);
      const list = out.get(ns);
      if (list) list.push(w);
      else out.set(ns, [w]);
    }
    return out;
  });
}

/** An operator workload that runs pods. */
export type OperatorPodSource = OperatorWorkload & { readonly pods: OperatorPods };

/**
 * Pods that operators make from the custom resources of the scope
 * (prometheus-operator's Prometheus, Alertmanager, ThanosRuler; more in config
 * `operatorWorkloads`), by namespace, built once. They count for selectors;
 * they have no pod template for pod rules to judge.
 */
export function operatorPodsByNamespace(ctx: RuleContext): Map<string, OperatorPodSource[]> {
  return ctx.memo('resilience:operator-pods-by-ns', () => {
    const out = new Map<string, OperatorPodSource[]>();
    for (const w of ctx.scope.operatorWorkloads(ctx.config.operatorWorkloads)) {
      if (!w.pods) continue;
      const ns = nsOf(w.object);
      const list = out.get(ns);
      const src = w as OperatorPodSource;
      if (list) list.push(src);
      else out.set(ns, [src]);
    }
    return out;
  });
}

export type PdbSelector = { ok: true; selector: LabelSelector | null } | { ok: false; error: string };

/**
 * A PodDisruptionBudget's selector. `null` selects nothing: an absent
 * selector, and in policy/v1beta1 also the empty one (policy/v1 made `{}`
 * select every pod of the namespace).
 */
export function pdbSelector(pdb: KubeObject): PdbSelector {
  const raw = rec(pdb.raw.spec).selector;
  if (raw === undefined || raw === null) return { ok: true, selector: null };
  const parsed = parseLabelSelector(raw);
  if (!parsed.ok) return parsed;
  const empty =
    Object.keys(parsed.selector.matchLabels ?? {}).length === 0 &&
    (parsed.selector.matchExpressions ?? []).length === 0;
  if (empty && pdb.apiVersion === 'policy/v1beta1') return { ok: true, selector: null };
  return { ok: true, selector: parsed.selector };
}

/** The workloads in the PDB's namespace whose pods it selects. */
export function workloadsSelectedBy(pdb: KubeObject, selector: LabelSelector, ctx: RuleContext): Workload[] {
  return candidatesFor(ctx, nsOf(pdb), selector.matchLabels ?? {}).filter((w) =>
    matchesSelector(selector, w.podLabels),
  );
}

/**
 * The workloads of a namespace that can match a selector with these required
 * labels: those carrying the first required pair (from a per-scope index), or
 * every workload of the namespace when nothing is required. Callers still
 * match the whole selector; this only keeps the cost from growing with
 * (selectors × workloads) in large namespaces.
 */
export function candidatesFor(ctx: RuleContext, ns: string, required: Record<string, string>): Workload[] {
  const first = Object.entries(required)[0];
  if (!first) return workloadsByNamespace(ctx).get(ns) ?? [];
  const index = ctx.memo('resilience:workloads-by-pod-label', () => {
    const out = new Map<string, Workload[]>();
    for (const w of ctx.scope.workloads()) {
      const wns = nsOf(w.object);
      for (const [k, v] of Object.entries(w.podLabels)) {
        const key = `${wns}\u0000${k}\u0000${v}`;
        const list = out.get(key);
        if (list) list.push(w);
        else out.set(key, [w]);
      }
    }
    return out;
  });
  return index.get(`${ns}\u0000${first[0]}\u0000${first[1]}`) ?? [];
}

/** PodDisruptionBudgets of the scope with a usable selector, built once. */
export function pdbsWithSelectors(ctx: RuleContext): Array<{ pdb: KubeObject; selector: LabelSelector }> {
  return ctx.memo('resilience:pdbs', () => {
    const out: Array<{ pdb: KubeObject; selector: LabelSelector }> = [];
    for (const pdb of ctx.scope.ofKind('PodDisruptionBudget')) {
      const s = pdbSelector(pdb);
      if (s.ok && s.selector) out.push({ pdb, selector: s.selector });
    }
    return out;
  });
}

/** `app=web,tier=front`. */
export function formatLabels(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/**
 * A hint for the most common selector mistake: matching the controller's own
 * labels instead of its pod template's.
 */
export function objectLabelHint(
  candidates: readonly Workload[],
  matches: (labels: Record<string, string>) => boolean,
): string {
  const w = candidates.find((c) => c.kind !== 'Pod' && matches(labelsOf(c.object.raw)));
  return w ? ` (it matches the labels of ${kindName(w.object)} itself, not of its pod template)` : '';
}

export type ResourceName = 'cpu' | 'memory';

/**
 * Container defaults that LimitRanges of the scope give per namespace:
 * `default` fills limits (and requests when unset), `defaultRequest` fills requests.
 */
export function limitRangeDefaults(
  ctx: RuleContext,
): Map<string, { requests: Set<ResourceName>; limits: Set<ResourceName> }> {
  return ctx.memo('resilience:limitranges', () => {
    const out = new Map<string, { requests: Set<ResourceName>; limits: Set<ResourceName> }>();
    for (const lr of ctx.scope.ofKind('LimitRange')) {
      const ns = nsOf(lr);
      let entry = out.get(ns);
      if (!entry) out.set(ns, (entry = { requests: new Set(), limits: new Set() }));
      const limits = rec(lr.raw.spec).limits;
      if (!Array.isArray(limits)) continue;
      for (const item of limits) {
        if (!isRecord(item) || item.type !== 'Container') continue;
        const def = rec(item.default);
        const defReq = rec(item.defaultRequest);
        for (const r of ['cpu', 'memory'] as const) {
          if (def[r] !== undefined && def[r] !== null) {
            entry.limits.add(r);
            entry.requests.add(r);
          }
          if (defReq[r] !== undefined && defReq[r] !== null) entry.requests.add(r);
        }
      }
    }
    return out;
  });
}

function hasQuantity(m: unknown, r: ResourceName): boolean {
  const v = rec(m)[r];
  return v !== undefined && v !== null && v !== '';
}

/**
 * Whether a container ends up with a request (or limit) for a resource:
 * written on the container, on the pod (pod-level resources), implied by a
 * limit (the API server copies a limit into an unset request), or given by a
 * LimitRange default of its namespace.
 */
export function hasResource(
  w: Workload,
  c: ContainerView,
  kind: 'requests' | 'limits',
  r: ResourceName,
  ctx: RuleContext,
): boolean {
  const res = rec(c.spec.resources);
  const podRes = rec(w.podSpec.resources);
  if (hasQuantity(res[kind], r) || hasQuantity(podRes[kind], r)) return true;
  if (kind === 'requests' && (hasQuantity(res.limits, r) || hasQuantity(podRes.limits, r))) return true;
  const lr = limitRangeDefaults(ctx).get(nsOf(w.object));
  return lr ? lr[kind].has(r) : false;
}

/**
 * The probe rules' check: every serving container of a long-running workload
 * that lacks the probe. Pods and ReplicaSets a workload controls are left to
 * their owner, or the finding would repeat once per replica.
 */
export function containersWithoutProbe(
  obj: KubeObject,
  w: Workload | undefined,
  probe: 'livenessProbe' | 'readinessProbe',
): RuleHit[] | undefined {
  if (!w || isControlled(obj) || !isLongRunning(w)) return undefined;
  return servingContainers(w)
    .filter((c) => c.spec[probe] === undefined || c.spec[probe] === null)
    .map((c) => ({
      message: `${c.sidecar ? 'sidecar container' : 'container'} "${c.name}" has no ${probe}`,
      path: c.path,
    }));
}
