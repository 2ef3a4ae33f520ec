import { defineRule } from '../rule.js';
import { intOf, kindName, rec, shown } from './shared.js';

export const rule = defineRule({
  id: 'hpa-min-replicas-low',
  title: 'HorizontalPodAutoscaler may scale down to one replica',
  category: 'resilience',
  severity: 'medium',
  appliesTo: ['HorizontalPodAutoscaler'],
  needs: 'object',
  cel: {
    matchKinds: ['HorizontalPodAutoscaler'],
    validations: [
      {
        expression: 'has(object.spec.minReplicas) && object.spec.minReplicas >= 2',
        message: 'spec.minReplicas must be at least 2 (unset means 1)',
      },
    ],
  },
  description:
    'An HPA owns the replica count of its target. With minReplicas below 2 (unset means 1) every quiet period scales the workload down to a single pod, which is then a single point of failure: one eviction, node drain or crash is an outage, and a PodDisruptionBudget cannot help. minReplicas 0 (scale to zero) is reported at low severity, since it is usually a deliberate choice for idle workloads.',
  remediation:
    "Set `spec: {minReplicas: 2}` (3 to survive the loss of a zone) and keep maxReplicas above it; leave the target's spec.replicas unset so the HPA alone owns the count.",
  references: [
    {
      title: 'Kubernetes: Horizontal Pod Autoscaling',
      url: 'https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/',
    },
    {
      title: 'Kubernetes API: HorizontalPodAutoscalerSpec',
      url: 'https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/horizontal-pod-autoscaler-v2/#HorizontalPodAutoscalerSpec',
    },
  ],
  check(obj) {
    const spec = rec(obj.raw.spec);
    const raw = spec.minReplicas;
    if (raw === undefined || raw === null)
      return [{ message: `${kindName(obj)} has no minReplicas, which defaults to 1`, path: '/spec' }];
    const min = intOf(raw);
    if (min === undefined || min >= 2) return undefined;
    return [
      {
        message:
          min === 0
            ? `${kindName(obj)} has minReplicas ${shown(raw)}: it scales its target to zero`
            : `${kindName(obj)} has minReplicas ${shown(raw)}: it scales its target down to ${min} replica`,
        path: '/spec/minReplicas',
        ...(min === 0 ? { severity: 'low' as const } : {}),
      },
    ];
  },
});
