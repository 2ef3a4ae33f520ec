import { type KubeObject, labelsOf } from '../../model/kube-object.js';
import { join } from '../../model/pointer.js';
import { type LabelSelector, matchesSelector, parseLabelSelector } from '../../model/selector.js';
import type { Workload } from '../../model/workload.js';
import { defineRule, type RuleContext } from '../rule.js';
import { formatLabels, isControlled, isRecord, kindName, nsOf, rec, replicaRange } from './shared.js';

/** Node labels that name a failure domain: one node, or one zone. */
const SPREAD_KEYS = new Set([
  'kubernetes.io/hostname',
  'topology.kubernetes.io/zone',
  // deprecated since v1.17, still set by many cloud providers
  'failure-domain.beta.kubernetes.io/zone',
]);
const REGION_KEYS = new Set(['topology.kubernetes.io/region', 'failure-domain.beta.kubernetes.io/region']);
/** Label prefixes reserved for Kubernetes (`kubernetes.io`, `k8s.io` and their subdomains). */
const RESERVED_PREFIX = /(^|\.)(kubernetes\.io|k8s\.io)$/;

/** Labels a controller adds to the pods it creates, beside the template's own. */
const CONTROLLER_LABELS: Record<string, readonly string[]> = {
  Deployment: ['pod-template-hash'],
  ReplicaSet: ['pod-template-hash'],
  Rollout: ['rollouts-pod-template-hash'],
  StatefulSet: ['controller-revision-hash', 'statefulset.kubernetes.io/pod-name', 'apps.kubernetes.io/pod-index'],
};

/** One place that may spread the pods: a topology spread constraint or a pod anti-affinity term. */
interface Term {
  /** `topologySpreadConstraints[0]`, for messages. */
  readonly label: string;
  readonly path: string;
  readonly raw: unknown;
  readonly anti: boolean;
}

