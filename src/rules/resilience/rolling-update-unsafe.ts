import type { KubeObject } from '../../model/kube-object.js';
import type { Workload } from '../../model/workload.js';
import { defineRule, type RuleContext, type RuleHit } from '../rule.js';
import { isControlled, kindName, nearestPath, parseIntOrPercent, rec, replicaRange, scaled, shown } from './shared.js';

/** The API server's default for both maxUnavailable and maxSurge. */
const DEFAULT_PERCENT = '25%';

function plural(n: number): string {
  return `${n} replica${n === 1 ? '' : 's'}`;
}

function deployment(obj: KubeObject, w: Workload, ctx: RuleContext): RuleHit[] | undefined {
  const strategy = rec(rec(obj.raw.spec).strategy);
  const range = replicaRange(w, ctx);
  if (!range || range.max < 1) return undefined;
  if (strategy.type === 'Recreate') {
    if (range.max < 2) return undefined;
    return [
      {
        message: `${kindName(obj)} uses the Recreate strategy with ${plural(range.max)}: every rollout stops all of them before starting new ones`,
        path: '/spec/strategy/type',
        severity: 'low',
      },
    ];
  }
  if (strategy.type !== undefined && strategy.type !== null && strategy.type !== 'RollingUpdate') return undefined;
  const ru = rec(strategy.rollingUpdate);
  const unavailRaw = ru.maxUnavailable ?? DEFAULT_PERCENT;
  const surgeRaw = ru.maxSurge ?? DEFAULT_PERCENT;
  const unavailSpec = parseIntOrPercent(unavailRaw);
  const surgeSpec = parseIntOrPercent(surgeRaw);
  if (!unavailSpec || !surgeSpec) return undefined;
  // Judge at the smallest count the workload runs (an HPA's minReplicas): it is the worst case.
  const replicas = range.min;
  if (replicas < 1) return undefined;
  // The Deployment controller's fenceposts: surge rounds up, unavailable
  // rounds down, and when both come to 0 unavailable becomes 1.
  const surge = scaled(surgeSpec, replicas, true);
  let unavailable = scaled(unavailSpec, replicas, false);
  const given = (v: unknown) => (v === undefined || v === null ? `${DEFAULT_PERCENT} (default)` : shown(v));
  let why = `maxUnavailable ${given(ru.maxUnavailable)}`;
  const fencepost = surge === 0 && unavailable === 0;
  if (fencepost) {
    unavailable = 1;
    why = `maxSurge ${given(ru.maxSurge)} and maxUnavailable ${given(ru.maxUnavailable)} (Kubernetes then allows 1 unavailable)`;
  }
  if (unavailable < replicas) return undefined;
  const path =
    !fencepost && ru.maxUnavailable !== undefined && ru.maxUnavailable !== null
      ? '/spec/strategy/rollingUpdate/maxUnavailable'
      : nearestPath(obj.raw, '', ['spec', 'strategy', 'rollingUpdate']);
  return [
    {
      message: `${kindName(obj)} has ${why} with ${plural(replicas)}: a rollout may take every replica down at once`,
      path,
    },
  ];
}

function statefulSet(obj: KubeObject, w: Workload, ctx: RuleContext): RuleHit[] | undefined {
  const us = rec(rec(obj.raw.spec).updateStrategy);
  if (us.type !== undefined && us.type !== null && us.type !== 'RollingUpdate') return undefined;
  const raw = rec(us.rollingUpdate).maxUnavailable;
  const spec = parseIntOrPercent(raw);
  const range = replicaRange(w, ctx);
  if (!spec || !range || range.min < 2) return undefined;
  // The StatefulSet controller rounds up and never goes below 1.
  const unavailable = Math.max(1, scaled(spec, range.min, true));
  if (unavailable < range.min) return undefined;
  return [
    {
      message: `${kindName(obj)} has maxUnavailable ${shown(raw)} with ${plural(range.min)}: a rollout may take every replica down at once`,
      path: '/spec/updateStrategy/rollingUpdate/maxUnavailable',
    },
  ];
}

function daemonSet(obj: KubeObject): RuleHit[] | undefined {
  const us = rec(rec(obj.raw.spec).updateStrategy);
  if (us.type !== undefined && us.type !== null && us.type !== 'RollingUpdate') return undefined;
  const raw = rec(us.rollingUpdate).maxUnavailable;
  const spec = parseIntOrPercent(raw);
  // The node count is unknown here, so only a percentage can be judged.
  if (spec?.type !== 'percent' || spec.value < 100) return undefined;
  return [
    {
      message: `${kindName(obj)} has maxUnavailable ${shown(raw)}: a rollout may take its pod down on every node at once`,
      path: '/spec/updateStrategy/rollingUpdate/maxUnavailable',
    },
  ];
}

export const rule = defineRule({
  id: 'rolling-update-unsafe',
  title: 'Rollout can take every replica down',
  category: 'resilience',
  severity: 'medium',
  appliesTo: ['Deployment', 'StatefulSet', 'DaemonSet'],
  needs: 'scope',
  description:
    'A rolling update whose maxUnavailable (after Kubernetes rounds it) reaches the replica count may stop every old pod before a new one is ready, so each rollout is an outage, and a broken release leaves nothing serving. Deployments are judged with the rounding of the Deployment controller (maxUnavailable rounds down, maxSurge up, and 0/0 becomes 1 unavailable) at the smallest replica count (an HPA\'s minReplicas when one targets it); StatefulSets by their maxUnavailable; DaemonSets when maxUnavailable is "100%". A Recreate strategy on a Deployment with two or more replicas is the same outage by design and is reported at low severity.',
  remediation:
    'Keep capacity during rollouts: `strategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 0, maxSurge: 1}}` (or maxUnavailable "25%" with 4 or more replicas). Use Recreate only when two versions must never run together (e.g. a ReadWriteOnce volume), and accept the downtime knowingly.',
  references: [
    {
      title: 'Kubernetes: Deployment strategy',
      url: 'https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#strategy',
    },
    {
      title: 'Kubernetes: Perform a Rolling Update on a DaemonSet',
      url: 'https://kubernetes.io/docs/tasks/manage-daemon/update-daemon-set/',
    },
    {
      title: 'Kubernetes: StatefulSet rolling updates, maximum unavailable Pods',
      url: 'https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#maximum-unavailable-pods',
    },
  ],
  check(obj, ctx) {
    const w = ctx.workload;
    if (!w || isControlled(obj)) return undefined;
    if (obj.kind === 'Deployment') return deployment(obj, w, ctx);
    if (obj.kind === 'StatefulSet') return statefulSet(obj, w, ctx);
    if (obj.kind === 'DaemonSet') return daemonSet(obj);
    return undefined;
  },
});
