import { defineRule } from '../rule.js';
import { isControlled, kindName, rec, replicaRange } from './shared.js';

function nonEmpty(v: unknown): boolean {
  return Array.isArray(v) && v.length > 0;
}

export const rule = defineRule({
  id: 'spread-missing',
  title: 'Replicas are not spread across nodes or zones',
  category: 'resilience',
  severity: 'low',
  appliesTo: ['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'Rollout'],
  needs: 'scope',
  description:
    "Replicas only help if they fail independently. Without topologySpreadConstraints or pod anti-affinity, the scheduler's default spreading is a soft preference that bin-packing, autoscaler scale-down and rescheduling after drains easily override, so all replicas can land on one node or in one zone and go down together. Checked on workloads that run two or more replicas (spec.replicas, or an HPA's maxReplicas).",
  remediation:
    'Add topologySpreadConstraints to the pod template, e.g. `topologySpreadConstraints: [{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: web}}}, {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: web}}}]`, or a podAntiAffinity on kubernetes.io/hostname.',
  references: [
    {
      title: 'Kubernetes: Pod Topology Spread Constraints',
      url: 'https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/',
    },
    {
      title: 'Kubernetes: Inter-pod affinity and anti-affinity',
      url: 'https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#inter-pod-affinity-and-anti-affinity',
    },
  ],
  check(obj, ctx) {
    const w = ctx.workload;
    // A ReplicaSet owned by a Deployment is judged through its Deployment.
    if (!w || isControlled(obj)) return undefined;
    const range = replicaRange(w, ctx);
    if (!range || range.max < 2) return undefined;
    if (nonEmpty(w.podSpec.topologySpreadConstraints)) return undefined;
    const anti = rec(rec(w.podSpec.affinity).podAntiAffinity);
    if (
      nonEmpty(anti.requiredDuringSchedulingIgnoredDuringExecution) ||
      nonEmpty(anti.preferredDuringSchedulingIgnoredDuringExecution)
    )
      return undefined;
    const count = range.min === range.max ? `${range.max} replicas` : `up to ${range.max} replicas (HPA)`;
    return [
      {
        message: `${kindName(obj)} runs ${count} with no topologySpreadConstraints or podAntiAffinity`,
        path: w.podSpecPath,
      },
    ];
  },
});