/** Why a term does not spread this workload's pods, and the field to point at. */
interface Problem {
  readonly why: string;
  readonly path: string;
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function termsOf(w: Workload): Term[] {
  const out: Term[] = [];
  list(w.podSpec.topologySpreadConstraints).forEach((raw, i) => {
    out.push({
      label: `topologySpreadConstraints[${i}]`,
      path: join(w.podSpecPath, 'topologySpreadConstraints', i),
      raw,
      anti: false,
    });
  });
  const antiPath = join(w.podSpecPath, 'affinity', 'podAntiAffinity');
  const anti = rec(rec(w.podSpec.affinity).podAntiAffinity);
  list(anti.requiredDuringSchedulingIgnoredDuringExecution).forEach((raw, i) => {
    out.push({
      label: `podAntiAffinity required[${i}]`,
      path: join(antiPath, 'requiredDuringSchedulingIgnoredDuringExecution', i),
      raw,
      anti: true,
    });
  });
  list(anti.preferredDuringSchedulingIgnoredDuringExecution).forEach((item, i) => {
    const path = join(antiPath, 'preferredDuringSchedulingIgnoredDuringExecution', i);
    const term = rec(item).podAffinityTerm;
    out.push({
      label: `podAntiAffinity preferred[${i}]`,
      path: isRecord(term) ? join(path, 'podAffinityTerm') : path,
      raw: isRecord(item) ? (term ?? {}) : item,
      anti: true,
    });
  });
  return out;
}

/** Why a topologyKey is not a node or zone domain; undefined when it is one (or a custom domain). */
function keyProblem(key: unknown): string | undefined {
  if (typeof key !== 'string' || key.trim() === '') return 'it has no topologyKey';
  if (SPREAD_KEYS.has(key)) return undefined;
  if (REGION_KEYS.has(key))
    return `its topologyKey ${key} spreads across regions, and a cluster normally runs in one region, so there is only one domain`;
  const slash = key.indexOf('/');
  if (slash > 0 && RESERVED_PREFIX.test(key.slice(0, slash)))
    return `its topologyKey ${key} is not a failure domain (Kubernetes sets kubernetes.io/hostname and topology.kubernetes.io/zone on nodes)`;
  // Keys outside the reserved prefixes are labels the cluster's owners put on
  // nodes (racks, provider zones such as topology.gke.io/zone): taken as domains.
  return undefined;
}

/** `app=web,tier in (a,b),!legacy`, as kubectl writes selectors. */
function formatSelector(s: LabelSelector): string {
  const parts = Object.entries(s.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of s.matchExpressions ?? []) {
    if (e.operator === 'In') parts.push(`${e.key} in (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

function podLabelsShown(w: Workload): string {
  const labels = formatLabels(w.podLabels);
  return labels === '' ? 'its pods have no labels' : `its pods carry ${labels}`;
}

function selectorProblem(term: Record<string, unknown>, path: string, w: Workload): Problem | undefined {
  const raw = term.labelSelector;
  if (raw === undefined || raw === null)
    return { why: 'it has no labelSelector, and a missing selector selects no pods', path };
  const selPath = join(path, 'labelSelector');
  const parsed = parseLabelSelector(raw);
  if (!parsed.ok) return { why: `its labelSelector is invalid (${parsed.error})`, path: selPath };
  if (matchesSelector(parsed.selector, w.podLabels)) return undefined;
  return {
    why: `its labelSelector ${formatSelector(parsed.selector)} does not select this workload's pods (${podLabelsShown(w)})`,
    path: selPath,
  };
}

/**
 * Whether a namespaceSelector selects the workload's namespace. Namespaces
 * carry `kubernetes.io/metadata.name`; other labels are known only when the
 * Namespace object is in the scope, and an unknown answer counts as a yes.
 */
function selectsNamespace(raw: unknown, ns: string, ctx: RuleContext): boolean {
  const parsed = parseLabelSelector(raw);
  if (!parsed.ok) return false;
  if (ns === '') return true;
  const found = ctx.scope.find('Namespace', ns);
  const labels: Record<string, string> = {};
  for (const n of found) Object.assign(labels, labelsOf(n.raw));
  labels['kubernetes.io/metadata.name'] = ns;
  if (matchesSelector(parsed.selector, labels)) return true;
  if (found.length > 0) return false;
  const keys = [
    ...Object.keys(parsed.selector.matchLabels ?? {}),
    ...(parsed.selector.matchExpressions ?? []).map((e) => e.key),
  ];
  return keys.some((k) => k !== 'kubernetes.io/metadata.name');
}

/** An anti-affinity term looks at pods of its own namespace unless `namespaces` or `namespaceSelector` say otherwise. */
function namespaceProblem(
  term: Record<string, unknown>,
  path: string,
  obj: KubeObject,
  ctx: RuleContext,
): Problem | undefined {
  const names = list(term.namespaces).filter((n): n is string => typeof n === 'string');
  const sel = term.namespaceSelector;
  const hasSel = sel !== undefined && sel !== null;
  if (names.length === 0 && !hasSel) return undefined;
  const ns = nsOf(obj);
  if (ns === '' || names.includes(ns) || (hasSel && selectsNamespace(sel, ns, ctx))) return undefined;
  if (names.length > 0)
    return {
      why: `it looks only at pods in namespace${names.length > 1 ? 's' : ''} ${names.join(', ')}, not in "${ns}"`,
      path: join(path, 'namespaces'),
    };
  return { why: `its namespaceSelector does not select namespace "${ns}"`, path: join(path, 'namespaceSelector') };
}

/** mismatchLabelKeys add `key notin (<own value>)`: a key the pods carry excludes them. */
function mismatchProblem(term: Record<string, unknown>, path: string, w: Workload): Problem | undefined {
  const own = new Set([...Object.keys(w.podLabels), ...(CONTROLLER_LABELS[w.kind] ?? [])]);
  const keys = list(term.mismatchLabelKeys).filter((k): k is string => typeof k === 'string' && own.has(k));
  if (keys.length === 0) return undefined;
  return {
    why: `its mismatchLabelKeys ${keys.join(', ')} exclude this workload's own pods`,
    path: join(path, 'mismatchLabelKeys'),
  };
}

function termProblem(term: Term, w: Workload, obj: KubeObject, ctx: RuleContext): Problem | undefined {
  if (!isRecord(term.raw)) return { why: 'it is not a mapping', path: term.path };
  const t = term.raw;
  const key = keyProblem(t.topologyKey);
  if (key) return { why: key, path: t.topologyKey === undefined ? term.path : join(term.path, 'topologyKey') };
  return (
    selectorProblem(t, term.path, w) ??
    (term.anti ? (namespaceProblem(t, term.path, obj, ctx) ?? mismatchProblem(t, term.path, w)) : undefined)
  );
}

export const rule = defineRule({
  id: 'spread-missing',
  title: 'Replicas are not spread across nodes or zones',
  category: 'resilience',
  severity: 'low',
  appliesTo: ['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'Rollout'],
  needs: 'scope',
  description:
    "Replicas only help if they fail independently. Without a topology spread constraint or pod anti-affinity term that spreads the workload's own pods, the scheduler's default spreading is a soft preference that bin-packing, autoscaler scale-down and rescheduling after drains easily override, so all replicas can land on one node or in one zone and go down together. A constraint or term counts when its labelSelector selects the workload's own pods (its pod template labels; matchLabelKeys take their values from the pod itself, mismatchLabelKeys on the pods' own labels exclude them, and an anti-affinity term must look at the workload's namespace) and its topologyKey is a node or zone: kubernetes.io/hostname, topology.kubernetes.io/zone or the legacy failure-domain.beta.kubernetes.io/zone. A missing labelSelector selects no pods. Region keys do not count (a cluster normally runs in one region), nor do other keys under the Kubernetes-reserved prefixes (kubernetes.io/arch, node.kubernetes.io/instance-type, typos such as topology.kubernetes.io/hostname), which no node carries as a failure domain; keys outside those prefixes (topology.gke.io/zone, a rack label) are taken as the cluster's own failure domains. Checked on workloads that run two or more replicas (spec.replicas, or an HPA's maxReplicas).",
  remediation:
    'Add topologySpreadConstraints that select the pod template labels, e.g. `topologySpreadConstraints: [{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: web}}}, {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: web}}}]`, or a podAntiAffinity term on kubernetes.io/hostname whose labelSelector matches the pods themselves.',
  references: [
    {
      title: 'Kubernetes: Pod Topology Spread Constraints',
      url: 'https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/',
    },
    {
      title: 'Kubernetes: Inter-pod affinity and anti-affinity',
      url: 'https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#inter-pod-affinity-and-anti-affinity',
    },
    {
      title: 'Kubernetes: Well-Known Labels, Annotations and Taints',
      url: 'https://kubernetes.io/docs/reference/labels-annotations-taints/',
    },
  ],
  check(obj, ctx) {
    const w = ctx.workload;
    // A ReplicaSet owned by a Deployment is judged through its Deployment.
    if (!w || isControlled(obj)) return undefined;
    const range = replicaRange(w, ctx);
    if (!range || range.max < 2) return undefined;
    const count = range.min === range.max ? `${range.max} replicas` : `up to ${range.max} replicas (HPA)`;
    const terms = termsOf(w);
    if (terms.length === 0)
      return [
        {
          message: `${kindName(obj)} runs ${count} with no topologySpreadConstraints or podAntiAffinity`,
          path: w.podSpecPath,
        },
      ];
    const problems: Array<{ term: Term; problem: Problem }> = [];
    for (const term of terms) {
      const problem = termProblem(term, w, obj, ctx);
      if (!problem) return undefined;
      problems.push({ term, problem });
    }
    const first = problems[0] as { problem: Problem };
    return [
      {
        message: `${kindName(obj)} runs ${count}, but no topologySpreadConstraint or podAntiAffinity term spreads its own pods across nodes or zones: ${problems.map(({ term, problem }) => `${term.label}: ${problem.why}`).join('; ')}`,
        path: first.problem.path,
      },
    ];
  },
});
