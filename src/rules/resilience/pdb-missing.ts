import { matchesSelector } from '../../model/selector.js';
import { defineRule } from '../rule.js';
import { formatLabels, isControlled, kindName, nsLabel, nsOf, pdbsWithSelectors, replicaRange } from './shared.js';

export const rule = defineRule({
  id: 'pdb-missing',
  title: 'Replicated workload has no PodDisruptionBudget',
  category: 'resilience',
  severity: 'medium',
  appliesTo: ['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'Rollout'],
  needs: 'scope',
  description:
    'Without a PodDisruptionBudget, a node drain (cluster upgrade, autoscaler scale-down) may evict every replica of a workload at once, so replicas alone do not keep it available through voluntary disruptions. The rule looks for a PodDisruptionBudget in the same namespace and scope whose selector matches the pod template labels.',
  remediation:
    'Add a PodDisruptionBudget in the same namespace that selects the pod template labels, e.g. `apiVersion: policy/v1, kind: PodDisruptionBudget, spec: {maxUnavailable: 1, selector: {matchLabels: {app: web}}}`. Prefer maxUnavailable over minAvailable so that it keeps working when the replica count changes.',
  references: [
    {
      title: 'Kubernetes: Specifying a Disruption Budget',
      url: 'https://kubernetes.io/docs/tasks/run-application/configure-pdb/',
    },
    {
      title: 'Kubernetes: Pod disruption budgets',
      url: 'https://kubernetes.io/docs/concepts/workloads/pods/disruptions/#pod-disruption-budgets',
    },
  ],
  check(obj, ctx) {
    const w = ctx.workload;
    // A ReplicaSet owned by a Deployment is judged through its Deployment.
    if (!w || isControlled(obj)) return undefined;
    const range = replicaRange(w, ctx);
    if (!range || range.max < 2) return undefined;
    const ns = nsOf(obj);
    const covered = pdbsWithSelectors(ctx).some(
      ({ pdb, selector }) => nsOf(pdb) === ns && matchesSelector(selector, w.podLabels),
    );
    if (covered) return undefined;
    const count = range.min === range.max ? `${range.max} replicas` : `${range.min}-${range.max} replicas (HPA)`;
    return [
      {
        message: `${kindName(obj)} runs ${count} and no PodDisruptionBudget in ${nsLabel(ns)} selects its pods (${formatLabels(w.podLabels) || 'no pod labels'})`,
      },
    ];
  },
});
