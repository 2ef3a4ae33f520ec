import { defineRule } from '../rule.js';
import {
  hpasFor,
  isControlled,
  isRecord,
  kindName,
  parseIntOrPercent,
  pdbSelector,
  rec,
  replicaRange,
  scaled,
  shown,
  workloadsSelectedBy,
} from './shared.js';

const BLOCKS = 'so no pod can be evicted and node drains hang';

export const rule = defineRule({
  id: 'pdb-blocks-eviction',
  title: 'PodDisruptionBudget allows no voluntary disruption',
  category: 'resilience',
  severity: 'high',
  appliesTo: ['PodDisruptionBudget'],
  needs: 'scope',
  description:
    'A PodDisruptionBudget with maxUnavailable 0 (or "0%"), minAvailable "100%", a minAvailable at or above the replica count of what it selects, or neither field (the API server accepts it, and the disruption controller then expects no pods and keeps disruptionsAllowed at 0) never allows an eviction. `kubectl drain`, cluster upgrades and the cluster autoscaler then wait forever on its nodes, and operators end up force-deleting pods, which is the disruption the budget meant to prevent. The replica count is the workload\'s spec.replicas, or its HorizontalPodAutoscaler\'s minReplicas.',
  remediation:
    'Allow at least one pod to go: `spec: {maxUnavailable: 1}` (or a percentage such as "25%"), or a minAvailable strictly below the replica count (e.g. `minAvailable: 2` for 3 replicas). Run more replicas rather than forbidding disruption.',
  references: [
    {
      title: 'Kubernetes: Specifying a Disruption Budget',
      url: 'https://kubernetes.io/docs/tasks/run-application/configure-pdb/#think-about-how-your-application-reacts-to-disruptions',
    },
    {
      title: 'Kubernetes: Safely Drain a Node',
      url: 'https://kubernetes.io/docs/tasks/administer-cluster/safely-drain-node/',
    },
  ],
  check(obj, ctx) {
    const spec = rec(obj.raw.spec);
    const pdb = kindName(obj);
    const unset = (v: unknown) => v === undefined || v === null;
    // The API server accepts a budget with neither field, but the disruption
    // controller then expects no pods and keeps disruptionsAllowed at 0.
    if (isRecord(obj.raw.spec) && unset(spec.minAvailable) && unset(spec.maxUnavailable))
      return [
        {
          message: `${pdb} sets neither minAvailable nor maxUnavailable: the disruption controller then allows no disruption, ${BLOCKS}`,
          path: '/spec',
        },
      ];
    const maxU = parseIntOrPercent(spec.maxUnavailable);
    if (maxU && maxU.value === 0)
      return [
        { message: `${pdb} has maxUnavailable ${shown(spec.maxUnavailable)}, ${BLOCKS}`, path: '/spec/maxUnavailable' },
      ];
    if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) return undefined;
    const minA = parseIntOrPercent(spec.minAvailable);
    if (!minA) return undefined;
    if (minA.type === 'percent' && minA.value >= 100)
      return [
        { message: `${pdb} has minAvailable ${shown(spec.minAvailable)}, ${BLOCKS}`, path: '/spec/minAvailable' },
      ];
    const sel = pdbSelector(obj);
    if (!sel.ok || !sel.selector) return undefined;
    // Count the pods it expects the way the disruption controller does: the
    // scale of each controller (a controlled ReplicaSet or Pod is counted
    // through its owner), one per bare Pod. Kinds without a fixed count
    // (DaemonSet, Job) make the total unknown.
    let total = 0;
    const names: string[] = [];
    const selected = workloadsSelectedBy(obj, sel.selector, ctx).filter((w) => !isControlled(w.object));
    if (selected.length === 0) return undefined;
    for (const w of selected) {
      if (w.kind === 'Pod') total += 1;
      else {
        const range = replicaRange(w, ctx);
        if (!range) return undefined;
        total += range.min;
      }
      names.push(
        w.kind !== 'Pod' && hpasFor(w.object, ctx).length > 0
          ? `${kindName(w.object)} at its HPA minimum`
          : kindName(w.object),
      );
    }
    if (total === 0) return undefined;
    const need = scaled(minA, total, true);
    if (need < total) return undefined;
    return [
      {
        message: `${pdb} has minAvailable ${shown(spec.minAvailable)} and selects ${total} pod${total === 1 ? '' : 's'} (${names.join(', ')}), ${BLOCKS}`,
        path: '/spec/minAvailable',
      },
    ];
  },
});
