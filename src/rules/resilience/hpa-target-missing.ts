import { defineRule } from '../rule.js';
import { kindName, nsLabel, nsOf, rec } from './shared.js';

export const rule = defineRule({
  id: 'hpa-target-missing',
  title: 'HorizontalPodAutoscaler targets an object that does not exist',
  category: 'resilience',
  severity: 'medium',
  appliesTo: ['HorizontalPodAutoscaler'],
  needs: 'scope',
  description:
    'An HPA whose scaleTargetRef names no object in its namespace scales nothing: the workload it was meant for runs at its fixed spec.replicas and does not absorb load. Typical causes are a renamed Deployment, a wrong kind (Deployment vs StatefulSet) or a Kustomize name prefix applied to the workload but not to the reference. Only objects in the same scan scope are considered.',
  remediation:
    'Point spec.scaleTargetRef at the workload in the same namespace, with its exact kind, name and API group, e.g. `scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}`, or delete the HPA.',
  references: [
    {
      title: 'Kubernetes: Horizontal Pod Autoscaling',
      url: 'https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/',
    },
    {
      title: 'Kubernetes API: CrossVersionObjectReference',
      url: 'https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/horizontal-pod-autoscaler-v2/#HorizontalPodAutoscalerSpec',
    },
  ],
  check(obj, ctx) {
    const ref = rec(rec(obj.raw.spec).scaleTargetRef);
    const hpa = kindName(obj);
    if (typeof ref.kind !== 'string' || typeof ref.name !== 'string' || ref.kind === '' || ref.name === '')
      return [{ message: `${hpa} has no scaleTargetRef kind and name`, path: '/spec' }];
    const ns = nsOf(obj);
    if (ctx.scope.find(ref.kind, ref.name, ns).length > 0) return undefined;
    // A scalable workload of the same name but another kind is the usual mistake.
    const other = ctx.scope
      .workloads()
      .find((w) => w.replicas !== undefined && w.object.name === ref.name && nsOf(w.object) === ns);
    const hint = other ? ` (there is a ${other.kind} of that name)` : '';
    return [
      {
        message: `${hpa} targets ${ref.kind} "${ref.name}", which does not exist in ${nsLabel(ns)}${hint}`,
        path: '/spec/scaleTargetRef',
      },
    ];
  },
});
