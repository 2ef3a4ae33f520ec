import { getAt } from '../../model/pointer.js';
import { defineRule } from '../rule.js';
import { hpasFor, isRecord, kindName } from './shared.js';

export const rule = defineRule({
  id: 'single-replica',
  title: 'Workload runs a single replica',
  category: 'resilience',
  severity: 'medium',
  appliesTo: ['Deployment', 'StatefulSet'],
  needs: 'scope',
  description:
    'A Deployment or StatefulSet with one replica (spec.replicas unset means 1) is down whenever its only pod is: during every rollout of a StatefulSet, every node drain, node failure, eviction or OOM kill. A HorizontalPodAutoscaler in scope with minReplicas of 2 or more counts as enough replicas.',
  remediation:
    'Run at least two replicas: `spec: {replicas: 2}` (or 3 to survive one zone), or let a HorizontalPodAutoscaler own the count with `spec: {minReplicas: 2}` and leave spec.replicas unset. Pair it with a PodDisruptionBudget (`spec: {maxUnavailable: 1}`).',
  references: [
    {
      title: 'Kubernetes: Deployments, replicas',
      url: 'https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#replicas',
    },
    { title: 'Kubernetes: Disruptions', url: 'https://kubernetes.io/docs/concepts/workloads/pods/disruptions/' },
  ],
  check(obj, ctx) {
    const w = ctx.workload;
    // A spec that is not a mapping is broken, not single-replica.
    if (w?.replicas !== 1 || !isRecord(obj.raw.spec)) return undefined;
    // An HPA with minReplicas >= 2 overrides spec.replicas; an HPA that may go
    // down to one replica is reported by hpa-min-replicas-low as well.
    const hpas = hpasFor(obj, ctx);
    if (hpas.some((h) => (h.min ?? 0) >= 2)) return undefined;
    const low = hpas[0];
    const hpaNote = low ? `; ${kindName(low.hpa)} has minReplicas ${low.min ?? 'that is not a number'}` : '';
    const written = getAt(obj.raw, '/spec/replicas');
    return [
      written === undefined || written === null
        ? {
            message: `${kindName(obj)} runs 1 replica (spec.replicas is not set and defaults to 1${hpaNote})`,
            path: '/spec',
          }
        : {
            message: `${kindName(obj)} runs 1 replica (spec.replicas: ${String(written)}${hpaNote})`,
            path: '/spec/replicas',
          },
    ];
  },
});
