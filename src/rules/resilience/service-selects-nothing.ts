import { stringMap } from '../../model/kube-object.js';
import { matchesMapSelector } from '../../model/selector.js';
import { defineRule } from '../rule.js';
import {
  candidatesFor,
  formatLabels,
  kindName,
  nsLabel,
  nsOf,
  objectLabelHint,
  operatorPodsByNamespace,
  rec,
  workloadsByNamespace,
} from './shared.js';

export const rule = defineRule({
  id: 'service-selects-nothing',
  title: 'Service selects no pods',
  category: 'resilience',
  severity: 'medium',
  appliesTo: ['Service'],
  needs: 'scope',
  description:
    "A Service whose selector matches the pod labels of no workload in its namespace has no endpoints: clients get connection refused or time out. Common causes are a typo in a label, a selector copied from the Deployment's own labels instead of its pod template, or a workload in another namespace. Services without a selector (endpoints managed by hand) and ExternalName Services are skipped. Only workloads in the same scan scope are considered, with the pods that known operators make from custom resources there (prometheus-operator's Prometheus, Alertmanager and ThanosRuler, and those declared in config `operatorWorkloads`).",
  remediation:
    'Make spec.selector equal to (a subset of) the pod template labels of the workload in the same namespace, e.g. `selector: {app: web}` with `template: {metadata: {labels: {app: web}}}`.',
  references: [
    {
      title: 'Kubernetes: Service',
      url: 'https://kubernetes.io/docs/concepts/services-networking/service/#defining-a-service',
    },
    {
      title: 'Kubernetes: Debug Services',
      url: 'https://kubernetes.io/docs/tasks/debug/debug-application/debug-service/#does-the-service-have-any-endpoints',
    },
  ],
  check(obj, ctx) {
    const spec = rec(obj.raw.spec);
    if (spec.type === 'ExternalName') return undefined;
    const selector = stringMap(spec.selector);
    if (Object.keys(selector).length === 0) return undefined;
    const ns = nsOf(obj);
    if (candidatesFor(ctx, ns, selector).some((w) => matchesMapSelector(selector, w.podLabels))) return undefined;
    const operatorPods = operatorPodsByNamespace(ctx).get(ns) ?? [];
    if (operatorPods.some((w) => matchesMapSelector(selector, w.pods.labels))) return undefined;
    const candidates = workloadsByNamespace(ctx).get(ns) ?? [];
    const hint = objectLabelHint(candidates, (labels) => matchesMapSelector(selector, labels));
    return [
      {
        message: `${kindName(obj)} selects ${formatLabels(selector)} but no workload in ${nsLabel(ns)} has pods with those labels${hint}`,
        path: '/spec/selector',
      },
    ];
  },
});
